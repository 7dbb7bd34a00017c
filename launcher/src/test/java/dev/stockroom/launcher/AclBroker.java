package dev.stockroom.launcher;

import dev.stockroom.embedded.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.yaml.snakeyaml.Yaml;

/**
 * A real broker set up the way Strimzi sets up the production one from k8s/infra: SCRAM-SHA-512
 * users with the ACLs of kafka-users.yaml (ACLs enforced, nothing allowed without one) and the
 * topics of topics.yaml. An {@code admin} super user (SASL PLAIN) plays the operator.
 */
final class AclBroker implements AutoCloseable {
  private static final Path INFRA = Path.of("..", "k8s", "infra", "base");
  private static final String ADMIN_PASSWORD = "operator-secret";
  private static final String PLAIN = "org.apache.kafka.common.security.plain.PlainLoginModule";

  final EmbeddedKafkaBroker broker;
  final Map<String, String> passwords = new HashMap<>();

  private AclBroker(EmbeddedKafkaBroker broker) {
    this.broker = broker;
  }

  static AclBroker start() throws Exception {
    String jaas =
        PLAIN
            + " required username=\"admin\" password=\""
            + ADMIN_PASSWORD
            + "\" user_admin=\""
            + ADMIN_PASSWORD
            + "\";";
    Map<String, String> settings = new HashMap<>();
    settings.put("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-512");
    settings.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
    settings.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas);
    settings.put(
        "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    settings.put(
        "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    // The controller listener is plaintext inside this one process: its principal is ANONYMOUS.
    settings.put("super.users", "User:admin;User:ANONYMOUS");
    settings.put("allow.everyone.if.no.acl.found", "false");
    AclBroker acl =
        new AclBroker(
            EmbeddedKafkaBroker.start(
                null,
                0,
                new EmbeddedKafkaBroker.ClientListener("SASL_PLAINTEXT", settings, admin())));
    try {
      acl.applyManifests();
      return acl;
    } catch (Exception e) {
      acl.close();
      throw e;
    }
  }

  /** Client settings of the operator's super user. */
  static Map<String, String> admin() {
    return Map.of(
        "security.protocol",
        "SASL_PLAINTEXT",
        "sasl.mechanism",
        "PLAIN",
        "sasl.jaas.config",
        PLAIN + " required username=\"admin\" password=\"" + ADMIN_PASSWORD + "\";");
  }

  /** Client settings of one KafkaUser, as a service or an attacker holding its password. */
  Map<String, Object> as(String user) {
    Map<String, Object> client = new HashMap<>();
    client.put("bootstrap.servers", broker.bootstrapServers());
    client.put("security.protocol", "SASL_PLAINTEXT");
    client.put("sasl.mechanism", "SCRAM-SHA-512");
    client.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + user
            + "\" password=\""
            + passwords.get(user)
            + "\";");
    return client;
  }

  Admin adminClient() {
    Map<String, Object> client = new HashMap<>(admin());
    client.put("bootstrap.servers", broker.bootstrapServers());
    return Admin.create(client);
  }

  @SuppressWarnings("unchecked")
  private void applyManifests() throws Exception {
    List<NewTopic> topics = new ArrayList<>();
    List<AclBinding> acls = new ArrayList<>();
    List<UserScramCredentialUpsertion> users = new ArrayList<>();
    for (String file : List.of("topics.yaml", "kafka-users.yaml")) {
      for (Object doc : new Yaml().loadAll(Files.readString(INFRA.resolve(file)))) {
        Map<String, Object> object = (Map<String, Object>) doc;
        Map<String, Object> meta = (Map<String, Object>) object.get("metadata");
        Map<String, Object> spec = (Map<String, Object>) object.get("spec");
        String name = (String) meta.get("name");
        if (object.get("kind").equals("KafkaTopic")) {
          Map<String, String> config = new HashMap<>();
          ((Map<String, Object>) spec.getOrDefault("config", Map.of()))
              .forEach((k, v) -> config.put(k, String.valueOf(v)));
          topics.add(
              new NewTopic(name, (Integer) spec.get("partitions"), (short) 1).configs(config));
        } else if (object.get("kind").equals("KafkaUser")) {
          String password = "pw-" + name;
          passwords.put(name, password);
          users.add(
              new UserScramCredentialUpsertion(
                  name, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password));
          Map<String, Object> authorization = (Map<String, Object>) spec.get("authorization");
          for (Map<String, Object> rule : (List<Map<String, Object>>) authorization.get("acls")) {
            Map<String, Object> resource = (Map<String, Object>) rule.get("resource");
            ResourcePattern pattern =
                new ResourcePattern(
                    resourceType((String) resource.get("type")),
                    (String) resource.get("name"),
                    "prefix".equals(resource.get("patternType"))
                        ? PatternType.PREFIXED
                        : PatternType.LITERAL);
            for (String op : (List<String>) rule.get("operations")) {
              acls.add(
                  new AclBinding(
                      pattern,
                      new AccessControlEntry(
                          "User:" + name, "*", operation(op), AclPermissionType.ALLOW)));
            }
          }
        }
      }
    }
    try (Admin admin = adminClient()) {
      admin.alterUserScramCredentials(List.copyOf(users)).all().get(30, TimeUnit.SECONDS);
      admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
      admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
    }
  }

  private static ResourceType resourceType(String strimzi) {
    return switch (strimzi) {
      case "topic" -> ResourceType.TOPIC;
      case "group" -> ResourceType.GROUP;
      case "transactionalId" -> ResourceType.TRANSACTIONAL_ID;
      case "cluster" -> ResourceType.CLUSTER;
      default -> throw new IllegalArgumentException("resource type " + strimzi);
    };
  }

  /** Strimzi's spelling (DescribeConfigs) to Kafka's (DESCRIBE_CONFIGS). */
  private static AclOperation operation(String strimzi) {
    for (AclOperation op : AclOperation.values()) {
      if (op.name().replace("_", "").equals(strimzi.toUpperCase(Locale.ROOT))) {
        return op;
      }
    }
    throw new IllegalArgumentException("operation " + strimzi);
  }

  @Override
  public void close() {
    broker.close();
  }
}
