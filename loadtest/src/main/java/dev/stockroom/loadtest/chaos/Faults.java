package dev.stockroom.loadtest.chaos;

import dev.stockroom.loadtest.Failures;
import dev.stockroom.loadtest.system.ServiceProcess;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The faults of a chaos run, one after the other with a pause between, each recorded in the {@link
 * History} from its injection until the system is whole again (the killed JVM ready, the broker or
 * database back). Every round injects every kind once.
 */
final class Faults {
  static final List<String> KINDS =
      List.of(
          "kill-inventory",
          "kill-relay-leader",
          "kill-orders",
          "restart-orders",
          "restart-relay-leader",
          "kafka-stop",
          "users-down",
          "postgres-restart",
          "kill-users",
          "rebalance");

  private final ChaosFleet fleet;
  private final History history;
  private final Duration down;
  private final Duration gap;
  private final Consumer<String> say;
  private ServiceProcess joined;
  private final java.util.Map<String, Integer> killed = new java.util.HashMap<>();

  Faults(ChaosFleet fleet, History history, Duration down, Duration gap, Consumer<String> say) {
    this.fleet = fleet;
    this.history = history;
    this.down = down;
    this.gap = gap;
    this.say = say;
  }

  /** Blocking: {@code rounds} times every kind; returns when the last fault has healed. */
  void run(int rounds) {
    for (int round = 0; round < rounds; round++) {
      for (String kind : KINDS) {
        pause(gap);
        inject(kind);
      }
    }
  }

  private void inject(String kind) {
    double start = history.nowMs();
    String what = kind;
    String outcome = "healed";
    try {
      what = apply(kind);
    } catch (RuntimeException e) {
      outcome = "FAILED: " + Failures.rootMessage(e);
    }
    double end = history.nowMs();
    history.add(new History.Fault(kind, what, start, end, outcome));
    say.accept(
        String.format(
            java.util.Locale.ROOT,
            "  t=%5.1f s  %-18s %s (%s, %.1f s)",
            start / 1000,
            kind,
            what,
            outcome,
            (end - start) / 1000));
  }

  private String apply(String kind) {
    return switch (kind) {
      case "kill-inventory" -> killAndRestart(next("inventory"));
      case "kill-orders" -> killAndRestart(next("orders"));
      case "kill-users" -> killAndRestart(next("users"));
      case "kill-relay-leader" -> killAndRestart(relayLeader());
      case "restart-orders" -> restartOrderly(next("orders"));
      case "restart-relay-leader" -> restartOrderly(relayLeader());
      case "kafka-stop" -> {
        fleet.infra().kafka().stop();
        pause(down);
        fleet.infra().kafka().restart();
        yield "Kafka stopped for " + down.toSeconds() + " s, started again";
      }
      case "users-down" -> {
        List<ServiceProcess> users = fleet.instances("users");
        users.forEach(fleet::kill);
        pause(down);
        users.forEach(ServiceProcess::start);
        users.forEach(fleet::restart);
        yield "every users instance killed for " + down.toSeconds() + " s, restarted";
      }
      case "postgres-restart" -> {
        fleet.infra().restartPostgres();
        yield "PostgreSQL fast shutdown and start";
      }
      case "rebalance" -> rebalance();
      default -> throw new IllegalArgumentException(kind);
    };
  }

  private ServiceProcess next(String service) {
    // Each service's instances in turn: every round kills a different one.
    List<ServiceProcess> all = fleet.instances(service);
    int n = killed.merge(service, 1, Integer::sum) - 1;
    return all.get(n % all.size());
  }

  private ServiceProcess relayLeader() {
    return fleet
        .relayLeader()
        .orElseThrow(() -> new IllegalStateException("no users instance leads the relay"));
  }

  /**
   * A rolling restart's step under load (SIGTERM, the orderly stop, started again): it must cost no
   * request, and the instance must be gone within what it promises (see {@link Availability}).
   */
  private String restartOrderly(ServiceProcess p) {
    java.util.Optional<Duration> stopped = fleet.stopOrderly(p);
    fleet.restart(p);
    if (stopped.isEmpty()) {
      throw new IllegalStateException(
          p.name() + " was still running " + ChaosFleet.ORDERLY_STOP + " after SIGTERM: killed");
    }
    return String.format(
        java.util.Locale.ROOT,
        "%s stopped by SIGTERM in %.1f s, started again",
        p.name(),
        stopped.get().toMillis() / 1000.0);
  }

  private String killAndRestart(ServiceProcess p) {
    fleet.kill(p);
    pause(down);
    fleet.restart(p);
    return p.name() + " SIGKILLed, restarted after " + down.toSeconds() + " s";
  }

  /** An inventory instance joins the consumer group; the next time, it leaves it (SIGTERM). */
  private String rebalance() {
    if (joined == null) {
      joined = fleet.join("inventory");
      return joined.name() + " joined inventory's consumer group";
    }
    fleet.leave(joined);
    String name = joined.name();
    joined = null;
    return name + " left inventory's consumer group (SIGTERM)";
  }

  /** Blocks the orchestrating thread (never an event loop) for {@code d}. */
  static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
