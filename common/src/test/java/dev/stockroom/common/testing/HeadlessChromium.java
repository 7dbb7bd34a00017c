package dev.stockroom.common.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's Chromium, headless, driven through the DevTools protocol over the JDK's WebSocket: open
 * a page, evaluate JavaScript in it. {@code .ci/run} installs the {@code chromium} package.
 */
public final class HeadlessChromium implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Process process;
  private final Path profile;
  private final WebSocket page;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();

  private HeadlessChromium(Process process, Path profile, WebSocket page) {
    this.process = process;
    this.profile = profile;
    this.page = page;
  }

  public static HeadlessChromium start() throws Exception {
    Path binary = Path.of("/usr/bin/chromium");
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          "the browser test needs Chromium: sudo apt-get install -y chromium (.ci/run does it)");
    }
    Path profile = Files.createTempDirectory("stockroom-chromium-");
    Process process =
        new ProcessBuilder(
                binary.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile,
                "about:blank")
            .redirectErrorStream(true)
            .start();
    String browser = devToolsAddress(process);
    URI base =
        URI.create(browser.replaceFirst("^ws://", "http://").replaceFirst("/devtools/.*$", ""));
    JsonArray targets =
        new JsonArray(
            HTTP.send(
                    HttpRequest.newBuilder(base.resolve("/json/list")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    String pageSocket = null;
    for (Object t : targets) {
      JsonObject target = (JsonObject) t;
      if ("page".equals(target.getString("type"))) {
        pageSocket = target.getString("webSocketDebuggerUrl");
      }
    }
    if (pageSocket == null) {
      process.destroyForcibly();
      throw new IllegalStateException("Chromium opened no page: " + targets);
    }
    HeadlessChromium[] self = new HeadlessChromium[1];
    WebSocket socket =
        HTTP.newWebSocketBuilder()
            .buildAsync(URI.create(pageSocket), new Listener(() -> self[0]))
            .get(10, TimeUnit.SECONDS);
    self[0] = new HeadlessChromium(process, profile, socket);
    return self[0];
  }

  private static String devToolsAddress(Process process) throws IOException {
    BufferedReader output =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line = output.readLine(); line != null; line = output.readLine()) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        Thread drain =
            new Thread(
                () -> {
                  try {
                    while (output.readLine() != null) {
                      // Chromium's own log lines: read, so it never blocks on a full pipe.
                    }
                  } catch (IOException ignored) {
                    // the browser went away
                  }
                },
                "chromium-output");
        drain.setDaemon(true);
        drain.start();
        return m.group(1);
      }
      seen.append(line).append('\n');
    }
    throw new IllegalStateException("Chromium exited before opening DevTools:\n" + seen);
  }

  /** Opens {@code url} in the page. */
  public void open(String url) {
    call("Page.navigate", new JsonObject().put("url", url), Duration.ofSeconds(10));
  }

  /**
   * Evaluates an async JavaScript expression in the page and answers its value (JSON-compatible); a
   * thrown error fails with its message.
   */
  public Object evaluate(String expression, Duration timeout) {
    JsonObject result =
        call(
            "Runtime.evaluate",
            new JsonObject()
                .put("expression", expression)
                .put("awaitPromise", true)
                .put("returnByValue", true),
            timeout);
    JsonObject exception = result.getJsonObject("exceptionDetails");
    if (exception != null) {
      throw new AssertionError(
          "in the page: "
              + exception
                  .getJsonObject("exception", new JsonObject())
                  .getString("description", exception.encode()));
    }
    return result.getJsonObject("result").getValue("value");
  }

  private JsonObject call(String method, JsonObject params, Duration timeout) {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    pending.put(id, answer);
    page.sendText(
        new JsonObject().put("id", id).put("method", method).put("params", params).encode(), true);
    try {
      JsonObject message = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (message.containsKey("error")) {
        throw new AssertionError(method + ": " + message.getJsonObject("error"));
      }
      return message.getJsonObject("result", new JsonObject());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (Exception e) {
      throw new IllegalStateException(method + " did not answer within " + timeout, e);
    } finally {
      pending.remove(id);
    }
  }

  @Override
  public void close() {
    page.abort();
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      dev.stockroom.embedded.Directories.deleteRecursively(profile);
    } catch (RuntimeException e) {
      // Chromium may still be writing its profile as it exits; it is a temporary directory.
    }
  }

  /** Collects the text frames of DevTools messages and completes the call each answers. */
  private static final class Listener implements WebSocket.Listener {
    private final java.util.function.Supplier<HeadlessChromium> owner;
    private final StringBuilder frame = new StringBuilder();

    Listener(java.util.function.Supplier<HeadlessChromium> owner) {
      this.owner = owner;
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      frame.append(data);
      if (last) {
        JsonObject message = new JsonObject(frame.toString());
        frame.setLength(0);
        HeadlessChromium chromium = owner.get();
        Integer id = message.getInteger("id");
        if (chromium != null && id != null) {
          CompletableFuture<JsonObject> answer = chromium.pending.get(id);
          if (answer != null) {
            answer.complete(message);
          }
        }
      }
      socket.request(1);
      return null;
    }
  }
}
