package dev.stockroom.loadtest.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.loadtest.chaos.Checker.Property;
import dev.stockroom.loadtest.chaos.History.Read;
import dev.stockroom.loadtest.chaos.History.Row;
import dev.stockroom.loadtest.chaos.History.Write;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checker on small hand-made histories: a history that keeps every promise passes, and each
 * kind of broken promise is found and named (so a run that breaks one cannot pass).
 */
class CheckerTest {
  private static final long T0 = 1_000_000_000L; // µs: the wall clock at t = 0

  /** Alice renamed to #1 (acknowledged at 100 ms) and #2 (at 300 ms); reads at both instances. */
  private static History healthy() {
    History h = new History();
    h.settings = new History.Settings(2, 60_000, 5_000, 1_000);
    h.lengthMs = 2_000;
    h.writes.add(write(1, 50, 100));
    h.writes.add(write(2, 250, 300));
    for (String instance : List.of("inventory-1", "inventory-2")) {
      h.reads.add(read(instance, 120, null, false, row(1, 110)));
      h.reads.add(read(instance, 500, null, false, row(2, 450)));
      h.reads.add(read(instance, 1_500, 1_000L, true, row(2, 1_400)));
    }
    h.orderAttempts.add(attempt("k1", 2, 0, null));
    h.orderAttempts.add(attempt("k1", 2, 503, null));
    h.orderAttempts.add(attempt("k1", 2, 201, "o1"));
    h.orderAttempts.add(attempt("k2", 1000, 201, "o2"));
    h.orders.add(new History.OrderFinal("o1", "bob", "CONFIRMED", Map.of("LAST-00", 2), 200));
    h.orders.add(new History.OrderFinal("o2", "bob", "REJECTED", Map.of("LAST-00", 1000), 0));
    h.stock.add(new History.Stock("LAST-00", 10, 8, 0));
    h.customers.add(new History.Customer("bob", 200, 0, List.of("o1", "o2")));
    return h;
  }

  @Test
  void aHistoryThatKeepsEveryPromisePasses() {
    List<Property> verdict = Checker.check(healthy());
    assertThat(verdict).allSatisfy(p -> assertThat(p.passed()).as(p.toString()).isTrue());
    assertThat(verdict.get(1).numbers()).containsEntry("never seen", "0");
  }

  @Test
  void aRowClaimingToBeCurrentAfterAnAcknowledgedChangeItMissesIsALie() {
    History h = healthy();
    // At 600 ms instance 2 serves Alice at #1, claiming asOf 550 ms: #2 was acknowledged at 300.
    h.reads.add(read("inventory-2", 600, null, false, row(1, 550)));
    Property p = Checker.check(h).get(0);
    assertThat(p.passed()).isFalse();
    assertThat(p.counterexamples().get(0)).contains("inventory-2", "#1", "#2 was acknowledged");
  }

  @Test
  void anOldRowIsNoLieWhenItsAsOfPredatesTheChange() {
    History h = healthy();
    h.reads.add(read("inventory-2", 600, null, false, row(1, 299)));
    assertThat(Checker.check(h).get(0).passed()).isTrue();
  }

  @Test
  void aFreshRowOlderThanTheBudgetAskedForIsFound() {
    History h = healthy();
    h.reads.add(read("inventory-1", 1_900, 1_000L, false, row(2, 800)));
    Property p = Checker.check(h).get(0);
    assertThat(p.passed()).isFalse();
    assertThat(p.counterexamples().get(0)).contains("budget 1000 ms");
    // Flagged stale, the same row keeps the promise.
    History flagged = healthy();
    Row stale = new Row("alice", 2, "replica", T0 + 800_000, true);
    flagged.reads.add(read("inventory-1", 1_900, 1_000L, false, stale));
    assertThat(Checker.check(flagged).get(0).passed()).isTrue();
  }

  @Test
  void aChangeAnInstanceNeverSettlesOnIsNeverSeen() {
    History h = healthy();
    // Instance 2's final read goes back to #1 (a lost change, or a replica that regressed).
    h.reads.add(read("inventory-2", 1_800, null, true, row(1, 200)));
    Property p = Checker.check(h).get(1);
    assertThat(p.passed()).isFalse();
    assertThat(p.numbers()).containsEntry("never seen", "1");
  }

  @Test
  void aPersonAnAnswerLeavesOutIsNotVisible() {
    History h = healthy();
    // Instance 2 answers last without Alice on the page: what it shows of her went back.
    h.reads.add(new Read("inventory-2", null, 1_700, 1_705, T0, 200, null, false, List.of()));
    Property p = Checker.check(h).get(1);
    assertThat(p.passed()).isFalse();
    assertThat(p.numbers()).containsEntry("never seen", "2");
  }

  @Test
  void aChangeVisibleOnlyAfterTheBoundIsLate() {
    History h = healthy();
    h.settings = new History.Settings(2, 60_000, 100, 0);
    Property p = Checker.check(h).get(1);
    assertThat(p.passed()).isFalse();
    assertThat(p.numbers().get("later than the bound")).isNotEqualTo("0");
  }

  @Test
  void twoOrdersForOneKeyOversoldStockAndUncapturedCreditAreFound() {
    History doubled = healthy();
    doubled.orderAttempts.add(attempt("k1", 2, 201, "o3"));
    assertThat(Checker.check(doubled).get(2).counterexamples())
        .anyMatch(s -> s.contains("k1 was answered with 2 different orders"));

    History oversold = healthy();
    oversold.stock.set(0, new History.Stock("LAST-00", 10, 7, 0));
    assertThat(Checker.check(oversold).get(2).passed()).isFalse();

    History pending = healthy();
    pending.orders.set(0, new History.OrderFinal("o1", "bob", "PENDING", Map.of(), 200));
    assertThat(Checker.check(pending).get(2).counterexamples())
        .anyMatch(s -> s.contains("ended PENDING"));

    History credit = healthy();
    credit.customers.set(0, new History.Customer("bob", 0, 0, List.of("o1", "o2")));
    assertThat(Checker.check(credit).get(2).counterexamples())
        .anyMatch(s -> s.contains("credit captured 0 cents, confirmed orders total 200"));

    History held = healthy();
    held.customers.set(0, new History.Customer("bob", 0, 200, List.of("o1", "o2")));
    assertThat(Checker.check(held).get(2).counterexamples())
        .anyMatch(s -> s.contains("200 cents still held"));

    History unexplained = healthy();
    unexplained.customers.set(0, new History.Customer("bob", 200, 0, List.of("o1", "o2", "o9")));
    assertThat(Checker.check(unexplained).get(2).passed()).isFalse();

    History unlisted = healthy();
    unlisted.customers.set(0, new History.Customer("bob", 200, 0, List.of("o2")));
    assertThat(Checker.check(unlisted).get(2).counterexamples())
        .anyMatch(s -> s.contains("an answered order is missing from their listing"));
  }

  @Test
  void stockBelowZeroOrLeftReservedIsFoundEvenWhenTheSumsAgree() {
    History negative = healthy();
    // 12 confirmed of 10: before = after + sold still holds, the stock went below zero.
    negative.orders.set(
        0, new History.OrderFinal("o1", "bob", "CONFIRMED", Map.of("LAST-00", 12), 200));
    negative.orderAttempts.replaceAll(
        a -> a.key().equals("k1") ? attempt("k1", 12, a.status(), a.orderId()) : a);
    negative.stock.set(0, new History.Stock("LAST-00", 10, -2, 0));
    assertThat(Checker.check(negative).get(2).counterexamples())
        .containsExactly("sku LAST-00: 10 before, -2 after, 12 confirmed, 0 still reserved");

    History reserved = healthy();
    reserved.stock.set(0, new History.Stock("LAST-00", 10, 8, 1));
    assertThat(Checker.check(reserved).get(2).counterexamples())
        .containsExactly("sku LAST-00: 10 before, 8 after, 2 confirmed, 1 still reserved");
  }

  @Test
  void anOrderConfirmedWithOtherLinesThanAskedForIsFound() {
    History h = healthy();
    // A partial fill, stock and credit consistent with it: only the lines asked for tell.
    h.orderAttempts.replaceAll(
        a -> a.key().equals("k1") ? attempt("k1", 5, a.status(), a.orderId()) : a);
    assertThat(Checker.check(h).get(2).counterexamples())
        .containsExactly(
            "order o1 (key k1) confirmed {LAST-00=2} where 5 of LAST-00 were asked for");
  }

  @Test
  void aReportAnswerWithoutItsFreshnessIsFound() {
    History malformed = healthy();
    malformed.reads.add(
        new Read(
            "inventory-2",
            null,
            600,
            605,
            T0,
            200,
            History.MALFORMED + "java.lang.NullPointerException",
            false,
            List.of()));
    Property p = Checker.check(malformed).get(0);
    assertThat(p.violations()).isEqualTo(1);
    assertThat(p.counterexamples().get(0)).contains("inventory-2", "malformed answer");

    History withoutAsOf = healthy();
    withoutAsOf.reads.add(
        read("inventory-1", 700, null, false, new Row("alice", 2, "replica", null, false)));
    assertThat(Checker.check(withoutAsOf).get(0).counterexamples())
        .containsExactly(
            "inventory-1 at t=0.700 s: person alice served fresh from replica without asOf");
    // Flagged stale, a row without asOf claims nothing.
    History staleWithoutAsOf = healthy();
    staleWithoutAsOf.reads.add(
        read("inventory-1", 700, null, false, new Row("alice", 2, "replica", null, true)));
    assertThat(Checker.check(staleWithoutAsOf).get(0).passed()).isTrue();
  }

  @Test
  void aNameGivenToAnotherPersonIsFound() {
    History h = healthy();
    h.reads.add(
        read(
            "inventory-1",
            700,
            null,
            false,
            new Row("alice", History.SOMEONE_ELSES, "replica", T0 + 650_000L, false)));
    assertThat(Checker.check(h).get(0).counterexamples())
        .containsExactly(
            "inventory-1 at t=0.700 s: person alice shown with a name given to another person");
  }

  @Test
  void anInstanceWithoutAReadableFinalAnswerIsNotLeftOut() {
    History h = healthy();
    h.reads.removeIf(r -> r.fin() && r.instance().equals("inventory-2"));
    h.reads.add(new Read("inventory-2", 1_000L, 1_500, 6_500, T0, 0, "timeout", true, List.of()));
    Property p = Checker.check(h).get(1);
    assertThat(p.passed()).isFalse();
    assertThat(p.numbers()).containsEntry("instances without a final answer", "1");
  }

  @Test
  void aReportUnansweredOrRefusedWithNoFaultOnIsAViolation() {
    History during = healthy();
    during.faults.add(new History.Fault("kill-inventory", "kill", 1_000, 1_200, "healed"));
    during.reads.add(new Read("inventory-1", null, 990, 5_990, T0, 0, "timeout", false, List.of()));
    assertThat(Checker.check(during).get(3).passed()).as("out while a fault was on").isTrue();

    for (int status : new int[] {0, 401, 503}) {
      History calm = healthy();
      calm.reads.add(
          new Read("inventory-1", null, 1_300, 1_310, T0, status, "no", false, List.of()));
      Property p = Checker.check(calm).get(3);
      assertThat(p.violations()).as("status %d with no fault on", status).isEqualTo(1);
      assertThat(p.numbers()).containsEntry("500 answers, any endpoint", "0");
    }
  }

  @Test
  void aFaultThatNeverHealedOrARunThatDidNothingFails() {
    assertThat(Checker.check(healthy()).get(4).passed()).isTrue();
    History failed = healthy();
    failed.faults.add(new History.Fault("kafka-stop", "stop", 100, 200, "FAILED: no broker"));
    assertThat(Checker.check(failed).get(4).counterexamples())
        .containsExactly("fault kafka-stop (stop): FAILED: no broker");

    History idle = healthy();
    idle.writes.clear();
    assertThat(Checker.check(idle).get(4).counterexamples())
        .containsExactly("no acknowledged renames");
  }

  @Test
  void aReport5xxCountsAgainstAvailabilityOnlyOutsideAPostgresRestart() {
    History h = healthy();
    h.faults.add(new History.Fault("postgres-restart", "restart", 1_000, 1_200, "healed"));
    h.reads.add(new Read("inventory-1", null, 1_100, 1_110, T0, 503, "down", false, List.of()));
    assertThat(Checker.check(h).get(3).passed()).isTrue();
    h.reads.add(new Read("inventory-1", null, 1_300, 1_310, T0, 500, "bug", false, List.of()));
    Property p = Checker.check(h).get(3);
    assertThat(p.passed()).isFalse();
    assertThat(p.counterexamples().get(0)).contains("answered 500", "no fault");
  }

  @Test
  void a500IsABugEvenDuringAPostgresRestart() {
    History h = healthy();
    h.faults.add(new History.Fault("postgres-restart", "restart", 1_000, 1_200, "healed"));
    h.writes.add(new Write("alice", 3, "users-2", 1_100, 1_120, T0, 503, "unavailable"));
    assertThat(Checker.check(h).get(3).passed()).isTrue();
    h.writes.add(new Write("alice", 4, "users-2", 1_150, 1_160, T0, 500, "Internal error"));
    Property p = Checker.check(h).get(3);
    assertThat(p.passed()).isFalse();
    assertThat(p.numbers()).containsEntry("500 answers, any endpoint", "1");
    assertThat(p.counterexamples().get(0)).contains("PATCH /users/{id} at users-2 answered 500");
  }

  @Test
  void anOrderlyRestartThatCostsARequestIsAViolation() {
    History h = healthy();
    h.faults.add(
        new History.Fault("restart-orders", "orders-1 stopped by SIGTERM", 1_000, 1_200, "healed"));
    h.faults.add(
        new History.Fault(
            "restart-relay-leader", "users-1 stopped by SIGTERM", 1_300, 1_400, "healed"));
    h.faults.add(new History.Fault("kill-orders", "orders-1 SIGKILLed", 1_500, 1_700, "healed"));
    // Lost to the SIGKILL, out through both faults, or at another instance than the restarted one.
    h.orderAttempts.add(order("k3", 1_550, 1_560, 0));
    h.orderAttempts.add(order("k3", 1_150, 1_600, 0));
    h.orderAttempts.add(order("k3", 1_610, 1_650, 201));
    h.writes.add(new Write("alice", 3, "users-2", 1_310, 1_320, T0, 503, "overloaded"));
    assertThat(Checker.check(h).get(3).passed()).as(Checker.check(h).get(3).toString()).isTrue();

    h.orderAttempts.add(order("k4", 1_100, 1_110, 0));
    h.writes.add(new Write("alice", 4, "users-1", 1_250, 1_350, T0, 503, "draining"));
    Property p = Checker.check(h).get(3);
    assertThat(p.passed()).isFalse();
    assertThat(p.numbers())
        .containsEntry(
            "unanswered or 5xx from an instance in an orderly restart, any endpoint", "2");
    assertThat(p.counterexamples())
        .anySatisfy(e -> assertThat(e).contains("PATCH /users/{id} at users-1 answered 503"))
        .anySatisfy(e -> assertThat(e).contains("POST /orders at orders-1 answered 0"));
  }

  @Test
  void anOrderRefusedWithA4xxIsAViolationInAnyWindow() {
    History h = healthy();
    h.faults.add(new History.Fault("kafka-stop", "stop", 0, 100, "healed"));
    h.orderAttempts.add(attempt("k3", 1, 422, null));
    Property p = Checker.check(h).get(3);
    assertThat(p.passed()).isFalse();
    assertThat(p.numbers()).containsEntry("orders refused with a 4xx", "1");
    assertThat(p.counterexamples().get(0)).contains("POST /orders at orders-1 answered 422");
  }

  @Test
  void theCheckerDecidesFromTheWrittenHistory(@TempDir Path dir) {
    History h = healthy();
    h.reads.add(read("inventory-2", 600, null, false, row(1, 550)));
    Path file = dir.resolve("history.json");
    h.write(file);
    assertThat(Checker.check(History.read(file)).get(0).violations()).isEqualTo(1);
  }

  private static Write write(long seq, double sentMs, double ackMs) {
    return new Write("alice", seq, "users-1", sentMs, ackMs, T0 + (long) (ackMs * 1000), 200, null);
  }

  private static Row row(long seq, double asOfMs) {
    return new Row("alice", seq, "replica", T0 + (long) (asOfMs * 1000), false);
  }

  private static Read read(String instance, double sentMs, Long budget, boolean fin, Row row) {
    return new Read(
        instance,
        budget,
        sentMs,
        sentMs + 5,
        T0 + (long) (sentMs * 1000),
        200,
        null,
        fin,
        List.of(row));
  }

  private static History.OrderAttempt order(
      String key, double sentMs, double answeredMs, int status) {
    return new History.OrderAttempt(
        key, "bob", "LAST-00", 1, "orders-1", sentMs, answeredMs, status, null, null);
  }

  private static History.OrderAttempt attempt(String key, int quantity, int status, String id) {
    return new History.OrderAttempt(
        key, "bob", "LAST-00", quantity, "orders-1", 10, 20, status, null, id);
  }
}
