package dev.stockroom.common.service;

import dev.stockroom.common.config.PlatformConfig;
import dev.stockroom.common.db.Migrations;
import dev.stockroom.common.db.PlanCacheMode;
import dev.stockroom.common.kafka.TopicSpec;
import java.util.List;
import java.util.function.Function;

/**
 * What the platform needs to know to run a service.
 *
 * @param migrations the service's Flyway migrations, then those of the mechanisms it uses
 * @param contract classpath path of the service's OpenAPI document
 * @param topics the Kafka topics the service owns and creates at start
 * @param planCacheMode the default for {@code PG_PLAN_CACHE_MODE}: what suits the service's queries
 */
public record ServiceSpec(
    String name,
    int defaultPort,
    List<Migrations> migrations,
    String contract,
    Function<PlatformConfig, List<TopicSpec>> topics,
    PlanCacheMode planCacheMode) {

  public ServiceSpec(
      String name,
      int defaultPort,
      List<Migrations> migrations,
      String contract,
      Function<PlatformConfig, List<TopicSpec>> topics) {
    this(name, defaultPort, migrations, contract, topics, PlanCacheMode.AUTO);
  }
}
