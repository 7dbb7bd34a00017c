package dev.stockroom.inventory.report;

import dev.stockroom.common.replica.LocalRow;
import dev.stockroom.common.replica.ReplicaEntry;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The stocker filter, checked again on the names a page shows. The query selects on the copied
 * names; a stocker whose copy was past the read's budget is shown as users answered, and a person
 * renamed since (or erased) no longer matches: such an item is left out rather than shown under a
 * name the filter did not ask for. An item whose stocker was renamed to a matching name after the
 * copy's {@code asOf} is not on the page: the selection can only be as fresh as the copy.
 */
final class StockerFilter {
  private StockerFilter() {}

  static List<Row> shown(
      List<Row> page, String prefix, Map<UUID, LocalRow> copied, Map<UUID, ReplicaEntry> answered) {
    String folded = fold(prefix);
    List<Row> shown = new ArrayList<>(page.size());
    for (Row row : page) {
      UUID stocker = row.getUUID("last_stocked_by");
      if (stocker == null) {
        continue; // no stocker has no name: the query never selects one here
      }
      LocalRow copy = copied.get(stocker);
      String selectedBy = copy == null ? null : name(copy.data());
      String showing = name(answered.get(stocker).data());
      // The name the query matched is kept as matched (PostgreSQL's lower() decided it); only
      // another name is checked here.
      if (Objects.equals(showing, selectedBy)
          || (showing != null && fold(showing).startsWith(folded))) {
        shown.add(row);
      }
    }
    return shown;
  }

  private static String name(JsonObject data) {
    return data == null ? null : data.getString("name");
  }

  /**
   * NFC as users stores names, each code point lowered on its own as PostgreSQL's lower() does with
   * the libc provider (String.toLowerCase would make a last Σ a final ς, and "İ" two characters).
   */
  private static String fold(String text) {
    StringBuilder folded = new StringBuilder(text.length());
    Normalizer.normalize(text, Normalizer.Form.NFC)
        .codePoints()
        .forEach(c -> folded.appendCodePoint(Character.toLowerCase(c)));
    return folded.toString();
  }
}
