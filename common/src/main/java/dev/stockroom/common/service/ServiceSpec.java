package dev.stockroom.common.service;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.config.PlatformConfig;
import dev.stockroom.common.config.PlatformDefaults;
import dev.stockroom.common.db.Migrations;
import dev.stockroom.common.kafka.TopicSpec;
import java.util.List;
import java.util.function.BiFunction;

/**
 * What the platform needs to know to run a service.
 *
 * @param <C> the service's own settings: one record, read with the platform's before anything
 *     starts
 * @param migrations the service's Flyway migrations, then those of the mechanisms it uses
 * @param contract classpath path of the service's OpenAPI document
 * @param settings reads and validates the service's own settings ({@link
 *     dev.stockroom.common.config.ConfigException} naming the variable on a bad value)
 * @param topics the Kafka topics the service owns and creates at start
 * @param defaults the service's own defaults for platform settings: what suits its queries and load
 */
public record ServiceSpec<C>(
    String name,
    int defaultPort,
    List<Migrations> migrations,
    String contract,
    BiFunction<Env, PlatformConfig, C> settings,
    BiFunction<PlatformConfig, C, List<TopicSpec>> topics,
    PlatformDefaults defaults) {

  public ServiceSpec(
      String name,
      int defaultPort,
      List<Migrations> migrations,
      String contract,
      BiFunction<Env, PlatformConfig, C> settings,
      BiFunction<PlatformConfig, C, List<TopicSpec>> topics) {
    this(name, defaultPort, migrations, contract, settings, topics, PlatformDefaults.STANDARD);
  }

  /** Everything the service will run with, or a ConfigException naming the first bad variable. */
  public Configuration<C> configure(Env env) {
    PlatformConfig platform = PlatformConfig.from(env, name, defaultPort, defaults);
    C own = settings.apply(env, platform);
    return new Configuration<>(platform, own, topics.apply(platform, own));
  }

  /** A service's whole configuration: the platform's, its own, and the topics they imply. */
  public record Configuration<C>(PlatformConfig platform, C own, List<TopicSpec> topics) {}
}
