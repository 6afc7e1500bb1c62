#!/usr/bin/env bash
# GUI end-to-end test: the built window under Xvfb via tauri-driver + WebKitWebDriver, against
# the local OpenID provider and the real keychain. Needs target/debug/authdeck-app and
# target/debug/authdeck (or AUTHDECK_APP / AUTHDECK_BIN), tauri-driver and webkit2gtk-driver.
set -euo pipefail
cd "$(dirname "$0")/../.."
for dir in tests/provider tests/e2e; do
  [ -d "$dir/node_modules" ] || npm ci --prefix "$dir" --no-audit --no-fund --silent
done
# app.test.mjs first: handback.test.mjs takes the desktop's link handler away on purpose.
exec tests/session.sh node --test --test-concurrency=1 tests/e2e/app.test.mjs tests/e2e/handback.test.mjs
