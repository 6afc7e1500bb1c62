#!/usr/bin/env bash
# Runs the authdeck CLI acceptance tests: tests/cli/run.sh [extra node --test args / files]
#
# - Starts a private D-Bus session with an unlocked gnome-keyring (non-empty password) and a
#   temporary HOME, unless the caller already did and set AUTHDECK_TEST_SESSION=1.
# - Installs the provider fixture (npm ci) when tests/provider/node_modules is missing.
# - Uses $AUTHDECK_BIN, default target/debug/authdeck (build it first:
#   cargo build -p authdeck-cli).
# Exit code: the test result. Nothing is left running afterwards.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

if [[ "${AUTHDECK_TEST_SESSION:-}" != "1" ]]; then
  for tool in dbus-run-session gnome-keyring-daemon node; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is not installed" >&2; exit 2; }
  done
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/authdeck-cli-tests.XXXXXX")"
  cleanup() { rm -rf "$tmp"; }
  trap cleanup EXIT
  mkdir -p "$tmp/home/.run" "$tmp/tmp"
  chmod 700 "$tmp/home/.run"
  status=0
  # dbus-run-session ends the bus when the inner command exits; gnome-keyring-daemon (started
  # on that bus) exits with it.
  env HOME="$tmp/home" TMPDIR="$tmp/tmp" XDG_DATA_HOME="$tmp/home/.local/share" \
    XDG_CONFIG_HOME="$tmp/home/.config" XDG_CACHE_HOME="$tmp/home/.cache" \
    XDG_RUNTIME_DIR="$tmp/home/.run" MESA_SHADER_CACHE_DIR="$tmp/home/.cache/mesa" \
    AUTHDECK_TEST_SESSION=1 AUTHDECK_TEST_KEYRING=start \
    dbus-run-session -- "${BASH_SOURCE[0]}" "$@" 2> >(grep --line-buffered -v 'Failed to set fd limit' >&2) || status=$?
  exit "$status"
fi

if [[ "${AUTHDECK_TEST_KEYRING:-}" == "start" ]]; then
  # The password must be non-empty, or the daemon has no default collection.
  printf '%s' "authdeck-test-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  unset AUTHDECK_TEST_KEYRING
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
