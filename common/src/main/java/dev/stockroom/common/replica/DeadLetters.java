package dev.stockroom.common.replica;

import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;

/**
 * A poison record as it lands on the dead-letter topic: as it was, plus where from and why. A
 * record too large to park with those headers added is parked slimmed, the reason saying what was
 * left out.
 */
final class DeadLetters {
  /**
   * Key, value and headers larger than this together are slimmed: a record that filled the owner's
   * topic's limit would exceed the dead-letter topic's with the headers added, its send would fail,
   * and with it its batch on every retry. Genuine events are a few hundred bytes; such a record
   * could only ever be parked again.
   */
  static final int MAX_RECORD_BYTES = 256 * 1024;

  /** What a slimmed record keeps: its key cut to this, and its headers while they fit in this. */
  private static final int SLIM_KEY_CHARS = 256;

  private static final int SLIM_HEADER_BYTES = 16 * 1024;
  private static final int MAX_REASON_CHARS = 1_000;

  private DeadLetters() {}

  static KafkaProducerRecord<String, byte[]> record(
      String topic, KafkaConsumerRecord<String, byte[]> poison, String reason) {
    String key = poison.key();
    byte[] value = poison.value();
    List<Header> headers = new ArrayList<>();
    poison.record().headers().forEach(headers::add);
    String why =
        reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) + "…" : reason;
    if (size(key, value, headers) > MAX_RECORD_BYTES) {
      List<String> left = new ArrayList<>();
      if (value != null && value.length > 0) {
        left.add("its value (" + value.length + " bytes)");
        value = new byte[0];
      }
      if (key != null && key.length() > SLIM_KEY_CHARS) {
        left.add("its key past " + SLIM_KEY_CHARS + " of " + key.length() + " characters");
        key = key.substring(0, SLIM_KEY_CHARS);
      }
      List<Header> kept = new ArrayList<>();
      int headerBytes = 0;
      for (Header header : headers) {
        headerBytes += header.key().length() + (header.value() == null ? 0 : header.value().length);
        if (headerBytes <= SLIM_HEADER_BYTES) {
          kept.add(header);
        }
      }
      if (kept.size() < headers.size()) {
        left.add((headers.size() - kept.size()) + " of its headers");
      }
      headers = kept;
      why = why + "; left out, too large to park: " + String.join(", ", left);
    }
    KafkaProducerRecord<String, byte[]> record = KafkaProducerRecord.create(topic, key, value);
    // Kafka's headers, not Vert.x's view of them, which fails on a header without a value; such a
    // header is copied with an empty one (a Vert.x record cannot carry none).
    for (Header header : headers) {
      record.addHeader(
          KafkaHeader.header(
              header.key(),
              header.value() == null ? Buffer.buffer() : Buffer.buffer(header.value())));
    }
    return record
        .addHeader(KafkaHeader.header("dlq_reason", Buffer.buffer(why)))
        .addHeader(
            KafkaHeader.header(
                "dlq_source",
                Buffer.buffer(poison.topic() + "-" + poison.partition() + "@" + poison.offset())));
  }

  /** About the bytes the record takes (a key's characters counted as one byte each at least). */
  private static long size(String key, byte[] value, List<Header> headers) {
    long size = (key == null ? 0 : key.length()) + (value == null ? 0 : value.length);
    for (Header header : headers) {
      size += header.key().length() + (header.value() == null ? 0 : header.value().length);
    }
    return size;
  }
}
