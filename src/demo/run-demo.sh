#!/usr/bin/env bash
# Starts Keycloak from the unpacked keycloak-quarkus-dist with the Approval Guard provider and the
# demo realm, on the embedded development database. Called by `mvn -Pdemo package`.
set -euo pipefail
dist="$1"
jar="$2"
realm_file="$3"

rm -f "$dist"/providers/approval-guard*.jar
cp "$jar" "$dist/providers/"
mkdir -p "$dist/data/import"
cp "$realm_file" "$dist/data/import/"

export KC_BOOTSTRAP_ADMIN_USERNAME="${KC_BOOTSTRAP_ADMIN_USERNAME:-admin}"
export KC_BOOTSTRAP_ADMIN_PASSWORD="${KC_BOOTSTRAP_ADMIN_PASSWORD:-admin}"

echo "Approval Guard demo: http://localhost:${AG_HTTP_PORT:-8080}/realms/demo/account (alice / alice)"
exec "$dist/bin/kc.sh" start-dev --import-realm \
  --http-host="${AG_HTTP_HOST:-127.0.0.1}" --http-port="${AG_HTTP_PORT:-8080}" \
  --spi-approval-guard-sink--log--enabled=true \
  --log-level=INFO,io.approvalguard:debug
