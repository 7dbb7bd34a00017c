package dev.stockroom.launcher;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Seeds {@link DemoCatalog} through the public HTTP APIs. Safe to run on every start: a 409 means
 * "already there", ids of existing people come from {@link DemoState}, and restocks are done once.
 * Restocks are best effort: while the restock route does not exist (404/405), or when one is
 * refused, the rest is skipped with a note and tried again on the next start.
 */
final class DemoSeeder {
  private final ApiClient api = new ApiClient();
  private final ServiceEnv.Wiring urls;
  private final TokenMinter tokens;
  private final DemoState state;
  private final String admin;

  /** What was seeded; user ids by email, in catalogue order. */
  record Result(Map<String, String> userIds, int itemsCreated, int restocks, String restockNote) {
    String customerId() {
      return userIds.get(DemoCatalog.CUSTOMER.email());
    }

    String stockerId() {
      return userIds.get(DemoCatalog.STOCKER.email());
    }

    String summary() {
      int items = DemoCatalog.ITEMS.size();
      return userIds.size()
          + " users, "
          + items
          + " items ("
          + itemsCreated
          + " new), "
          + (restockNote == null ? restocks + " restocks" : restockNote);
    }
  }

  DemoSeeder(ServiceEnv.Wiring urls, TokenMinter tokens, DemoState state) {
    this.urls = urls;
    this.tokens = tokens;
    this.state = state;
    this.admin = tokens.mint("stockroom-launcher", List.of("admin"), TokenMinter.DEV_TTL);
  }

  Result seed() {
    Map<String, String> ids = new LinkedHashMap<>();
    for (DemoCatalog.Person person : DemoCatalog.PEOPLE) {
      ids.put(person.email(), user(person));
    }
    int created = 0;
    for (DemoCatalog.Item item : DemoCatalog.ITEMS) {
      ApiClient.Reply reply = api.post(urls.inventoryUrl() + "/items", admin, item.json());
      if (reply.status() == 201) {
        created++;
      } else if (reply.status() != 409) {
        throw new StartupException("demo: POST /items " + item.sku() + ": " + reply.problem());
      }
    }
    return restock(ids, created);
  }

  private String user(DemoCatalog.Person person) {
    ApiClient.Reply reply = api.post(urls.usersUrl() + "/users", admin, person.json());
    if (reply.status() == 201) {
      String id = reply.json().getString("id");
      state.userId(person.email(), id);
      return id;
    }
    if (reply.status() != 409) {
      throw new StartupException("demo: POST /users " + person.email() + ": " + reply.problem());
    }
    Optional<String> known = state.userId(person.email()).filter(this::exists);
    String id =
        known
            .or(() -> findByEmail(person.email()))
            .orElseThrow(
                () ->
                    new StartupException(
                        "demo: "
                            + person.email()
                            + " is registered but its id is unknown here; start with --fresh"));
    state.userId(person.email(), id);
    return id;
  }

  private boolean exists(String id) {
    return api.get(urls.usersUrl() + "/users/" + id, admin).status() == 200;
  }

  /** Pages through {@code GET /users} when the service offers it (older builds do not). */
  private Optional<String> findByEmail(String email) {
    String after = null;
    for (int page = 0; page < 100; page++) {
      String url = urls.usersUrl() + "/users?limit=200" + (after == null ? "" : "&after=" + after);
      ApiClient.Reply reply = api.get(url, admin);
      if (reply.status() != 200) {
        return Optional.empty();
      }
      JsonObject body = reply.json();
      JsonArray users = body.getJsonArray("users", new JsonArray());
      for (int i = 0; i < users.size(); i++) {
        JsonObject user = users.getJsonObject(i);
        if (email.equalsIgnoreCase(user.getString("email"))) {
          return Optional.ofNullable(user.getString("id"));
        }
      }
      after = body.getString("next");
      if (after == null || users.isEmpty()) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private Result restock(Map<String, String> ids, int itemsCreated) {
    String stocker =
        tokens.mint(ids.get(DemoCatalog.STOCKER.email()), List.of("stocker"), TokenMinter.DEV_TTL);
    int done = 0;
    for (DemoCatalog.Restock restock : DemoCatalog.RESTOCKS) {
      if (state.restocked(restock.key())) {
        done++;
        continue;
      }
      ApiClient.Reply reply =
          api.post(
              urls.inventoryUrl() + "/items/" + restock.sku() + "/restocks",
              stocker,
              new JsonObject().put("quantity", restock.quantity()),
              // The state file remembers what was done, but a restock whose answer was lost (or
              // whose note was not saved: Ctrl-C, a full disk) is sent again: applied once.
              "demo-restock-" + restock.key());
      if (reply.status() == 404 || reply.status() == 405) {
        // The restock route is still being built: the rest of the demo is useful without it.
        return new Result(
            ids,
            itemsCreated,
            done,
            "restocks skipped (restock API answered " + reply.problem() + ")");
      }
      if (reply.status() != 200 && reply.status() != 201) {
        return new Result(
            ids,
            itemsCreated,
            done,
            "restock of " + restock.sku() + " failed (" + reply.problem() + "), skipped");
      }
      state.markRestocked(restock.key());
      done++;
    }
    return new Result(ids, itemsCreated, done, null);
  }
}
