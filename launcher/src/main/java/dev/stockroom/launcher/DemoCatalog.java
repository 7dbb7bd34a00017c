package dev.stockroom.launcher;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The demo data: people with plausible contact details (example.com addresses, phone numbers from
 * ranges reserved for fiction), a hardware-store catalogue where some items sit below their
 * low-stock threshold, and restocks that leave one of them still low so the report shows who
 * stocked it last.
 */
final class DemoCatalog {
  private DemoCatalog() {}

  record Person(String name, String email, String phone, long creditLimitCents) {
    JsonObject json() {
      return new JsonObject()
          .put("name", name)
          .put("email", email)
          .put("phone", phone)
          .put("creditLimitCents", creditLimitCents);
    }
  }

  record Item(String sku, String name, long priceCents, int quantity, int lowStockThreshold) {
    JsonObject json() {
      return new JsonObject()
          .put("sku", sku)
          .put("name", name)
          .put("priceCents", priceCents)
          .put("quantity", quantity)
          .put("lowStockThreshold", lowStockThreshold);
    }
  }

  record Restock(String sku, int quantity) {
    /** Each is remembered once done, and sent with an Idempotency-Key of this key. */
    String key() {
      return sku + "+" + quantity;
    }
  }

  /** The customer whose id the printed customer token carries. */
  static final Person CUSTOMER =
      new Person("Ada Lovelace", "ada.lovelace@example.com", "+44 20 7946 0018", 500_000);

  /** The stocker who does the restocks and whose id the printed stocker token carries. */
  static final Person STOCKER =
      new Person("Linus Stocker", "linus.stocker@example.com", "+46 8 555 012 34", 0);

  static final List<Person> PEOPLE =
      List.of(
          CUSTOMER,
          new Person("Grace Hopper", "grace.hopper@example.com", "+1 202 555 0147", 1_000_000),
          new Person("Alan Turing", "alan.turing@example.com", "+44 161 496 0321", 250_000),
          new Person(
              "Margaret Hamilton", "margaret.hamilton@example.com", "+1 617 555 0199", 750_000),
          STOCKER);

  static final List<Item> ITEMS =
      List.of(
          new Item("BOLT-M6-40", "Hex bolt M6 x 40 mm, box of 100", 899, 120, 20),
          new Item("NUT-M6", "Hex nut M6, box of 100", 499, 6, 20),
          new Item("WASHER-M6", "Flat washer M6, box of 200", 399, 45, 15),
          new Item("DRILL-6MM", "HSS drill bit 6 mm", 349, 4, 10),
          new Item("TAPE-5M", "Tape measure 5 m", 1299, 18, 5),
          new Item("GLOVES-L", "Work gloves, size L", 799, 2, 12),
          new Item("GLUE-250", "Wood glue 250 ml", 649, 7, 10),
          new Item("CABLE-TIES-200", "Cable ties 200 mm, pack of 100", 299, 60, 25));

  /** NUT-M6 leaves the low-stock report; GLOVES-L stays in it, now with a last stocker. */
  static final List<Restock> RESTOCKS =
      List.of(new Restock("NUT-M6", 100), new Restock("GLOVES-L", 6));
}
