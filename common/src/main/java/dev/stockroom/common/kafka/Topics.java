package dev.stockroom.common.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.Config;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import io.vertx.kafka.client.common.ConfigResource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics a service owns, idempotently: missing ones are created with their settings,
 * existing ones are checked for the cleanup policy the service relies on (a compacted topic that
 * silently deletes would lose the snapshot new consumers bootstrap from).
 */
public final class Topics {
  private static final Logger log = LoggerFactory.getLogger(Topics.class);

  private Topics() {}

  public static Future<Void> ensure(Vertx vertx, KafkaConnection kafka, List<TopicSpec> specs) {
    if (specs.isEmpty()) {
      return Future.succeededFuture();
    }
    KafkaAdminClient admin = KafkaAdminClient.create(vertx, KafkaSettings.admin(kafka));
    return admin
        .listTopics()
        .compose(
            existing ->
                createMissing(admin, existing, specs)
                    // Topics created just now have the settings we gave them; a broker may not
                    // describe them yet, so only the ones that already existed are checked.
                    .compose(
                        v ->
                            verifyCleanupPolicies(
                                admin,
                                specs.stream().filter(s -> existing.contains(s.name())).toList())))
        .eventually(admin::close);
  }

  private static Future<Void> createMissing(
      KafkaAdminClient admin, Set<String> existing, List<TopicSpec> specs) {
    List<NewTopic> missing =
        specs.stream()
            .filter(spec -> !existing.contains(spec.name()))
            .map(
                spec ->
                    new NewTopic(spec.name(), spec.partitions(), spec.replicationFactor())
                        .setConfig(spec.config()))
            .toList();
    if (missing.isEmpty()) {
      return Future.succeededFuture();
    }
    return admin
        .createTopics(missing)
        .onSuccess(
            v ->
                missing.forEach(
                    t ->
                        log.info(
                            "created topic {} ({} partitions)", t.getName(), t.getNumPartitions())))
        // Another replica of the service may have won the race: that is the goal, not an error.
        .recover(
            e ->
                e instanceof TopicExistsException
                    ? Future.succeededFuture()
                    : Future.failedFuture(e));
  }

  private static Future<Void> verifyCleanupPolicies(KafkaAdminClient admin, List<TopicSpec> specs) {
    if (specs.isEmpty()) {
      return Future.succeededFuture();
    }
    List<ConfigResource> resources =
        specs.stream()
            .map(
                s ->
                    new ConfigResource(
                        org.apache.kafka.common.config.ConfigResource.Type.TOPIC, s.name()))
            .toList();
    return admin
        .describeConfigs(resources)
        .compose(
            configs -> {
              for (TopicSpec spec : specs) {
                warnIfDeletionsKeptShorter(configs, spec);
                String wanted = spec.config().get("cleanup.policy");
                String actual = valueOf(configs, spec.name(), "cleanup.policy");
                if (wanted != null && !Objects.equals(wanted, actual)) {
                  return Future.failedFuture(
                      new IllegalStateException(
                          "topic "
                              + spec.name()
                              + " exists with cleanup.policy="
                              + actual
                              + " but this service needs "
                              + wanted));
                }
              }
              return Future.succeededFuture();
            });
  }

  /**
   * A topic made elsewhere that keeps a deletion a shorter time than the service relies on still
   * works: a replica away longer than that may miss one, and reconciles only at its next pass.
   */
  private static void warnIfDeletionsKeptShorter(
      Map<ConfigResource, Config> configs, TopicSpec spec) {
    String wanted = spec.config().get("delete.retention.ms");
    String actual = valueOf(configs, spec.name(), "delete.retention.ms");
    if (wanted != null
        && actual != null
        && actual.matches("[0-9]{1,18}")
        && Long.parseLong(actual) < Long.parseLong(wanted)) {
      log.warn(
          "topic {} keeps a deletion {} ms once compacted, less than the {} ms this service"
              + " relies on: a copy away longer may not learn of one until its next full"
              + " reconciliation (set delete.retention.ms={} on the topic)",
          spec.name(),
          actual,
          wanted,
          wanted);
    }
  }

  private static String valueOf(Map<ConfigResource, Config> configs, String topic, String name) {
    return configs.entrySet().stream()
        .filter(e -> e.getKey().getName().equals(topic))
        .flatMap(e -> e.getValue().getEntries().stream())
        .filter(entry -> entry.getName().equals(name))
        .map(entry -> entry.getValue())
        .findFirst()
        .orElse(null);
  }
}
