#!/usr/bin/env bash
# Stockroom's chaos run in one command (issue #14's harness).
#
# Builds what is missing, starts embedded PostgreSQL and Kafka and N instances of users, inventory
# and orders (each its own JVM), seeds them, runs renames, report reads and orders against them while
# faults happen (SIGKILL of an instance of each service and of the relay leader, Kafka stopped, every
# users instance down, a PostgreSQL restart, an instance joining and leaving a consumer group),
# then checks the recorded history and writes CHAOS.md (plus loadtest/chaos-timeline.png).
#
#   loadtest/run-chaos.sh                 # full: 2 instances, every fault twice, ~5 minutes
#   loadtest/run-chaos.sh --rounds=1 --out=/tmp/CHAOS.md
#
# Options (--help lists them): --instances, --rounds, --down-seconds, --gap-seconds,
# --quiet-seconds, --tracked, --customers, --readers, --stock, --xmx, --out, --work.
# Exit code 0 when every property holds, 1 with a violation (see the report), 2 on a usage error.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ "${1:-}" != --no-build ]; then
  ./mvnw -q -o install -DskipTests -Dspotless.check.skip=true \
      -pl embedded,common,users,inventory,orders,loadtest \
    || ./mvnw -q install -DskipTests -Dspotless.check.skip=true \
      -pl embedded,common,users,inventory,orders,loadtest
else
  shift
fi

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
CP="loadtest/target/classes:$(cat loadtest/target/runtime-classpath.txt)"
# Quiet Log4j 2's "no backend" line from Kafka's broker (run-benchmarks.sh says why).
exec "$JAVA" -Xmx1g \
  -Dlog4j2.loggerContextFactory=org.apache.logging.log4j.simple.SimpleLoggerContextFactory \
  -cp "$CP" dev.stockroom.loadtest.chaos.ChaosRun "$@"
