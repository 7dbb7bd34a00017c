package dev.stockroom.common.auth;

import dev.stockroom.common.config.ConfigException;
import dev.stockroom.common.config.Env;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Keys that can only ever sign a {@code service} token. Each calling service (inventory, orders)
 * signs its tokens with a private key of its own ({@code SERVICE_SIGNING_KEY}, announced as {@code
 * kid} = {@code SERVICE_SIGNING_KID}); the services it calls hold the matching public keys ({@code
 * JWT_SERVICE_KEYS}: a directory of {@code <kid>.pem}, as a Kubernetes Secret mounts them). A token
 * whose {@code kid} names one of these keys is verified with that key alone and accepted only as
 * {@code sub = kid} with the single role {@code service}: a stolen service key cannot mint an
 * admin, and no service needs the issuer's key.
 *
 * @param verifying kid → public key PEM, the keys this service accepts service tokens from
 * @param signing this service's own signing key, if it calls others with one
 */
public record ServiceKeys(Map<String, String> verifying, Optional<Signing> signing) {
  private static final String KID = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";

  /** A service's own signing key and the {@code kid} its tokens carry. */
  public record Signing(String kid, String privateKeyPem) {}

  public static final ServiceKeys NONE = new ServiceKeys(Map.of(), Optional.empty());

  public ServiceKeys {
    verifying = Map.copyOf(verifying);
  }

  public static ServiceKeys from(Env env) {
    Map<String, String> verifying =
        env.optional("JWT_SERVICE_KEYS").map(ServiceKeys::directory).orElse(Map.of());
    Optional<String> key = env.pem("SERVICE_SIGNING_KEY");
    Optional<String> kid = env.optional("SERVICE_SIGNING_KID");
    if (key.isPresent() != kid.isPresent()) {
      throw new ConfigException(
          "SERVICE_SIGNING_KEY and SERVICE_SIGNING_KID go together: a service token names the key"
              + " that signed it");
    }
    if (kid.isPresent() && !kid.get().matches(KID)) {
      throw new ConfigException(
          "SERVICE_SIGNING_KID: expected letters, digits, '.', '_' or '-', got '"
              + kid.get()
              + "'");
    }
    if (key.isPresent() && !key.get().contains("PRIVATE KEY")) {
      throw new ConfigException("SERVICE_SIGNING_KEY: expected a PEM private key (PKCS#8)");
    }
    key.ifPresent(pem -> RsaKeys.check("SERVICE_SIGNING_KEY", pem));
    return new ServiceKeys(verifying, kid.map(k -> new Signing(k, key.get())));
  }

  /** {@code <kid>.pem} files of a directory; Kubernetes' {@code ..data} links are skipped. */
  private static Map<String, String> directory(String value) {
    Path dir;
    try {
      dir = Path.of(value);
    } catch (InvalidPathException e) {
      throw new ConfigException("JWT_SERVICE_KEYS: not a path: " + value);
    }
    Map<String, String> keys = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        if (!name.endsWith(".pem") || name.startsWith(".")) {
          continue;
        }
        String kid = name.substring(0, name.length() - ".pem".length());
        if (!kid.matches(KID)) {
          throw new ConfigException(
              "JWT_SERVICE_KEYS: "
                  + file
                  + ": the file name (the kid) must be letters, digits,"
                  + " '.', '_' or '-'");
        }
        String pem = Files.readString(file);
        if (!pem.contains("-----BEGIN PUBLIC KEY-----")) {
          throw new ConfigException(
              "JWT_SERVICE_KEYS: " + file + " is not a PEM public key (BEGIN PUBLIC KEY)");
        }
        RsaKeys.check("JWT_SERVICE_KEYS: " + file, pem);
        keys.put(kid, pem);
      }
    } catch (IOException e) {
      throw new ConfigException(
          "JWT_SERVICE_KEYS: expected a readable directory of <kid>.pem public keys, got " + value);
    }
    if (keys.isEmpty()) {
      throw new ConfigException("JWT_SERVICE_KEYS: no <kid>.pem public key in " + value);
    }
    return keys;
  }
}
