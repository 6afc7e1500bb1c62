#!/usr/bin/env bash
# Runs the authdeck CLI acceptance tests: tests/cli/run.sh [extra node --test args / files]
#
# - Runs inside tests/session.sh (private D-Bus, unlocked gnome-keyring, temporary HOME) unless
#   the caller already did (AUTHDECK_TEST_SESSION=1).
# - Installs the provider fixture (npm ci) when tests/provider/node_modules is missing.
# - Uses $AUTHDECK_BIN, default target/debug/authdeck (build it first:
#   cargo build -p authdeck-cli).
# Exit code: the test result. Nothing is left running afterwards.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

# One private session script for every suite (tests/session.sh): its own D-Bus, an unlocked
# gnome-keyring, a temporary HOME and Xvfb.
if [[ "${AUTHDECK_TEST_SESSION:-}" != "1" ]]; then
  exec "$repo/tests/session.sh" "${BASH_SOURCE[0]}" "$@"
fi

bin="${AUTHDECK_BIN:-$repo/target/debug/authdeck}"
if [[ ! -x "$bin" && -z "${AUTHDECK_BIN:-}" ]] && command -v cargo >/dev/null; then
  (cd "$repo" && cargo build -p authdeck-cli --locked) >&2
fi
if [[ ! -x "$bin" ]]; then
  echo "run.sh: $bin not found; build it with: cargo build -p authdeck-cli" >&2
  exit 2
fi
AUTHDECK_BIN="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
export AUTHDECK_BIN

if [[ ! -d "$repo/tests/provider/node_modules" ]]; then
  (cd "$repo/tests/provider" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi

cd "$repo"
if [[ $# -eq 0 ]]; then
  set -- tests/cli/
fi
exec node --test --test-concurrency="${AUTHDECK_TEST_CONCURRENCY:-2}" "$@"
