#!/usr/bin/env bash
# Starts Keycloak from the unpacked keycloak-quarkus-dist with the Approval Guard provider and the
# demo realm, on the embedded development database. Called by `mvn -Pdemo package`.
#
# AG_HTTP_HOST (127.0.0.1), AG_HTTP_PORT (8080): where plain HTTP listens.
# AG_HTTPS_CERT, AG_HTTPS_KEY: PEM certificate and key; when both are set, HTTPS listens on
#   AG_HTTPS_PORT (8443) on every interface as well, for a phone on the same network.
# AG_PUBLIC_URL: the https:// address a tunnel or reverse proxy gives the demo (for Web Push on a
#   phone, which needs a certificate the phone trusts); Keycloak then uses it for every URL and
#   trusts the proxy's X-Forwarded-* headers.
# AG_VAPID_SUBJECT (mailto:admin@example.com): the contact push services see in Web Push's VAPID
#   signature; Web Push is offered only with one.
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

args=(start-dev --import-realm
  --http-host="${AG_HTTP_HOST:-127.0.0.1}" --http-port="${AG_HTTP_PORT:-8080}"
  --health-enabled=true --metrics-enabled=true
  --spi-ciba-auth-channel--provider=approval-guard
  --spi-approval-guard-sink--log--enabled=true
  --spi-approval-guard-notifier--webpush--vapid-subject="${AG_VAPID_SUBJECT:-mailto:admin@example.com}"
  --log-level=INFO,io.approvalguard:debug)
if [[ -n "${AG_PUBLIC_URL:-}" ]]; then
  args+=(--hostname="$AG_PUBLIC_URL" --proxy-headers=xforwarded)
fi
if [[ -n "${AG_HTTPS_CERT:-}" && -n "${AG_HTTPS_KEY:-}" ]]; then
  args+=(--https-port="${AG_HTTPS_PORT:-8443}" --https-certificate-file="$AG_HTTPS_CERT"
    --https-certificate-key-file="$AG_HTTPS_KEY")
  if [[ -z "${AG_HTTP_HOST:-}" ]]; then
    args=("${args[@]/--http-host=127.0.0.1/--http-host=0.0.0.0}")
  fi
fi

echo "Approval Guard demo: http://localhost:${AG_HTTP_PORT:-8080}/realms/demo/account (alice / alice);" \
  "admin console http://localhost:${AG_HTTP_PORT:-8080}/admin (admin / admin); health and metrics on :9000. Ctrl-C stops it."
# Keycloak runs as a child so that Ctrl-C stops it cleanly and the demo ends as a normal stop.
"$dist/bin/kc.sh" "${args[@]}" &
keycloak=$!
stop() {
  kill -TERM "$keycloak" 2>/dev/null || true
  wait "$keycloak" 2>/dev/null || true
  echo "Approval Guard demo stopped. Its data (devices, users) stays in $dist/data; mvn clean -Pdemo package starts afresh."
  exit 0
}
trap stop INT TERM
wait "$keycloak"
