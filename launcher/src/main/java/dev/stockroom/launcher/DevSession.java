package dev.stockroom.launcher;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The core of {@code dev}, without printing banners or waiting for Ctrl-C, so tests run exactly
 * what users run: the local system, the optional demo seed, and one token per role.
 */
final class DevSession implements AutoCloseable {
  /** Printed token per role, in this order. */
  record RoleToken(String role, String subject, String token, String note) {}

  private final LocalSystem system;
  private final Optional<DemoSeeder.Result> demo;
  private final List<RoleToken> tokens;

  private DevSession(LocalSystem system, Optional<DemoSeeder.Result> demo, List<RoleToken> tokens) {
    this.system = system;
    this.demo = demo;
    this.tokens = tokens;
  }

  /** Blocking; on failure everything started so far is stopped again. */
  static DevSession start(LauncherOptions options, Progress progress) {
    LocalSystem system = LocalSystem.start(options, progress);
    try (TokenMinter minter = new TokenMinter(system.wiring().keys().issuerConfig())) {
      Optional<DemoSeeder.Result> demo = Optional.empty();
      if (options.demo()) {
        DemoSeeder seeder =
            new DemoSeeder(system.wiring(), minter, DemoState.load(options.dataDir()));
        demo = Optional.of(progress.step("demo data", seeder::seed, DemoSeeder.Result::summary));
      }
      return new DevSession(system, demo, tokens(minter, demo));
    } catch (RuntimeException e) {
      system.close();
      throw e;
    }
  }

  private static List<RoleToken> tokens(TokenMinter minter, Optional<DemoSeeder.Result> demo) {
    // Without demo data there is nobody to be: a random id still shows how "self" checks behave.
    String anyone = "a random user id";
    List<RoleToken> subjects =
        List.of(
            new RoleToken("admin", "dev-admin", null, "admin tokens may carry any sub"),
            demo.map(d -> new RoleToken("stocker", d.stockerId(), null, DemoCatalog.STOCKER.name()))
                .orElseGet(() -> new RoleToken("stocker", randomId(), null, anyone)),
            demo.map(
                    d ->
                        new RoleToken(
                            "customer", d.customerId(), null, DemoCatalog.CUSTOMER.name()))
                .orElseGet(() -> new RoleToken("customer", randomId(), null, anyone)),
            new RoleToken("service", "orders", null, "a service name"));
    return subjects.stream()
        .map(
            t ->
                new RoleToken(
                    t.role(),
                    t.subject(),
                    minter.mint(t.subject(), List.of(t.role()), TokenMinter.DEV_TTL),
                    t.note()))
        .toList();
  }

  private static String randomId() {
    return UUID.randomUUID().toString();
  }

  LocalSystem system() {
    return system;
  }

  Optional<DemoSeeder.Result> demo() {
    return demo;
  }

  List<RoleToken> tokens() {
    return tokens;
  }

  String token(String role) {
    return tokens.stream().filter(t -> t.role().equals(role)).findFirst().orElseThrow().token();
  }

  @Override
  public void close() {
    system.close();
  }
}
