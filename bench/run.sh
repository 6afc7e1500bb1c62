#!/usr/bin/env bash
# AuthDeck benchmarks: bench/run.sh [--quick]
#
# Full mode builds release binaries, measures everything (about 15 minutes on 2 cores) and
# writes docs/benchmarks.md and docs/bench-*.svg. --quick (CI) uses the debug binaries, tiny
# counts, and writes bench/results/; it fails only if a measurement could not be taken.
# Everything runs inside tests/session.sh (private session bus, unlocked gnome-keyring,
# temporary HOME, Xvfb); the local OpenID provider is started on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
case "${1:-}" in
  --quick) quick=1 ;;
  "") ;;
  *) echo "usage: bench/run.sh [--quick]" >&2; exit 2 ;;
esac

for tool in node cargo python3 hyperfine dbus-run-session gnome-keyring-daemon; do
  command -v "$tool" >/dev/null || { echo "bench/run.sh: $tool is missing (scripts/setup.sh --tests)" >&2; exit 2; }
done

# The app embeds ui/dist; a bundle that is already built is used as is.
[ -f ui/dist/index.html ] && export AUTHDECK_SKIP_UI_BUILD=1
if [ "$quick" = 1 ]; then
  profile=debug
  cargo build --quiet --bins -p authdeck-cli -p authdeck-app -p authdeck-bench
else
  profile=release
  cargo build --release --quiet --bins -p authdeck-cli -p authdeck-app -p authdeck-bench
fi

[ -d tests/provider/node_modules ] || npm ci --prefix tests/provider --no-audit --no-fund --loglevel=error

# The requests-oauthlib baseline, pinned in bench/requirements.txt: a venv in bench/.venv, or
# `pip install --target` when this Python's venv has no ensurepip.
python_args=()
stamp="$(sha256sum bench/requirements.txt | cut -c1-16)"
if [ -x bench/.venv/bin/python ] || python3 -m venv bench/.venv >/dev/null 2>&1; then
  if [ "$(cat bench/.venv/.requirements 2>/dev/null)" != "$stamp" ]; then
    bench/.venv/bin/python -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt
    echo "$stamp" > bench/.venv/.requirements
  fi
  python_args=(--python "$PWD/bench/.venv/bin/python")
else
  rm -rf bench/.venv
  if [ "$(cat bench/.pydeps/.requirements 2>/dev/null)" != "$stamp" ]; then
    python3 -m pip install --quiet --disable-pip-version-check --target bench/.pydeps -r bench/requirements.txt
    echo "$stamp" > bench/.pydeps/.requirements
  fi
  export PYTHONPATH="$PWD/bench/.pydeps${PYTHONPATH:+:$PYTHONPATH}"
  python_args=(--python "$(python3 -c 'import sys; print(sys.executable)')")
fi

args=(--bin-dir "target/$profile" "${python_args[@]}")
[ "$quick" = 1 ] && args+=(--quick)
# The interpreter's real path: the session's temporary HOME hides pyenv-style shims' state.
python="$(python3 -c 'import sys; print(sys.executable)')"
exec tests/session.sh "$python" bench/bench.py "${args[@]}"
