package dev.stockroom.orders.saga;

import dev.stockroom.common.batch.GroupCommit;
import dev.stockroom.common.replica.ConsistencyRequest;
import dev.stockroom.common.replica.ConsistencyToken;
import dev.stockroom.common.replica.Freshness;
import dev.stockroom.common.replica.ReadYourWrites;
import dev.stockroom.common.replica.Replica;
import dev.stockroom.common.replica.ReplicaEntry;
import io.micrometer.core.instrument.DistributionSummary;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The CUSTOMER step: each order's customer from the local copy of users (or from users when the
 * copy is not fresh enough), read for many orders at once through a {@link GroupCommit}. An order
 * placed with a consistency token is read alone, waiting for its own write to arrive.
 */
final class CustomerStep {
  private final Replica customers;
  private final Duration budget;
  private final GroupCommit<SagaOrder, Outcome> reads;

  CustomerStep(Replica customers, Duration budget, DistributionSummary batchSizes) {
    this.customers = customers;
    this.budget = budget;
    this.reads = new GroupCommit<>(o -> read(o, Optional.empty()), batchSizes);
  }

  Future<Outcome> customer(SagaOrder order) {
    if (order.consistentWith() == null) {
      return reads.submit(order);
    }
    ReadYourWrites after =
        new ReadYourWrites(
            new ConsistencyToken(order.consistentWith()), ConsistencyRequest.DEFAULT_WAIT);
    return read(List.of(order), Optional.of(after)).map(outcomes -> outcomes.get(0));
  }

  private Future<List<Outcome>> read(List<SagaOrder> orders, Optional<ReadYourWrites> after) {
    Set<UUID> ids = new LinkedHashSet<>();
    orders.forEach(o -> ids.add(o.customerId()));
    return customers
        .lookup(ids, budget, after)
        .map(entries -> orders.stream().map(o -> outcome(entries, o.customerId(), after)).toList());
  }

  private static Outcome outcome(
      Map<UUID, ReplicaEntry> entries, UUID customerId, Optional<ReadYourWrites> after) {
    ReplicaEntry entry = entries.get(customerId);
    if (after.isPresent() && !atOrPast(entry, after.get())) {
      // A snapshot is for good: the order waits for the write it was placed after (until its
      // deadline) rather than keep, or refuse on, what was true before the customer's write.
      return new Outcome.Transient(
          "the customer's data is not known here at or past the order's consistency token and"
              + " users is unreachable");
    }
    if (entry.data() != null) {
      return new Outcome.Ok(entry.toJson());
    }
    return entry.freshness().source().equals(Freshness.NONE)
        ? new Outcome.Transient("the customer's data is not known here and users is unreachable")
        : new Outcome.Refused(Rejection.UNKNOWN_CUSTOMER, "no such customer");
  }

  private static boolean atOrPast(ReplicaEntry entry, ReadYourWrites after) {
    return !entry.freshness().stale() && after.token().satisfiedBy(entry.freshness().asOf());
  }
}
