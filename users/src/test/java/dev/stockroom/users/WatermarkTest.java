package dev.stockroom.users;

import static dev.stockroom.users.UsersTestSupport.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockroom.common.service.RunningService;
import dev.stockroom.common.testing.TestHttp;
import dev.stockroom.common.testing.TestServices;
import dev.stockroom.common.testing.TestTopics;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Watermarks")
class WatermarkTest {
  /**
   * A committed write: the response came back after the commit, so it committed before {@code
   * acked}.
   */
  record Write(String userId, long version, Instant acked) {}

  @Test
  @DisplayName("a watermark at T follows every change committed before T, under concurrent writers")
  void guaranteeUnderConcurrentWriters() throws Exception {
    Instant testStart = Instant.now();
    RunningService service = UsersTestSupport.start(UsersTestSupport.env());
    TestHttp http = new TestHttp(service.port());
    List<Write> writes = Collections.synchronizedList(new ArrayList<>());
    try {
      List<String> users = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        JsonObject user = UsersTestSupport.register(http, "Concurrent " + i, 0);
        users.add(user.getString("id"));
        writes.add(new Write(user.getString("id"), 1, Instant.now()));
      }
      ExecutorService writers = Executors.newFixedThreadPool(8);
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < 8; w++) {
        String a = users.get(w * 2);
        String b = users.get(w * 2 + 1);
        done.add(
            writers.submit(
                () -> {
                  for (int i = 0; i < 30; i++) {
                    String id = i % 2 == 0 ? a : b;
                    JsonObject user =
                        http.patch(
                                "/users/" + id,
                                ADMIN,
                                new JsonObject().put("name", "Writer " + i),
                                Map.of())
                            .json();
                    writes.add(new Write(id, user.getLong("version"), Instant.now()));
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      writers.shutdown();
      Instant lastAck = writes.stream().map(Write::acked).max(Instant::compareTo).orElseThrow();

      try (TestTopics topic = new TestTopics(UsersService.TOPIC)) {
        List<ConsumerRecord<String, byte[]>> records =
            topic.readUntil(Duration.ofSeconds(30), rs -> watermarksAfter(rs, lastAck).size() == 3);
        int checked = check(records, writes, testStart);
        assertThat(checked).as("watermarks checked against writes").isGreaterThan(3);
      }
    } finally {
      TestServices.stop(service);
    }
  }

  /** Returns how many (watermark, write) pairs were checked. */
  private static int check(
      List<ConsumerRecord<String, byte[]>> records, List<Write> writes, Instant since) {
    Map<String, Integer> partitionOf = new HashMap<>();
    records.forEach(
        r -> {
          if (r.key() != null && r.value() != null && !isWatermark(r))
            partitionOf.put(r.key(), r.partition());
        });
    Map<Integer, Set<String>> publishedSoFar = new HashMap<>();
    int checked = 0;
    for (ConsumerRecord<String, byte[]> record : records) {
      Set<String> seen = publishedSoFar.computeIfAbsent(record.partition(), p -> new HashSet<>());
      if (!isWatermark(record)) {
        if (record.value() != null) {
          seen.add(
              record.key() + "@" + new JsonObject(new String(record.value())).getLong("version"));
        }
        continue;
      }
      Instant asOf = asOf(record);
      if (asOf.isBefore(since)) {
        continue;
      }
      for (Write write : writes) {
        Integer partition = partitionOf.get(write.userId());
        if (partition != null && partition == record.partition() && write.acked().isBefore(asOf)) {
          assertThat(seen)
              .as(
                  "watermark %s on partition %d must follow %s v%d (acked %s)",
                  asOf, partition, write.userId(), write.version(), write.acked())
              .contains(write.userId() + "@" + write.version());
          checked++;
        }
      }
    }
    return checked;
  }

  private static Set<Integer> watermarksAfter(
      List<ConsumerRecord<String, byte[]>> records, Instant t) {
    Set<Integer> partitions = new HashSet<>();
    for (ConsumerRecord<String, byte[]> r : records) {
      if (isWatermark(r) && asOf(r).isAfter(t)) {
        partitions.add(r.partition());
      }
    }
    return partitions;
  }

  private static boolean isWatermark(ConsumerRecord<String, byte[]> record) {
    return "stockroom.watermark".equals(TestTopics.type(record));
  }

  private static Instant asOf(ConsumerRecord<String, byte[]> record) {
    return Instant.parse(new JsonObject(new String(record.value())).getString("watermark"));
  }
}
