package dev.stockroom.loadtest.chaos;

import dev.stockroom.loadtest.Api;
import dev.stockroom.loadtest.Tokens;
import dev.stockroom.loadtest.Urls;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The end of a run, through the services' public APIs only (as a client could check): each order's
 * final state (waiting for PENDING ones to finish), each sku's stock and each customer's captured
 * credit and order listing.
 */
final class ReadBack {
  private static final Duration SETTLE = Duration.ofSeconds(90);

  private final Api api;
  private final Urls urls;
  private final Tokens tokens;
  private final String admin;

  ReadBack(Api api, Urls urls, Tokens tokens) {
    this.api = api;
    this.urls = urls;
    this.tokens = tokens;
    this.admin = tokens.bearer("chaos-admin", "admin");
  }

  Map<String, long[]> stock(List<String> skus) {
    List<JsonObject> items =
        Api.await(
            api.map(skus, 4, sku -> get(urls.inventory() + "/items/" + sku, admin)),
            Duration.ofMinutes(1));
    Map<String, long[]> stock = new LinkedHashMap<>();
    for (int i = 0; i < skus.size(); i++) {
      JsonObject item = items.get(i);
      stock.put(skus.get(i), new long[] {item.getLong("quantity"), item.getLong("reserved", 0L)});
    }
    return stock;
  }

  /** Every order's final state; a PENDING one is read again until it ends or time runs out. */
  List<History.OrderFinal> orders(Map<String, String> customerByOrder) {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    List<String> ids = List.copyOf(customerByOrder.keySet());
    return Api.await(
        api.map(ids, 16, id -> settled(id, customerByOrder.get(id), deadline)),
        SETTLE.plusMinutes(1));
  }

  private Future<History.OrderFinal> settled(String id, String customer, long deadline) {
    return get(urls.orders() + "/orders/" + id, admin)
        .compose(
            o -> {
              String status = o.getString("status");
              if (!status.equals("PENDING") || System.nanoTime() > deadline) {
                return Future.succeededFuture(finalOf(o, customer));
              }
              Promise<Void> later = Promise.promise();
              api.vertx().setTimer(500, t -> later.complete());
              return later.future().compose(v -> settled(id, customer, deadline));
            });
  }

  private static History.OrderFinal finalOf(JsonObject o, String customer) {
    Map<String, Integer> lines = new LinkedHashMap<>();
    JsonArray ls = o.getJsonArray("lines");
    for (int i = 0; i < ls.size(); i++) {
      JsonObject l = ls.getJsonObject(i);
      lines.merge(l.getString("sku"), l.getInteger("quantity"), Integer::sum);
    }
    return new History.OrderFinal(
        o.getString("id"), customer, o.getString("status"), lines, o.getLong("totalCents"));
  }

  /**
   * Each customer's credit once no hold is open (a rejected order's release may lag its status),
   * waiting at most a minute for all of them together.
   */
  List<History.Customer> customers(List<String> ids) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    return ids.stream().map(id -> customer(id, deadline)).toList();
  }

  private History.Customer customer(String id, long deadline) {
    JsonObject user = Api.await(get(urls.users() + "/users/" + id, admin), Duration.ofSeconds(30));
    while (user.getLong("heldCreditCents") > 0 && System.nanoTime() < deadline) {
      Faults.pause(Duration.ofMillis(500));
      user = Api.await(get(urls.users() + "/users/" + id, admin), Duration.ofSeconds(30));
    }
    String bearer = tokens.bearer(id, "customer");
    List<String> listed = new ArrayList<>();
    String after = null;
    do {
      String url = urls.orders() + "/orders?limit=200" + (after == null ? "" : "&after=" + after);
      JsonObject page = Api.await(get(url, bearer), Duration.ofSeconds(30));
      JsonArray items = page.getJsonArray("orders");
      for (int i = 0; i < items.size(); i++) {
        listed.add(items.getJsonObject(i).getString("id"));
      }
      after = page.getString("next");
    } while (after != null);
    return new History.Customer(
        id, user.getLong("capturedCreditCents"), user.getLong("heldCreditCents"), listed);
  }

  private Future<JsonObject> get(String url, String bearer) {
    return api.call(HttpMethod.GET, url, bearer, null, 200);
  }
}
