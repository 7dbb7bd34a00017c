package dev.stockroom.launcher;

/** The help text, kept next to the parser so both change together. */
final class Usage {
  private Usage() {}

  static final String TEXT =
      """
      Stockroom launcher: runs the whole system locally, or parts of it.

      Usage: java -jar launcher/target/stockroom.jar <command> [options]

      Commands:
        dev [--demo] [--fresh] [--data DIR] [--instances N]
            Embedded PostgreSQL (5432, or a free port) and Kafka (9092, or a free port), then
            users, inventory and orders on 8081, 8082 and 8083, each with its own database.
            --demo   seed demo users, items and restocks through the HTTP APIs (idempotent)
            --fresh  wipe the stored data first
            --data   where data is kept between runs (default: .stockroom in this directory)
            --instances N  run N instances of every service (1 to 9), each a JVM of its own on
                     the service's port + 100 k (users-1 8181, users-2 8281, ...), behind a
                     balancer on 8081, 8082 and 8083; kill -9 one (pids are printed) to watch
                     the others take over its partitions, relay lock and sagas
            Serves the local identity provider's keys (JWKS, 8090 or a free port); inventory and
            orders sign their calls with keys of their own (DIR/keys).
            Prints the URLs, a token per role and curl examples. Ctrl-C stops everything.

        infra [--fresh] [--data DIR]
            Only PostgreSQL, Kafka and the local JWKS; prints the export lines to run the service
            jars against them. Ctrl-C stops them.

        token --sub ID --roles ROLE[,ROLE...] [--ttl PT12H] [--data DIR]
            Prints a signed JWT (roles: admin, stocker, customer, service). The key comes from
            JWT_SECRET, or JWT_PRIVATE_KEY + JWT_PUBLIC_KEY (+ JWT_KEY_ID); with STOCKROOM_ENV=dev
            or unset and no key, the local issuer key in DIR/keys (default .stockroom/keys),
            which dev and infra publish to the services as a JWKS (an exported JWT_JWKS_URL of
            that local JWKS still means this key).

        outbox status --service users|orders [--url URL] [--token T] [--data DIR]
        replica status|rebuild --service inventory|orders [--url URL] [--token T] [--data DIR]
        dlq list|replay --service inventory|orders [--since T | --resume-at R] [--url URL]
            [--token T] [--data DIR]
            Asks a running service (default: the local one; --url for any deployment) and prints
            its outbox (backlog, oldest record's age, whether a relay leads) or its user replica
            (rows, each partition's last watermark and age; rebuild: read users.v1 again from its
            start while serving, then reconcile), or lists the replica's parked records
            with their reasons / applies them again once fixed (idempotent; what is still poison
            stays parked). The token comes from --token or
            STOCKROOM_TOKEN; without one an admin token is minted as `token` does.

        help
            This text.
      """;
}
