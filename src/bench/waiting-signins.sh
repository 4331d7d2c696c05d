#!/usr/bin/env bash
# N sign-ins waiting at once on one Keycloak node, answered from their devices (docs/benchmarks.md).
#
#   src/bench/waiting-signins.sh                 # 2,000 waiting sign-ins
#   USERS=200 src/bench/waiting-signins.sh       # a quick run
#
# Builds the provider JAR and unpacks Keycloak (mvn verify's package phase), then runs
# src/bench/java/io/approvalguard/bench/WaitingSignInsBench.java through failsafe: it copies the
# distribution to target/it-work/bench/keycloak, starts it with start-dev (embedded H2) on
# 127.0.0.1:18080 (management 19000), imports the test realm, enrols USERS devices through real
# first sign-ins, opens USERS sign-ins to the wait page, holds a status request for each, answers
# every challenge from its device at ANSWER_RATE per second, lets every browser continue, then
# times CPU_SIGN_INS complete push sign-ins for the CPU figure. Results: target/it-work/bench/waiting-signins.json.
# Bounded: every phase has a time limit and Keycloak is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec timeout "${MAX_SECONDS:-1800}" mvn -o -B verify -Dit.test=WaitingSignInsBench -Dtest=none \
  -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dbench.users="${USERS:-2000}" -Dbench.answer-rate="${ANSWER_RATE:-200}" \
  -Dbench.cpu-sign-ins="${CPU_SIGN_INS:-300}" -Dbench.setup-threads="${SETUP_THREADS:-8}"
