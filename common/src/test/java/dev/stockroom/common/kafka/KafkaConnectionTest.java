package dev.stockroom.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stockroom.common.config.ConfigException;
import dev.stockroom.common.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Kafka connection settings")
class KafkaConnectionTest {
  @TempDir Path dir;

  private static KafkaConnection read(Map<String, String> env) {
    return KafkaConnection.from(new Env(env), true);
  }

  @Test
  @DisplayName("plaintext by default, with nothing else")
  void plaintextByDefault() {
    KafkaConnection kafka = read(Map.of());
    assertThat(kafka.clientConfig())
        .containsOnly(
            Map.entry("bootstrap.servers", "localhost:9092"),
            Map.entry("security.protocol", "PLAINTEXT"));
  }

  @Test
  @DisplayName("SCRAM over TLS: mechanism, login module and a quoted password")
  void scram() {
    KafkaConnection kafka =
        read(
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "b-1.example.com:9096",
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "scram-sha-512",
                "KAFKA_SASL_USERNAME", "orders",
                "KAFKA_SASL_PASSWORD", "p\"w\\d"));
    assertThat(kafka.clientConfig())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry(
            "sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"orders\" password=\"p\\\"w\\\\d\";")
        .doesNotContainKey("ssl.truststore.type");
    assertThat(kafka.toString())
        .isEqualTo("KafkaConnection[b-1.example.com:9096, SASL_SSL SCRAM-SHA-512]");
  }

  @Test
  @DisplayName("a private CA from a PEM file becomes the client's trust store")
  void privateCa() throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n");
    KafkaConnection kafka =
        read(Map.of("KAFKA_SECURITY_PROTOCOL", "SSL", "KAFKA_SSL_CA", ca.toString()));
    assertThat(kafka.clientConfig())
        .containsEntry("ssl.truststore.type", "PEM")
        .containsEntry("ssl.truststore.certificates", "-----BEGIN CERTIFICATE-----\nMIIB\n");
  }

  @Test
  @DisplayName("half-configured security fails at start, naming the variable")
  void failsFast() throws Exception {
    assertThatThrownBy(() -> read(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("KAFKA_SASL_USERNAME must be set when KAFKA_SECURITY_PROTOCOL is SASL_SSL");
    assertThatThrownBy(() -> read(Map.of("KAFKA_SASL_USERNAME", "orders")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "KAFKA_SASL_USERNAME is set, but KAFKA_SECURITY_PROTOCOL is PLAINTEXT, which does not"
                + " use it: set KAFKA_SECURITY_PROTOCOL to SASL_SSL or SASL_PLAINTEXT");
    assertThatThrownBy(
            () ->
                read(
                    Map.of(
                        "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                        "KAFKA_SASL_USERNAME", "u",
                        "KAFKA_SASL_PASSWORD", "p",
                        "KAFKA_SSL_CA", "-----BEGIN CERTIFICATE-----")))
        .hasMessageStartingWith(
            "KAFKA_SSL_CA is set, but KAFKA_SECURITY_PROTOCOL is SASL_PLAINTEXT");
    assertThatThrownBy(
            () ->
                read(
                    Map.of(
                        "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                        "KAFKA_SASL_MECHANISM", "GSSAPI",
                        "KAFKA_SASL_USERNAME", "u",
                        "KAFKA_SASL_PASSWORD", "p")))
        .hasMessage(
            "KAFKA_SASL_MECHANISM: expected one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, got 'GSSAPI'");
    assertThatThrownBy(() -> read(Map.of("KAFKA_SECURITY_PROTOCOL", "TLS")))
        .hasMessage(
            "KAFKA_SECURITY_PROTOCOL: expected one of plaintext, ssl, sasl_plaintext, sasl_ssl,"
                + " got 'TLS'");
    Path notPem = Files.writeString(dir.resolve("ca.txt"), "hello");
    assertThatThrownBy(
            () -> read(Map.of("KAFKA_SECURITY_PROTOCOL", "SSL", "KAFKA_SSL_CA", notPem.toString())))
        .hasMessage("KAFKA_SSL_CA: expected PEM text or a PEM file, got file " + notPem);
  }
}
