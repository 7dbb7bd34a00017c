package dev.stockroom.loadtest.baseline;

import dev.stockroom.common.replica.ReplicaSchema;
import dev.stockroom.inventory.InventoryService;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * The low-stock page as the obvious service would answer it, in any stack: items below the
 * threshold, each with its last stocker's name from the local copy, sorted, first page only. No
 * freshness, no filter, no keyset, no auth; the body has only sku, name, quantity and the stocker's
 * id and name. The report must come close to this while doing all it promises.
 */
final class PlainJoin extends VerticleBase {
  static final String SQL =
      "SELECT i.sku, i.name, i.quantity, r.id AS stocker_id, r."
          + ReplicaSchema.column("name")
          + " AS stocker_name"
          + " FROM items i LEFT JOIN "
          + InventoryService.USERS.table()
          + " r ON r.id = i.last_stocked_by"
          + " WHERE i.quantity < $1 ORDER BY i.quantity, i.sku LIMIT $2";

  private final Pool pool;
  private final int port;

  PlainJoin(Pool pool, int port) {
    this.pool = pool;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer().requestHandler(this::handle).listen(port);
  }

  private void handle(HttpServerRequest request) {
    if (!request.path().equals("/items/low-stock")) {
      request.response().setStatusCode(request.path().startsWith("/health/") ? 200 : 404).end();
      return;
    }
    int below = intParam(request, "below", 5);
    int limit = intParam(request, "limit", 50);
    pool.preparedQuery(SQL)
        .execute(Tuple.of(below, limit))
        .onSuccess(
            rows -> {
              JsonArray items = new JsonArray();
              for (Row row : rows) {
                UUID stocker = row.getUUID("stocker_id");
                items.add(
                    new JsonObject()
                        .put("sku", row.getString("sku"))
                        .put("name", row.getString("name"))
                        .put("quantity", row.getInteger("quantity"))
                        .put(
                            "lastStockedBy",
                            stocker == null
                                ? null
                                : new JsonObject()
                                    .put("id", stocker.toString())
                                    .put("name", row.getString("stocker_name"))));
              }
              request
                  .response()
                  .putHeader("Content-Type", "application/json")
                  .end(new JsonObject().put("items", items).toBuffer());
            })
        .onFailure(e -> request.response().setStatusCode(500).end(String.valueOf(e.getMessage())));
  }

  private static int intParam(HttpServerRequest request, String name, int fallback) {
    String v = request.getParam(name);
    return v == null ? fallback : Integer.parseInt(v);
  }
}
