#!/usr/bin/env bash
# The background-mode acceptance tests: `authdeck-app --hidden` under Xvfb with a real
# notification server (dunst) on the private session bus, the local OpenID provider, the real
# keychain, and a StatusNotifierWatcher (the tray host, tests/background/sni_watcher.rs).
#
#   tests/background/run.sh [extra node --test args / files]
#
# Uses $AUTHDECK_APP (default target/debug/authdeck-app), $AUTHDECK_BIN (target/debug/authdeck)
# and $AUTHDECK_SNI_WATCHER (target/debug/examples/sni-watcher); build them first:
#   cargo build -p authdeck-app -p authdeck-cli && cargo build -p authdeck-app --example sni-watcher
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
if [[ "${AUTHDECK_TEST_SESSION:-}" != "1" ]]; then
  exec "$repo/tests/session.sh" "${BASH_SOURCE[0]}" "$@"
fi

export AUTHDECK_APP="${AUTHDECK_APP:-$repo/target/debug/authdeck-app}"
export AUTHDECK_BIN="${AUTHDECK_BIN:-$repo/target/debug/authdeck}"
export AUTHDECK_SNI_WATCHER="${AUTHDECK_SNI_WATCHER:-$repo/target/debug/examples/sni-watcher}"
for bin in "$AUTHDECK_APP" "$AUTHDECK_BIN" "$AUTHDECK_SNI_WATCHER"; do
  if [[ ! -x "$bin" ]]; then
    echo "run.sh: $bin not found; build it (see the top of this file)" >&2
    exit 2
  fi
done
for tool in dunst dunstctl dbus-monitor xdotool gdbus; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (apt install dunst x11-utils xdotool libglib2.0-bin)" >&2; exit 2; }
done
if [[ ! -d "$repo/tests/provider/node_modules" ]]; then
  (cd "$repo/tests/provider" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi

cd "$repo"
if [[ $# -eq 0 ]]; then
  set -- tests/background/
fi
exec node --test --test-concurrency=1 "$@"
