package dev.stockroom.launcher;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * {@code outbox status}, {@code replica status}, {@code dlq list|replay}: asks a running service's
 * admin endpoint (any deployment, by URL) and prints its answer as indented JSON; a refusal or an
 * unreachable service is one line on stderr and exit code 1. Which URL it asks, and with which
 * token, goes to stderr first: a command typed "locally" against a port-forward to production says
 * so. A replay the service could not finish in one request (a long dead-letter topic) goes on from
 * where the answer says until it is complete.
 */
final class OperatorCommand {
  private static final int MAX_PAGES = 1_000;

  private OperatorCommand() {}

  /**
   * @param tokens the token for each request: the one given, or one minted here for each (with the
   *     issuer key of the data directory), so a replay that outlasts a minted token's few minutes
   *     goes on instead of being refused halfway
   * @param minted whether the tokens are minted here
   */
  static int run(
      Command.Operate operate,
      Supplier<String> tokens,
      boolean minted,
      PrintStream out,
      PrintStream err) {
    String path = operate.path();
    String lastResume = null;
    for (int page = 0; page < MAX_PAGES; page++) {
      URI url = under(operate.url(), path);
      String token = tokens.get();
      err.println(
          "stockroom: "
              + operate.method()
              + " "
              + url
              + (minted ? " (an admin token minted here)" : " (the token given)"));
      JsonObject answer = ask(operate, url, token, minted, err);
      if (answer == null) {
        return 1;
      }
      out.println(answer.encodePrettily());
      String resume = answer.getString("resumeAt");
      if (resume == null || !answer.containsKey("complete") || answer.getBoolean("complete")) {
        return 0;
      }
      if (!operate.method().equals("POST")) {
        err.println(
            "stockroom: more records follow: the same command with --resume-at "
                + resume
                + " (no --since) goes on");
        return 0;
      }
      if (resume.equals(lastResume)) {
        err.println("stockroom: the replay did not get past " + resume + "; stopped there");
        return 1;
      }
      lastResume = resume;
      path = basePath(path) + "?resumeAt=" + resume;
    }
    err.println(
        "stockroom: stopped after "
            + MAX_PAGES
            + " requests; the same command with --resume-at "
            + lastResume
            + " (no --since) goes on");
    return 1;
  }

  private static String basePath(String path) {
    int query = path.indexOf('?');
    return query < 0 ? path : path.substring(0, query);
  }

  /** {@code path} under the base URL's own path: {@code https://gw/inventory} keeps its prefix. */
  static URI under(URI base, String path) {
    String root = base.toString().replaceAll("/+$", "");
    return URI.create(root + path);
  }

  private static JsonObject ask(
      Command.Operate operate, URI url, String token, boolean minted, PrintStream err) {
    try {
      HttpResponse<String> response =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .build()
              .send(
                  HttpRequest.newBuilder(url)
                      .timeout(Duration.ofSeconds(30))
                      .header("Authorization", "Bearer " + token)
                      .method(operate.method(), HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200 && response.statusCode() != 202) {
        String hint =
            response.statusCode() == 401 && minted
                ? " (the token was signed with the issuer key in "
                    + keys(operate)
                    + ": give --data as dev was given it, or --token)"
                : "";
        err.println(
            "stockroom: "
                + url
                + " answered "
                + response.statusCode()
                + ": "
                + detail(response.body())
                + hint);
        return null;
      }
      return new JsonObject(response.body());
    } catch (DecodeException e) {
      err.println("stockroom: " + url + " answered something other than JSON: is it a service?");
      return null;
    } catch (IOException e) {
      // A refused connection has no message of its own.
      err.println(
          "stockroom: cannot reach "
              + url
              + ": "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static String keys(Command.Operate operate) {
    return operate.dataDir().resolve("keys").toString();
  }

  private static String detail(String body) {
    try {
      JsonObject problem = new JsonObject(body);
      return problem.getString("detail", problem.getString("title", body));
    } catch (DecodeException e) {
      return body;
    }
  }
}
