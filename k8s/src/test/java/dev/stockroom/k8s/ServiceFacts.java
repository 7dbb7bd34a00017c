package dev.stockroom.k8s;

import dev.stockroom.common.config.Env;
import dev.stockroom.common.service.ServiceSpec;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What each service's code says, asked of the code itself rather than read from its source: its
 * name and default port (its {@code ServiceSpec}), the variables its configuration reads ({@code
 * ServiceSpec.configure} on an {@link Env#recording} environment) and, from those, the services it
 * calls (the {@code USERS_URL}, {@code INVENTORY_URL} it reads).
 */
record ServiceFacts(String name, int defaultPort, Set<String> reads, Set<String> calls) {
  /** Every service, by name, configured in dev mode (every setting at its default). */
  static Map<String, ServiceFacts> all() {
    Map<String, ServiceFacts> all = new TreeMap<>();
    for (ServiceSpec<?> spec : CodeTopics.SPECS) {
      Set<String> reads = reads(spec, Map.of("STOCKROOM_ENV", "dev"));
      Set<String> calls = new TreeSet<>();
      for (ServiceSpec<?> other : CodeTopics.SPECS) {
        if (reads.contains(other.name().toUpperCase(Locale.ROOT) + "_URL")) {
          calls.add(other.name());
        }
      }
      all.put(spec.name(), new ServiceFacts(spec.name(), spec.defaultPort(), reads, calls));
    }
    return all;
  }

  /**
   * The variables {@code spec.configure(env)} asks for, set or not, on the path {@code env} takes.
   */
  static Set<String> reads(ServiceSpec<?> spec, Map<String, String> env) {
    Set<String> names = new TreeSet<>();
    spec.configure(Env.recording(env, names::add));
    return names;
  }

  static ServiceSpec<?> spec(String service) {
    return CodeTopics.SPECS.stream()
        .filter(s -> s.name().equals(service))
        .findFirst()
        .orElseThrow();
  }
}
