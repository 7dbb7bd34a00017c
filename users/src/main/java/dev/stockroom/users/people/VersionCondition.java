package dev.stockroom.users.people;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A change's If-Match (RFC 9110 §13.1.1): none, {@code *} (any current version), or a list of
 * entity tags that passes when one of its strong tags names the current version. A weak tag never
 * matches: If-Match compares strongly. Tags are versions, quoted as given out, or bare.
 */
record VersionCondition(boolean any, Set<Long> versions, boolean weakOnly) {
  static final VersionCondition NONE = new VersionCondition(true, Set.of(), false);

  /** The header as the contract let it through (its pattern decides what is well-formed). */
  static VersionCondition parse(String header) {
    if (header == null || header.isBlank()) {
      return NONE;
    }
    if (header.trim().equals("*")) {
      return NONE;
    }
    Set<Long> versions = new LinkedHashSet<>();
    boolean weak = false;
    for (String tag : header.split(",")) {
      String t = tag.trim();
      if (t.startsWith("W/")) {
        weak = true;
      } else {
        versions.add(Long.parseLong(t.replace("\"", "")));
      }
    }
    return new VersionCondition(false, Set.copyOf(versions), weak && versions.isEmpty());
  }

  boolean allows(long version) {
    return any || versions.contains(version);
  }

  /** Why {@code current} did not pass, in the caller's terms. */
  String refusal(long current) {
    if (weakOnly) {
      return "The user is at version "
          + current
          + "; If-Match named only weak tags, which never match (it compares strongly)";
    }
    return "The user is at version "
        + current
        + ", not "
        + versions.stream().sorted().map(String::valueOf).collect(Collectors.joining(", "));
  }
}
