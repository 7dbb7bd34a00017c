package dev.stockroom.common.replica;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * How a replica asks its owner, over HTTP: the owner's collection of records and the member its
 * answers list them in. The owner serves two reads of that collection:
 *
 * <ul>
 *   <li>a batch lookup, {@code GET <path>?ids=a,b,…} → {@code {<member>: [records], missing: [ids],
 *       asOf}} (the replica's fallback);
 *   <li>paging, {@code GET <path>?limit=n[&after=id]} → {@code {<member>: [records], next}} (its
 *       reconciliation).
 * </ul>
 *
 * Every record carries {@code id} (a UUID) and {@code version}, plus the fields the replica keeps.
 *
 * @param path the collection's path on the owner, e.g. {@code /users}
 * @param member the member of an answer that lists the records, e.g. {@code users}
 */
public record OwnerApi(String path, String member) {
  public OwnerApi {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("an owner's path starts with /: " + path);
    }
  }

  /** The records an answer lists. */
  JsonArray records(JsonObject answer) {
    JsonArray records = answer.getJsonArray(member);
    if (records == null) {
      throw new IllegalStateException("the owner's answer has no '" + member + "' list");
    }
    return records;
  }
}
