package dev.stockroom.common.config;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A layer every request passes through that a benchmark can switch off ({@code
 * BENCH_LAYERS_OFF=auth,validation,metrics,freshness}) to put a price on it: the same service with
 * and without the layer, side by side. Only with {@code STOCKROOM_ENV=dev}: without auth anyone is
 * anyone.
 */
public enum PlatformLayer {
  /** Bearer tokens are verified once; after that every request runs as the first caller. */
  AUTH,
  /** Parameters are converted to their types, nothing is checked against the contract. */
  VALIDATION,
  /**
   * No HTTP server, client, pool or event-loop meters, Vert.x's or the platform's request meters
   * (the services' own meters stay).
   */
  METRICS,
  /**
   * Copied data is served as the copy has it: no partition watermark joined, no freshness budget
   * checked, no owner asked (the low-stock report).
   */
  FRESHNESS;

  public static final String VARIABLE = "BENCH_LAYERS_OFF";

  /** The layers switched off; a name that is not a layer, or any outside dev mode, is refused. */
  public static Set<PlatformLayer> switchedOff(Env env, boolean devMode) {
    Optional<String> value = env.optional(VARIABLE).filter(v -> !v.isBlank());
    if (value.isEmpty()) {
      return Set.of();
    }
    if (!devMode) {
      throw new ConfigException(
          VARIABLE + " switches platform layers off for a benchmark; it needs STOCKROOM_ENV=dev");
    }
    Set<PlatformLayer> off = EnumSet.noneOf(PlatformLayer.class);
    for (String name : value.get().split(",")) {
      off.add(parse(name.trim()));
    }
    return Set.copyOf(off);
  }

  private static PlatformLayer parse(String name) {
    return Stream.of(values())
        .filter(l -> l.name().equalsIgnoreCase(name))
        .findFirst()
        .orElseThrow(
            () ->
                new ConfigException(
                    VARIABLE
                        + ": expected a comma-separated list of "
                        + Stream.of(values())
                            .map(l -> l.name().toLowerCase(Locale.ROOT))
                            .collect(Collectors.joining(", "))
                        + ", got '"
                        + name
                        + "'"));
  }
}
