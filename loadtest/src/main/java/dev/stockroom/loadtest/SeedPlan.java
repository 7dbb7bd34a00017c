package dev.stockroom.loadtest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * What the seeding step creates, and the naming rules the simulations and the lag probe rely on.
 *
 * <ul>
 *   <li>{@code customers} people who place orders, {@code stockers} who restock (and whose names
 *       the report shows), {@code probes} people whose names the lag probe keeps changing;
 *   <li>{@code lowStock} items created empty and restocked with 1–4 units by a stocker, so each is
 *       below the default threshold and has a last stocker for the report to join (the first page
 *       of the report, quantity 1, shows 50 different stockers);
 *   <li>{@code catalog} items with plenty of stock for the mixed load's orders;
 *   <li>{@code hot} items that every customer of the contention run orders, {@code hotStock} each;
 *   <li>{@code sellout} items with only {@code selloutStock} units each, ordered at a rate the
 *       system sustains until they sell out: the check that the last units are never oversold;
 *   <li>one probe item per probe person, restocked by them to quantity {@link #PROBE_QUANTITY}:
 *       with the {@code ZZLAG-} prefix they sort after every other low-stock item, so the probe
 *       reads exactly them with a report cursor positioned just before them.
 * </ul>
 */
public record SeedPlan(
    int customers,
    int stockers,
    int probes,
    int lowStock,
    int catalog,
    int hot,
    int hotStock,
    int sellout,
    int selloutStock) {

  public static final int PROBE_QUANTITY = 4;
  public static final String PROBE_NAME_PREFIX = "lagprobe";
  public static final String PROBE_SKU_PREFIX = "ZZLAG-";
  public static final long HOT_PRICE_CENTS = 100;
  public static final long CREDIT_LIMIT_CENTS = 10_000_000_000L;

  public SeedPlan {
    if (customers < 1 || stockers < 1 || lowStock < 1 || catalog < 1 || hot < 1) {
      throw new IllegalArgumentException("every kind of seed data needs at least one");
    }
    if (probes < 1 || probes > 200) {
      throw new IllegalArgumentException("the probe reads one report page: 1 to 200 probes");
    }
  }

  public int users() {
    return customers + stockers + probes;
  }

  public int items() {
    return lowStock + catalog + hot + sellout + probes;
  }

  /** Restocks done while seeding: one per low-stock item and one per probe item. */
  public int restocks() {
    return lowStock + probes;
  }

  public int requests() {
    return users() + items() + restocks();
  }

  public static String lowSku(int i) {
    return String.format(Locale.ROOT, "SKU-%06d", i);
  }

  public static String catalogSku(int i) {
    return String.format(Locale.ROOT, "CAT-%05d", i);
  }

  public static String hotSku(int i) {
    return String.format(Locale.ROOT, "HOT-%02d", i);
  }

  public static String selloutSku(int i) {
    return String.format(Locale.ROOT, "LAST-%02d", i);
  }

  public static String probeSku(int i) {
    return PROBE_SKU_PREFIX + String.format(Locale.ROOT, "%04d", i);
  }

  /** The units the seeding restock of low-stock item {@code i} adds: 1, 2, 3, 4, 1, ... */
  public static int lowQuantity(int i) {
    return 1 + (i % 4);
  }

  /**
   * The stocker who restocks low-stock item {@code i}: items 4k..4k+3 (quantities 1..4) share
   * stocker k, so the report's first page (quantity 1, in sku order) has a different stocker on
   * every row as long as there are at least 50.
   */
  public int stockerOf(int i) {
    return (i / 4) % stockers;
  }

  public static String probeName(int probe, long seq) {
    return String.format(Locale.ROOT, "%s-%04d-%d", PROBE_NAME_PREFIX, probe, seq);
  }

  /** The probe number and sequence a probe name carries, or null for any other name. */
  public static long[] parseProbeName(String name) {
    if (name == null || !name.startsWith(PROBE_NAME_PREFIX + "-")) {
      return null;
    }
    String[] parts = name.substring(PROBE_NAME_PREFIX.length() + 1).split("-");
    if (parts.length != 2) {
      return null;
    }
    try {
      return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * The report cursor just before the probe items: inventory's cursor is the base64url of
   * "quantity:sku" of the last row seen (an implementation detail the harness is allowed to know).
   */
  public static String probeCursor() {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((PROBE_QUANTITY + ":" + PROBE_SKU_PREFIX).getBytes(StandardCharsets.UTF_8));
  }

  /** The report page that shows every probe person (as the stocker of a probe item). */
  public static String probePage(String inventoryUrl) {
    return inventoryUrl
        + "/items/low-stock?below=5&limit=200&after="
        + probeCursor()
        + "&stocker="
        + PROBE_NAME_PREFIX;
  }

  /** Hot stock so that the contention run sells out near its end: 90% of the expected demand. */
  public static int hotStockFor(double ordersPerSecond, double seconds, int hot) {
    return (int) Math.max(1, Math.floor(0.9 * ordersPerSecond * seconds / hot));
  }
}
