package dev.stockroom.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class JvmMetersTest {

  @Test
  void noMeterFilterArrivesAfterAMeterWasRegistered() {
    Logger micrometer = (Logger) LoggerFactory.getLogger("io.micrometer");
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    micrometer.addAppender(logged);
    Metrics metrics = new Metrics("meter-filter-test");
    Vertx vertx = metrics.configure(Vertx.builder(), new VertxOptions(), true).build();
    try {
      assertThat(logged.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .noneMatch(m -> m.contains("MeterFilter is being configured after a Meter"));
      assertThat(((PrometheusMeterRegistry) metrics.registry()).scrape())
          .contains("jvm_memory_used_bytes{");
    } finally {
      micrometer.detachAppender(logged);
      vertx.close().await();
    }
  }

  @Test
  void garbageCollectionIsReadAtScrapeTimeNotFromANotificationPerCollection() {
    Metrics metrics = new Metrics("jvm-meters-test");
    Vertx vertx = metrics.configure(Vertx.builder(), new VertxOptions(), true).build();
    try {
      System.gc();
      String scrape = ((PrometheusMeterRegistry) metrics.registry()).scrape();

      assertThat(scrape)
          .containsPattern(
              "jvm_gc_collections_total\\{gc=\"[^\"]+\",service=\"jvm-meters-test\"} [1-9]")
          .contains("jvm_gc_collection_time_seconds_total{")
          .contains("jvm_memory_used_bytes{")
          .contains("jvm_threads_live_threads{")
          .contains("process_cpu_usage{");
      // The notification-fed meters (JvmGcMetrics, JvmHeapPressureMetrics) are not bound.
      assertThat(scrape).doesNotContain("jvm_gc_pause").doesNotContain("jvm_gc_overhead");
    } finally {
      vertx.close().await();
    }
  }
}
