package dev.stockroom.inventory.reservations;

import static dev.stockroom.inventory.reservations.ReservationTestSupport.SERVICE;
import static dev.stockroom.inventory.reservations.ReservationTestSupport.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The saga's group commit: many reservations or confirmations in one call and transaction. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Reservations in batches")
class ReservationBatchTest {
  private ReservationTestSupport inventory;

  @BeforeAll
  void start() {
    inventory = ReservationTestSupport.start("inventory_reservation_batches");
  }

  @AfterAll
  void stop() {
    inventory.close();
  }

  private JsonArray reserveAll(JsonObject... requests) {
    Reply reply =
        inventory.http.post(
            "/batch/reservations",
            SERVICE,
            new JsonObject().put("reservations", new JsonArray(List.of((Object[]) requests))));
    assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
    return reply.array("results");
  }

  private JsonArray confirmAll(String... ids) {
    Reply reply =
        inventory.http.post(
            "/batch/reservations/confirm",
            SERVICE,
            new JsonObject().put("reservationIds", new JsonArray(List.of((Object[]) ids))));
    assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
    return reply.array("results");
  }

  private static int status(JsonArray results, int i) {
    return results.getJsonObject(i).getInteger("status");
  }

  private long reservationRows(String id) {
    return TestDb.count(
        inventory.pgUri, "SELECT count(*) FROM reservations WHERE reservation_id = '" + id + "'");
  }

  @Test
  @DisplayName(
      "each reservation of a batch is answered as alone: taken in order until the stock runs"
          + " out, unknown SKUs and reused ids refused, repeats answered again; refusals leave"
          + " nothing")
  void eachAsAlone() {
    String hot = inventory.item("batch-hot", 250, 3);
    String other = inventory.item("batch-other", 100, 10);
    String earlier = "earlier-" + UUID.randomUUID();
    assertThat(inventory.reserve(request(earlier, 600, other, 1)).status()).isEqualTo(201);
    String a = "a-" + UUID.randomUUID();
    String b = "b-" + UUID.randomUUID();
    String c = "c-" + UUID.randomUUID();
    String d = "d-" + UUID.randomUUID();

    JsonArray results =
        reserveAll(
            request(a, 600, hot, 2, other, 1),
            request(b, 600, hot, 2), // only 1 left after a: refused, nothing of it taken
            request(c, 600, hot, 1, other, 2),
            request(d, 600, "no-such-sku-" + UUID.randomUUID(), 1),
            request(earlier, 600, other, 1), // the same request again
            request(earlier, 600, other, 5), // the same id, another request
            request(a, 600, hot, 2, other, 1), // a repeat inside the batch
            request(b, 600, hot, 2), // a repeat of a refusal: refused again, as alone
            request(d, 600, "no-such-sku-" + UUID.randomUUID(), 1)); // another request, d's id

    assertThat(status(results, 0)).isEqualTo(201);
    JsonObject madeA = results.getJsonObject(0).getJsonObject("body");
    assertThat(madeA.getString("reservationId")).isEqualTo(a);
    assertThat(madeA.getString("status")).isEqualTo("HELD");
    assertThat(madeA.getJsonArray("lines")).hasSize(2);
    assertThat(status(results, 1)).isEqualTo(409);
    assertThat(results.getJsonObject(1).getJsonObject("problem").getString("type"))
        .endsWith("insufficient-stock");
    assertThat(status(results, 2)).isEqualTo(201);
    assertThat(status(results, 3)).isEqualTo(404);
    assertThat(status(results, 4)).isEqualTo(200);
    assertThat(results.getJsonObject(4).getJsonObject("body").getString("reservationId"))
        .isEqualTo(earlier);
    assertThat(status(results, 5)).isEqualTo(422);
    assertThat(status(results, 6)).isEqualTo(200);
    assertThat(results.getJsonObject(6).getJsonObject("body").getJsonArray("lines"))
        .isEqualTo(madeA.getJsonArray("lines"));

    // A refused id is given back: repeated alone, the same request is refused the same way
    // (it was answered 409 reservation-released: "released before it was made").
    assertThat(status(results, 7)).isEqualTo(409);
    assertThat(results.getJsonObject(7).getJsonObject("problem").getString("type"))
        .endsWith("insufficient-stock");
    assertThat(status(results, 8)).isEqualTo(422);
    assertThat(results.getJsonObject(8).getJsonObject("problem").getString("type"))
        .endsWith("reservation-id-reused");

    assertThat(inventory.stock(hot).getInteger("reserved")).isEqualTo(3);
    assertThat(inventory.stock(other).getInteger("reserved")).isEqualTo(1 + 1 + 2);
    assertThat(reservationRows(b)).as("a refused reservation leaves no row").isZero();
    assertThat(reservationRows(d)).isZero();
  }

  @Test
  @DisplayName(
      "a batch of confirmations sells each live reservation once and answers each as alone")
  void confirmations() {
    String sku = inventory.item("batch-confirm", 100, 10);
    String live = "live-" + UUID.randomUUID();
    String released = "released-" + UUID.randomUUID();
    assertThat(inventory.reserve(request(live, 600, sku, 2)).status()).isEqualTo(201);
    assertThat(inventory.reserve(request(released, 600, sku, 3)).status()).isEqualTo(201);
    assertThat(inventory.release(released).status()).isEqualTo(204);

    JsonArray results = confirmAll(live, released, "unknown-" + UUID.randomUUID(), live);

    assertThat(status(results, 0)).isEqualTo(200);
    assertThat(results.getJsonObject(0).getJsonObject("body").getString("status"))
        .isEqualTo("CONFIRMED");
    assertThat(status(results, 1)).isEqualTo(409);
    assertThat(status(results, 2)).isEqualTo(404);
    assertThat(status(results, 3)).isEqualTo(200);
    JsonObject item = inventory.stock(sku);
    assertThat(item.getInteger("quantity")).isEqualTo(8);
    assertThat(item.getInteger("reserved")).isZero();
    assertThat(status(confirmAll(live), 0)).as("confirming again").isEqualTo(200);
    assertThat(inventory.stock(sku).getInteger("quantity")).isEqualTo(8);
  }

  @Test
  @DisplayName(
      "concurrent batches over shared SKUs, locked in one order, never deadlock and never"
          + " oversell")
  void concurrentBatches() throws Exception {
    String x = inventory.item("batch-x", 100, 40);
    String y = inventory.item("batch-y", 100, 40);
    List<Callable<JsonArray>> batches = new ArrayList<>();
    for (int batch = 0; batch < 16; batch++) {
      List<JsonObject> requests = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        String id = "race-" + batch + "-" + i + "-" + UUID.randomUUID();
        requests.add(i % 2 == 0 ? request(id, 600, y, 1, x, 1) : request(id, 600, x, 1));
      }
      batches.add(() -> reserveAll(requests.toArray(JsonObject[]::new)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<JsonArray> answers = new ArrayList<>();
    try {
      for (Future<JsonArray> f : pool.invokeAll(batches)) {
        answers.add(f.get());
      }
    } finally {
      pool.shutdown();
    }
    int xTaken = 0;
    int yTaken = 0;
    for (JsonArray results : answers) {
      for (int i = 0; i < results.size(); i++) {
        int status = status(results, i);
        assertThat(status).isIn(201, 409);
        if (status == 201) {
          xTaken++;
          yTaken += i % 2 == 0 ? 1 : 0;
        }
      }
    }
    assertThat(xTaken).as("x is the scarcer: every unit is taken, none twice").isEqualTo(40);
    assertThat(inventory.stock(x).getInteger("reserved")).isEqualTo(40);
    assertThat(inventory.stock(y).getInteger("reserved")).isEqualTo(yTaken);
  }

  @Test
  @DisplayName("a batch is validated as a whole: a bad item is a 400 problem and nothing is taken")
  void badItem() {
    String sku = inventory.item("batch-bad", 100, 5);
    String ok = "ok-" + UUID.randomUUID();
    Reply reply =
        inventory.http.post(
            "/batch/reservations",
            SERVICE,
            new JsonObject()
                .put(
                    "reservations",
                    new JsonArray()
                        .add(request(ok, 600, sku, 1))
                        .add(request("bad id with spaces", 600, sku, 1))));
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(reservationRows(ok)).isZero();
    assertThat(inventory.stock(sku).getInteger("reserved")).isZero();
  }
}
