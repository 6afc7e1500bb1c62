#!/usr/bin/env bash
# Runs the AuthDeck window with a local OpenID provider beside it, so the whole job works on a
# machine with no internet: "Connect account" -> "Local demo provider" opens your browser on
# the provider's sign-in page (any username and password), the answer comes back to the
# window by deep link, and the account shows its live expiry, refreshes and copies.
#
# Uses your normal AuthDeck data folder and keychain, so `authdeck accounts` in another
# terminal sees the same accounts. Stop with Ctrl+C or by closing the window.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cargo build --release --bin authdeck -p authdeck-app
export PATH="$PWD/target/release:$PATH"

port="${AUTHDECK_DEMO_PORT:-4390}"
issuer="http://127.0.0.1:$port"
node tests/provider/server.mjs --port "$port" < <(tail -f /dev/null) > /tmp/authdeck-demo-provider.json &
provider=$!
trap 'kill $provider 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s /tmp/authdeck-demo-provider.json ] && break; sleep 0.1; done
[ -s /tmp/authdeck-demo-provider.json ] || { echo "The local provider did not start (is port $port free?)."; exit 1; }

if ! authdeck provider list --json | grep -q '"name": "local-demo"'; then
  authdeck provider add local-demo --issuer "$issuer" --client-id authdeck --label "Local demo provider"
fi
echo "Local demo provider: $issuer (sign in with any username and password)."
authdeck-app
