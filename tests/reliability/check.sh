#!/usr/bin/env bash
# Checks docs/reliability.md against the rows the CLI tests recorded in this run
# ($AUTHDECK_RELIABILITY_OUT, set by scripts/test.sh). Standalone, it first runs the CLI tests
# that record rows. With --write, it rewrites the report instead of checking it.
set -euo pipefail
cd "$(dirname "$0")/../.."
rows="${AUTHDECK_RELIABILITY_OUT:-}"
if [ -z "$rows" ] || [ ! -s "$rows" ]; then
  rows="$(mktemp)"
  AUTHDECK_RELIABILITY_OUT="$rows" tests/session.sh tests/cli/run.sh \
    tests/cli/faults.test.mjs tests/cli/callbacks.test.mjs tests/cli/remote-check.test.mjs >/dev/null
fi
if [ "${1:-}" = "--write" ]; then
  node tests/reliability/generate.mjs "$rows" > docs/reliability.md
  echo "wrote docs/reliability.md"
else
  node tests/reliability/generate.mjs "$rows" --check docs/reliability.md
fi
