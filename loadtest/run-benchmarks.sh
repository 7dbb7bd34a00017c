#!/usr/bin/env bash
# Stockroom's benchmarks in one command.
#
# Builds what is missing, starts embedded PostgreSQL and Kafka, the three services (each its own
# JVM with -Xmx256m and SerialGC, as in production) and the bare baselines on free ports, seeds
# thousands of users, items and restocks, runs every comparison and fault scenario, stops
# everything, writes every number it measured to loadtest/benchmarks-results.json and renders
# BENCHMARKS.md (plus loadtest/benchmarks-latency.png) in the project root from that file.
#
#   loadtest/run-benchmarks.sh             # full mode, ~15 minutes: the numbers in BENCHMARKS.md
#   loadtest/run-benchmarks.sh --quick     # ~5 minutes, shorter runs, smaller data set
#   loadtest/run-benchmarks.sh --render=loadtest/benchmarks-results.json [--out=FILE]
#                                          # the report again from a kept results file, no run
#
# Options: --quick, --no-build (use the jars as they are), --strict (exit 1 when a scenario failed
# to run or a Gatling assertion failed), --out=FILE, and --name=value for any rate, duration or
# size (see loadtest/src/main/java/dev/stockroom/loadtest/BenchOptions.java), e.g. --reportRate=3000.
# While tuning, --only=closed,lag runs just those scenarios (keys: closed, layers, explain, compare,
# lag, ryw, kafka, users, sellout, orders, scaling, rate); the report then leaves the others out.
# Environment variables named BENCH_SERVICE_<NAME> reach every service as <NAME>, e.g.
# BENCH_SERVICE_PG_POOL_SIZE=16 (or BENCH_SERVICE_BENCH_LAYERS_OFF=validation); BENCH_<SERVICE>_<NAME>
# reaches that service alone, e.g. BENCH_INVENTORY_HTTP_MAX_IN_FLIGHT=68.
#
# Needs a JDK 17+ and wrk (installed from the Debian package when missing and running as root).
# Everything it starts listens on localhost only and stops by itself.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"

build=auto
render=no
args=()
for a in "$@"; do
  case "$a" in
    --no-build) build=no ;;
    --render=*) render=yes; args+=("$a") ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) args+=("$a") ;;
  esac
done

if [ "$render" = no ] && ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "wrk is missing: installing the Debian package"
    apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; }
  else
    echo "wrk is needed for the closed-loop comparison: sudo apt-get install -y wrk" >&2
    exit 2
  fi
fi

stamp=loadtest/target/.benchmark-build
needs_build() {
  for m in users inventory orders; do [ -f "$m/target/$m.jar" ] || return 0; done
  [ -f loadtest/target/runtime-classpath.txt ] || return 0
  [ -d loadtest/target/test-classes/dev/stockroom/loadtest/simulations ] || return 0
  [ -f "$stamp" ] || return 0
  [ -n "$(find pom.xml common users inventory orders loadtest/pom.xml loadtest/src \
            -newer "$stamp" -type f \( -name '*.java' -o -name '*.xml' -o -name '*.yaml' \
            -o -name '*.sql' -o -name '*.lua' -o -name '*.conf' \) -not -path '*/target/*' \
            2>/dev/null | head -1)" ] && return 0
  return 1
}

if [ "$build" = auto ] && needs_build; then
  echo "building users, inventory, orders and loadtest (./mvnw install -DskipTests)"
  modules=common,users,inventory,orders,loadtest
  ./mvnw -q -o install -DskipTests -Dspotless.check.skip=true -pl "$modules" \
    || ./mvnw -q install -DskipTests -Dspotless.check.skip=true -pl "$modules"
  touch "$stamp"
fi
# The gatling-maven-plugin is bound only in the `benchmark` profile: fetch it once if needed.
./mvnw -q -o -f loadtest/pom.xml -Pbenchmark gatling:help >/dev/null 2>&1 \
  || ./mvnw -q -f loadtest/pom.xml -Pbenchmark gatling:help >/dev/null

# An open model past capacity opens thousands of connections: raise the open-files limit.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
CP="loadtest/target/classes:$(cat loadtest/target/runtime-classpath.txt)"
# The harness also hosts the Kafka broker; a heap dump is left in loadtest/target if it runs out.
# Kafka's broker touches the Log4j 2 API, which finds no Log4j backend here and says so on stderr:
# its simple context keeps it quiet (the harness logs through SLF4J and logback).
exec "$JAVA" -Xms256m -Xmx2g -XX:+UseParallelGC -XX:+HeapDumpOnOutOfMemoryError \
  -XX:HeapDumpPath=loadtest/target -Dbench.root="$ROOT" \
  -Dlog4j2.loggerContextFactory=org.apache.logging.log4j.simple.SimpleLoggerContextFactory -cp "$CP" \
  dev.stockroom.loadtest.BenchmarkRunner "${args[@]}"
