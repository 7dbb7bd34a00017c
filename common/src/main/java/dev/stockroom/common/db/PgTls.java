package dev.stockroom.common.db;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.net.URI;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS to PostgreSQL as libpq reads {@code sslmode}, for both drivers (the Vert.x pool and Flyway's
 * JDBC), with the CA to trust given by {@code PG_SSL_CA} or else the JRE's public CAs:
 *
 * <ul>
 *   <li>{@code require}: encrypted; the certificate is checked only when a CA is given (libpq does
 *       the same with a root certificate), so a provider's private CA needs no setup;
 *   <li>{@code verify-ca}: the certificate must chain to the CA;
 *   <li>{@code verify-full}: and name the host in {@code PG_URI}.
 * </ul>
 */
public final class PgTls {
  private static final Set<String> TLS_MODES = Set.of("require", "verify-ca", "verify-full");

  private PgTls() {}

  /** Whether {@code PG_URI}'s sslmode makes the drivers use TLS (and so a CA can matter). */
  public static boolean asksForTls(URI pgUri) {
    return TLS_MODES.contains(parameter(pgUri.getRawQuery(), "sslmode").orElse(""));
  }

  static void apply(PgConnectOptions connect, Optional<String> caPem) {
    SslMode mode = connect.getSslMode();
    if (mode != SslMode.REQUIRE && mode != SslMode.VERIFY_CA && mode != SslMode.VERIFY_FULL) {
      return;
    }
    ClientSSLOptions ssl = new ClientSSLOptions();
    if (caPem.isPresent()) {
      ssl.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(caPem.get())));
    } else if (mode == SslMode.REQUIRE) {
      ssl.setTrustAll(true);
    } else {
      ssl.setTrustOptions(jreTrustedCas());
    }
    if (mode == SslMode.VERIFY_FULL) {
      ssl.setHostnameVerificationAlgorithm("HTTPS");
    }
    connect.setSslOptions(ssl);
  }

  /**
   * The JDBC URL's extra parameters for the same checks: the CA file, or the JRE's trust store
   * where the driver would look for {@code ~/.postgresql/root.crt}. Parameters already in the URL
   * win.
   */
  static String jdbcParameters(String query, Optional<String> caFile) {
    String mode = parameter(query, "sslmode").orElse("");
    StringBuilder extra = new StringBuilder();
    if (caFile.isPresent() && parameter(query, "sslrootcert").isEmpty()) {
      extra.append("&sslrootcert=").append(caFile.get());
    } else if (caFile.isEmpty()
        && (mode.equals("verify-ca") || mode.equals("verify-full"))
        && parameter(query, "sslfactory").isEmpty()) {
      extra.append("&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory");
    }
    return extra.toString();
  }

  /** The value of {@code name} in a URI's raw query ({@code a=1&b=2}), if present. */
  static Optional<String> parameter(String query, String name) {
    if (query == null) {
      return Optional.empty();
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return Optional.of(pair.substring(eq + 1));
      }
    }
    return Optional.empty();
  }

  private static TrustOptions jreTrustedCas() {
    try {
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init((KeyStore) null);
      return TrustOptions.wrap(factory);
    } catch (NoSuchAlgorithmException | KeyStoreException e) {
      throw new IllegalStateException("the JRE's trusted CAs could not be loaded", e);
    }
  }
}
