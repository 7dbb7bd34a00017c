package dev.stockroom.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Answers written in a success listener")
class ResponsesTest {
  @Test
  @DisplayName(
      "an answer that cannot be written (a header value Vert.x refuses) is a 500 problem at once,"
          + " not a request left unanswered")
  void unwritableAnswerFails() {
    Vertx vertx = Vertx.vertx();
    try {
      Router router = Router.router(vertx);
      // As a handler answers once its store's future succeeded: outside the router's try.
      router
          .get("/created")
          .handler(
              ctx ->
                  vertx
                      .timer(1)
                      .map(v -> new JsonObject().put("sku", "NL-1\r"))
                      .onSuccess(
                          item -> Responses.created(ctx, "/items/" + item.getString("sku"), item)));
      router.get("/fine").handler(ctx -> Responses.created(ctx, "/items/NL-1", new JsonObject()));
      HttpApi.answerErrorsAsProblems(router);
      HttpServer server =
          TestServices.await(
              vertx.createHttpServer().requestHandler(router).listen(0), Duration.ofSeconds(5));
      TestHttp http = new TestHttp(server.actualPort());

      TestHttp.Reply broken = http.get("/created", null);

      assertThat(broken.status()).as(broken.toString()).isEqualTo(500);
      assertThat(broken.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(broken.header("Location")).isNull();
      assertThat(broken.body()).doesNotContain("NL-1");
      TestHttp.Reply fine = http.get("/fine", null);
      assertThat(fine.status()).isEqualTo(201);
      assertThat(fine.header("Location")).isEqualTo("/items/NL-1");
    } finally {
      TestServices.await(vertx.close(), Duration.ofSeconds(5));
    }
  }
}
