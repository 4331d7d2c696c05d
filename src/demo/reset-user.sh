#!/usr/bin/env bash
# Gives a demo user a clean slate after the tour: forgets the risk score, lifts a push suspension,
# resumes suspended devices, resets the prompt quota, spacing and back-off (the risk API's "clear",
# audited like every risk action) and lifts a brute-force lock-out.
#   bash src/demo/reset-user.sh [username]      (default alice; the demo must be running)
set -euo pipefail
user="${1:-alice}"
base="http://localhost:${AG_HTTP_PORT:-8080}"
admin_user="${KC_BOOTSTRAP_ADMIN_USERNAME:-admin}"
admin_password="${KC_BOOTSTRAP_ADMIN_PASSWORD:-admin}"

token=$(curl -sf "$base/realms/master/protocol/openid-connect/token" \
  --data-urlencode grant_type=password --data-urlencode client_id=admin-cli \
  --data-urlencode "username=$admin_user" --data-urlencode "password=$admin_password" \
  | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
[[ -n "$token" ]] || { echo "cannot sign in to $base as $admin_user: is the demo running?" >&2; exit 1; }

id=$(curl -sf -H "Authorization: Bearer $token" "$base/admin/realms/demo/users?exact=true&username=$user" \
  | sed -n 's/^\[{"id":"\([^"]*\)".*/\1/p')
[[ -n "$id" ]] || { echo "no user $user in realm demo" >&2; exit 1; }

curl -sf -o /dev/null -X POST -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
  -d '{"action":"clear","reason_code":"demo.reset"}' "$base/admin/realms/demo/approval-guard/risk/users/$id/actions"
curl -sf -o /dev/null -X DELETE -H "Authorization: Bearer $token" "$base/admin/realms/demo/attack-detection/brute-force/users/$id"
echo "$user: risk cleared, push and devices resumed, prompt limits reset, lock-out lifted."
