package dev.stockroom.launcher;

import dev.stockroom.embedded.EmbeddedPostgresServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code dev} and {@code infra} print once everything is up: addresses, tokens and commands
 * written to be pasted into a shell as they are (values with {@code &} are quoted).
 */
final class Banner {
  private Banner() {}

  static List<String> dev(DevSession session, LauncherOptions options, String elapsed) {
    ServiceEnv.Wiring w = session.system().wiring();
    List<String> lines = new ArrayList<>();
    lines.add("");
    lines.add("Stockroom is up (" + elapsed + "), data in " + options.dataDir());
    lines.add("");
    lines.add("  users      " + w.usersUrl());
    lines.add("  inventory  " + w.inventoryUrl());
    lines.add("  orders     " + w.ordersUrl());
    lines.add("  (each also serves /docs to click through its API, /health/ready, /metrics and");
    lines.add("   /openapi.yaml)");
    List<LocalInstances.Instance> instances = session.system().instances();
    if (!instances.isEmpty()) {
      lines.add("  Each address balances over its instances; kill -9 one to watch the others");
      lines.add("  take over its partitions, the relay lock and its sagas:");
      for (LocalInstances.Instance i : instances) {
        lines.add(
            "    %-12s http://localhost:%d  pid %d  log %s"
                .formatted(i.name(), i.port(), i.process().pid(), i.log()));
      }
    }
    lines.add("  JWKS       " + w.jwksUrl() + "   (the local identity provider's keys)");
    lines.add("");
    lines.add("Tokens, valid 12 h:");
    for (DevSession.RoleToken t : session.tokens()) {
      lines.add(
          "  %-13s sub %s (%s)"
              .formatted(t.role().toUpperCase(Locale.ROOT) + "_JWT", t.subject(), t.note()));
    }
    // Bare export lines: an interactive zsh (macOS's shell) does not take '#' as a comment, and
    // pasted with one, the line failed.
    lines.add("Paste into another shell:");
    for (DevSession.RoleToken t : session.tokens()) {
      lines.add("  export %s_JWT=%s".formatted(t.role().toUpperCase(Locale.ROOT), t.token()));
    }
    lines.add("");
    lines.add("Try:");
    String auth = " -H \"Authorization: Bearer $%s_JWT\"";
    if (session.demo().isPresent()) {
      lines.add(
          "  curl -s "
              + w.usersUrl()
              + "/users/"
              + session.demo().get().customerId()
              + auth.formatted("CUSTOMER"));
      lines.add("  curl -s " + w.inventoryUrl() + "/items/GLOVES-L" + auth.formatted("STOCKER"));
    } else {
      lines.add(
          "  curl -s "
              + w.usersUrl()
              + "/users"
              + auth.formatted("ADMIN")
              + " -H 'Content-Type: application/json'"
              + " -d '{\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\"}'");
      lines.add(
          "  curl -s "
              + w.inventoryUrl()
              + "/items"
              + auth.formatted("ADMIN")
              + " -H 'Content-Type: application/json'"
              + " -d '{\"sku\":\"NUT-M6\",\"name\":\"Hex nut M6\",\"priceCents\":499,"
              + "\"quantity\":3,\"lowStockThreshold\":20}'");
    }
    lines.add(
        "  curl -s '"
            + w.inventoryUrl()
            + "/items/low-stock?below=10'"
            + auth.formatted("STOCKER"));
    session
        .demo()
        .ifPresent(
            demo -> {
              lines.add("");
              lines.add(
                  "Read your own write: rename the stocker at users, pass the token it answers"
                      + " to the report:");
              lines.add(
                  "  TOKEN=$(curl -s -o /dev/null -D - -X PATCH "
                      + w.usersUrl()
                      + "/users/"
                      + demo.stockerId()
                      + auth.formatted("ADMIN")
                      + " -H 'Content-Type: application/json' -d '{\"name\":\"Linus Renamed\"}'"
                      + " | tr -d '\\r' | sed -n 's/^[Ss]tockroom-[Cc]onsistency: //p')");
              lines.add(
                  "  curl -s '"
                      + w.inventoryUrl()
                      + "/items/low-stock?below=10'"
                      + auth.formatted("STOCKER")
                      + " -H \"Stockroom-Consistency: $TOKEN\"");
            });
    lines.add("");
    lines.add("Ctrl-C stops everything.");
    return lines;
  }

  static List<String> infra(
      Infrastructure infra, String jwksUrl, DevKeys keys, LauncherOptions options, String elapsed) {
    EmbeddedPostgresServer pg = infra.postgres();
    List<String> lines = new ArrayList<>();
    lines.add("");
    lines.add(
        "PostgreSQL, Kafka and the local JWKS are up ("
            + elapsed
            + "), data in "
            + options.dataDir());
    lines.add("");
    lines.add("Paste into each shell that runs a service:");
    lines.add("  export STOCKROOM_ENV=dev");
    lines.add("  export KAFKA_BOOTSTRAP_SERVERS=" + infra.kafka().bootstrapServers());
    lines.add("  export USERS_URL=http://localhost:8081 INVENTORY_URL=http://localhost:8082");
    lines.add(
        "  export JWT_JWKS_URL=%s JWT_SERVICE_KEYS='%s'".formatted(jwksUrl, keys.serviceKeysDir()));
    for (String db : Infrastructure.DATABASES) {
      lines.add("  export PG_URI_%s='%s'".formatted(db.toUpperCase(Locale.ROOT), pg.uri(db)));
    }
    lines.add("");
    lines.add(
        "Then start each service with its own database as PG_URI (and, for the callers, their own"
            + " signing key), e.g.:");
    for (String db : Infrastructure.DATABASES) {
      String signing =
          DevKeys.CALLERS.contains(db)
              ? "SERVICE_SIGNING_KEY='%s' SERVICE_SIGNING_KID=%s "
                  .formatted(keys.signingKey(db), db)
              : "";
      lines.add(
          "  %sPG_URI=\"$PG_URI_%s\" java -jar %s/target/%s.jar"
              .formatted(signing, db.toUpperCase(Locale.ROOT), db, db));
    }
    lines.add("Tokens: java -jar launcher/target/stockroom.jar token --sub ID --roles ROLE");
    lines.add("");
    lines.add("Ctrl-C stops Kafka and PostgreSQL.");
    return lines;
  }
}
