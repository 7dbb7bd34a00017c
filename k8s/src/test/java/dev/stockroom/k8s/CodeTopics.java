package dev.stockroom.k8s;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.kafka.TopicSpec;
import dev.stockroom.common.outbox.OutboxRelayConfig;
import dev.stockroom.common.replica.ReplicaSchema;
import dev.stockroom.common.service.ServiceSpec;
import dev.stockroom.inventory.InventoryService;
import dev.stockroom.orders.OrdersService;
import dev.stockroom.users.UsersService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The Kafka topics and consumer groups of the services, as their own code builds them from an
 * environment ({@code ServiceSpec.configure}): what the manifests must declare and grant.
 */
final class CodeTopics {
  /** A topic a service creates at start, and whether its outbox relay writes it. */
  record CodeTopic(TopicSpec topic, String owner, boolean relayed) {}

  /** A service's replica of another's topic: the topic it reads and its consumer group. */
  record Replication(String service, String topic, String group) {}

  static final List<ServiceSpec<?>> SPECS =
      List.of(UsersService.SPEC, InventoryService.SPEC, OrdersService.SPEC);

  private static final Map<String, ReplicaSchema> REPLICAS =
      Map.of("inventory", InventoryService.USERS, "orders", OrdersService.CUSTOMERS);

  private CodeTopics() {}

  /** With every setting at its default. */
  static List<CodeTopic> topics() {
    return topics(service -> Map.of());
  }

  /**
   * With each service's environment from a rendered pod: its literal values are what the service
   * reads; a dev base stands in for the secrets and mounted files the rendering cannot resolve.
   */
  static List<CodeTopic> topics(Function<String, Map<String, String>> podEnvironment) {
    List<CodeTopic> topics = new ArrayList<>();
    for (ServiceSpec<?> spec : SPECS) {
      Map<String, String> env = new HashMap<>();
      podEnvironment.apply(spec.name()).entrySet().stream()
          .filter(e -> e.getKey().endsWith("_PARTITIONS") || e.getKey().startsWith("KAFKA_REPL"))
          .forEach(e -> env.put(e.getKey(), e.getValue()));
      env.put("STOCKROOM_ENV", "dev");
      ReplicaSchema replica = REPLICAS.get(spec.name());
      for (TopicSpec topic : spec.configure(new Env(env)).topics()) {
        boolean deadLetters = replica != null && topic.name().equals(replica.dlqTopic());
        topics.add(new CodeTopic(topic, spec.name(), !deadLetters));
      }
    }
    return topics;
  }

  static List<Replication> replications() {
    return REPLICAS.entrySet().stream()
        .map(e -> new Replication(e.getKey(), e.getValue().topic(), e.getValue().consumerGroup()))
        .toList();
  }

  /** The prefix of every transactional id a service's outbox relay uses. */
  static String transactionalIdPrefix(String service) {
    return OutboxRelayConfig.transactionalIdPrefix(service);
  }
}
