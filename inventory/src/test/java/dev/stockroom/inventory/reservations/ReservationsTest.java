package dev.stockroom.inventory.reservations;

import static dev.stockroom.inventory.reservations.ReservationTestSupport.ADMIN;
import static dev.stockroom.inventory.reservations.ReservationTestSupport.line;
import static dev.stockroom.inventory.reservations.ReservationTestSupport.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.http.Problem;
import dev.stockroom.common.testing.Eventually;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Reservations")
class ReservationsTest {
  private ReservationTestSupport inventory;

  @BeforeAll
  void start() {
    inventory = ReservationTestSupport.start("inventory_reservations");
  }

  @AfterAll
  void stop() {
    inventory.close();
  }

  private String item(String prefix, long priceCents, int quantity) {
    return inventory.item(prefix, priceCents, quantity);
  }

  private JsonObject stock(String sku) {
    return inventory.stock(sku);
  }

  private Reply reserve(JsonObject body) {
    return inventory.reserve(body);
  }

  private Reply confirm(String id) {
    return inventory.confirm(id);
  }

  private Reply release(String id) {
    return inventory.release(id);
  }

  private Reply giveBack(String id) {
    return inventory.giveBack(id);
  }

  @Test
  @DisplayName("a multi-SKU reservation with one short SKU takes nothing and lists the shortfall")
  void allOrNothing() {
    String plenty = item("plenty", 250, 10);
    String scarce = item("scarce", 990, 2);
    Reply refused = reserve(request("aon-1", 600, plenty, 3, scarce, 5));
    assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
    assertThat(refused.header("Content-Type")).startsWith(Problem.CONTENT_TYPE);
    assertThat(refused.json().getString("type")).endsWith("/insufficient-stock");
    assertThat(refused.array("shortfall"))
        .containsExactly(
            new JsonObject().put("sku", scarce).put("requested", 5).put("available", 2));
    assertThat(stock(plenty).getInteger("reserved")).isZero();
    assertThat(stock(scarce).getInteger("reserved")).isZero();

    Reply unknown = reserve(request("aon-2", 600, plenty, 1, "no-such-sku", 1));
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.array("unknownSkus")).containsExactly("no-such-sku");
    assertThat(stock(plenty).getInteger("reserved")).isZero();

    Reply merged = reserve(request("aon-3", 600, scarce, 1, plenty, 3, scarce, 1));
    assertThat(merged.status()).as(merged.toString()).isEqualTo(201);
    assertThat(merged.json().getString("status")).isEqualTo("HELD");
    assertThat(merged.array("lines"))
        .containsExactly(line(plenty, 3, "Item plenty", 250), line(scarce, 2, "Item scarce", 990));
    assertThat(stock(scarce).getInteger("available")).isZero();
    assertThat(stock(plenty).getInteger("available")).isEqualTo(7);
  }

  @Test
  @DisplayName("a reservation is idempotent by id: the same request answers 200, another one 422")
  void idempotent() {
    String a = item("replay-a", 100, 10);
    String b = item("replay-b", 200, 10);
    Reply first = reserve(request("replay-1", 600, a, 2, b, 3));
    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    assertThat(first.header("Location")).isEqualTo("/reservations/replay-1");
    // What the Location names can be read (it answered 405 Allow: DELETE).
    Reply read = inventory.http.get("/reservations/replay-1", ReservationTestSupport.SERVICE);
    assertThat(read.status()).as(read.toString()).isEqualTo(200);
    assertThat(read.json()).isEqualTo(first.json());
    assertThat(
            inventory.http.get("/reservations/none-such", ReservationTestSupport.SERVICE).status())
        .isEqualTo(404);
    Reply again = reserve(request("replay-1", 600, a, 2, b, 3));
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json()).isEqualTo(first.json());
    Reply reordered = reserve(request("replay-1", 600, b, 1, a, 2, b, 2));
    assertThat(reordered.status()).as("same lines after merging").isEqualTo(200);
    assertThat(reordered.json()).isEqualTo(first.json());
    assertThat(stock(a).getInteger("reserved")).as("taken once").isEqualTo(2);
    assertThat(stock(b).getInteger("reserved")).as("taken once").isEqualTo(3);

    Reply otherLines = reserve(request("replay-1", 600, a, 3, b, 3));
    assertThat(otherLines.status()).isEqualTo(422);
    assertThat(otherLines.header("Content-Type")).startsWith(Problem.CONTENT_TYPE);
    assertThat(reserve(request("replay-1", 601, a, 2, b, 3)).status()).isEqualTo(422);
    assertThat(stock(a).getInteger("reserved")).isEqualTo(2);
  }

  @Test
  @DisplayName(
      "confirm sells the stock and is idempotent; a confirmed reservation cannot be released")
  void confirmSells() {
    String sku = item("sell", 1_250, 10);
    Reply held = reserve(request("sell-1", 600, sku, 4));
    assertThat(held.status()).isEqualTo(201);
    // The lines are a snapshot: a later price change does not reach the reservation.
    TestDb.execute(
        inventory.pgUri,
        "UPDATE items SET price_cents = 9999, name = 'Renamed' WHERE sku = '" + sku + "'");

    Reply confirmed = confirm("sell-1");
    assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
    assertThat(confirmed.json().getString("status")).isEqualTo("CONFIRMED");
    assertThat(confirmed.json().getString("expiresAt"))
        .isEqualTo(held.json().getString("expiresAt"));
    assertThat(confirmed.array("lines")).containsExactly(line(sku, 4, "Item sell", 1_250));
    JsonObject item = stock(sku);
    assertThat(item.getInteger("quantity")).isEqualTo(6);
    assertThat(item.getInteger("reserved")).isZero();
    assertThat(item.getInteger("available")).isEqualTo(6);

    Reply again = confirm("sell-1");
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json()).isEqualTo(confirmed.json());
    assertThat(stock(sku).getInteger("quantity")).as("sold once").isEqualTo(6);

    Reply late = release("sell-1");
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.json().getString("type")).endsWith("/reservation-confirmed");
    assertThat(stock(sku).getInteger("quantity")).isEqualTo(6);
  }

  @Test
  @DisplayName(
      "release gives the stock back and is idempotent; a released reservation cannot be confirmed")
  void releaseGivesBack() {
    String sku = item("give", 100, 5);
    assertThat(reserve(request("give-1", 600, sku, 5)).status()).isEqualTo(201);
    assertThat(stock(sku).getInteger("available")).isZero();
    assertThat(release("give-1").status()).isEqualTo(204);
    assertThat(release("give-1").status()).isEqualTo(204);
    JsonObject item = stock(sku);
    assertThat(item.getInteger("reserved")).isZero();
    assertThat(item.getInteger("quantity")).isEqualTo(5);
    Reply late = confirm("give-1");
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.json().getString("detail")).contains("RELEASED");

    assertThat(confirm("never-made").status()).isEqualTo(404);
    assertThat(release("never-made").status()).isEqualTo(204);
  }

  @Test
  @DisplayName(
      "return undoes a reservation: sold stock goes back once, a live one is released, unknown is 404")
  void returnUndoes() {
    String sku = item("undo", 700, 5);
    assertThat(reserve(request("undo-sold", 600, sku, 2)).status()).isEqualTo(201);
    assertThat(confirm("undo-sold").status()).isEqualTo(200);
    assertThat(stock(sku).getInteger("quantity")).isEqualTo(3);

    Reply returned = giveBack("undo-sold");
    assertThat(returned.status()).as(returned.toString()).isEqualTo(200);
    assertThat(returned.json().getString("status")).isEqualTo("RETURNED");
    assertThat(giveBack("undo-sold").json().getString("status")).isEqualTo("RETURNED");
    assertThat(stock(sku).getInteger("quantity")).as("put back once").isEqualTo(5);
    assertThat(confirm("undo-sold").status()).as("returned stock is not sold again").isEqualTo(409);

    assertThat(reserve(request("undo-held", 600, sku, 4)).status()).isEqualTo(201);
    assertThat(giveBack("undo-held").json().getString("status")).isEqualTo("RELEASED");
    JsonObject item = stock(sku);
    assertThat(item.getInteger("quantity")).isEqualTo(5);
    assertThat(item.getInteger("reserved")).isZero();

    assertThat(giveBack("never-made").status()).isEqualTo(404);
  }

  @Test
  @DisplayName(
      "an id released or returned before its reservation was made takes no stock when the"
          + " reservation arrives (a call its caller gave up on), singly or in a batch")
  void undoneBeforeMade() {
    String sku = item("undone", 100, 5);
    assertThat(giveBack("late-return").status()).isEqualTo(404);
    assertThat(release("late-release").status()).isEqualTo(204);

    Reply late = reserve(request("late-return", 600, sku, 2));
    assertThat(late.status()).as(late.toString()).isEqualTo(409);
    assertThat(late.json().getString("type")).endsWith("/reservation-released");
    assertThat(reserve(request("late-release", 600, sku, 2)).status()).isEqualTo(409);
    Reply batch =
        inventory.http.post(
            "/batch/reservations",
            ReservationTestSupport.SERVICE,
            new JsonObject()
                .put("reservations", new JsonArray().add(request("late-return", 600, sku, 2))));
    assertThat(batch.status()).as(batch.toString()).isEqualTo(200);
    assertThat(batch.json().getJsonArray("results").getJsonObject(0).getInteger("status"))
        .isEqualTo(409);
    assertThat(stock(sku).getInteger("reserved")).isZero();
    assertThat(giveBack("late-return").status()).as("still nothing to give back").isEqualTo(404);
  }

  @Test
  @DisplayName(
      "sold stock that no longer fits the item (restocked to the ceiling meanwhile) is refused with"
          + " a 409 problem, not a 500, and goes back once there is room")
  void returnPastTheCeiling() {
    String sku = item("ceiling", 100, 5);
    assertThat(reserve(request("ceiling-sold", 600, sku, 2)).status()).isEqualTo(201);
    assertThat(confirm("ceiling-sold").status()).isEqualTo(200);
    // Restocked up to the column's largest value while the order was being compensated.
    TestDb.execute(
        inventory.pgUri, "UPDATE items SET quantity = 2147483647 WHERE sku = '" + sku + "'");

    Reply full = giveBack("ceiling-sold");
    assertThat(full.status()).as(full.toString()).isEqualTo(409);
    assertThat(full.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(full.json().getString("type")).endsWith("/quantity-limit");
    assertThat(stock(sku).getInteger("quantity")).isEqualTo(2147483647);
    assertThat(confirm("ceiling-sold").status()).as("still sold").isEqualTo(200);

    TestDb.execute(
        inventory.pgUri, "UPDATE items SET quantity = 2147483640 WHERE sku = '" + sku + "'");
    Reply returned = giveBack("ceiling-sold");
    assertThat(returned.status()).as(returned.toString()).isEqualTo(200);
    assertThat(returned.json().getString("status")).isEqualTo("RETURNED");
    assertThat(stock(sku).getInteger("quantity")).isEqualTo(2147483642);
  }

  @Test
  @DisplayName("an expired reservation is released by the sweeper and can no longer be confirmed")
  void expiry() {
    String sku = item("expire", 100, 3);
    assertThat(reserve(request("expire-1", 1, sku, 3)).status()).isEqualTo(201);
    assertThat(stock(sku).getInteger("reserved")).isEqualTo(3);
    Eventually.assertWithin(
        Duration.ofSeconds(10), () -> assertThat(stock(sku).getInteger("reserved")).isZero());
    Reply late = confirm("expire-1");
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.json().getString("detail")).contains("EXPIRED");
    assertThat(release("expire-1").status()).isEqualTo(204);
    assertThat(stock(sku).getInteger("reserved")).as("given back once").isZero();
    Eventually.assertWithin(
        Duration.ofSeconds(5),
        () ->
            assertThat(inventory.http.get("/metrics", null).body())
                .containsPattern("reservations_expired_total\\{[^}]*\\} [1-9]")
                .containsPattern("reservations\\{[^}]*state=\"HELD\"[^}]*\\} "));
  }

  @Test
  @DisplayName(
      "settled reservations past COMMITMENT_RETENTION are deleted with their lines; live ones stay")
  void settledArePurged() {
    String sku = item("purge", 100, 10);
    assertThat(reserve(request("purge-sold", 600, sku, 1)).status()).isEqualTo(201);
    assertThat(confirm("purge-sold").status()).isEqualTo(200);
    assertThat(reserve(request("purge-live", 600, sku, 1)).status()).isEqualTo(201);
    // A week and a day ago, as far as the retention (default P7D) can tell.
    TestDb.execute(
        inventory.pgUri,
        "UPDATE reservations SET updated_at = now() - interval '8 days'"
            + " WHERE reservation_id IN ('purge-sold', 'purge-live')");

    Eventually.assertWithin(
        Duration.ofSeconds(10),
        () ->
            assertThat(
                    TestDb.count(
                        inventory.pgUri,
                        "SELECT count(*) FROM reservation_lines WHERE reservation_id = 'purge-sold'"))
                .isZero());
    assertThat(
            TestDb.text(
                inventory.pgUri,
                "SELECT status FROM reservations WHERE reservation_id = 'purge-live'"))
        .as("a live reservation is never purged")
        .isEqualTo("HELD");
    assertThat(stock(sku).getInteger("quantity")).isEqualTo(9);
  }

  @Test
  @DisplayName("malformed requests are refused with 400 problem+json and write nothing")
  void badInput() {
    String sku = item("bad", 100, 5);
    JsonObject line = new JsonObject().put("sku", sku).put("quantity", 1);
    List<JsonObject> bodies =
        List.of(
            new JsonObject().put("reservationId", "bad-1").put("ttlSeconds", 60),
            request("bad-2", 60, sku, 0),
            request("bad-3", 60, sku, 1).put("extra", true),
            request("bad-4", 60).put("lines", new JsonArray().add(line.copy().put("note", "x"))),
            request("bad-5", 60, sku, "one"),
            request("bad-6", 60, sku, 1).put("ttlSeconds", "60"),
            request("bad 7!", 60, sku, 1),
            request("bad-8", 0, sku, 1),
            request("bad-9", 60),
            request("bad-10", 60, "not a sku!", 1));
    for (JsonObject body : bodies) {
      Reply reply = reserve(body);
      assertThat(reply.status()).as(body.encode() + " -> " + reply).isEqualTo(400);
      assertThat(reply.header("Content-Type")).startsWith(Problem.CONTENT_TYPE);
    }
    assertThat(confirm("bad%20id").status()).isEqualTo(400);
    assertThat(
            TestDb.count(
                inventory.pgUri,
                "SELECT count(*) FROM reservations WHERE reservation_id LIKE 'bad%'"))
        .isZero();
    assertThat(stock(sku).getInteger("reserved")).isZero();
  }

  @Test
  @DisplayName("only services may reserve, confirm, release or return")
  void servicesOnly() {
    String sku = item("guard", 100, 5);
    assertThat(inventory.http.post("/reservations", ADMIN, request("guard-1", 60, sku, 1)).status())
        .isEqualTo(403);
    assertThat(reserve(request("guard-2", 60, sku, 1)).status()).isEqualTo(201);
    assertThat(inventory.http.post("/reservations/guard-2/confirm", ADMIN, "").status())
        .isEqualTo(403);
    assertThat(inventory.http.delete("/reservations/guard-2", ADMIN).status()).isEqualTo(403);
    assertThat(inventory.http.post("/reservations/guard-2/return", ADMIN, "").status())
        .isEqualTo(403);
    assertThat(inventory.http.post("/reservations", null, request("guard-3", 60, sku, 1)).status())
        .isEqualTo(401);
    assertThat(stock(sku).getInteger("reserved")).isEqualTo(1);
  }
}
