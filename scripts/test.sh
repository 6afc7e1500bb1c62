#!/usr/bin/env bash
# Runs every check and test AuthDeck has, on a fresh machine too (installs what it needs).
# This is what CI runs (.ci/run). Set AUTHDECK_SKIP_E2E=1 or AUTHDECK_SKIP_FUZZ=1 to skip
# those stages locally.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
step() { printf '\n=== %s (%ss)\n' "$1" "$SECONDS"; }

step "setup"
scripts/setup.sh --tests

step "format and lints"
cargo fmt --all -- --check
npm run --prefix ui lint --silent

step "UI unit tests and build"
npm run --prefix ui test --silent
npm run --prefix ui build --silent
# The bundle is built; cargo embeds it as is.
export AUTHDECK_SKIP_UI_BUILD=1

step "clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust tests (core, CLI, shell commands without a window, bindings freshness)"
tests/session.sh cargo test --workspace --locked -- --include-ignored

step "provider fixture self-test"
node tests/provider/selftest.mjs

step "CLI acceptance (real provider, real keychain)"
# The tests record each fault and attack for docs/reliability.md (checked below).
export AUTHDECK_RELIABILITY_OUT
AUTHDECK_RELIABILITY_OUT="$(mktemp)"
tests/session.sh tests/cli/run.sh

if [ -z "${AUTHDECK_SKIP_E2E:-}" ]; then
  step "GUI end-to-end (the built window under Xvfb, tauri-driver)"
  tests/e2e/run.sh
fi

if [ -z "${AUTHDECK_SKIP_FUZZ:-}" ] && command -v cargo-fuzz >/dev/null; then
  step "fuzzing (brief)"
  crates/core/fuzz/run.sh 10
fi

step "benchmarks (quick mode: proves they run)"
bench/run.sh --quick

step "reliability report is current"
tests/reliability/check.sh

step "done"
