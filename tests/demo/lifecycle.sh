#!/usr/bin/env bash
# How `scripts/demo.sh` ends, as a person would end it, in a private test session
# (tests/session.sh): a busy port gets one sentence naming AUTHDECK_DEMO_PORT; stopping the
# script (as Ctrl+C or a logout does) and the window going away each leave nothing running.
# Needs the release build that the smoke stage made.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "${AUTHDECK_TEST_SESSION:-}" = 1 ] || exec tests/session.sh "$0" "$@"

port=4391
fail() { echo "demo lifecycle: $*" >&2; exit 1; }
export AUTHDECK_DEMO_PORT=$port

# 1. A busy port.
node -e 'require("net").createServer().listen(Number(process.argv[1]), "127.0.0.1")' "$port" &
blocker=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
status=0
err="$(scripts/demo.sh 2>&1 >/dev/null)" || status=$?
kill "$blocker"
wait "$blocker" 2>/dev/null || true
[ "$status" != 0 ] || fail "a busy port did not fail the demo"
grep -q "AUTHDECK_DEMO_PORT" <<<"$err" || fail "the busy-port message does not name AUTHDECK_DEMO_PORT: $err"
[ "$(grep -c . <<<"$err")" = 1 ] || fail "the busy-port message is not one sentence: $err"
echo "busy port: $err"

running_app() { pgrep -f "$PWD/target/release/authdeck-app" >/dev/null; }
start_demo() {
  scripts/demo.sh >/dev/null 2>&1 &
  demo=$!
  for _ in $(seq 600); do running_app && return 0; sleep 0.1; done
  fail "the demo window did not start"
}
wait_gone() {
  for _ in $(seq 100); do
    kill -0 "$demo" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$demo" 2>/dev/null && fail "the demo script did not stop ($1)"
  AUTHDECK_DEMO_PORT=$port tests/demo/nothing-left.sh >/dev/null || fail "something was left running ($1)"
  echo "$1: nothing left running"
}

# 2. The script is stopped (Ctrl+C in its terminal sends SIGINT to it and its children;
#    a logout sends SIGTERM).
start_demo
kill -TERM "$demo"
wait_gone "demo stopped with SIGTERM"

# 3. The window goes away (closed, or quit).
start_demo
pkill -TERM -f "$PWD/target/release/authdeck-app"
wait_gone "window closed"
