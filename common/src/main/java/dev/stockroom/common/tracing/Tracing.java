package dev.stockroom.common.tracing;

import dev.stockroom.common.config.ConfigException;
import dev.stockroom.common.config.Env;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdkBuilder;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.vertx.core.VertxBuilder;
import io.vertx.core.spi.VertxTracerFactory;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * OpenTelemetry traces, off unless asked for: with {@code OTEL_EXPORTER_OTLP_ENDPOINT} (or {@code
 * OTEL_TRACES_EXPORTER}) set, the SDK is configured from the standard {@code OTEL_*} variables
 * (service name: the service's own unless {@code OTEL_SERVICE_NAME} says otherwise) and Vert.x
 * traces every HTTP request, HTTP client call and SQL statement made inside one; Stockroom adds
 * spans for what crosses Kafka and for each saga step. Off, Vert.x runs without a tracer at all.
 */
public final class Tracing {
  static {
    // Vert.x keeps the current trace context in a context local that the integration registers
    // when its factory class initialises; a Vert.x instance created before that has no slot for
    // it. Initialise it before any service builds its Vert.x.
    try {
      Class.forName(
          "io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory",
          true,
          Tracing.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static volatile OpenTelemetry embedded;

  private final OpenTelemetry openTelemetry;
  private final OpenTelemetrySdk owned;
  private final Tracer tracer;

  private Tracing(OpenTelemetry openTelemetry, OpenTelemetrySdk owned) {
    this.openTelemetry = openTelemetry;
    this.owned = owned;
    this.tracer =
        openTelemetry == null
            ? OpenTelemetry.noop().getTracer("stockroom")
            : openTelemetry.getTracer("stockroom");
  }

  /**
   * Every service started afterwards in this JVM traces to {@code openTelemetry} (tests with an
   * in-memory exporter, or an embedding application); {@code null} to stop.
   */
  public static void embed(OpenTelemetry openTelemetry) {
    embedded = openTelemetry;
  }

  /**
   * Held here: java.util.logging keeps loggers only weakly, so a filter set on a logger nobody
   * holds can be collected with it before the SDK's class asks for its own (seen in CI).
   */
  private static final java.util.logging.Logger SDK_BUILDER_LOG =
      java.util.logging.Logger.getLogger(AutoConfiguredOpenTelemetrySdkBuilder.class.getName());

  private static final Pattern OTEL_PROPERTY = Pattern.compile("\\botel(\\.[a-z0-9_]+)+");

  public static Tracing from(Env env, String serviceName) {
    OpenTelemetry given = embedded;
    if (given != null) {
      return new Tracing(given, null);
    }
    boolean asked =
        env.optional("OTEL_EXPORTER_OTLP_ENDPOINT").isPresent()
            || env.optional("OTEL_TRACES_EXPORTER").filter(e -> !e.equals("none")).isPresent();
    boolean disabled =
        env.oneOf("OTEL_SDK_DISABLED", "false", List.of("true", "false")).equals("true");
    if (!asked || disabled) {
      return new Tracing(null, null);
    }
    OpenTelemetrySdk sdk;
    quietAboutRefusals();
    try {
      sdk =
          AutoConfiguredOpenTelemetrySdk.builder()
              // Defaults; the OTEL_* variables win. Metrics and logs have their own paths here.
              .addPropertiesSupplier(
                  () ->
                      Map.of(
                          "otel.service.name", serviceName,
                          "otel.metrics.exporter", "none",
                          "otel.logs.exporter", "none"))
              .disableShutdownHook()
              .build()
              .getOpenTelemetrySdk();
    } catch (ConfigurationException e) {
      // The SDK names its properties (otel.exporter.otlp.endpoint), or none; the operator set
      // variables.
      String message =
          OTEL_PROPERTY
              .matcher(String.valueOf(e.getMessage()))
              .replaceAll(m -> m.group().toUpperCase(Locale.ROOT).replace('.', '_'));
      if (!message.contains("OTEL_")) {
        message +=
            " (set: "
                + env.asMap().keySet().stream()
                    .filter(name -> name.startsWith("OTEL_"))
                    .sorted()
                    .collect(Collectors.joining(", "))
                + ")";
      }
      throw new ConfigException("OpenTelemetry: " + message);
    }
    return new Tracing(sdk, sdk);
  }

  /**
   * The SDK's builder logs a refused configuration through java.util.logging (to stderr: a line
   * that it is closing what it built, and the refusal with its stack trace) before it throws; the
   * refusal is reported once, as a configuration error. Its warnings still go through.
   */
  private static void quietAboutRefusals() {
    SDK_BUILDER_LOG.setFilter(
        log ->
            log.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()
                && !(log.getThrown() instanceof ConfigurationException));
  }

  public boolean enabled() {
    return openTelemetry != null;
  }

  /** For Stockroom's own spans; a no-op tracer when tracing is off. */
  public Tracer tracer() {
    return tracer;
  }

  /** Installs Vert.x's tracer, or none at all when tracing is off. */
  public VertxBuilder configure(VertxBuilder builder) {
    return builder.withTracer(
        openTelemetry == null
            ? VertxTracerFactory.NOOP
            : new OpenTelemetryTracingFactory(openTelemetry));
  }

  /** Exports what is still buffered (after the service stopped), then runs {@code then}. */
  public void close(Runnable then) {
    if (owned == null) {
      then.run();
      return;
    }
    // Off the event loops, and bounded: an unreachable collector must not hold the stop.
    Thread flush =
        new Thread(
            () -> {
              owned.shutdown().join(5, TimeUnit.SECONDS);
              then.run();
            },
            "otel-shutdown");
    flush.setDaemon(true);
    flush.start();
  }
}
