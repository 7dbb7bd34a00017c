package dev.stockroom.common.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * An HTTP proxy put between two real services that misbehaves on command: it delays or drops the
 * answers of matching requests after the target has acted on them, answers them itself without
 * forwarding, or closes their connection. Requests no rule matches pass through untouched. Rules
 * can be limited to a window of time, so a fault ends on its own, as a real outage does.
 *
 * <p>Blocking construction and close: call from test threads, never from an event loop.
 */
public final class FaultyHttpProxy implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient client;
  private final HttpServer server;
  private final int targetPort;
  private final List<Rule> rules = new CopyOnWriteArrayList<>();

  private FaultyHttpProxy(int targetPort) {
    this.targetPort = targetPort;
    this.client = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(32));
    this.server =
        TestServices.await(
            vertx.createHttpServer().requestHandler(this::handle).listen(0), Duration.ofSeconds(5));
  }

  /** A proxy on a free port of localhost, forwarding to {@code targetPort} on localhost. */
  public static FaultyHttpProxy to(int targetPort) {
    return new FaultyHttpProxy(targetPort);
  }

  public int port() {
    return server.actualPort();
  }

  public String url() {
    return "http://localhost:" + port();
  }

  /** A rule for requests with this method whose path matches {@code pathRegex}; set its fault. */
  public Rule on(HttpMethod method, String pathRegex) {
    Rule rule = new Rule(method, Pattern.compile(pathRegex));
    rules.add(0, rule);
    return rule;
  }

  /** Every request passes through from now on. */
  public void clear() {
    rules.clear();
  }

  @Override
  public void close() {
    TestServices.await(vertx.close(), Duration.ofSeconds(10));
  }

  private void handle(HttpServerRequest request) {
    Optional<Rule> rule =
        rules.stream().filter(r -> r.matches(request.method(), request.path())).findFirst();
    rule.ifPresent(r -> r.hits.incrementAndGet());
    Fault fault = rule.map(r -> r.fault).orElse(Fault.PASS);
    switch (fault.kind) {
      case ANSWER -> answerItself(request, fault.status);
      case CLOSE -> request.connection().close();
      default ->
          request
              .body()
              .compose(body -> forward(request, body))
              .onSuccess(answer -> deliver(request, answer, fault))
              .onFailure(e -> answerItself(request, 502));
    }
  }

  private Future<Answer> forward(HttpServerRequest request, Buffer body) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(request.method())
            .setHost("localhost")
            .setPort(targetPort)
            .setURI(request.uri());
    return client
        .request(options)
        .compose(
            outgoing -> {
              request.headers().forEach(h -> outgoing.putHeader(h.getKey(), h.getValue()));
              outgoing.putHeader("Host", "localhost:" + targetPort);
              return outgoing.send(body);
            })
        .compose(response -> response.body().map(b -> new Answer(response, b)));
  }

  private void deliver(HttpServerRequest request, Answer answer, Fault fault) {
    switch (fault.kind) {
      case DROP_ANSWER -> {
        // The target acted; its answer is lost. The caller times out and closes the connection.
      }
      case DELAY_ANSWER -> vertx.setTimer(fault.delay.toMillis(), id -> answer.sendTo(request));
      default -> answer.sendTo(request);
    }
  }

  private static void answerItself(HttpServerRequest request, int status) {
    request
        .response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/problem+json")
        .end("{\"type\":\"about:blank\",\"title\":\"Injected fault\",\"status\":" + status + "}");
  }

  private record Answer(HttpClientResponse response, Buffer body) {
    void sendTo(HttpServerRequest request) {
      var out = request.response().setStatusCode(response.statusCode());
      response.headers().forEach(h -> out.putHeader(h.getKey(), h.getValue()));
      out.end(body).onFailure(e -> {}); // the caller may have given up and closed the connection
    }
  }

  private enum Kind {
    PASS,
    DELAY_ANSWER,
    DROP_ANSWER,
    ANSWER,
    CLOSE
  }

  private record Fault(Kind kind, Duration delay, int status) {
    static final Fault PASS = new Fault(Kind.PASS, Duration.ZERO, 0);
  }

  /** What happens to matching requests, and for how long. */
  public static final class Rule {
    private final HttpMethod method;
    private final Pattern path;
    private final AtomicInteger hits = new AtomicInteger();
    private volatile Fault fault = Fault.PASS;
    private volatile long untilNanos = Long.MAX_VALUE;

    private Rule(HttpMethod method, Pattern path) {
      this.method = method;
      this.path = path;
    }

    /** The target acts on the request; its answer reaches the caller {@code delay} later. */
    public Rule delayAnswer(Duration delay) {
      fault = new Fault(Kind.DELAY_ANSWER, delay, 0);
      return this;
    }

    /** The target acts on the request; its answer never reaches the caller. */
    public Rule dropAnswer() {
      fault = new Fault(Kind.DROP_ANSWER, Duration.ZERO, 0);
      return this;
    }

    /** The proxy answers {@code status} itself; the target never sees the request. */
    public Rule answer(int status) {
      fault = new Fault(Kind.ANSWER, Duration.ZERO, status);
      return this;
    }

    /** The proxy closes the connection; the target never sees the request. */
    public Rule closeConnection() {
      fault = new Fault(Kind.CLOSE, Duration.ZERO, 0);
      return this;
    }

    /** The rule applies to requests arriving within {@code window} from now, then lapses. */
    public Rule during(Duration window) {
      untilNanos = System.nanoTime() + window.toNanos();
      return this;
    }

    /** How many requests this rule has acted on so far. */
    public int hits() {
      return hits.get();
    }

    private boolean matches(HttpMethod m, String p) {
      return System.nanoTime() < untilNanos && method.equals(m) && path.matcher(p).matches();
    }
  }
}
