package dev.stockroom.loadtest.report;

import com.samskivert.mustache.Mustache;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A part of BENCHMARKS.md written as a Mustache template ({@code loadtest/NAME.md.mustache}). The
 * templates wrap their prose for reading: a line indented by two spaces continues the line above,
 * and is joined to it, so a paragraph or bullet comes out as one line as the Java-written parts do
 * (inside a fenced code block lines stay as they are).
 */
final class Template {
  private static final Mustache.Compiler COMPILER =
      Mustache.compiler().escapeHTML(false).withLoader(Template::reader);

  private Template() {}

  static String render(String name, Object model) {
    try (Reader template = reader(name)) {
      return unwrapped(COMPILER.compile(template).execute(model));
    } catch (IOException e) {
      throw new UncheckedIOException(name, e);
    }
  }

  /** {@code loadtest/NAME.md.mustache}, also for partials ({@code {{> NAME}}}). */
  private static Reader reader(String name) {
    return new InputStreamReader(
        Template.class.getResourceAsStream("/loadtest/" + name + ".md.mustache"),
        StandardCharsets.UTF_8);
  }

  private static String unwrapped(String text) {
    StringBuilder out = new StringBuilder();
    boolean code = false;
    for (String line : text.split("\n", -1)) {
      if (!code && line.startsWith("  ") && !out.isEmpty()) {
        out.setLength(out.length() - 1); // the newline before: this line continues that one
        out.append(' ').append(line.strip());
      } else {
        out.append(line);
      }
      code ^= line.startsWith("```");
      out.append('\n');
    }
    out.setLength(out.length() - 1); // split's last piece had no newline after it
    return out.toString();
  }
}
