#!/usr/bin/env bash
# Fuzzes callback URL parsing, token-response parsing and provider files for SECONDS each (default 10; run
# longer by hand, e.g. 600). An input that crashes is saved under artifacts/<target>/; copy it
# into regressions/<target>/ so `cargo test -p authdeck-core --test fuzz_regressions` replays
# it from then on.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-10}"
for target in callback_url token_response provider_file; do
  mkdir -p "corpus/$target"
  cp -n regressions/"$target"/* "corpus/$target/" 2>/dev/null || true
  log="$(mktemp)"
  if ! cargo +nightly fuzz run "$target" "corpus/$target" -- -max_total_time="$seconds" \
      -max_len=9000 -print_final_stats=1 >"$log" 2>&1; then
    tail -40 "$log" >&2
    echo "fuzzing $target failed or found a crash (see crates/core/fuzz/artifacts/$target)" >&2
    exit 1
  fi
  runs="$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo '?')"
  echo "fuzz $target: $runs inputs in ${seconds}s, no crash"
  rm -f "$log"
done
