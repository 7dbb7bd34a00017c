package dev.stockroom.common.replica;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.json.JsonObject;
import java.io.StringWriter;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A replica entry streamed is the same JSON as its tree")
class ReplicaEntryJsonTest {
  private static String streamed(ReplicaEntry entry) throws Exception {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = new JsonFactory().createGenerator(out)) {
      entry.writeTo(json);
    }
    return out.toString();
  }

  @Test
  @DisplayName("copied fields (some null), an entry known only by id, and every freshness kind")
  void sameAsToJson() throws Exception {
    UUID id = UUID.randomUUID();
    JsonObject data = new JsonObject().put("name", "Ada \"Quote\"").put("email", null);
    for (ReplicaEntry entry :
        new ReplicaEntry[] {
          new ReplicaEntry(
              id,
              data,
              new Freshness(
                  Freshness.REPLICA, Instant.parse("2026-12-04T12:00:00.123456Z"), false)),
          new ReplicaEntry(id, data, new Freshness(Freshness.OWNER, Instant.EPOCH, false)),
          new ReplicaEntry(id, null, new Freshness(Freshness.NONE, null, true))
        }) {
      assertThat(streamed(entry)).isEqualTo(entry.toJson().encode());
    }
  }
}
