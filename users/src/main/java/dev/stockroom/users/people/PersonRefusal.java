package dev.stockroom.users.people;

import dev.stockroom.common.domain.Refusal;
import java.util.Map;
import java.util.UUID;

/** Why a change to a person was refused. {@link PeopleHandlers} decides how each is answered. */
public final class PersonRefusal extends Refusal {
  /** The reasons. */
  public enum Reason {
    UNKNOWN_PERSON,
    VERSION_MISMATCH,
    EMAIL_TAKEN
  }

  private PersonRefusal(Reason reason, String detail, Map<String, Object> facts) {
    super(reason, detail, facts);
  }

  static PersonRefusal unknown(UUID id) {
    return new PersonRefusal(Reason.UNKNOWN_PERSON, "User " + id + " was not found", Map.of());
  }

  /** The change expected another version; the caller learns the current one. */
  static PersonRefusal versionMismatch(long current, String detail) {
    return new PersonRefusal(Reason.VERSION_MISMATCH, detail, Map.of("currentVersion", current));
  }

  static PersonRefusal emailTaken() {
    return new PersonRefusal(Reason.EMAIL_TAKEN, "Another user already has this email", Map.of());
  }

  @Override
  public Reason reason() {
    return (Reason) super.reason();
  }
}
