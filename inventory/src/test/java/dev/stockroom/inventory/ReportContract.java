package dev.stockroom.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The low-stock report's answers checked against the schema in inventory's contract: a field the
 * code adds, renames or drops (or one a replica's field list gains) fails the test that saw it.
 */
public final class ReportContract {
  private static ResponseValidator validator;

  private ReportContract() {}

  /** Fails unless {@code reply} is a 200 whose body is the contract's {@code LowStockPage}. */
  public static TestHttp.Reply conforms(TestHttp.Reply reply) {
    assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
    conforms(reply.body());
    return reply;
  }

  /** Fails unless {@code body} is the contract's {@code LowStockPage}. */
  public static void conforms(String body) {
    try {
      validator()
          .validate(
              ValidatableResponse.create(
                  200,
                  Map.of("Content-Type", "application/json"),
                  Buffer.buffer(body),
                  "application/json"),
              "lowStock")
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(
          "the report's answer does not match the contract: "
              + (e.getCause() != null ? e.getCause() : e)
              + "\n"
              + body,
          e);
    }
  }

  private static synchronized ResponseValidator validator() throws Exception {
    if (validator == null) {
      Vertx vertx = Vertx.vertx();
      OpenAPIContract contract =
          OpenAPIContract.from(vertx, "openapi/inventory.yaml")
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      validator = ResponseValidator.create(vertx, contract);
    }
    return validator;
  }
}
