package dev.stockroom.common.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.impl.jose.JWK;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An identity provider's signing keys, fetched from its JWKS URL and verified with vertx-auth-jwt.
 * A token whose {@code kid} is not among the cached keys makes them be fetched again (at most once
 * per {@link #MIN_REFETCH}; concurrent requests join the fetch in flight), so a key rotation at the
 * provider needs no restart; they are also read again every {@code refresh}, and a key the provider
 * dropped then stops verifying at once (the tokens verified before are forgotten: {@link
 * #whenKeysDropped}). Shared by every event loop of the process.
 */
final class JwksKeys {
  private static final Logger log = LoggerFactory.getLogger(JwksKeys.class);
  static final Duration MIN_REFETCH = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final WebClient client;
  private final URI url;
  private final JWTOptions verification;
  private volatile JWTAuth verifier;
  private volatile Set<String> kids = Set.of();
  // Each loaded key as published, to see one dropped whether it has a kid or not.
  private volatile Set<String> keys = Set.of();
  private volatile Runnable keysDropped = () -> {};
  private long lastFetchNanos;
  private Future<Void> fetching;

  JwksKeys(Vertx vertx, URI url, JWTOptions verification, Duration refresh) {
    this.vertx = vertx;
    this.client = WebClient.create(vertx);
    this.url = url;
    this.verification = verification;
    this.lastFetchNanos = System.nanoTime() - MIN_REFETCH.toNanos();
    vertx.setPeriodic(refresh.toMillis(), id -> refetch(true));
  }

  /** Runs {@code action} whenever a read of the JWKS finds a key loaded before gone. */
  void whenKeysDropped(Runnable action) {
    this.keysDropped = action;
  }

  Future<User> authenticate(TokenCredentials credentials) {
    String kid = kidOf(credentials.getToken());
    if (verifier == null || (kid != null && !kids.contains(kid))) {
      return refetch(false).transform(fetched -> verify(credentials));
    }
    return verify(credentials);
  }

  private Future<User> verify(TokenCredentials credentials) {
    JWTAuth current = verifier;
    return current == null
        ? TokenRejection.refuse("the identity provider's keys are not available to check it")
        : current.authenticate(credentials);
  }

  /** Fetches the keys unless that happened moments ago; joins a fetch in flight. */
  synchronized Future<Void> refetch(boolean always) {
    if (fetching != null) {
      return fetching;
    }
    long now = System.nanoTime();
    // Also while no keys were ever loaded: a provider that is down is asked again at this pace,
    // not once per request that carries some token.
    if (!always && now - lastFetchNanos < MIN_REFETCH.toNanos()) {
      return Future.succeededFuture();
    }
    lastFetchNanos = now;
    Future<Void> fetch =
        fetch()
            .onFailure(e -> log.warn("fetching the JWKS from {} failed: {}", url, e.getMessage()));
    fetching = fetch;
    fetch.onComplete(x -> done());
    return fetch;
  }

  private synchronized void done() {
    fetching = null;
  }

  private Future<Void> fetch() {
    return client
        .getAbs(url.toString())
        .timeout(5000)
        .send()
        .compose(
            response ->
                response.statusCode() == 200
                    ? Future.succeededFuture(response.bodyAsJsonObject())
                    : Future.failedFuture("answered " + response.statusCode()))
        .map(
            jwks -> {
              JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(verification);
              Set<String> loaded = new HashSet<>();
              Set<String> published = new HashSet<>();
              int usable = 0;
              for (Object key : jwks.getJsonArray("keys")) {
                JsonObject jwk = (JsonObject) key;
                if (!verifiesSignatures(jwk)) {
                  log.debug(
                      "skipping a JWK that verifies no signature here: {}", jwk.getString("kid"));
                  continue;
                }
                options.addJwk(jwk);
                published.add(jwk.encode());
                usable++;
                if (jwk.getString("kid") != null) {
                  loaded.add(jwk.getString("kid"));
                }
              }
              // vertx-auth-jwt with no key at all checks no signature (it takes the tokens as
              // "unsecure"): the keys loaded before stay, or none are, and every token is refused.
              if (usable == 0) {
                throw new IllegalStateException(
                    "no key there verifies signatures ("
                        + jwks.getJsonArray("keys").size()
                        + " published); keeping the keys loaded before, if any");
              }
              boolean dropped = !published.containsAll(keys);
              boolean changed = !published.equals(keys);
              verifier = JWTAuth.create(vertx, options);
              kids = Set.copyOf(loaded);
              keys = Set.copyOf(published);
              if (dropped) {
                keysDropped.run();
              }
              if (changed) {
                log.info("loaded {} signing key(s) from {}: {}", usable, url, loaded);
              }
              return null;
            });
  }

  /**
   * Whether the library would verify signatures with this JWK: a public key (a JWKS is public, so a
   * symmetric secret in it would let anyone sign) that is not only for encryption. Keys it cannot
   * load at all (an algorithm it does not know) are left out too: it would skip them silently.
   */
  static boolean verifiesSignatures(JsonObject jwk) {
    if ("oct".equals(jwk.getString("kty"))) {
      return false;
    }
    try {
      JWK key = new JWK(jwk);
      return (key.use() == null || "sig".equals(key.use())) && key.publicKey() != null;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The {@code kid} of a compact JWS's header, or null if there is none (or it is not a JWS). */
  static String kidOf(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0) {
      return null;
    }
    try {
      String header =
          new String(
              Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.UTF_8);
      return new JsonObject(header).getString("kid");
    } catch (RuntimeException e) {
      return null;
    }
  }
}
