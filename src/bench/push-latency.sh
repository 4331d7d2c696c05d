#!/usr/bin/env bash
# The password step of a push sign-in with no push address, an answering and a hanging push
# gateway (docs/benchmarks.md, "A hanging push service and the sign-in").
#
#   src/bench/push-latency.sh                # 40 sign-ins per case
#   SIGN_INS=10 src/bench/push-latency.sh    # a quick run
#
# Runs src/bench/java/io/approvalguard/bench/PushLatencyBench.java through failsafe against the
# test suite's Keycloak (127.0.0.1:8080, management 9000; start-dev, embedded H2) with its push
# gateway stand-in on 127.0.0.1:8093. Results: target/it-work/bench/push-latency.json.
# Bounded: Keycloak is stopped at the end, and the whole run by MAX_SECONDS.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec timeout "${MAX_SECONDS:-1800}" mvn -o -B verify -Dit.test=PushLatencyBench -Dtest=none \
  -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dbench.sign-ins="${SIGN_INS:-40}"
