# syntax=docker/dockerfile:1
# One image recipe for the three services: SERVICE names the fat jar it runs, on a pinned JRE 17,
# as a non-root user. Build from the repository root after packaging (./mvnw -q package
# -DskipTests); .dockerignore sends only the three fat jars to the builder:
#   docker build --build-arg SERVICE=users -t stockroom/users:0.1.0 .
# Configuration is environment variables only (README.md, "Configuration"); Kubernetes: k8s/.
FROM eclipse-temurin:17.0.17_10-jre-noble

ARG SERVICE
RUN test -n "$SERVICE" || { echo "--build-arg SERVICE=users|inventory|orders is required" >&2; exit 1; }

# A fixed numeric uid/gid, so Kubernetes can check runAsNonRoot and match runAsUser/fsGroup 10001.
RUN groupadd --gid 10001 stockroom \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin stockroom

WORKDIR /app
# Owned by root and read-only: the service cannot change its own code.
COPY --chown=root:root --chmod=0444 ${SERVICE}/target/${SERVICE}.jar /app/service.jar

USER 10001:10001
# The services' own ports (HTTP_PORT): users 8081, inventory 8082, orders 8083; 8090 for probes
# and metrics when HTTP_MANAGEMENT_PORT sets it, as the Kubernetes manifests do.
EXPOSE 8081 8082 8083 8090

# Defaults for a plain `docker run`; the Kubernetes manifests set the same explicitly. Heap: half of
# the container's memory limit (the rest is metaspace, code cache, threads and Netty buffers). A
# young generation of at least 32m: from the small initial heap the serial collector would not grow
# it without a full collection (k8s/README.md, Memory).
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 -XX:+UseSerialGC -XX:NewSize=32m -XX:+ExitOnOutOfMemoryError" \
    LOG_FORMAT=json

# exec form: java is PID 1 and receives SIGTERM directly, which starts the graceful shutdown.
ENTRYPOINT ["java", "-jar", "/app/service.jar"]
