package dev.stockroom.common.config;

import dev.stockroom.common.db.PlanCacheMode;

/**
 * A service's own defaults for platform settings, where what suits one service's load would not
 * suit another's. Each is only a default: the environment variable still decides.
 *
 * @param planCacheMode {@code PG_PLAN_CACHE_MODE}
 * @param pgPoolWaitQueue {@code PG_POOL_WAIT_QUEUE}, and through it {@code HTTP_MAX_IN_FLIGHT}'s
 *     default
 */
public record PlatformDefaults(PlanCacheMode planCacheMode, int pgPoolWaitQueue) {
  /**
   * 128 waiting for a connection: 68 requests in flight per event loop on 2 cores. A request
   * admitted holds its rows and its body until written; with 260 per loop (a queue of 512), a step
   * of load to a quarter of inventory's ceiling filled a 32 MB young generation with waiting
   * reports, each slower collection admitted more, and a fifth of the first 20 s was refused after
   * seconds of waiting (BENCHMARKS.md's history, 2026-12-07, late night).
   */
  public static final PlatformDefaults STANDARD = new PlatformDefaults(PlanCacheMode.AUTO, 128);

  public PlatformDefaults withPlanCacheMode(PlanCacheMode mode) {
    return new PlatformDefaults(mode, pgPoolWaitQueue);
  }

  public PlatformDefaults withPgPoolWaitQueue(int waiting) {
    return new PlatformDefaults(planCacheMode, waiting);
  }
}
