package dev.stockroom.launcher;

import dev.stockroom.common.config.ConfigException;
import dev.stockroom.common.config.Env;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.service.ServiceRunner;
import dev.stockroom.common.service.ServiceSpec;
import dev.stockroom.inventory.InventoryService;
import dev.stockroom.orders.OrdersService;
import dev.stockroom.users.UsersService;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The whole system in this JVM: {@link Infrastructure}, the local identity provider's keys ({@link
 * JwksServer}) and users, inventory and orders, each on its own Vert.x instance, database and port,
 * started exactly as their jars start them. Stops in reverse dependency order: orders, inventory,
 * users, then Kafka, then PostgreSQL.
 */
final class LocalSystem implements AutoCloseable {
  private static final long START_TIMEOUT_SECONDS = 120;

  private record Service(
      String name,
      int port,
      ServiceSpec<?> spec,
      Function<Env, Future<RunningService>> starter,
      Class<?> main) {}

  private final Infrastructure infra;
  private final JwksServer jwks;
  private final ServiceEnv.Wiring wiring;
  private final Progress progress;
  private final List<RunningService> started; // in start order
  private final LocalInstances instances = new LocalInstances();
  private boolean closed;

  private LocalSystem(
      Infrastructure infra,
      JwksServer jwks,
      ServiceEnv.Wiring wiring,
      Progress progress,
      List<RunningService> started) {
    this.infra = infra;
    this.jwks = jwks;
    this.wiring = wiring;
    this.progress = progress;
    this.started = started;
  }

  /**
   * Blocking. Configuration problems ({@link ConfigException}) and taken service ports are found
   * before anything starts; a failure later stops whatever did start.
   */
  static LocalSystem start(LauncherOptions options, Progress progress) {
    LauncherOptions.Ports ports = options.ports();
    List<Service> services =
        List.of(
            new Service(
                "users", ports.users(), UsersService.SPEC, UsersService::start, UsersService.class),
            new Service(
                "inventory",
                ports.inventory(),
                InventoryService.SPEC,
                InventoryService::start,
                InventoryService.class),
            new Service(
                "orders",
                ports.orders(),
                OrdersService.SPEC,
                OrdersService::start,
                OrdersService.class));
    for (Service s : services) {
      for (int k = 0; k <= (options.instances() > 1 ? options.instances() : 0); k++) {
        int port = LocalInstances.port(s.port(), k);
        if (!Ports.isFree(port)) {
          throw new StartupException(
              "port " + port + " (" + s.name() + ") is already in use: stop what listens there");
        }
      }
    }
    // Validate each service's whole configuration (the platform's and its own) from the
    // passed-through environment with placeholder infrastructure addresses, so a malformed knob
    // fails in milliseconds rather than after PostgreSQL and Kafka have started.
    DevKeys keys = DevKeys.loadOrCreate(options.dataDir());
    ServiceEnv.Wiring placeholder =
        new ServiceEnv.Wiring(
            "localhost:9092",
            ports.users(),
            ports.inventory(),
            ports.orders(),
            "http://localhost:8090" + JwksServer.PATH,
            keys);
    for (Service s : services) {
      String pg = "postgresql://localhost:5432/" + s.name();
      s.spec()
          .configure(
              new Env(
                  ServiceEnv.forService(options.baseEnv(), s.name(), s.port(), pg, placeholder)));
    }

    Infrastructure infra = Infrastructure.start(options, progress);
    JwksServer jwks;
    try {
      jwks = progress.step("JWKS", () -> JwksServer.start(keys.jwks(), ports.jwks()), j -> j.url());
    } catch (RuntimeException e) {
      infra.close();
      throw e;
    }
    ServiceEnv.Wiring wiring =
        new ServiceEnv.Wiring(
            infra.kafka().bootstrapServers(),
            ports.users(),
            ports.inventory(),
            ports.orders(),
            jwks.url(),
            keys);
    LocalSystem system = new LocalSystem(infra, jwks, wiring, progress, new ArrayList<>());
    try {
      // One after the other: users first, as it owns users.v1, which the others replicate from.
      // Starting inventory and orders together saves half a second but has them create topics at
      // the same moment, and a topic is briefly unknown to the broker right after its creation.
      for (Service s : services) {
        if (options.instances() > 1) {
          system.startInstances(options, s);
        } else {
          system.startOne(options, s);
        }
      }
      return system;
    } catch (RuntimeException e) {
      system.close();
      throw e;
    }
  }

  /** Blocks until the service is up; a failure is thrown after the service cleaned up itself. */
  private void startOne(LauncherOptions options, Service s) {
    Progress.Step step = progress.start(s.name());
    Env env =
        new Env(
            ServiceEnv.forService(
                options.baseEnv(), s.name(), s.port(), infra.postgres().uri(s.name()), wiring));
    try {
      RunningService running =
          s.starter()
              .apply(env)
              .toCompletionStage()
              .toCompletableFuture()
              .get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      started.add(running);
      step.done("up on " + running.port());
    } catch (ExecutionException | TimeoutException | InterruptedException | ConfigException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      step.done("failed: " + Infrastructure.rootMessage(cause));
      if (cause instanceof ConfigException config) {
        throw config; // exit code 2, like the service jar
      }
      throw new StartupException(
          s.name() + " did not start: " + Infrastructure.rootMessage(cause), cause);
    }
  }

  /** {@code --instances N}: N JVMs of the service behind a balancer on its port. */
  private void startInstances(LauncherOptions options, Service s) {
    Map<Integer, Map<String, String>> envByPort = new HashMap<>();
    for (int k = 1; k <= options.instances(); k++) {
      int port = LocalInstances.port(s.port(), k);
      envByPort.put(
          port,
          ServiceEnv.forService(
              options.baseEnv(), s.name(), port, infra.postgres().uri(s.name()), wiring));
    }
    instances.start(
        s.name(),
        s.main().getName(),
        s.port(),
        options.instances(),
        envByPort,
        options.dataDir().resolve("logs"),
        progress);
  }

  /** The instances' JVMs with {@code --instances N}; none with one instance of each. */
  List<LocalInstances.Instance> instances() {
    return instances.instances();
  }

  Infrastructure infrastructure() {
    return infra;
  }

  ServiceEnv.Wiring wiring() {
    return wiring;
  }

  /** Idempotent; safe from a signal handler and from a shutdown hook. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (int i = started.size() - 1; i >= 0; i--) {
      RunningService service = started.get(i);
      Progress.Step step = progress.start("stopping " + service.name());
      try {
        ServiceRunner.stopAndWait(service);
        step.done("done");
      } catch (RuntimeException e) {
        // Keep going: a service that failed to stop must not leave PostgreSQL and Kafka running.
        step.done("failed: " + Infrastructure.rootMessage(e));
      }
    }
    try {
      instances.close();
    } catch (RuntimeException e) {
      progress.start("stopping instances").done("failed: " + Infrastructure.rootMessage(e));
    }
    jwks.close();
    infra.close();
  }
}
