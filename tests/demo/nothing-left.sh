#!/usr/bin/env bash
# After `scripts/demo.sh` has stopped: nothing it started may still run (the window, the demo
# provider, a sign-in waiting), and the provider's port is free again.
set -euo pipefail
cd "$(dirname "$0")/../.."
port="${AUTHDECK_DEMO_PORT:-4390}"
left="$(pgrep -af "$PWD/target/release/authdeck|tests/provider/server.mjs --port $port" || true)"
if [ -n "$left" ]; then
  echo "The demo left these running:" >&2
  echo "$left" >&2
  exit 1
fi
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "Port $port is still in use after the demo stopped." >&2
  exit 1
fi
echo "nothing left running; port $port is free"
