#!/usr/bin/env bash
# GUI end-to-end test: the built window under Xvfb via tauri-driver + WebKitWebDriver, against
# the local OpenID provider and the real keychain. Runs the release build when there is one (the
# one CI makes once for the demo, the packages and the benchmarks), else target/debug; or
# AUTHDECK_APP / AUTHDECK_BIN. Needs tauri-driver and webkit2gtk-driver.
set -euo pipefail
cd "$(dirname "$0")/../.."
for dir in tests/provider tests/e2e; do
  [ -d "$dir/node_modules" ] || npm ci --prefix "$dir" --no-audit --no-fund --silent
done
for build in release debug; do
  if [ -x "target/$build/authdeck-app" ] && [ -x "target/$build/authdeck" ]; then
    export AUTHDECK_APP="${AUTHDECK_APP:-$PWD/target/$build/authdeck-app}"
    export AUTHDECK_BIN="${AUTHDECK_BIN:-$PWD/target/$build/authdeck}"
    break
  fi
done
echo "GUI end-to-end: ${AUTHDECK_APP:?no built app: run cargo build --release first}"
# app.test.mjs first: handback.test.mjs takes the desktop's link handler away on purpose.
# Arguments pick test files (e.g. tests/e2e/run.sh tests/e2e/onboarding.test.mjs).
if [ $# -eq 0 ]; then
  set -- tests/e2e/app.test.mjs tests/e2e/device.test.mjs tests/e2e/onboarding.test.mjs \
    tests/e2e/handback.test.mjs
fi
exec tests/session.sh node --test --test-concurrency=1 "$@"
