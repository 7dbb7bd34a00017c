package dev.stockroom.users;

import static dev.stockroom.users.UsersTestSupport.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.kafka.KeyPartitions;
import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.TestDb;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTopics;
import dev.stockroom.embedded.EmbeddedKafkaBroker;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * users.v1's partition count is part of what its watermarks mean: a person's records must stay on
 * one partition for the topic's life, also when an operator adds partitions. Each test has a broker
 * of its own (it changes the topic).
 */
@DisplayName("users.v1 when its partition count is not the configured one")
class TopicGrowthTest {
  @Test
  @DisplayName("partitions added to users.v1: a person's next change stays on their partition")
  void aKeyStaysOnItsPartitionWhenPartitionsAreAdded() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(null, 0)) {
      Map<String, String> env = envOn(broker);
      RunningService users = UsersTestSupport.start(env);
      try {
        TestHttp http = new TestHttp(users.port());
        // Someone whose key the producer would move if it spread keys over 6 partitions.
        String id = registerMoving(http, "Grower", 3, 6);
        int partition = KeyPartitions.of(id, 3);
        awaitOnTopic(broker, id, "Grower", partition);

        try (Admin admin = admin(broker)) {
          admin
              .createPartitions(Map.of(UsersService.TOPIC, NewPartitions.increaseTo(6)))
              .all()
              .get();
        }
        // A new producer sees the 6 partitions at once (a running one within its metadata age).
        TestServices.stop(users);
        users = UsersTestSupport.start(env);
        http = new TestHttp(users.port());
        TestHttp.Reply renamed =
            http.patch("/users/" + id, ADMIN, new JsonObject().put("name", "Moved"), Map.of());
        assertThat(renamed.status()).as(renamed.toString()).isEqualTo(200);

        awaitOnTopic(broker, id, "Moved", partition);
      } finally {
        TestServices.stop(users);
      }
    }
  }

  @Test
  @DisplayName(
      "users.v1 made elsewhere with another count than USERS_TOPIC_PARTITIONS: keys go over its own")
  void aTopicMadeElsewhereKeepsItsOwnCount() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(null, 0)) {
      try (Admin admin = admin(broker)) {
        admin
            .createTopics(
                List.of(
                    new NewTopic(UsersService.TOPIC, 2, (short) 1)
                        .configs(Map.of("cleanup.policy", "compact"))))
            .all()
            .get();
      }
      Map<String, String> env = envOn(broker);
      RunningService users = UsersTestSupport.start(env);
      try {
        TestHttp http = new TestHttp(users.port());
        String id = registerMoving(http, "Elsewhere", 2, 3);
        awaitOnTopic(broker, id, "Elsewhere", KeyPartitions.of(id, 2));
      } finally {
        TestServices.stop(users);
      }
    }
  }

  @Test
  @DisplayName(
      "users.v1 with fewer partitions than its keys were pinned to: nothing is published until the"
          + " two agree")
  void fewerPartitionsThanPinnedIsRefused() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(null, 0)) {
      Map<String, String> env = envOn(broker);
      RunningService users = UsersTestSupport.start(env);
      String first;
      try {
        TestHttp http = new TestHttp(users.port());
        first = UsersTestSupport.register(http, "Pinned", 0).getString("id");
        awaitOnTopic(broker, first, "Pinned", KeyPartitions.of(first, 3));
      } finally {
        TestServices.stop(users);
      }
      // As if the topic had been deleted and made again with fewer partitions.
      TestDb.execute(
          env.get("PG_URI"),
          "UPDATE outbox_topic_partitions SET partitions = 4 WHERE topic = 'users.v1'");
      users = UsersTestSupport.start(env);
      try {
        TestHttp http = new TestHttp(users.port());
        String id = UsersTestSupport.register(http, "Unpublished", 0).getString("id");
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        try (TestTopics topic = new TestTopics(UsersService.TOPIC, broker.bootstrapServers())) {
          assertThat(topic.readUntil(Duration.ofSeconds(10), r -> System.nanoTime() > until))
              .noneMatch(r -> id.equals(r.key()));
        }
        // Put right: the relay's next attempt pins again and publishes what waited.
        TestDb.execute(
            env.get("PG_URI"),
            "UPDATE outbox_topic_partitions SET partitions = 3 WHERE topic = 'users.v1'");
        awaitOnTopic(broker, id, "Unpublished", KeyPartitions.of(id, 3));
      } finally {
        TestServices.stop(users);
      }
    }
  }

  @Test
  @DisplayName("keys go where Kafka's own partitioner puts them, for the count pinned")
  void sameMappingAsKafkasPartitioner() {
    for (int i = 0; i < 1_000; i++) {
      String key = java.util.UUID.randomUUID().toString();
      for (int partitions : new int[] {1, 3, 6, 7}) {
        assertThat(KeyPartitions.of(key, partitions))
            .isEqualTo(
                BuiltInPartitioner.partitionForKey(
                    key.getBytes(StandardCharsets.UTF_8), partitions));
      }
    }
  }

  /**
   * Registers people named {@code name} until one's key falls on another partition among {@code
   * other} partitions than among {@code partitions} (one in two or three does); returns their id.
   */
  private static String registerMoving(TestHttp http, String name, int partitions, int other) {
    for (int i = 0; i < 40; i++) {
      String id = UsersTestSupport.register(http, name, 0).getString("id");
      if (KeyPartitions.of(id, partitions) != KeyPartitions.of(id, other)) {
        return id;
      }
    }
    throw new AssertionError("40 people, none whose key moves from " + partitions + " to " + other);
  }

  /**
   * Until a record of {@code id} whose data has {@code name} is on users.v1; it is on partition.
   */
  private static void awaitOnTopic(
      EmbeddedKafkaBroker broker, String id, String name, int partition) {
    try (TestTopics topic = new TestTopics(UsersService.TOPIC, broker.bootstrapServers())) {
      List<ConsumerRecord<String, byte[]>> found =
          topic.readUntil(
              Duration.ofSeconds(30),
              records -> records.stream().anyMatch(r -> isNamed(r, id, name)));
      assertThat(found.stream().filter(r -> isNamed(r, id, name)))
          .as("%s's record named %s", id, name)
          .isNotEmpty()
          .allSatisfy(r -> assertThat(r.partition()).isEqualTo(partition));
    }
  }

  private static boolean isNamed(ConsumerRecord<String, byte[]> r, String id, String name) {
    return id.equals(r.key())
        && r.value() != null
        && name.equals(
            new JsonObject(new String(r.value(), StandardCharsets.UTF_8)).getString("name"));
  }

  /** users with 3 partitions for users.v1, on the test's own broker. */
  private static Map<String, String> envOn(EmbeddedKafkaBroker broker) {
    Map<String, String> env = UsersTestSupport.env();
    env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
    return env;
  }

  private static Admin admin(EmbeddedKafkaBroker broker) {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
  }
}
