package dev.stockroom.launcher;

import dev.stockroom.common.auth.JwtConfig;
import dev.stockroom.common.auth.RsaKeys;
import dev.stockroom.common.config.Env;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The local system's keys, as an identity provider and a cluster would hold them: an issuer key
 * pair that signs user and admin tokens (published by {@link JwksServer}, used by {@code token}),
 * and one key pair per calling service (inventory, orders) that can sign only that service's own
 * {@code service} token. Kept in {@code <data>/keys} so printed tokens outlive a restart; created
 * on first use by {@code dev} or {@code token}.
 */
final class DevKeys {
  static final String ISSUER_KID = "stockroom-dev";
  static final List<String> CALLERS = List.of("inventory", "orders");

  private final Path dir;
  private final KeyPair issuer;

  private DevKeys(Path dir, KeyPair issuer) {
    this.dir = dir;
    this.issuer = issuer;
  }

  static DevKeys loadOrCreate(Path dataDir) {
    Path dir = dataDir.resolve("keys");
    try {
      Files.createDirectories(dir.resolve("services"));
      KeyPair issuer = pair(dir.resolve("issuer.pem"));
      for (String service : CALLERS) {
        KeyPair own = pair(dir.resolve(service + ".key.pem"));
        Path published = dir.resolve("services").resolve(service + ".pem");
        if (!Files.exists(published)) {
          Files.writeString(published, RsaKeys.publicPem(own));
        }
      }
      return new DevKeys(dir, issuer);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the dev keys in " + dir, e);
    }
  }

  /** Mints as the local identity provider: RS256 with the issuer key, {@code kid} set. */
  JwtConfig issuerConfig() {
    return JwtConfig.from(
        new Env(
            Map.of(
                "STOCKROOM_ENV",
                "dev",
                "JWT_PUBLIC_KEY",
                RsaKeys.publicPem(issuer),
                "JWT_PRIVATE_KEY",
                RsaKeys.privatePem(issuer),
                "JWT_KEY_ID",
                ISSUER_KID)),
        true);
  }

  JsonObject jwks() {
    return new JsonObject().put("keys", new JsonArray().add(RsaKeys.jwk(issuer, ISSUER_KID)));
  }

  /** {@code JWT_SERVICE_KEYS}: the callers' public keys, one {@code <kid>.pem} each. */
  Path serviceKeysDir() {
    return dir.resolve("services");
  }

  /** {@code SERVICE_SIGNING_KEY} of a calling service. */
  Path signingKey(String service) {
    return dir.resolve(service + ".key.pem");
  }

  /** A calling service's own key pair (for tests that forge with it). */
  KeyPair signingKeyPair(String service) {
    try {
      return pair(signingKey(service));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The key pair in a PKCS#8 PEM file, made (readable by its owner only) when missing. */
  private static KeyPair pair(Path file) throws IOException {
    if (!Files.exists(file)) {
      KeyPair pair = RsaKeys.generate();
      Files.writeString(file, RsaKeys.privatePem(pair));
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: the data directory's own permissions apply.
      }
      return pair;
    }
    String pem = Files.readString(file);
    try {
      byte[] der =
          Base64.getMimeDecoder()
              .decode(pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").strip());
      KeyFactory rsa = KeyFactory.getInstance("RSA");
      RSAPrivateCrtKey key = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(der));
      return new KeyPair(
          rsa.generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent())), key);
    } catch (Exception e) {
      throw new StartupException(
          file + " is not an RSA private key (PKCS#8 PEM); remove it to have a new one made", e);
    }
  }
}
