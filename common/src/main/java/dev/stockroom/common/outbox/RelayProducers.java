package dev.stockroom.common.outbox;

import dev.stockroom.common.kafka.KafkaSettings;
import dev.stockroom.common.service.ServiceContext;
import java.util.Map;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;

/** The relay's transactional producer: its settings, and how a fenced one shows. */
final class RelayProducers {
  private RelayProducers() {}

  /**
   * One {@code transactional.id} per service and database: every instance of a deployment shares it
   * (so a new leader fences the old), separate deployments (or test systems) do not.
   */
  static Map<String, String> settings(ServiceContext service) {
    String name = service.config().serviceName();
    Map<String, String> settings =
        KafkaSettings.producer(service.config().kafka(), name + "-relay");
    String database = service.config().pgUri().getPath().replaceFirst("^/", "");
    settings.put("transactional.id", OutboxRelayConfig.transactionalIdPrefix(name) + database);
    // An abandoned transaction holds back read_committed consumers until it is aborted.
    settings.put("transaction.timeout.ms", "10000");
    // A transaction begun while the previous one's markers are still being written is refused
    // (CONCURRENT_TRANSACTIONS) and retried: retry soon, the wait is milliseconds.
    settings.put("retry.backoff.ms", "10");
    settings.put("retry.backoff.max.ms", "200");
    settings.put("max.block.ms", "10000");
    // A cycle whose broker went away fails once its records expire: before the coordinator would
    // abort its transaction anyway (above), not after the 30 s other producers wait.
    settings.put("request.timeout.ms", "5000");
    settings.put("delivery.timeout.ms", "8000");
    return settings;
  }

  /** Whether a failure says another relay's producer (same transactional id) took over. */
  static boolean fenced(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException) {
        return true;
      }
    }
    return false;
  }
}
