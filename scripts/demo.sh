#!/usr/bin/env bash
# Runs the AuthDeck window with a local OpenID provider beside it, so the whole job works on a
# machine with no internet: "Connect account" -> "Local demo provider" opens your browser on
# the provider's sign-in page (any name and password), the answer comes back to the window by
# deep link, and the account shows its live expiry, refreshes and copies.
#
# Uses your normal AuthDeck data folder and keychain, so `authdeck accounts` in another
# terminal sees the same accounts. Stop with Ctrl+C or by closing the window: the provider and
# the app stop with it. AUTHDECK_DEMO_PORT picks another port for the provider (default 4390).
#
# AUTHDECK_DEMO_SMOKE=1 (used by scripts/test.sh) runs the same demo headless in a private test
# session (its own D-Bus, keychain, display, HOME and data folder), waits for the window's first
# paint and the provider's discovery document, completes one sign-in through the deep link, and
# exits 0. A user's run never takes that path.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

# Checked first, so a busy port is said before anything is built.
port="${AUTHDECK_DEMO_PORT:-4390}"
if ! [[ "$port" =~ ^[0-9]+$ ]] || [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
  echo "AUTHDECK_DEMO_PORT must be a port number between 1 and 65535, not \"$port\"." >&2
  exit 1
fi
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "Another program is already using port $port, so the demo provider cannot start there. Close" \
    "it, or pick a free port, for example: AUTHDECK_DEMO_PORT=$((port % 65535 + 1)) scripts/demo.sh" >&2
  exit 1
fi

if [ -n "${AUTHDECK_DEMO_SMOKE:-}" ] && [ "${AUTHDECK_TEST_SESSION:-}" != 1 ]; then
  scripts/setup.sh --tests
  cargo build --release --locked -p authdeck-app -p authdeck-cli
  exec tests/session.sh "$0" "$@"
fi
if [ -z "${AUTHDECK_DEMO_SMOKE:-}" ]; then
  scripts/setup.sh
  cargo build --release --locked -p authdeck-app -p authdeck-cli
fi
export PATH="$repo/target/release:$PATH"

work="$(mktemp -d "${TMPDIR:-/tmp}/authdeck-demo.XXXXXX")"
pids=()
cleanup() {
  trap - EXIT INT TERM HUP
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# The provider reads its standard input from a pipe whose only writer is this script: when the
# script ends in any way (even killed), the pipe closes and the provider stops by itself.
mkfifo "$work/hold"
node tests/provider/server.mjs --port "$port" <"$work/hold" >"$work/provider.json" &
pids+=($!)
exec 9>"$work/hold"
for _ in $(seq 100); do
  [ -s "$work/provider.json" ] && break
  kill -0 "${pids[0]}" 2>/dev/null || break
  sleep 0.1
done
if [ ! -s "$work/provider.json" ]; then
  echo "The demo provider did not start on port $port. Try another port with AUTHDECK_DEMO_PORT." >&2
  exit 1
fi
issuer="http://127.0.0.1:$port"

# The demo provider in this data folder points at this run's port.
existing="$(authdeck provider list --json | node -e '
  const list = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const p = list.find((p) => p.name === "local-demo");
  process.stdout.write(p ? String(p.issuer) : "");')"
if [ -n "$existing" ] && [ "$existing" != "$issuer" ]; then
  authdeck provider remove local-demo >/dev/null
  existing=""
fi
if [ -z "$existing" ]; then
  authdeck provider add local-demo --issuer "$issuer" --client-id authdeck \
    --label "Local demo provider" >/dev/null
fi

# Smoke mode: the same demo, driven as a person would, inside the private test session.
smoke() {
  local deadline url account
  waitfor() { # waitfor SECONDS WHAT COMMAND...
    local secs="$1" what="$2"
    shift 2
    deadline=$((SECONDS + secs))
    until "$@" >/dev/null 2>&1; do
      if [ "$SECONDS" -ge "$deadline" ]; then
        echo "demo smoke: timed out after ${secs}s waiting for $what" >&2
        return 1
      fi
      sleep 0.2
    done
  }
  AUTHDECK_FIRST_PAINT_FILE="$work/first-paint" "$repo/target/release/authdeck-app" >"$work/app.log" 2>&1 9>&- &
  pids+=($!)
  local app="${pids[-1]}"
  waitfor 60 "the window's first paint" test -s "$work/first-paint"
  echo "demo smoke: the window painted"
  waitfor 10 "the provider's discovery document" \
    curl -fsS "$issuer/.well-known/openid-configuration"
  echo "demo smoke: the demo provider answers discovery at $issuer"
  handler() { [ "$(xdg-mime query default x-scheme-handler/dev.authdeck.app)" != "" ]; }
  waitfor 30 "the app to register its deep-link scheme" handler
  echo "demo smoke: dev.authdeck.app: links open $(xdg-mime query default x-scheme-handler/dev.authdeck.app)"

  authdeck login local-demo --no-browser >"$work/login.out" 2>"$work/login.err" </dev/null 9>&- &
  pids+=($!)
  local login="${pids[-1]}"
  waitfor 20 "the sign-in address" test -s "$work/login.out"
  url="$(head -n 1 "$work/login.out")"
  # The headless user signs in on the provider's pages; the desktop then delivers the answer
  # to the running window by deep link (gio open -> the registered handler -> single instance).
  AUTHDECK_TEST_DELIVER_CMD="gio open" timeout 60 node tests/provider/browser.mjs "$url" \
    --login demo-user --deliver exec
  deadline=$((SECONDS + 60))
  while kill -0 "$login" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "demo smoke: the sign-in did not finish within 60s" >&2
      cat "$work/login.err" >&2
      return 1
    fi
    sleep 0.2
  done
  if ! wait "$login"; then
    echo "demo smoke: the sign-in failed:" >&2
    cat "$work/login.err" >&2
    return 1
  fi
  account="$(tail -n 1 "$work/login.out")"
  authdeck accounts --json | node -e '
    const [id] = process.argv.slice(1);
    const list = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const a = list.find((a) => a.id === id);
    if (!a || a.status !== "valid") { console.error("demo smoke: account not valid:", a); process.exit(1); }' \
    "$account"
  kill -0 "$app" 2>/dev/null || { echo "demo smoke: the window exited" >&2; return 1; }
  echo "demo smoke: signed in through the deep link as $account; stopping"
}

if [ -z "${AUTHDECK_DEMO_SMOKE:-}" ]; then
  echo "AuthDeck is starting. Press \"Connect account\", pick \"Local demo provider\", and sign in"
  echo "with any name and password. Close the window or press Ctrl+C to stop the demo."
  # By its full path, so that it is told apart from an installed copy and other builds.
  "$repo/target/release/authdeck-app" 9>&- &
  pids+=($!)
  # Ends when the window closes (or on Ctrl+C, through the traps above).
  wait "${pids[-1]}" || true
  exit 0
fi

smoke
