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
 * and is joined to it, so a paragraph or bullet comes out as one line as the Java-written parts do.
 */
final class Template {
  private static final Mustache.Compiler COMPILER = Mustache.compiler().escapeHTML(false);

  private Template() {}

  static String render(String name, Object model) {
    String path = "/loadtest/" + name + ".md.mustache";
    try (Reader template =
        new InputStreamReader(Template.class.getResourceAsStream(path), StandardCharsets.UTF_8)) {
      return COMPILER.compile(template).execute(model).replace("\n  ", " ");
    } catch (IOException e) {
      throw new UncheckedIOException(path, e);
    }
  }
}
