package dev.stockroom.common.kafka;

import dev.stockroom.common.testing.SelfSignedCertificate;
import dev.stockroom.embedded.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A real broker that speaks only SASL_SSL with PLAIN, as managed Kafka services do, with a
 * certificate for localhost that signs itself, so it is its own CA. One user, {@link #USER}, whose
 * password needs JAAS quoting.
 */
final class SaslSslBroker implements AutoCloseable {
  static final String USER = "stockroom";
  static final String PASSWORD = "pa\"ss \\word";
  private static final String BROKER_PASSWORD = "broker-secret";
  private static final String PLAIN = "org.apache.kafka.common.security.plain.PlainLoginModule";

  final Path caPem;
  final EmbeddedKafkaBroker broker;

  private SaslSslBroker(Path caPem, EmbeddedKafkaBroker broker) {
    this.caPem = caPem;
    this.broker = broker;
  }

  static SaslSslBroker start(Path dir) {
    SelfSignedCertificate certificate =
        SelfSignedCertificate.create(dir, "dns:localhost,ip:127.0.0.1");
    Path caPem = certificate.certificatePem();
    String keystore = certificate.keystore().toString();
    String storePassword = certificate.password();
    Map<String, String> trust =
        Map.of("ssl.truststore.type", "PEM", "ssl.truststore.location", caPem.toString());
    Map<String, String> broker = new HashMap<>(trust);
    broker.putAll(
        Map.of(
            "sasl.enabled.mechanisms",
            "PLAIN",
            "sasl.mechanism.inter.broker.protocol",
            "PLAIN",
            "listener.name.sasl_ssl.plain.sasl.jaas.config",
            PLAIN
                + " required username=\"broker\" password=\""
                + BROKER_PASSWORD
                + "\" user_broker=\""
                + BROKER_PASSWORD
                + "\" user_"
                + USER
                + "="
                + KafkaConnection.quoted(PASSWORD)
                + ";",
            "ssl.keystore.location",
            keystore,
            "ssl.keystore.type",
            "PKCS12",
            "ssl.keystore.password",
            storePassword,
            "ssl.key.password",
            storePassword));
    Map<String, String> client = new HashMap<>(trust);
    client.putAll(
        Map.of(
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "PLAIN",
            "sasl.jaas.config",
                PLAIN + " required username=\"broker\" password=\"" + BROKER_PASSWORD + "\";"));
    EmbeddedKafkaBroker started =
        EmbeddedKafkaBroker.start(
            null, 0, new EmbeddedKafkaBroker.ClientListener("SASL_SSL", broker, client));
    return new SaslSslBroker(caPem, started);
  }

  @Override
  public void close() {
    broker.close();
  }
}
