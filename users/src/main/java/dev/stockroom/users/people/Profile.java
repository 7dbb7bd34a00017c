package dev.stockroom.users.people;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.EnumMap;
import java.util.Map;

/** A person's profile values, one per field (a value may be null). */
record Profile(Map<ProfileField, String> values) {
  Profile {
    Map<ProfileField, String> copy = new EnumMap<>(ProfileField.class);
    copy.putAll(values);
    values = copy;
  }

  static Profile from(Row row) {
    Map<ProfileField, String> values = new EnumMap<>(ProfileField.class);
    for (ProfileField f : ProfileField.values()) {
      values.put(f, row.getString(f.column));
    }
    return new Profile(values);
  }

  /** The fields given in a request body: all of them (absent ones null), or only those present. */
  static Profile from(JsonObject body, boolean onlyPresent) {
    Map<ProfileField, String> values = new EnumMap<>(ProfileField.class);
    for (ProfileField f : ProfileField.values()) {
      if (!onlyPresent || body.containsKey(f.json)) {
        values.put(f, f.take(body.getString(f.json)));
      }
    }
    return new Profile(values);
  }

  String get(ProfileField field) {
    return values.get(field);
  }

  /** This profile with the values {@code change} gives replaced. */
  Profile with(Profile change) {
    Map<ProfileField, String> merged = new EnumMap<>(ProfileField.class);
    merged.putAll(values);
    merged.putAll(change.values);
    return new Profile(merged);
  }

  /** Adds each field's value to {@code tuple}, in the order of {@link ProfileField#COLUMNS}. */
  Tuple addTo(Tuple tuple) {
    for (ProfileField f : ProfileField.values()) {
      tuple.addString(values.get(f));
    }
    return tuple;
  }

  /** Puts each field into {@code json} under its JSON name. */
  JsonObject putInto(JsonObject json) {
    for (ProfileField f : ProfileField.values()) {
      json.put(f.json, values.get(f));
    }
    return json;
  }
}
