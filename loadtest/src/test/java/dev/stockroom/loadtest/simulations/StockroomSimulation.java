package dev.stockroom.loadtest.simulations;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.http.HttpDsl.http;

import dev.stockroom.loadtest.Phases;
import dev.stockroom.loadtest.RunRecorder;
import dev.stockroom.loadtest.SimSettings;
import dev.stockroom.loadtest.Tokens;
import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.CheckBuilder;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * What every Stockroom simulation shares: settings from system properties, tokens minted with the
 * JWT secret, feeders over the seeded ids, request names carrying the fault window they were sent
 * in, the start marker the runner times its faults from, and the assertions.
 */
abstract class StockroomSimulation extends Simulation {
  static final String MEASURED = "measured";
  static final String WARM_UP = "warm-up";

  protected final SimSettings settings = SimSettings.fromSystemProperties();
  protected final Phases phases = settings.phasesOrDuration();
  protected final long warmupMillis = Math.round(settings.warmup() * 1000);
  protected final Tokens tokens = new Tokens(settings.jwtSecret(), Duration.ofHours(6));
  protected final String adminAuth = tokens.bearer("loadtest-admin", "admin");
  private volatile long startMillis = System.currentTimeMillis();
  private volatile RunRecorder recorder = new RunRecorder(startMillis);

  /** Writes the start of the measured load (after the warm-up) for the runner's fault timing. */
  @Override
  public void before() {
    startMillis = System.currentTimeMillis();
    recorder = new RunRecorder(startMillis + warmupMillis);
    if (!settings.startFile().isBlank()) {
      try {
        Files.writeString(Path.of(settings.startFile()), Long.toString(startMillis + warmupMillis));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Override
  public void after() {
    String file = System.getProperty("bench.statsFile", "");
    if (!file.isBlank()) {
      recorder.write(Path.of(file), phases.totalSeconds());
    }
  }

  /**
   * One request, named after the window it is sent in, and recorded (name, send time, response
   * time, OK or not) for the runner. The request must be named "#{req}" and checked with {@link
   * #checks}.
   */
  protected ChainBuilder measured(String name, HttpRequestActionBuilder request) {
    return exec(session -> {
          boolean warm = System.currentTimeMillis() - startMillis < warmupMillis;
          return session
              .set("req", warm ? name + " [warm-up]" : named(name))
              .set("grp", warm ? WARM_UP : MEASURED)
              .set("t0", System.currentTimeMillis());
        })
        .group("#{grp}")
        .on(exec(request))
        .exec(
            session -> {
              if (MEASURED.equals(session.getString("grp"))) {
                recorder.record(
                    session.getString("req"),
                    session.getLong("t0"),
                    session.contains("rt") ? Long.valueOf(session.getInt("rt")) : null,
                    !session.isFailed());
              }
              return session;
            });
  }

  /**
   * The arrival profile: a ramp from a tenth of the rate to the rate during the warm-up (JIT, new
   * connections: Gatling's and the services' own), then the constant rate for the measured time.
   */
  protected OpenInjectionStep[] arrivals(double rate) {
    if (warmupMillis <= 0) {
      return new OpenInjectionStep[] {constantUsersPerSec(rate).during(loadDuration())};
    }
    return new OpenInjectionStep[] {
      rampUsersPerSec(rate / 10).to(rate).during(Duration.ofMillis(warmupMillis)),
      constantUsersPerSec(rate).during(loadDuration())
    };
  }

  /** The response-time capture the recorder needs, then the request's own checks. */
  protected static CheckBuilder[] checks(CheckBuilder... own) {
    CheckBuilder[] all = new CheckBuilder[own.length + 1];
    all[0] = responseTimeInMillis().saveAs("rt");
    System.arraycopy(own, 0, all, 1, own.length);
    return all;
  }

  /** "name", or "name [window]" when the run has fault windows. */
  protected String named(String name) {
    if (phases.isSingle()) {
      return name;
    }
    return name + " [" + phases.at(System.currentTimeMillis() - startMillis - warmupMillis) + "]";
  }

  protected Duration loadDuration() {
    return Duration.ofMillis(Math.round(phases.totalSeconds() * 1000));
  }

  /**
   * Keep-alive connections shared by all virtual users: one per concurrent request. Several base
   * URLs (comma-separated: instances of one service) take the virtual users in turn.
   */
  protected HttpProtocolBuilder protocol(String baseUrl) {
    return http.baseUrls(baseUrl.split(","))
        .acceptHeader("application/json")
        .contentTypeHeader("application/json")
        .shareConnections()
        .disableCaching()
        .userAgentHeader("stockroom-loadtest");
  }

  /** On the measured requests only (the group {@value #MEASURED}), not the warm-up. */
  protected Assertion[] assertions() {
    return new Assertion[] {
      details(MEASURED).responseTime().percentile(99.0).lte(settings.p99Ms()),
      details(MEASURED).failedRequests().percent().lte(settings.maxErrorPct())
    };
  }

  protected List<String> lines(String file) {
    try {
      return Files.readAllLines(Path.of(settings.dataDir(), file)).stream()
          .filter(l -> !l.isBlank())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "seed data missing in " + settings.dataDir() + " (run the seeding step first)", e);
    }
  }

  /** An endless feeder picking uniformly at random from {@code values}. */
  protected static <T> Iterator<Map<String, Object>> random(
      List<T> values, Function<T, Map<String, Object>> record) {
    List<Map<String, Object>> records = values.stream().map(record).toList();
    return Stream.generate(() -> records.get(ThreadLocalRandom.current().nextInt(records.size())))
        .iterator();
  }

  /** Stockers with their own tokens (role stocker, sub = their id). */
  protected Iterator<Map<String, Object>> stockers() {
    return random(
        lines("stockers.txt"),
        id -> Map.of("stockerId", id, "stockerAuth", tokens.bearer(id, "stocker")));
  }

  /** Customers with their own tokens (role customer, sub = their id). */
  protected Iterator<Map<String, Object>> customers() {
    return random(
        lines("customers.txt"),
        id -> Map.of("customerId", id, "customerAuth", tokens.bearer(id, "customer")));
  }

  protected Iterator<Map<String, Object>> skus(String file) {
    return random(lines(file), sku -> Map.of("sku", sku));
  }

  protected static String orderBody(String customerId, String sku, int quantity) {
    return "{\"customerId\":\""
        + customerId
        + "\",\"lines\":[{\"sku\":\""
        + sku
        + "\",\"quantity\":"
        + quantity
        + "}],\"shippingAddress\":{\"line1\":\"1 Bench Street\",\"city\":\"Loadville\","
        + "\"postalCode\":\"12345\",\"country\":\"NL\"}}";
  }
}
