package dev.stockroom.launcher;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * {@code outbox status}, {@code replica status}, {@code dlq list|replay}: asks a running service's
 * admin endpoint (any deployment, by URL) and prints its answer as indented JSON; a refusal or an
 * unreachable service is one line on stderr and exit code 1.
 */
final class OperatorCommand {
  private OperatorCommand() {}

  /**
   * @param minted whether the token was minted here (with the issuer key of the data directory)
   */
  static int run(
      Command.Operate operate, String token, boolean minted, PrintStream out, PrintStream err) {
    String url = operate.url().resolve(operate.path()).toString();
    try {
      HttpResponse<String> response =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .build()
              .send(
                  HttpRequest.newBuilder(operate.url().resolve(operate.path()))
                      .timeout(Duration.ofSeconds(30))
                      .header("Authorization", "Bearer " + token)
                      .method(operate.method(), HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200 && response.statusCode() != 202) {
        String hint =
            response.statusCode() == 401 && minted
                ? " (the token was signed with the issuer key in "
                    + operate.dataDir().resolve("keys")
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
        return 1;
      }
      out.println(new JsonObject(response.body()).encodePrettily());
      return 0;
    } catch (IOException e) {
      // A refused connection has no message of its own.
      err.println(
          "stockroom: cannot reach "
              + url
              + ": "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
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
