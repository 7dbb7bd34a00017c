package dev.stockroom.common.db;

import java.util.Locale;

/** One rule for naming a field's column, wherever fields are described once. */
public final class ColumnNames {
  private ColumnNames() {}

  /** The column a field is kept in: {@code lastName} in {@code last_name}. */
  public static String of(String field) {
    return field.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }
}
