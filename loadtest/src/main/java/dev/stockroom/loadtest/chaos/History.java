package dev.stockroom.loadtest.chaos;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What every client did and saw during a chaos run, and nothing else: the checker decides from this
 * alone. Times in milliseconds since the run's start on the harness's monotonic clock ({@code
 * sentMs}, {@code answeredMs}); wall-clock microseconds ({@code ...Micros}, same machine, same
 * clock as the services') where an answer is compared with a timestamp a service wrote.
 * Thread-safe: clients append from event loops, faults from their own thread.
 */
public final class History {
  /** A rename of a tracked person: acknowledged when {@code status} is 200. */
  public record Write(
      String user,
      long seq,
      String instance,
      double sentMs,
      double answeredMs,
      long ackMicros,
      int status,
      String error) {
    public boolean acknowledged() {
      return status == 200;
    }
  }

  /** One copied person in a report answer: the sequence its name carries and its freshness. */
  public record Row(String user, long seq, String source, Long asOfMicros, boolean stale) {}

  /** {@link Row#seq} of a row showing a name another tracked person was given. */
  public static final long SOMEONE_ELSES = -3;

  /** How {@link Read#error} begins for a 200 whose body did not have the contract's shape. */
  public static final String MALFORMED = "malformed answer: ";

  /** A low-stock report read; {@code budgetMs} null for the default budget (REPLICA_TTL). */
  public record Read(
      String instance,
      Long budgetMs,
      double sentMs,
      double answeredMs,
      long sentMicros,
      int status,
      String error,
      boolean fin,
      List<Row> rows) {}

  /** One attempt to place an order under an Idempotency-Key (a retry is another attempt). */
  public record OrderAttempt(
      String key,
      String customer,
      String sku,
      int quantity,
      String instance,
      double sentMs,
      double answeredMs,
      int status,
      String error,
      String orderId) {}

  /** An order as read back through orders' API at the end. */
  public record OrderFinal(
      String orderId,
      String customer,
      String status,
      Map<String, Integer> lines,
      long totalCents) {}

  /** An item's stock through inventory's API before the load and after the run. */
  public record Stock(String sku, long before, long after, long reservedAfter) {}

  /**
   * A customer's credit through users' API at the end (captured by confirmed orders, still held by
   * open holds), and the orders their listing shows.
   */
  public record Customer(
      String id, long capturedCents, long heldCents, List<String> listedOrders) {}

  /** A fault: from when it was injected until the system was whole again. */
  public record Fault(String kind, String what, double startMs, double endMs, String outcome) {}

  /** The settings the run used that the checker needs. */
  public record Settings(
      int instances, long defaultBudgetMs, long visibilityBoundMs, double faultsEndMs) {}

  public Settings settings;
  public double lengthMs;
  public final List<Write> writes = new ArrayList<>();
  public final List<Read> reads = new ArrayList<>();
  public final List<OrderAttempt> orderAttempts = new ArrayList<>();
  public final List<OrderFinal> orders = new ArrayList<>();
  public final List<Stock> stock = new ArrayList<>();
  public final List<Customer> customers = new ArrayList<>();
  public final List<Fault> faults = new ArrayList<>();

  private final transient long startNanos = System.nanoTime();

  double nowMs() {
    return (System.nanoTime() - startNanos) / 1e6;
  }

  static long micros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  static long nowMicros() {
    return micros(Instant.now());
  }

  synchronized void add(Write w) {
    writes.add(w);
  }

  synchronized void add(Read r) {
    reads.add(r);
  }

  synchronized void add(OrderAttempt a) {
    orderAttempts.add(a);
  }

  synchronized void add(Fault f) {
    faults.add(f);
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public synchronized void write(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      JSON.writeValue(file.toFile(), this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static History read(Path file) {
    try {
      return JSON.readValue(file.toFile(), History.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
