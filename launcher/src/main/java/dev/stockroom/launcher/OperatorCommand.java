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

  static int run(Command.Operate operate, String token, PrintStream out, PrintStream err) {
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
        err.println(
            "stockroom: "
                + url
                + " answered "
                + response.statusCode()
                + ": "
                + detail(response.body()));
        return 1;
      }
      out.println(new JsonObject(response.body()).encodePrettily());
      return 0;
    } catch (IOException e) {
      err.println("stockroom: cannot reach " + url + ": " + e.getMessage());
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
