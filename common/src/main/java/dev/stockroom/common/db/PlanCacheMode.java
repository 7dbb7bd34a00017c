package dev.stockroom.common.db;

import java.util.Locale;

/**
 * PostgreSQL's {@code plan_cache_mode} for a service's connections. With {@code auto} PostgreSQL
 * re-plans a prepared statement on every execution while its custom plans look cheaper than the
 * generic one; for a query whose plan never changes with its parameters that is pure overhead (the
 * low-stock report spends more time planning than executing). Queries whose best plan depends on a
 * parameter ({@code $1 IS NULL OR col = $1}) need {@code auto}.
 */
public enum PlanCacheMode {
  AUTO,
  FORCE_GENERIC_PLAN,
  FORCE_CUSTOM_PLAN;

  /** The value PostgreSQL expects. */
  public String setting() {
    return name().toLowerCase(Locale.ROOT);
  }
}
