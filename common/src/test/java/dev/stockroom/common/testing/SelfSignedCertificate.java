package dev.stockroom.common.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A certificate for {@code CN=localhost} that signs itself, so it is also the CA to trust: made by
 * keytool, which every JDK ships, in a PKCS12 keystore and as PEM files (certificate, and the key
 * readable only by its owner, as PostgreSQL demands).
 *
 * @param subjectAlternativeNames e.g. {@code dns:localhost,ip:127.0.0.1}
 */
public record SelfSignedCertificate(
    Path keystore, String password, Path certificatePem, Path privateKeyPem) {

  public static SelfSignedCertificate create(Path dir, String subjectAlternativeNames) {
    Path keystore = dir.resolve("server.p12");
    Path certificate = dir.resolve("server.crt");
    Path key = dir.resolve("server.key");
    String password = "changeit";
    List<String> keystoreArgs =
        List.of("-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", password);
    keytool(
        List.of("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048"),
        List.of(
            "-validity", "2", "-dname", "CN=localhost", "-ext", "SAN=" + subjectAlternativeNames),
        keystoreArgs,
        List.of("-keypass", password, "-noprompt"));
    keytool(
        List.of("-exportcert", "-rfc", "-alias", "server"),
        keystoreArgs,
        List.of("-file", certificate.toString()));
    try (InputStream in = Files.newInputStream(keystore)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password.toCharArray());
      Key privateKey = store.getKey("server", password.toCharArray());
      String pem =
          "-----BEGIN PRIVATE KEY-----\n"
              + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                  .encodeToString(privateKey.getEncoded())
              + "\n-----END PRIVATE KEY-----\n";
      Files.writeString(key, pem);
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("could not write the private key as PEM", e);
    }
    return new SelfSignedCertificate(keystore, password, certificate, key);
  }

  @SafeVarargs
  private static void keytool(List<String>... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    for (List<String> group : args) {
      command.addAll(group);
    }
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        throw new IllegalStateException("keytool " + command.get(1) + " failed: " + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException("keytool could not run", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while keytool ran", e);
    }
  }
}
