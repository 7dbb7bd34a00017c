package dev.stockroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.stockroom.common.auth.Jwt;
import dev.stockroom.common.auth.JwtConfig;
import dev.stockroom.common.config.Env;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.tracing.Tracing;
import dev.stockroom.inventory.InventoryService;
import dev.stockroom.orders.OrdersService;
import dev.stockroom.users.UsersService;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * Traces across the hops, collected in memory from the three services: a change at users followed
 * through the outbox and Kafka into both replicas, and one order through the saga's calls to
 * inventory and users. Each request starts a trace of the test's own (a {@code traceparent}
 * header), as a caller's instrumented client would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Traces through HTTP, Kafka and the saga")
class TracingTest {
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
          .build();
  private final Vertx vertx = Vertx.vertx();
  private final List<RunningService> running = new ArrayList<>();
  private String admin;
  private TestHttp users;
  private TestHttp inventory;
  private TestHttp orders;

  @BeforeAll
  void start() {
    Tracing.embed(sdk);
    admin =
        Jwt.create(vertx, JwtConfig.hs256(JwtConfig.DEV_SECRET))
            .mint("trace-admin", List.of("admin"), Duration.ofMinutes(10));
    Map<String, String> usersEnv = TestServices.env("trace_users");
    running.add(TestServices.start(e -> UsersService.start(new Env(e)), usersEnv));
    String usersUrl = "http://localhost:" + usersEnv.get("HTTP_PORT");
    Map<String, String> inventoryEnv = TestServices.env("trace_inventory");
    inventoryEnv.put("USERS_URL", usersUrl);
    running.add(TestServices.start(e -> InventoryService.start(new Env(e)), inventoryEnv));
    Map<String, String> ordersEnv = TestServices.env("trace_orders");
    ordersEnv.put("USERS_URL", usersUrl);
    ordersEnv.put("INVENTORY_URL", "http://localhost:" + inventoryEnv.get("HTTP_PORT"));
    // One span per saga step is asserted: a retry after a call that timed out on a cold, busy
    // machine would be a second one.
    ordersEnv.put("ORDER_CALL_TIMEOUT", "PT10S");
    running.add(TestServices.start(e -> OrdersService.start(new Env(e)), ordersEnv));
    users = new TestHttp(Integer.parseInt(usersEnv.get("HTTP_PORT")));
    inventory = new TestHttp(Integer.parseInt(inventoryEnv.get("HTTP_PORT")));
    orders = new TestHttp(Integer.parseInt(ordersEnv.get("HTTP_PORT")));
  }

  @AfterAll
  void stop() {
    for (int i = running.size() - 1; i >= 0; i--) {
      TestServices.stop(running.get(i));
    }
    Tracing.embed(null);
    sdk.close();
    vertx.close();
  }

  @Test
  @DisplayName(
      "the trace of a PATCH at users shows its event published to users.v1 and applied by both"
          + " replicas")
  void changeFollowedIntoTheReplicas() {
    String userId = SystemCalls.createCustomer(users, admin);
    String trace = newTraceId();
    TestHttp.Reply patched =
        users.send(
            users
                .request("/users/" + userId, admin)
                .header("Content-Type", "application/json")
                .header("traceparent", traceparent(trace))
                .method(
                    "PATCH",
                    HttpRequest.BodyPublishers.ofString(
                        new JsonObject().put("name", "Traced Rename").encode()))
                .build());
    assertThat(patched.status()).as(patched.toString()).isEqualTo(200);

    Eventually.assertWithin(
        Duration.ofSeconds(30),
        () -> {
          List<SpanData> inTrace = inTrace(trace);
          SpanData server = only(inTrace, s -> s.getKind() == SpanKind.SERVER);
          SpanData publish = only(inTrace, s -> s.getName().equals("users.v1 publish"));
          assertThat(publish.getKind()).isEqualTo(SpanKind.PRODUCER);
          assertThat(ancestors(publish, inTrace)).contains(server.getSpanId());
          List<SpanData> applied =
              inTrace.stream().filter(s -> s.getName().equals("users.v1 process")).toList();
          assertThat(applied)
              .extracting(s -> s.getAttributes().asMap().get(key("stockroom.replica")))
              .containsExactlyInAnyOrder("user_replica", "customer_replica");
          assertThat(applied)
              .allSatisfy(
                  s -> {
                    assertThat(s.getKind()).isEqualTo(SpanKind.CONSUMER);
                    assertThat(s.getParentSpanId()).isEqualTo(publish.getSpanId());
                  });
        });
  }

  @Test
  @DisplayName(
      "one POST /orders is one trace: orders, then inventory's reservation and users' credit hold,"
          + " confirm and capture, each step a span, each call a client span with the callee's"
          + " server span under it")
  void orderIsOneTrace() {
    String customer = SystemCalls.createCustomer(users, admin);
    String sku = SystemCalls.createItem(inventory, admin, 5);
    Eventually.assertWithin(
        Duration.ofSeconds(30),
        () ->
            assertThat(orders.get("/orders?customerId=" + customer, admin).status())
                .isEqualTo(200));

    String trace = newTraceId();
    String orderId =
        SystemCalls.placeOrder(
            orders, admin, customer, sku, 2, Map.of("traceparent", traceparent(trace)));
    Eventually.assertWithin(
        Duration.ofSeconds(30),
        () ->
            assertThat(orders.get("/orders/" + orderId, admin).json().getString("status"))
                .isEqualTo("CONFIRMED"));

    Eventually.assertWithin(
        Duration.ofSeconds(10),
        () -> {
          List<SpanData> all = spans.getFinishedSpanItems();
          for (String step : List.of("CUSTOMER", "RESERVE", "HOLD", "CONFIRM", "CAPTURE")) {
            SpanData span =
                only(
                    all,
                    s ->
                        s.getName().equals("saga " + step)
                            && orderId.equals(
                                s.getAttributes().asMap().get(key("stockroom.order.id"))));
            boolean inTrace = span.getTraceId().equals(trace);
            boolean linked =
                span.getLinks().stream()
                    .map(LinkData::getSpanContext)
                    .anyMatch(l -> l.getTraceId().equals(trace));
            assertThat(inTrace || linked)
                .as("saga %s is in the order's trace or linked to it", step)
                .isTrue();
            if (!step.equals("CUSTOMER")) {
              // Before: the call hung under the POST's server span (or, from the worker, had no
              // span and sent no traceparent), beside its step instead of under it.
              assertThat(all)
                  .as("saga %s's call to its participant is a client span under the step", step)
                  .anyMatch(
                      s ->
                          s.getKind() == SpanKind.CLIENT
                              && s.getParentSpanId().equals(span.getSpanId()));
            }
          }
          List<SpanData> inTrace = inTrace(trace);
          long servers = inTrace.stream().filter(s -> s.getKind() == SpanKind.SERVER).count();
          long clients = inTrace.stream().filter(s -> s.getKind() == SpanKind.CLIENT).count();
          // POST /orders, and at least the reservation and the credit hold under it.
          assertThat(servers).isGreaterThanOrEqualTo(3);
          assertThat(clients).isGreaterThanOrEqualTo(2);
          for (SpanData server : inTrace) {
            if (server.getKind() == SpanKind.SERVER && server.getParentSpanContext().isValid()) {
              SpanData parent = byId(inTrace, server.getParentSpanId());
              if (parent != null && !parent.getSpanId().equals(server.getSpanId())) {
                assertThat(parent.getKind())
                    .as("a callee's span hangs under a client call")
                    .isEqualTo(SpanKind.CLIENT);
              }
            }
          }
        });
  }

  @Test
  @DisplayName("a log line written for a request carries its trace id, span id and request id")
  void logLinesCarryTheTrace() {
    Logger access = (Logger) LoggerFactory.getLogger("stockroom.access");
    // The MDC is read when a line is written (the console appender encodes then), so capture it
    // in the appender, on the logging thread.
    List<Map<String, String>> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    AppenderBase<ILoggingEvent> capture =
        new AppenderBase<>() {
          @Override
          protected void append(ILoggingEvent event) {
            Map<String, String> line = new HashMap<>(event.getMDCPropertyMap());
            line.put("message", event.getFormattedMessage());
            lines.add(line);
          }
        };
    capture.start();
    access.addAppender(capture);
    try {
      String trace = newTraceId();
      TestHttp.Reply missing =
          users.send(
              users
                  .request("/users/" + UUID.randomUUID(), admin)
                  .header("traceparent", traceparent(trace))
                  .header("X-Request-Id", "trace-log-test")
                  .GET()
                  .build());
      assertThat(missing.status()).isEqualTo(404);
      Eventually.assertWithin(
          Duration.ofSeconds(5),
          () -> {
            Map<String, String> mdc =
                lines.stream()
                    .filter(line -> line.get("message").contains("trace-log-test"))
                    .findFirst()
                    .orElseThrow();
            assertThat(mdc).containsEntry("trace_id", trace).containsKey("span_id");
            assertThat(mdc).containsEntry("request_id", "trace-log-test");
          });
    } finally {
      access.detachAppender(capture);
    }
  }

  private List<SpanData> inTrace(String trace) {
    return spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(trace)).toList();
  }

  private static SpanData only(List<SpanData> spans, java.util.function.Predicate<SpanData> which) {
    List<SpanData> found = spans.stream().filter(which).toList();
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  private static SpanData byId(List<SpanData> spans, String id) {
    return spans.stream().filter(s -> s.getSpanId().equals(id)).findFirst().orElse(null);
  }

  /** Span ids from a span up to the root of what was collected. */
  private static List<String> ancestors(SpanData span, List<SpanData> trace) {
    List<String> ids = new ArrayList<>();
    Map<String, SpanData> byId = new HashMap<>();
    trace.forEach(s -> byId.put(s.getSpanId(), s));
    for (SpanData at = byId.get(span.getParentSpanId());
        at != null;
        at = byId.get(at.getParentSpanId())) {
      ids.add(at.getSpanId());
    }
    return ids;
  }

  private static io.opentelemetry.api.common.AttributeKey<String> key(String name) {
    return io.opentelemetry.api.common.AttributeKey.stringKey(name);
  }

  private static String newTraceId() {
    byte[] bytes = new byte[16];
    ThreadLocalRandom.current().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static String traceparent(String trace) {
    byte[] span = new byte[8];
    ThreadLocalRandom.current().nextBytes(span);
    return "00-" + trace + "-" + HexFormat.of().formatHex(span) + "-01";
  }
}
