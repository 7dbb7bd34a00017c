package dev.stockroom.users.people;

import dev.stockroom.common.db.ColumnNames;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A person's shareable profile, described once. The row mapping, the JSON answers, the events on
 * users.v1 and the SQL's column lists are all derived from this list, so a new field is one
 * constant here (plus its migration and its place in the contract): it cannot reach the API and be
 * forgotten in the events.
 */
enum ProfileField {
  NAME("name", Rule.REQUIRED_TEXT),
  EMAIL("email", Rule.REQUIRED_TEXT),
  PHONE("phone", Rule.OPTIONAL);

  /** How a value is taken from a request. */
  enum Rule {
    /** Always present; stripped and in one Unicode spelling (NFC). */
    REQUIRED_TEXT,
    /** May be absent or null (which removes it), taken as given. */
    OPTIONAL
  }

  final String json;
  final String column;
  final Rule rule;

  ProfileField(String json, Rule rule) {
    this.json = json;
    this.column = ColumnNames.of(json);
    this.rule = rule;
  }

  /** The columns, in this order: {@code name, email, phone}. */
  static final String COLUMNS =
      Arrays.stream(values()).map(f -> f.column).collect(Collectors.joining(", "));

  /** {@code $from, $from+1, …}: one parameter per field, in the order of {@link #COLUMNS}. */
  static String parameters(int from) {
    return Arrays.stream(values())
        .map(f -> "$" + (from + f.ordinal()))
        .collect(Collectors.joining(", "));
  }

  /** {@code name = $from, email = $from+1, …}. */
  static String assignments(int from) {
    return Arrays.stream(values())
        .map(f -> f.column + " = $" + (from + f.ordinal()))
        .collect(Collectors.joining(", "));
  }

  /**
   * One spelling per text: "é" typed as one code point or as "e" and a combining accent is the same
   * name, and the same email for the (case-insensitive) uniqueness check.
   */
  String take(String value) {
    return rule == Rule.REQUIRED_TEXT && value != null
        ? Normalizer.normalize(value.strip(), Normalizer.Form.NFC)
        : value;
  }
}
