package dev.stockroom.users.people;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A person described once")
class ProfileFieldTest {
  private static final User ADA =
      UserWrite.registration(
              new JsonObject()
                  .put("name", "  Ada ")
                  .put("email", "ada@example.com")
                  .put("phone", "+44 1"))
          .applyTo(
              new User(
                  UUID.randomUUID(),
                  new Profile(Map.of()),
                  0,
                  0,
                  0,
                  0,
                  1,
                  OffsetDateTime.parse("2026-12-04T12:00:00Z")));

  @Test
  @DisplayName("every profile field is in the API's answer and in the event on users.v1")
  void everyFieldIsShared() {
    String[] names = Arrays.stream(ProfileField.values()).map(f -> f.json).toArray(String[]::new);
    assertThat(ADA.toJson().fieldNames()).contains(names);
    assertThat(ADA.sharedState().fieldNames())
        .contains(names)
        .doesNotContain("creditLimitCents", "availableCreditCents");
    assertThat(ADA.sharedState().getString("name"))
        .as("required text is stripped")
        .isEqualTo("Ada");
  }

  @Test
  @DisplayName("the SQL's columns and parameters line up with the fields, in one order")
  void sqlLinesUp() {
    assertThat(ProfileField.COLUMNS).isEqualTo("name, email, phone");
    assertThat(ProfileField.parameters(2)).isEqualTo("$2, $3, $4");
    assertThat(ProfileField.assignments(2)).isEqualTo("name = $2, email = $3, phone = $4");
  }

  @Test
  @DisplayName("a change replaces only the fields it names; an optional one named as null goes")
  void changesReplaceNamedFields() {
    User changed =
        UserWrite.change(new JsonObject().put("phone", (String) null).put("email", "a@b.c"))
            .applyTo(ADA);
    assertThat(changed.profile().get(ProfileField.NAME)).isEqualTo("Ada");
    assertThat(changed.profile().get(ProfileField.EMAIL)).isEqualTo("a@b.c");
    assertThat(changed.profile().get(ProfileField.PHONE)).isNull();
    assertThat(UserWrite.change(new JsonObject()).applyTo(ADA)).isEqualTo(ADA);
  }
}
