package dev.stockroom.loadtest.report;

import java.util.List;

/** The document being written, in the few Markdown forms the report uses. */
final class Markdown {
  private final StringBuilder text = new StringBuilder();

  void line(String s) {
    text.append(s).append('\n');
  }

  /** A table (or any Markdown) written on its own, for a template to place. */
  static String of(java.util.function.Consumer<Markdown> write) {
    Markdown table = new Markdown();
    write.accept(table);
    return table.text();
  }

  /** Text rendered elsewhere (a template), appended as it is. */
  void raw(String rendered) {
    text.append(rendered);
  }

  void line() {
    text.append('\n');
  }

  /** A level-2 heading and the blank line after it. */
  void heading(String title) {
    line("## " + title);
    line();
  }

  /**
   * A table row. Each argument is one cell, or a {@link List} of cells (the column groups tables
   * share, see {@link Cells}). An empty cell is written as a single space: {@code | |}.
   */
  void row(Object... cells) {
    StringBuilder sb = new StringBuilder("|");
    for (Object c : cells) {
      if (c instanceof List<?> group) {
        group.forEach(g -> cell(sb, g));
      } else {
        cell(sb, c);
      }
    }
    line(sb.toString());
  }

  /**
   * A table's header row and separator. {@code align} has one letter per column: {@code l} for
   * left, {@code r} for right (numbers).
   */
  void head(String align, List<String> names) {
    if (align.length() != names.size()) {
      throw new IllegalArgumentException(names.size() + " columns, " + align.length() + " aligns");
    }
    row(names);
    StringBuilder sep = new StringBuilder("|");
    for (char a : align.toCharArray()) {
      sep.append(a == 'r' ? "---:|" : "---|");
    }
    line(sep.toString());
  }

  void head(String align, String... names) {
    head(align, List.of(names));
  }

  private static void cell(StringBuilder sb, Object c) {
    String s = String.valueOf(c);
    sb.append(s.isEmpty() ? " |" : " " + s + " |");
  }

  String text() {
    return text.toString();
  }
}
