package dev.stockroom.loadtest.report;

import static dev.stockroom.loadtest.report.Fmt.f0;
import static dev.stockroom.loadtest.report.Fmt.f1;
import static dev.stockroom.loadtest.report.Fmt.ms;

import dev.stockroom.loadtest.LatencyStats;
import dev.stockroom.loadtest.Results;
import dev.stockroom.loadtest.Results.OpenRun;

/** The order sagas under contention: throughput on hot SKUs, then selling the last units. */
final class OrdersSection extends Section {
  OrdersSection(Report report) {
    super(report);
  }

  @Override
  void write() {
    md.heading("Orders under contention");
    OpenRun run = r.open.get("contention");
    OpenRun sell = r.open.get("sellout");
    if ((r.orders == null || run == null) && (r.sellout == null || sell == null)) {
      md.notMeasured();
      return;
    }
    md.line(
        "Customers (random among the seeded ones, each with their own token) each order one unit"
            + " of one of a few SKUs, every order a saga (reserve stock at inventory, hold credit"
            + " at users, confirm, capture). Outcomes are counted in the orders database once"
            + " every saga has finished, stock in inventory's; *sold* is the stock inventory"
            + " lost, which must equal what confirmed orders hold and never exceed the stock.");
    md.line();
    if (r.orders != null && run != null) {
      md.line(
          "**Throughput:** "
              + opts.s("hot")
              + " hot SKUs ("
              + f0(r.seed == null ? 0 : r.seed.plan().hotStock())
              + " units each, 90% of the demand at the offered rate), "
              + f0(run.rate())
              + " orders/s offered for "
              + f0(Runs.plannedSeconds(run))
              + " s.");
      md.line();
      outcome(r.orders, run);
    }
    if (r.sellout != null && sell != null) {
      md.line(
          "**Selling out:** "
              + opts.s("sellout")
              + " SKUs with only "
              + f0(r.seed == null ? 0 : r.seed.plan().selloutStock())
              + " units each, ordered at "
              + f0(sell.rate())
              + " orders/s (a rate this machine sustains) for "
              + f0(Runs.plannedSeconds(sell))
              + " s: demand is 1/0.6 of the stock, so the last units go under contention and the"
              + " remaining orders must be rejected as out of stock.");
      md.line();
      outcome(r.sellout, sell);
    }
  }

  /** What one order run did: requests, outcomes, stock accounting and the oversell verdict. */
  private void outcome(Results.Orders o, OpenRun run) {
    LatencyStats g = run.run().global();
    md.head("ll", "", "");
    md.row(
        "requests",
        f0(g.requests())
            + " sent, "
            + g.errors()
            + " failed (HTTP errors or timeouts); p50 "
            + ms(g.p50())
            + ", p99 "
            + ms(g.p99())
            + (o.poolBusyErrors() > 0
                ? "; orders answered "
                    + f0(o.poolBusyErrors())
                    + " requests with 503 at once (at capacity: its database wait queue full or too many requests in flight)"
                : ""));
    md.row("orders by outcome", o.byStatus());
    md.row("rejection reasons", o.rejections().isEmpty() ? "none" : o.rejections());
    md.row(
        "confirmed per second",
        Fmt.bold(f0(o.confirmedPerSecondInStock()))
            + " "
            + (o.soldOut()
                ? "while stock lasted (first "
                    + f1(o.inStockSeconds())
                    + " s); "
                    + f0(o.confirmedPerSecond())
                    + " over the whole run"
                : "(the items did not sell out)"));
    md.row(
        "stock accounting",
        f0(o.hotStockBefore())
            + " units before; inventory sold "
            + f0(o.soldByInventory())
            + "; confirmed orders hold "
            + f0(o.confirmedQuantity())
            + " units; "
            + f0(o.confirmedReservations())
            + " confirmed reservations");
    md.row(
        "oversell",
        o.oversold()
            ? "**yes, or the books disagree** (see per SKU)"
            : "**none**: sold = confirmed ≤ stock, no negative or over-reserved stock"
                + (o.soldOut() ? ", sold out exactly" : ""));
    md.row("still pending after 90 s", o.stillPending());
    md.line();
    md.line("Per SKU: " + String.join("; ", o.perSku()) + ".");
    md.line();
  }
}
