package dev.stockroom.common.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * The JVM's meters, as Vert.x's {@code jvmMetricsEnabled} binds them, except that garbage
 * collection is read when Prometheus scrapes (collections and their time per collector) instead of
 * from a JMX notification per collection: building each notification's GcInfo cost inventory about
 * 1% of its CPU under the report's load (a young collection every ~100 ms, each notification ~1 ms
 * of a thread's time). What is lost is the pause histogram; rates of count and time remain.
 */
final class JvmMeters implements MeterBinder {
  @Override
  public void bindTo(MeterRegistry registry) {
    // New binders per registry: the launcher and the tests run several services in one JVM.
    List.of(
            new ClassLoaderMetrics(),
            new JvmCompilationMetrics(),
            new JvmInfoMetrics(),
            new JvmMemoryMetrics(),
            new JvmThreadMetrics(),
            new ProcessorMetrics(),
            new UptimeMetrics())
        .forEach(binder -> binder.bindTo(registry));
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      FunctionCounter.builder("jvm.gc.collections", gc, GarbageCollectorMXBean::getCollectionCount)
          .tag("gc", gc.getName())
          .description("Collections by this collector since the JVM started")
          .register(registry);
      FunctionCounter.builder(
              "jvm.gc.collection.time", gc, bean -> bean.getCollectionTime() / 1000.0)
          .tag("gc", gc.getName())
          .baseUnit("seconds")
          .description("Time this collector spent collecting since the JVM started")
          .register(registry);
    }
  }
}
