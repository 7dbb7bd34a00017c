package dev.stockroom.common.kafka;

import dev.stockroom.common.config.ConfigException;
import dev.stockroom.common.config.Env;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How every Kafka client of a service reaches the brokers: the bootstrap servers and, for managed
 * clusters, TLS and SASL. Producers, consumers and the admin client all start from {@link
 * #clientConfig()}, so they cannot disagree.
 *
 * @param security the client settings for {@code security.protocol}, SASL and the trusted CAs
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> security) {

  /** Kafka's {@code security.protocol} values. */
  public enum Protocol {
    PLAINTEXT,
    SSL,
    SASL_PLAINTEXT,
    SASL_SSL;

    boolean sasl() {
      return this == SASL_PLAINTEXT || this == SASL_SSL;
    }

    boolean tls() {
      return this == SSL || this == SASL_SSL;
    }
  }

  /** The SASL mechanisms managed Kafka services offer for user name and password. */
  enum SaslMechanism {
    PLAIN("PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule"),
    SCRAM_SHA_256("SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule"),
    SCRAM_SHA_512("SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule");

    private final String kafkaName;
    private final String loginModule;

    SaslMechanism(String kafkaName, String loginModule) {
      this.kafkaName = kafkaName;
      this.loginModule = loginModule;
    }

    static SaslMechanism from(String raw) {
      return Arrays.stream(values())
          .filter(m -> m.kafkaName.equalsIgnoreCase(raw.trim()))
          .findFirst()
          .orElseThrow(
              () ->
                  new ConfigException(
                      "KAFKA_SASL_MECHANISM: expected one of "
                          + Arrays.stream(values())
                              .map(m -> m.kafkaName)
                              .collect(Collectors.joining(", "))
                          + ", got '"
                          + raw
                          + "'"));
    }
  }

  /** No TLS, no SASL: the embedded broker, or a cluster inside a private network. */
  public static KafkaConnection plaintext(String bootstrapServers) {
    return new KafkaConnection(bootstrapServers, Map.of("security.protocol", "PLAINTEXT"));
  }

  /**
   * Reads {@code KAFKA_BOOTSTRAP_SERVERS}, {@code KAFKA_SECURITY_PROTOCOL}, {@code
   * KAFKA_SASL_MECHANISM}, {@code KAFKA_SASL_USERNAME}, {@code KAFKA_SASL_PASSWORD} and {@code
   * KAFKA_SSL_CA}. A setting the protocol would ignore is refused, so a half-configured connection
   * fails at start rather than connecting in the clear.
   */
  public static KafkaConnection from(Env env, boolean devMode) {
    // Outside dev a forgotten address would be a ready service whose outbox grows unpublished.
    String bootstrap =
        devMode
            ? env.hostPorts("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092")
            : env.hostPorts(
                "KAFKA_BOOTSTRAP_SERVERS",
                env.required(
                    "KAFKA_BOOTSTRAP_SERVERS", "comma-separated host:port pairs outside dev mode"));
    Protocol protocol = env.oneOf("KAFKA_SECURITY_PROTOCOL", Protocol.class, Protocol.PLAINTEXT);
    Map<String, Optional<String>> sasl = new LinkedHashMap<>();
    sasl.put("KAFKA_SASL_MECHANISM", env.optional("KAFKA_SASL_MECHANISM"));
    sasl.put("KAFKA_SASL_USERNAME", env.optional("KAFKA_SASL_USERNAME"));
    sasl.put("KAFKA_SASL_PASSWORD", env.optional("KAFKA_SASL_PASSWORD"));
    Optional<String> ca = env.pem("KAFKA_SSL_CA");

    Map<String, String> security = new LinkedHashMap<>();
    security.put("security.protocol", protocol.name());
    if (protocol.sasl()) {
      SaslMechanism mechanism =
          SaslMechanism.from(sasl.get("KAFKA_SASL_MECHANISM").orElse("PLAIN"));
      security.put("sasl.mechanism", mechanism.kafkaName);
      security.put(
          "sasl.jaas.config",
          mechanism.loginModule
              + " required username="
              + quoted(needed(sasl, "KAFKA_SASL_USERNAME", protocol))
              + " password="
              + quoted(needed(sasl, "KAFKA_SASL_PASSWORD", protocol))
              + ";");
    } else {
      sasl.forEach(
          (name, value) ->
              value.ifPresent(v -> unused(name, protocol, "SASL_SSL or SASL_PLAINTEXT")));
    }
    ca.ifPresent(
        pem -> {
          if (!protocol.tls()) {
            unused("KAFKA_SSL_CA", protocol, "SSL or SASL_SSL");
          }
          security.put("ssl.truststore.type", "PEM");
          security.put("ssl.truststore.certificates", pem);
        });
    return new KafkaConnection(bootstrap, Map.copyOf(security));
  }

  /**
   * {@code bootstrap.servers} and the security settings: what every client's config starts from.
   */
  public Map<String, String> clientConfig() {
    Map<String, String> config = new HashMap<>(security);
    config.put("bootstrap.servers", bootstrapServers);
    return config;
  }

  public String protocol() {
    return security.get("security.protocol");
  }

  /** Never prints the SASL password or the CA text. */
  @Override
  public String toString() {
    return "KafkaConnection["
        + bootstrapServers
        + ", "
        + protocol()
        + Optional.ofNullable(security.get("sasl.mechanism")).map(m -> " " + m).orElse("")
        + "]";
  }

  private static String needed(
      Map<String, Optional<String>> values, String name, Protocol protocol) {
    return values
        .get(name)
        .orElseThrow(
            () ->
                new ConfigException(
                    name + " must be set when KAFKA_SECURITY_PROTOCOL is " + protocol.name()));
  }

  /** A setting the protocol would ignore: refused, or a half-configured cluster runs in clear. */
  private static void unused(String name, Protocol protocol, String needed) {
    throw new ConfigException(
        name
            + " is set, but KAFKA_SECURITY_PROTOCOL is "
            + protocol.name()
            + ", which does not use it: set KAFKA_SECURITY_PROTOCOL to "
            + needed);
  }

  /** A JAAS option value: double-quoted, with backslashes and quotes escaped. */
  static String quoted(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
