package dev.stockroom.common.http;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Field names for Jackson's streaming generator, quoted and encoded once: written as a plain String
 * a name is checked and escaped on every write, which was the largest single cost of rendering a
 * report page (fifteen names per row, fifty rows) in a profile.
 */
public final class JsonNames {
  /** Names of the replicas' copied fields arrive as data; a bound keeps odd ones from piling up. */
  private static final int MAX_CACHED = 1024;

  private static final Map<String, SerializableString> NAMES = new ConcurrentHashMap<>();

  private JsonNames() {}

  /** The encoded name; the same instance for the same name while the cache has room. */
  public static SerializableString of(String name) {
    SerializableString cached = NAMES.get(name);
    if (cached != null) {
      return cached;
    }
    SerializableString encoded = new SerializedString(name);
    if (NAMES.size() < MAX_CACHED) {
      NAMES.putIfAbsent(name, encoded);
    }
    return encoded;
  }
}
