package dev.stockroom.loadtest;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vertx.core.json.jackson.VertxModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Every number a benchmark run measured, as one JSON document ({@code
 * loadtest/benchmarks-results.json} beside BENCHMARKS.md). The run writes it first and renders the
 * report from what it reads back, so the report shows nothing the file does not hold; {@code
 * run-benchmarks.sh --render=FILE} re-renders a report from a kept file, and two files can be
 * compared without re-running anything.
 */
public final class ResultsFile {
  public static final String NAME = "benchmarks-results.json";

  // Fields, not getters: Results is public fields and records, and derived values (a record's
  // throughput(), spread()) are recomputed from the fields rather than stored twice.
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new VertxModule()) // JsonObject and JsonArray as JSON, not as a map field
          .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
          .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
          .setVisibility(PropertyAccessor.CREATOR, JsonAutoDetect.Visibility.ANY)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private ResultsFile() {}

  /** Where a run whose report goes to {@code report} keeps its results. */
  public static Path beside(Path report) {
    return report.toAbsolutePath().getParent().resolve("loadtest").resolve(NAME);
  }

  public static void write(Results results, Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      JSON.writeValue(file.toFile(), results);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file, e);
    }
  }

  public static Results read(Path file) {
    try {
      return JSON.readValue(file.toFile(), Results.class);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file + ": " + e.getMessage(), e);
    }
  }
}
