package dev.stockroom.loadtest.chaos;

import static dev.stockroom.loadtest.chaos.Checker.fmt;

import dev.stockroom.loadtest.chaos.Checker.Property;
import dev.stockroom.loadtest.chaos.History.OrderAttempt;
import dev.stockroom.loadtest.chaos.History.OrderFinal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Property 3: every order ends CONFIRMED or REJECTED, one order per Idempotency-Key, per sku the
 * stock before is the stock after plus the units confirmed (never negative, nothing left reserved),
 * and per customer the credit captured is the total of their confirmed orders. Everything from what
 * the clients were answered and what the services' APIs showed at the end.
 */
final class OrderLedger {
  private final History h;
  private final List<String> examples = new ArrayList<>();
  private long violations;

  private OrderLedger(History h) {
    this.h = h;
  }

  static Property check(History h) {
    return new OrderLedger(h).run();
  }

  private Property run() {
    Map<String, Set<String>> idsByKey = new LinkedHashMap<>();
    Map<String, String> customerByKey = new HashMap<>();
    Map<String, OrderAttempt> askedByKey = new HashMap<>();
    for (OrderAttempt a : h.orderAttempts) {
      Set<String> ids = idsByKey.computeIfAbsent(a.key(), k -> new HashSet<>());
      customerByKey.put(a.key(), a.customer());
      askedByKey.putIfAbsent(a.key(), a);
      if (a.orderId() != null) {
        ids.add(a.orderId());
      }
    }
    Map<String, OrderFinal> finals = new HashMap<>();
    h.orders.forEach(o -> finals.put(o.orderId(), o));
    long unanswered = 0;
    Map<String, Long> unansweredByCustomer = new HashMap<>();
    Map<String, Set<String>> answeredByCustomer = new HashMap<>();
    for (var e : idsByKey.entrySet()) {
      if (e.getValue().size() > 1) {
        fail(
            "key %s was answered with %d different orders: %s",
            e.getKey(), e.getValue().size(), e.getValue());
      }
      if (e.getValue().isEmpty()) {
        unanswered++;
        unansweredByCustomer.merge(customerByKey.get(e.getKey()), 1L, Long::sum);
      }
      for (String id : e.getValue()) {
        answeredByCustomer
            .computeIfAbsent(customerByKey.get(e.getKey()), c -> new HashSet<>())
            .add(id);
        OrderFinal f = finals.get(id);
        if (f == null || !(f.status().equals("CONFIRMED") || f.status().equals("REJECTED"))) {
          fail("order %s (key %s) ended %s", id, e.getKey(), f == null ? "unread" : f.status());
        }
        OrderAttempt asked = askedByKey.get(e.getKey());
        if (f != null
            && f.status().equals("CONFIRMED")
            && !f.lines().equals(Map.of(asked.sku(), asked.quantity()))) {
          fail(
              "order %s (key %s) confirmed %s where %d of %s were asked for",
              id, e.getKey(), f.lines(), asked.quantity(), asked.sku());
        }
      }
    }
    for (History.Customer c : h.customers) {
      Set<String> answered = answeredByCustomer.getOrDefault(c.id(), Set.of());
      Set<String> extra = new HashSet<>(c.listedOrders());
      extra.removeAll(answered);
      long allowed = unansweredByCustomer.getOrDefault(c.id(), 0L);
      if (extra.size() > allowed) {
        fail(
            "customer %s has %d orders nobody was answered with (at most %d keys went unanswered)",
            c.id(), extra.size(), allowed);
      }
      if (!c.listedOrders().containsAll(answered)) {
        fail("customer %s: an answered order is missing from their listing", c.id());
      }
      long confirmedTotal =
          h.orders.stream()
              .filter(o -> o.customer().equals(c.id()) && o.status().equals("CONFIRMED"))
              .mapToLong(OrderFinal::totalCents)
              .sum();
      if (c.heldCents() != 0) {
        fail("customer %s: %d cents still held after every order ended", c.id(), c.heldCents());
      }
      if (confirmedTotal != c.capturedCents()) {
        fail(
            "customer %s: credit captured %d cents, confirmed orders total %d",
            c.id(), c.capturedCents(), confirmedTotal);
      }
    }
    Map<String, Long> confirmedUnits = new TreeMap<>();
    h.orders.stream()
        .filter(o -> o.status().equals("CONFIRMED"))
        .forEach(
            o -> o.lines().forEach((sku, q) -> confirmedUnits.merge(sku, (long) q, Long::sum)));
    for (History.Stock s : h.stock) {
      long sold = confirmedUnits.getOrDefault(s.sku(), 0L);
      if (s.before() != s.after() + sold || s.after() < 0 || s.reservedAfter() != 0) {
        fail(
            "sku %s: %d before, %d after, %d confirmed, %d still reserved",
            s.sku(), s.before(), s.after(), sold, s.reservedAfter());
      }
    }
    Map<String, Long> byStatus = new TreeMap<>();
    h.orders.forEach(o -> byStatus.merge(o.status(), 1L, Long::sum));
    Map<String, String> n = new LinkedHashMap<>();
    n.put("Idempotency-Keys", String.valueOf(idsByKey.size()));
    n.put("attempts (with retries)", String.valueOf(h.orderAttempts.size()));
    n.put("keys never answered", String.valueOf(unanswered));
    byStatus.forEach((k, v) -> n.put("orders " + k, String.valueOf(v)));
    n.put(
        "units confirmed",
        String.valueOf(confirmedUnits.values().stream().mapToLong(Long::longValue).sum()));
    n.put("skus / customers checked", h.stock.size() + " / " + h.customers.size());
    return new Property("Orders add up", violations == 0, n, List.copyOf(examples), violations);
  }

  private void fail(String format, Object... args) {
    violations++;
    if (examples.size() < 10) {
      examples.add(fmt(format, args));
    }
  }
}
