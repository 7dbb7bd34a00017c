#!/usr/bin/env bash
# Creates the Secrets Stockroom's manifests reference, in one namespace, once: a Secret that
# already exists is left alone (re-running never rotates a password or a key by accident).
#
#   k8s/secrets/create-secrets.sh NAMESPACE
#
#   stockroom-jwt          public.pem                the token issuer's RS256 public key: every
#                                                    service verifies people's tokens with it. The
#                                                    private key never enters the cluster (anyone who
#                                                    can read Secrets there could mint an admin): a
#                                                    new one is written to JWT_PRIVATE_KEY_OUT
#                                                    (default ./stockroom-issuer-private.pem, mode
#                                                    600) for `stockroom.jar token`; with an identity
#                                                    provider (JWT_JWKS_URL) it is not needed at all
#   stockroom-inventory-service-key  private.pem     inventory's own key: signs only its service token
#   stockroom-orders-service-key     private.pem     orders' own key
#   stockroom-service-keys inventory.pem, orders.pem their public keys (users and inventory verify
#                                                    the calls they receive with them)
#   stockroom-users-db     username, password, uri   users' PostgreSQL role and its connection URI
#   stockroom-inventory-db username, password, uri   inventory's
#   stockroom-orders-db    username, password, uri   orders'
#
# By default passwords are random and the URIs point at the CloudNativePG cluster of k8s/infra
# (stockroom-pg-rw:5432, sslmode=verify-full against the cluster's CA), which creates the roles
# with these passwords. Kafka credentials for that setup are made by Strimzi (one KafkaUser per
# service, k8s/infra/base/kafka-users.yaml). For managed PostgreSQL, pass each service's full URI
# instead (the role and database must exist there), and its CA if it is a private one:
#   USERS_PG_URI='postgresql://users:...@db.example.com:5432/users?sslmode=verify-full' \
#   INVENTORY_PG_URI=... ORDERS_PG_URI=... PG_SSL_CA_FILE=rds-ca.pem \
#   k8s/secrets/create-secrets.sh stockroom
# To use an existing key pair: JWT_PRIVATE_KEY_FILE=key.pem JWT_PUBLIC_KEY_FILE=pub.pem (only the
# public key goes into the cluster).
# For managed Kafka over SASL (k8s/overlays/managed), KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD
# (and KAFKA_SSL_CA_FILE for a private CA) also create stockroom-kafka, which every service reads.
#
# Rotation: delete a Secret, run this again, then `kubectl rollout restart deployment` (service
# keys: delete all three service-key Secrets together; tokens last an hour and are renewed by the
# services, so a rolling restart changes keys without a failed call once every pod has the new
# public keys: restart users and inventory before orders).
# Needs kubectl and openssl. The example shape of each Secret: secrets.example.yaml beside this.
set -euo pipefail

NS="${1:?usage: $0 NAMESPACE}"
PG_HOST="${PG_HOST:-stockroom-pg-rw:5432}"

exists() { kubectl -n "$NS" get secret "$1" >/dev/null 2>&1; }

# Hex passwords: nothing in them needs escaping inside a URI.
random_password() { openssl rand -hex 24; }

db_secret() {
  local secret="$1" role="$2" uri="$3" password
  if exists "$secret"; then
    echo "secret/$secret exists, left as it is"
    return
  fi
  if [[ -n "$uri" ]]; then
    # Managed PostgreSQL: the service reads only uri; username and password are copied from it
    # (as written there, URL-encoded) for whoever reads the Secret.
    role="$(sed -E 's#^[a-z]+://([^:/@]+)(:[^@]*)?@.*#\1#;t;d' <<<"$uri")"
    password="$(sed -E 's#^[a-z]+://[^:/@]+:([^@]*)@.*#\1#;t;d' <<<"$uri")"
  else
    password="$(random_password)"
    uri="postgresql://${role}:${password}@${PG_HOST}/${role}?sslmode=verify-full"
  fi
  local ca=()
  if [[ -n "${PG_SSL_CA_FILE:-}" ]]; then
    ca=(--from-file=ca.crt="$PG_SSL_CA_FILE")
  fi
  kubectl -n "$NS" create secret generic "$secret" --type=kubernetes.io/basic-auth \
    --from-literal=username="$role" \
    --from-literal=password="$password" \
    --from-literal=uri="$uri" "${ca[@]}"
  # CloudNativePG reloads a role's password when its Secret carries this label.
  kubectl -n "$NS" label secret "$secret" cnpg.io/reload=true app.kubernetes.io/part-of=stockroom
}

jwt_secret() {
  if exists stockroom-jwt; then
    echo "secret/stockroom-jwt exists, left as it is"
    return
  fi
  local dir
  dir="$(mktemp -d)"
  trap 'rm -rf "$dir"' RETURN
  if [[ -n "${JWT_PRIVATE_KEY_FILE:-}" ]]; then
    cp "${JWT_PUBLIC_KEY_FILE:?JWT_PUBLIC_KEY_FILE goes with JWT_PRIVATE_KEY_FILE}" "$dir/public.pem"
  else
    local out="${JWT_PRIVATE_KEY_OUT:-./stockroom-issuer-private.pem}"
    if [[ -e "$out" ]]; then
      # A run that stopped after writing it (the namespace missing, say): the same key again.
      echo "using the issuer key already in $out"
    else
      (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$out" 2>/dev/null)
      echo "the issuer's private key is in $out (not in the cluster): keep it safe, or delete it"
    fi
    openssl pkey -in "$out" -pubout -out "$dir/public.pem"
  fi
  kubectl -n "$NS" create secret generic stockroom-jwt \
    --from-file=public.pem="$dir/public.pem"
  kubectl -n "$NS" label secret stockroom-jwt app.kubernetes.io/part-of=stockroom
}

service_keys() {
  if exists stockroom-service-keys; then
    echo "secret/stockroom-service-keys exists, left as it is (and the service keys with it)"
    return
  fi
  local dir service
  dir="$(mktemp -d)"
  trap 'rm -rf "$dir"' RETURN
  for service in inventory orders; do
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/$service.key" 2>/dev/null
    openssl pkey -in "$dir/$service.key" -pubout -out "$dir/$service.pem"
    kubectl -n "$NS" delete secret "stockroom-$service-service-key" --ignore-not-found
    kubectl -n "$NS" create secret generic "stockroom-$service-service-key" \
      --from-file=private.pem="$dir/$service.key"
    kubectl -n "$NS" label secret "stockroom-$service-service-key" app.kubernetes.io/part-of=stockroom
  done
  kubectl -n "$NS" create secret generic stockroom-service-keys \
    --from-file=inventory.pem="$dir/inventory.pem" \
    --from-file=orders.pem="$dir/orders.pem"
  kubectl -n "$NS" label secret stockroom-service-keys app.kubernetes.io/part-of=stockroom
}

kafka_secret() {
  if [[ -z "${KAFKA_SASL_USERNAME:-}" ]]; then
    return
  fi
  if exists stockroom-kafka; then
    echo "secret/stockroom-kafka exists, left as it is"
    return
  fi
  local ca=()
  if [[ -n "${KAFKA_SSL_CA_FILE:-}" ]]; then
    ca=(--from-file=ca.crt="$KAFKA_SSL_CA_FILE")
  fi
  kubectl -n "$NS" create secret generic stockroom-kafka --type=kubernetes.io/basic-auth \
    --from-literal=username="$KAFKA_SASL_USERNAME" \
    --from-literal=password="${KAFKA_SASL_PASSWORD:?KAFKA_SASL_PASSWORD goes with KAFKA_SASL_USERNAME}" \
    "${ca[@]}"
  kubectl -n "$NS" label secret stockroom-kafka app.kubernetes.io/part-of=stockroom
}

jwt_secret
service_keys
kafka_secret
db_secret stockroom-users-db users "${USERS_PG_URI:-}"
db_secret stockroom-inventory-db inventory "${INVENTORY_PG_URI:-}"
db_secret stockroom-orders-db orders "${ORDERS_PG_URI:-}"
echo "Secrets ready in namespace $NS."
