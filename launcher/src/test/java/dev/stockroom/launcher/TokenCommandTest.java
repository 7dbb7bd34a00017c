package dev.stockroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code token} command end to end: exit code, stdout, stderr, and the token itself. */
class TokenCommandTest {
  @TempDir Path data;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env, String... args) {
    return Stockroom.run(
        args,
        env,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void mintsAVerifiableDevTokenWithTheLocalIssuerKeyAndPrintsOnlyIt() {
    long before = Instant.now().getEpochSecond();

    int code =
        run(
            Map.of(),
            "token",
            "--sub",
            "user-42",
            "--roles",
            "stocker,admin",
            "--ttl",
            "PT2H",
            "--data",
            data.toString());

    assertThat(code).isZero();
    assertThat(stderr()).isEmpty();
    assertThat(stdout()).endsWith("\n").doesNotContain(" ");
    String token = stdout().trim();
    assertThat(token.lines()).hasSize(1);
    // Signed with the issuer key dev publishes, named by its kid, as an identity provider signs.
    JsonObject claims = verifyRs256(token, DevKeys.loadOrCreate(data).jwks());
    assertThat(claims.getString("iss")).isEqualTo("stockroom");
    assertThat(claims.getValue("aud").toString()).contains("stockroom");
    assertThat(claims.getString("sub")).isEqualTo("user-42");
    assertThat(claims.getJsonArray("roles").getList()).containsExactly("stocker", "admin");
    assertThat(claims.getLong("exp")).isBetween(before + 7200 - 5, before + 7200 + 60);
  }

  /**
   * In the shell the README sets up for service jars against {@code infra} (its printed exports:
   * the local JWKS and the services' keys), {@code token} still signs with the local issuer key:
   * the keys the services are told to trust are the ones it signs with.
   */
  @Test
  void inTheShellInfraPrintsTheLocalIssuerKeyStillSigns() {
    DevKeys infraKeys = DevKeys.loadOrCreate(data); // as infra made them
    Map<String, String> infraShell =
        Map.of(
            "STOCKROOM_ENV",
            "dev",
            "KAFKA_BOOTSTRAP_SERVERS",
            "localhost:9092",
            "JWT_JWKS_URL",
            "http://localhost:8090" + JwksServer.PATH,
            "JWT_SERVICE_KEYS",
            data.resolve("keys/services").toString());

    int code =
        run(
            infraShell,
            "token",
            "--sub",
            "dev-admin",
            "--roles",
            "admin",
            "--data",
            data.toString());

    assertThat(stderr()).isEmpty();
    assertThat(code).isZero();
    JsonObject claims = verifyRs256(stdout().trim(), infraKeys.jwks());
    assertThat(claims.getString("sub")).isEqualTo("dev-admin");

    // From another directory: no key is made there, which the running JWKS would not publish.
    Path elsewhere = data.resolve("elsewhere");
    out.reset();
    err.reset();
    int refused =
        run(infraShell, "token", "--sub", "x", "--roles", "admin", "--data", elsewhere.toString());
    assertThat(refused).isEqualTo(2);
    assertThat(stderr()).contains("has no issuer key").contains("--data");
    assertThat(elsewhere.resolve("keys")).doesNotExist();
  }

  @Test
  void usesTheConfiguredSecretWhenThereIsOne() {
    String secret = "an-operator-secret-of-at-least-32-bytes!!";

    int code =
        run(
            Map.of("STOCKROOM_ENV", "production", "JWT_SECRET", secret),
            "token",
            "--sub",
            "orders",
            "--roles",
            "service");

    assertThat(code).isZero();
    JsonObject claims = verify(stdout().trim(), secret);
    assertThat(claims.getString("sub")).isEqualTo("orders");
    // Twelve hours by default.
    assertThat(claims.getLong("exp") - claims.getLong("iat")).isEqualTo(12 * 3600);
  }

  @Test
  void outsideDevANamedKeyIsRequired() {
    int code =
        run(Map.of("STOCKROOM_ENV", "production"), "token", "--sub", "x", "--roles", "admin");

    assertThat(code).isEqualTo(2);
    assertThat(stdout()).isEmpty();
    assertThat(stderr().trim().lines()).hasSize(1);
    assertThat(stderr())
        .startsWith("stockroom: configuration error: ")
        .contains("JWT_PUBLIC_KEY")
        .contains("JWT_SECRET");
  }

  @Test
  void badArgumentsAreOneLineOnStderrAndExitTwo() {
    int code = run(Map.of(), "token", "--sub", "x", "--roles", "superuser");

    assertThat(code).isEqualTo(2);
    assertThat(stdout()).isEmpty();
    // The reason, and where the usage is: not the reason buried above 44 lines of usage.
    assertThat(stderr().trim().lines())
        .containsExactly(
            "stockroom: token: unknown role 'superuser'; expected any of admin, customer, service,"
                + " stocker",
            "(stockroom --help shows the commands and their options)");
  }

  @Test
  void aDataDirectoryThatCannotHoldTheKeysIsOneLine() throws Exception {
    Path file = Files.createTempFile("not-a-directory", ".txt");
    try {
      int code =
          run(Map.of(), "token", "--sub", "x", "--roles", "admin", "--data", file.toString());
      assertThat(code).isEqualTo(1);
      assertThat(stdout()).isEmpty();
      assertThat(stderr().trim().lines()).hasSize(1);
      assertThat(stderr()).startsWith("stockroom: ").contains(file.getFileName().toString());
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  void unknownCommandsExitTwoAndHelpExitsZero() {
    assertThat(run(Map.of(), "launch")).isEqualTo(2);
    assertThat(stderr()).contains("unknown command 'launch'").contains("stockroom --help");
    assertThat(run(Map.of(), "dev", "--help")).isZero();
    assertThat(stdout()).contains("dev [--demo] [--fresh] [--data DIR]");

    assertThat(run(Map.of(), "help")).isZero();
    assertThat(stdout()).contains("dev [--demo] [--fresh] [--data DIR]");
  }

  /** Checks the RS256 signature against the published JWK, independently of vertx-auth-jwt. */
  private static JsonObject verifyRs256(String token, JsonObject jwks) {
    String[] parts = token.split("\\.");
    assertThat(parts).hasSize(3);
    Base64.Decoder b64 = Base64.getUrlDecoder();
    JsonObject header = new JsonObject(new String(b64.decode(parts[0]), StandardCharsets.UTF_8));
    assertThat(header.getString("alg")).isEqualTo("RS256");
    assertThat(header.getString("kid")).isEqualTo(DevKeys.ISSUER_KID);
    JsonObject jwk = jwks.getJsonArray("keys").getJsonObject(0);
    try {
      PublicKey key =
          KeyFactory.getInstance("RSA")
              .generatePublic(
                  new RSAPublicKeySpec(
                      new BigInteger(1, b64.decode(jwk.getString("n"))),
                      new BigInteger(1, b64.decode(jwk.getString("e")))));
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initVerify(key);
      rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      assertThat(rs256.verify(b64.decode(parts[2]))).as("signed with the issuer key").isTrue();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
    return new JsonObject(new String(b64.decode(parts[1]), StandardCharsets.UTF_8));
  }

  /** Checks the HS256 signature independently of vertx-auth-jwt and returns the claims. */
  private static JsonObject verify(String token, String secret) {
    String[] parts = token.split("\\.");
    assertThat(parts).hasSize(3);
    Base64.Decoder b64 = Base64.getUrlDecoder();
    JsonObject header = new JsonObject(new String(b64.decode(parts[0]), StandardCharsets.UTF_8));
    assertThat(header.getString("alg")).isEqualTo("HS256");
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.UTF_8));
      assertThat(MessageDigest.isEqual(expected, b64.decode(parts[2])))
          .as("signature made with the expected secret")
          .isTrue();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
    return new JsonObject(new String(b64.decode(parts[1]), StandardCharsets.UTF_8));
  }
}
