#!/usr/bin/env bash
# Added latency of the approval-guard event listener on a login, outbox write and commit included,
# measured inside a real Keycloak (see docs/benchmarks.md).
#
#   src/bench/listener-latency.sh
#
# What it does, bounded by timeouts, cleaning up on any exit:
#   1. snapshots the source tree (without target/) into $BENCH_WORK and builds there: the bench classes
#      (mvn test-compile, which compiles src/bench/java with the tests) and, unless AG_JAR names a product JAR,
#      the product JAR; packs the bench-only provider (src/bench/java/io/approvalguard/bench/server) into
#      approval-guard-bench.jar;
#   2. for each scenario: copies target/keycloak-26.7.0 to $BENCH_DIST (the original is never touched),
#      starts it with start-dev on 127.0.0.1:18080 (management 19000) with the two JARs, waits for health,
#      creates realm "bench" (listener approval-guard on, client bench-app, $USERS users) through the admin
#      REST API, calls POST /realms/bench/approval-guard-bench/listener, prints the table, optionally runs
#      real password-grant logins with the listener off and on, stops Keycloak;
#   3. writes the JSON results and the server logs to $BENCH_OUT.
#
# Environment (defaults in brackets):
#   N [5000] measured rounds, WARMUP [2000] discarded rounds, USERS [50] bench users
#   SCENARIOS ["risk risk+dead-webhook"]: sinks. risk: the default set-up (the in-process risk scorer is the
#     only active sink; the log sink is off). risk+dead-webhook: plus a webhook sink whose URL is a closed port.
#     dead-webhook (diagnostic): the dead webhook alone, risk scorer off: the relay backs off and stays idle, so
#     the listener runs without the relay's work competing for the CPUs.
#   BENCH_DB [h2]: h2 (start-dev's file database) or postgres (a throw-away local PostgreSQL on 127.0.0.1:15432,
#     needs initdb/pg_ctl/psql; as root it runs as user postgres; its files are in a fresh directory under /tmp,
#     removed at exit after its log is copied to $BENCH_OUT)
#   KC_EXTRA_ARGS: extra kc.sh options, for diagnosis only (for example --spi-user-sessions--infinispan--use-batches=false)
#   PG_OPTS: extra postgres server options, for diagnosis only (for example "-c synchronous_commit=off")
#   E2E [1]: also time real logins (first scenario only); E2E_BLOCKS [10] pairs of blocks of E2E_BLOCK [200] logins
#   AG_JAR: a product JAR to use instead of building one from the snapshot
#   BENCH_WORK [/tmp/ag-bench-work], BENCH_DIST [/tmp/kc-bench-dist], BENCH_OUT [target/bench/listener-latency/<time>]
#   KC_JAVA_OPTS [-Xms1g -Xmx1g]: JAVA_OPTS_APPEND for Keycloak
#   KEEP [0]: 1 keeps $BENCH_DIST and $BENCH_WORK afterwards
#   MAX_SECONDS [2400]: the whole run is stopped (and cleaned up) after this long
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KC_VERSION=26.7.0
SRC_DIST=${KC_SRC_DIST:-$ROOT/target/keycloak-$KC_VERSION}
WORK=${BENCH_WORK:-/tmp/ag-bench-work}
DIST=${BENCH_DIST:-/tmp/kc-bench-dist}
OUT=${BENCH_OUT:-$ROOT/target/bench/listener-latency/$(date -u +%Y%m%dT%H%M%SZ)}
N=${N:-5000}
WARMUP=${WARMUP:-2000}
USERS=${USERS:-50}
SCENARIOS=${SCENARIOS:-risk risk+dead-webhook}
BENCH_DB=${BENCH_DB:-h2}
E2E=${E2E:-1}
E2E_BLOCKS=${E2E_BLOCKS:-10}
E2E_BLOCK=${E2E_BLOCK:-200}
KEEP=${KEEP:-0}
MAX_SECONDS=${MAX_SECONDS:-2400}
KC_JAVA_OPTS=${KC_JAVA_OPTS:--Xms1g -Xmx1g}
PG_OPTS=${PG_OPTS:-}
KC_EXTRA_ARGS=${KC_EXTRA_ARGS:-}

HOST=127.0.0.1
HTTP_PORT=18080
MGMT_PORT=19000
PG_PORT=15432
DEAD_WEBHOOK=http://127.0.0.1:18091/
WEBHOOK_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
BASE=http://$HOST:$HTTP_PORT
ADMIN_USER=admin
ADMIN_PASSWORD=admin
USER_PASSWORD=bench-password-1
REALM=bench

KC_PID=
PG_STARTED=0
PG_DIR= # the throw-away PostgreSQL's own directory under /tmp (data, socket, log)
WATCHDOG_PID=
OWN_DIRS=0

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

stop_keycloak() {
  if [[ -n $KC_PID ]] && kill -0 "$KC_PID" 2>/dev/null; then
    log "stopping Keycloak (process group $KC_PID)"
    kill -TERM -- "-$KC_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do
      kill -0 "$KC_PID" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL -- "-$KC_PID" 2>/dev/null || true
  fi
  KC_PID=
}

pg() { # runs a PostgreSQL tool as the postgres user when we are root (postgres refuses to run as root)
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop_postgres() {
  if [[ $PG_STARTED == 1 ]]; then
    log "stopping PostgreSQL"
    timeout 60 bash -c "$(declare -f pg); pg '$PGBIN/pg_ctl' -D '$PG_DIR/pgdata' -m fast -w stop" >/dev/null 2>&1 || true
    PG_STARTED=0
  fi
  if [[ -n $PG_DIR ]]; then
    cp "$PG_DIR/postgres.log" "$OUT/postgres.log" 2>/dev/null || true
    rm -rf "$PG_DIR"
    PG_DIR=
  fi
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_keycloak
  stop_postgres
  [[ -n $WATCHDOG_PID ]] && kill "$WATCHDOG_PID" 2>/dev/null || true
  if [[ $KEEP != 1 && $OWN_DIRS == 1 ]]; then
    rm -rf "$DIST" "$WORK"
  fi
  if [[ $status == 0 ]]; then log "results in $OUT"; else log "exit $status; logs in $OUT"; fi
  exit "$status"
}
for dir in "$WORK" "$DIST"; do # both are deleted and recreated
  [[ $dir == /tmp/* || $dir == "$ROOT"/target/* ]] || die "BENCH_WORK and BENCH_DIST must be under /tmp or target/ ($dir)"
done
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_busy() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }
KC_OWNER="another bench run, WaitingSignInsBench, or ProxyHeadersIT's nginx (18080)"
require_free() { # $1 port, $2 what it is for, $3 what probably holds it: never talk to a server this run did not start
  port_busy "$1" && die "port $1 on $HOST ($2) is already in use, probably by $3; stop it, or run in a network namespace of its own"
  return 0
}

for tool in java jar mvn curl jq tar setsid timeout column; do
  command -v "$tool" >/dev/null || die "$tool is needed"
done
[[ -x $SRC_DIST/bin/kc.sh || -f $SRC_DIST/bin/kc.sh ]] || die "no Keycloak distribution at $SRC_DIST (mvn package unpacks it)"
require_free $HTTP_PORT "Keycloak's HTTP port" "$KC_OWNER"
require_free $MGMT_PORT "Keycloak's management port" "$KC_OWNER"
port_busy 18091 && die "port 18091 must be closed (the dead webhook points at it)"
mkdir -p "$OUT"
# the watchdog stops Keycloak first, so that a request the script waits for returns at once
# (short sleeps with their output elsewhere: killing the watchdog must free the script's stdout at once)
( deadline=$((SECONDS + MAX_SECONDS))
  while ((SECONDS < deadline)); do sleep 1 >/dev/null 2>&1 </dev/null; done
  log "MAX_SECONDS=$MAX_SECONDS reached, stopping"
  [[ -f $WORK/kc.pid ]] && kill -TERM -- "-$(cat "$WORK/kc.pid")" 2>/dev/null; kill -TERM $$ ) &
WATCHDOG_PID=$!

# ---- 1. build ---------------------------------------------------------------------------------------
log "snapshot of $ROOT into $WORK/tree"
OWN_DIRS=1 # from here on, $WORK and $DIST are this run's
rm -rf "$WORK" && mkdir -p "$WORK/tree"
tar -C "$ROOT" --exclude=./target --exclude=./.git -cf - . | tar -C "$WORK/tree" -xf -
log "building the bench classes (mvn test-compile)"
(cd "$WORK/tree" && timeout 900 mvn -q -B test-compile) >"$OUT/build-bench.log" 2>&1 \
  || { tail -30 "$OUT/build-bench.log" >&2; die "bench build"; }
CLASSES=$WORK/tree/target/test-classes
if [[ -z ${AG_JAR:-} ]]; then
  log "building the product JAR from the snapshot (mvn package, tests and unpacking skipped)"
  (cd "$WORK/tree" && timeout 900 mvn -q -B package -Dmaven.test.skip=true -Dmdep.skip=true) >"$OUT/build-jar.log" 2>&1 \
    || { tail -30 "$OUT/build-jar.log" >&2; die "product JAR build"; }
  AG_JAR=$(ls "$WORK"/tree/target/approval-guard-*.jar | grep -v /original- | head -1)
fi
[[ -f $AG_JAR ]] || die "no product JAR at $AG_JAR"
mkdir -p "$WORK/benchjar/META-INF/services"
echo io.approvalguard.bench.server.ListenerBenchProviderFactory \
  >"$WORK/benchjar/META-INF/services/org.keycloak.services.resource.RealmResourceProviderFactory"
jar --create --file "$WORK/approval-guard-bench.jar" -C "$CLASSES" io/approvalguard/bench/server -C "$WORK/benchjar" META-INF
log "product JAR $(basename "$AG_JAR") ($(stat -c %s "$AG_JAR") bytes), bench JAR $(jar --list --file "$WORK/approval-guard-bench.jar" | grep -c '\.class$') classes"

# ---- PostgreSQL (optional) ----------------------------------------------------------------------------
DB_ARGS=()
if [[ $BENCH_DB == postgres ]]; then
  PGBIN=$(dirname "$(readlink -f "$(command -v postgres || command -v pg_ctl)")")
  require_free $PG_PORT "the bench PostgreSQL" "another bench run's PostgreSQL"
  # Its files go into a fresh directory of its own under /tmp, owned by the user it runs as: the postgres
  # user may not be able to enter the checkout (a private home directory); copied to $OUT and removed at exit.
  PG_DIR=$(mktemp -d /tmp/ag-bench-pg.XXXXXX)
  [[ $(id -u) == 0 ]] && chown postgres "$PG_DIR"
  pg "$PGBIN/initdb" -D "$PG_DIR/pgdata" -U postgres --auth=trust -E UTF8 >"$OUT/postgres-initdb.log" 2>&1 || die "initdb"
  timeout 90 bash -c "$(declare -f pg); pg '$PGBIN/pg_ctl' -D '$PG_DIR/pgdata' -l '$PG_DIR/postgres.log' -w -t 60 \
    -o '-p $PG_PORT -k $PG_DIR -c listen_addresses=$HOST $PG_OPTS' start" >/dev/null || die "PostgreSQL start"
  PG_STARTED=1
  log "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on $HOST:$PG_PORT"
  DB_ARGS=(--db=postgres "--db-url=jdbc:postgresql://$HOST:$PG_PORT/keycloak" --db-username=keycloak --db-password=keycloak)
elif [[ $BENCH_DB != h2 ]]; then
  die "BENCH_DB must be h2 or postgres"
fi
psql_admin() { timeout 60 psql -h "$HOST" -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -q "$@"; }

# ---- 2. scenarios ---------------------------------------------------------------------------------------
prepare_dist() {
  rm -rf "$DIST" && mkdir -p "$DIST"
  tar -C "$SRC_DIST" --exclude=./data --exclude='./providers/*.jar' -cf - . | tar -C "$DIST" -xf -
  mkdir -p "$DIST/providers"
  cp "$AG_JAR" "$DIST/providers/approval-guard.jar"
  cp "$WORK/approval-guard-bench.jar" "$DIST/providers/approval-guard-bench.jar"
  chmod +x "$DIST/bin/kc.sh"
}

start_keycloak() { # $1 scenario
  local args=(start-dev "--http-host=$HOST" "--http-port=$HTTP_PORT" "--http-management-port=$MGMT_PORT"
    --health-enabled=true --spi-approval-guard-sink--log--enabled=false --log-level=INFO "${DB_ARGS[@]}")
  [[ -n $KC_EXTRA_ARGS ]] && read -r -a extra <<<"$KC_EXTRA_ARGS" && args+=("${extra[@]}")
  case $1 in
    risk) ;;
    risk+dead-webhook) args+=("--spi-approval-guard-sink--webhook--url=$DEAD_WEBHOOK"
      "--spi-approval-guard-sink--webhook--secrets=$WEBHOOK_SECRET") ;;
    dead-webhook) args+=(--spi-approval-guard-sink--risk--enabled=false "--spi-approval-guard-sink--webhook--url=$DEAD_WEBHOOK"
      "--spi-approval-guard-sink--webhook--secrets=$WEBHOOK_SECRET") ;;
    *) die "unknown scenario $1" ;;
  esac
  if [[ $BENCH_DB == postgres ]]; then
    psql_admin -c "drop database if exists keycloak" -c "drop role if exists keycloak" \
      -c "create role keycloak login password 'keycloak'" -c "create database keycloak owner keycloak" || die "database"
  fi
  rm -rf "$DIST/data"
  # again for every scenario: the ports were free for a moment between two of them
  require_free $HTTP_PORT "Keycloak's HTTP port" "$KC_OWNER"
  require_free $MGMT_PORT "Keycloak's management port" "$KC_OWNER"
  log "starting Keycloak ($1): kc.sh ${args[*]}"
  KC_BOOTSTRAP_ADMIN_USERNAME=$ADMIN_USER KC_BOOTSTRAP_ADMIN_PASSWORD=$ADMIN_PASSWORD JAVA_OPTS_APPEND=$KC_JAVA_OPTS \
    setsid "$DIST/bin/kc.sh" "${args[@]}" >"$OUT/keycloak-$1.log" 2>&1 </dev/null &
  KC_PID=$!
  echo "$KC_PID" >"$WORK/kc.pid"
  local deadline=$((SECONDS + 300))
  until curl -sf -o /dev/null --max-time 2 "http://$HOST:$MGMT_PORT/health/ready"; do
    kill -0 "$KC_PID" 2>/dev/null || { tail -40 "$OUT/keycloak-$1.log" >&2; die "Keycloak exited"; }
    ((SECONDS < deadline)) || { tail -40 "$OUT/keycloak-$1.log" >&2; die "Keycloak not ready after 300 s"; }
    sleep 1
  done
  log "Keycloak ready; $(grep -o 'event stream sinks \[[^]]*\]' "$OUT/keycloak-$1.log" | head -1)"
}

admin_token() {
  curl -sf --max-time 30 -d grant_type=password -d client_id=admin-cli -d "username=$ADMIN_USER" \
    -d "password=$ADMIN_PASSWORD" "$BASE/realms/master/protocol/openid-connect/token" | jq -r .access_token
}

create_realm() {
  local users
  users=$(for ((i = 0; i < USERS; i++)); do
    printf '{"username":"bench-user-%d","enabled":true,"email":"bench-user-%d@example.com","emailVerified":true,' "$i" "$i"
    printf '"firstName":"Bench","lastName":"User %d","credentials":[{"type":"password","value":"%s","temporary":false}]}\n' \
      "$i" "$USER_PASSWORD"
  done | paste -sd, -)
  # Keycloak's defaults (jboss-logging listener, no event store) plus approval-guard. A cheap password hash,
  # only so that the end-to-end logins are not all hashing: it changes nothing the listener does.
  local realm
  realm=$(printf '{"realm":"%s","enabled":true,"eventsListeners":["jboss-logging","approval-guard"],
    "passwordPolicy":"hashAlgorithm(pbkdf2-sha256) and hashIterations(1)",
    "clients":[{"clientId":"bench-app","enabled":true,"publicClient":true,"directAccessGrantsEnabled":true,
      "standardFlowEnabled":true,"redirectUris":["http://127.0.0.1/bench/callback"]}],
    "users":[%s]}' "$REALM" "$users")
  local code
  code=$(curl -s --max-time 120 -o "$OUT/create-realm.out" -w '%{http_code}' -X POST "$BASE/admin/realms" \
    -H "Authorization: Bearer $(admin_token)" -H 'Content-Type: application/json' --data-binary "$realm")
  [[ $code == 201 ]] || { cat "$OUT/create-realm.out" >&2; die "creating realm $REALM answered $code"; }
}

print_table() { # $1 scenario, $2 result JSON
  local f=$2
  echo
  echo "== listener latency, scenario $1, database $BENCH_DB =="
  jq -r '"active sinks \(.run.activeSinks | join(", ")); \(.config.rounds) rounds (+\(.config.warmupRounds) warm-up), \(.config.users) users; " +
    "\(.config.availableProcessors) CPUs, heap \(.config.maxHeapMiB) MiB, \(.config.gc | join("/")); measured \(.run.measuredSeconds) s, " +
    "GC \(.run.gcDuringMeasurement.collections) collections \(.run.gcDuringMeasurement.millis) ms"' "$f"
  {
    printf 'µs\tmean\tp50\tp90\tp99\tp99.9\tmax\n'
    jq -r '(.transactionMicros | to_entries[] | [.key + " transaction", .value.mean, .value.p50, .value.p90, .value.p99,
      .value["p99.9"], .value.max]), (.partMicros | to_entries[] | ["  " + .key, .value.mean, .value.p50, .value.p90,
      .value.p99, .value["p99.9"], .value.max]) | @tsv' "$f"
    printf 'added (difference of)\tmean ± 95%%\tp50\tp90\tp99\tp99.9\t\n'
    jq -r '.addedMicros | to_entries[] | [.key, "\(.value.mean) ± \(.value.meanCi95)", .value.p50, .value.p90, .value.p99,
      .value["p99.9"], ""] | @tsv' "$f"
  } | column -t -s $'\t'
  jq -r '"outbox rows written \(.run.outboxRowsWritten) of \(.run.outboxRowsExpected) expected; by status \(.run.outboxByStatus | tostring); " +
    "CloudEvent source \(.run.sampleSource)"' "$f"
}

first=1
for scenario in $SCENARIOS; do
  prepare_dist
  start_keycloak "$scenario"
  create_realm
  log "running $N rounds (+$WARMUP warm-up) in Keycloak"
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  code=$(curl -s --max-time 1200 -o "$OUT/listener-$scenario.json" -w '%{http_code}' -X POST \
    "$BASE/realms/$REALM/approval-guard-bench/listener?n=$N&warmup=$WARMUP&users=$USERS")
  [[ $code == 200 ]] || { cat "$OUT/listener-$scenario.json" >&2; die "benchmark endpoint answered $code"; }
  { print_table "$scenario" "$OUT/listener-$scenario.json"
    echo "load average (1/5/15 min) before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg)"; } | tee -a "$OUT/summary.txt"
  [[ $(jq .run.outboxRowsWritten "$OUT/listener-$scenario.json") == $(jq .run.outboxRowsExpected "$OUT/listener-$scenario.json") ]] \
    || die "the listener did not write exactly one outbox row per event and active sink"
  if [[ $E2E == 1 && $first == 1 ]]; then
    log "end to end: $((2 * E2E_BLOCKS)) blocks of $E2E_BLOCK password-grant logins, listener off/on alternating"
    load_before=$(cut -d' ' -f1-3 /proc/loadavg)
    timeout 900 java -cp "$CLASSES" io.approvalguard.bench.LoginLatency "$BASE" "$REALM" bench-app bench-user- "$USERS" \
      "$USER_PASSWORD" "$E2E_BLOCKS" "$E2E_BLOCK" 400 "$ADMIN_USER" "$ADMIN_PASSWORD" >"$OUT/e2e-$scenario.json" \
      || die "end-to-end logins"
    {
      echo
      echo "== real logins (password grant, HTTP, client on the same host), scenario $scenario =="
      {
        printf 'µs\tn\tmean\tp50\tp90\tp99\tmax\n'
        jq -r '["without approval-guard", .withoutListener.n, .withoutListener.mean, .withoutListener.p50, .withoutListener.p90,
          .withoutListener.p99, .withoutListener.max], ["with approval-guard", .withListener.n, .withListener.mean,
          .withListener.p50, .withListener.p90, .withListener.p99, .withListener.max] | @tsv' "$OUT/e2e-$scenario.json"
      } | column -t -s $'\t'
      jq -r '"mean difference \(.meanDifferenceMicros) ± \(.meanDifferenceCi95Micros) µs (95% CI)"' "$OUT/e2e-$scenario.json"
      echo "load average (1/5/15 min) before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg)"
    } | tee -a "$OUT/summary.txt"
  fi
  first=0
  stop_keycloak
done
