#!/usr/bin/env bash
# Runs every check and test AuthDeck has, on a fresh machine too (installs what it needs).
# This is what CI runs (.ci/run). Set AUTHDECK_SKIP_E2E=1, AUTHDECK_SKIP_DEMO=1 or
# AUTHDECK_SKIP_FUZZ=1 to skip those stages locally.
#
# Every stage has a time limit: a stage that hangs (a stuck fixture, a dead lock) is stopped
# with its whole process group and the run fails at once, naming the stage, instead of sitting
# until CI's own limit. The limits are several times what each stage takes on a cold 2-core
# machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

# stage NAME SECONDS COMMAND...: runs COMMAND with a time limit, naming the stage on failure.
stage() {
  local name="$1" limit="$2" started=$SECONDS status=0
  shift 2
  printf '\n=== %s (at %ss, limit %ss)\n' "$name" "$SECONDS" "$limit"
  # In the background so that Ctrl+C (or CI stopping this script) stops the stage too.
  timeout --kill-after=15 "$limit" "$@" &
  stage_pid=$!
  wait "$stage_pid" || status=$?
  stage_pid=
  if [ "$status" = 124 ] || [ "$status" = 137 ]; then
    echo "FAILED: stage \"$name\" did not finish within ${limit}s and was stopped." >&2
    exit 1
  elif [ "$status" != 0 ]; then
    echo "FAILED: stage \"$name\" failed (exit $status) after $((SECONDS - started))s." >&2
    exit "$status"
  fi
}

stage_pid=
trap '[ -n "$stage_pid" ] && kill -TERM "$stage_pid" 2>/dev/null; exit 130' INT TERM

# The limit itself is tested: a hung stage must fail fast and say which one it was.
if [ -z "${AUTHDECK_STAGE_SELFTEST:-}" ]; then
  out="$( (AUTHDECK_STAGE_SELFTEST=1 stage "hung on purpose" 1 sleep 30) 2>&1 || true)"
  if ! grep -q 'stage "hung on purpose" did not finish within 1s' <<<"$out"; then
    echo "FAILED: the stage time limit does not work: $out" >&2
    exit 1
  fi
fi

stage "setup" 1500 scripts/setup.sh --tests

stage "format and lints" 300 bash -c 'cargo fmt --all -- --check && npm run --prefix ui lint --silent'

stage "UI unit tests and build" 600 bash -c \
  'npm run --prefix ui test --silent && npm run --prefix ui build --silent'
# The bundle is built; cargo embeds it as is.
export AUTHDECK_SKIP_UI_BUILD=1

stage "clippy" 1500 cargo clippy --workspace --all-targets --locked -- -D warnings

stage "Rust tests (core, CLI, shell commands without a window, bindings freshness)" 1800 \
  tests/session.sh cargo test --workspace --locked -- --include-ignored

stage "provider fixture self-test" 300 node tests/provider/selftest.mjs

# The tests record each fault and attack for docs/reliability.md (checked below).
export AUTHDECK_RELIABILITY_OUT
AUTHDECK_RELIABILITY_OUT="$(mktemp)"
stage "CLI acceptance (real provider, real keychain)" 1500 tests/session.sh tests/cli/run.sh

if [ -z "${AUTHDECK_SKIP_DEMO:-}" ]; then
  # The README's first command, headless: builds the release binaries, runs the demo in a
  # private session, signs in once through the deep link, and stops everything.
  stage "README's first command (scripts/demo.sh, smoke mode)" 1500 \
    env AUTHDECK_DEMO_SMOKE=1 scripts/demo.sh
  stage "the demo left nothing running" 30 tests/demo/nothing-left.sh
  stage "the demo's busy port, Ctrl+C and closing the window" 300 tests/demo/lifecycle.sh
fi

# The packages are bundled from the same release build (no second build).
stage "packages (scripts/package.sh: .deb and .rpm)" 900 scripts/package.sh
stage "package contents, desktop entry, AppStream metadata" 120 tests/package/check.sh
# apt install of the .deb, a sign-in answered by xdg-open to the installed app (cold start, then
# the running one), apt remove leaves nothing. Needs root (CI runs as root); says so otherwise.
stage "package install test (apt install, deep-link sign-in, apt remove)" 300 tests/package/install.sh

if [ -z "${AUTHDECK_SKIP_E2E:-}" ]; then
  stage "GUI end-to-end (the built window under Xvfb, tauri-driver)" 1500 tests/e2e/run.sh
fi

# authdeck-app --hidden with dunst and a tray host on the test bus (debug build).
stage "background mode build (debug app, CLI, tray host)" 1500 bash -c \
  'cargo build --locked -p authdeck-app -p authdeck-cli && cargo build --locked -p authdeck-app --example sni-watcher'
stage "background mode (--hidden, tray, notifications)" 300 tests/background/run.sh

if [ -z "${AUTHDECK_SKIP_FUZZ:-}" ] && command -v cargo-fuzz >/dev/null; then
  stage "fuzzing (brief)" 900 crates/core/fuzz/run.sh 10
fi

stage "benchmarks (quick mode: proves they run)" 1800 bench/run.sh --quick

stage "reliability report is current" 600 tests/reliability/check.sh

printf '\n=== done (%ss)\n' "$SECONDS"
