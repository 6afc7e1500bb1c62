#!/usr/bin/env bash
# Runs scripts/screenshots.mjs under Xvfb, a private session bus and an unlocked keychain,
# with a throwaway HOME. Usage: bash scripts/screenshots.sh [OUT_DIR] (default /tmp/authdeck-shots)
# Set AUTHDECK_SHOTS_DARK=1 for the dark theme.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-/tmp/authdeck-shots}"
tmp_home="$(mktemp -d)"
display=":${AUTHDECK_SHOTS_DISPLAY:-97}"

Xvfb "$display" -screen 0 1280x800x24 >/dev/null 2>&1 &
xvfb=$!
cleanup() { kill "$xvfb" 2>/dev/null || true; rm -rf "$tmp_home"; }
trap cleanup EXIT
sleep 1

theme=()
if [ "${AUTHDECK_SHOTS_DARK:-}" = 1 ]; then theme=(GTK_THEME=Adwaita:dark); fi

env HOME="$tmp_home" DISPLAY="$display" MESA_SHADER_CACHE_DIR="$tmp_home/.cache" "${theme[@]}" \
  dbus-run-session -- bash -c '
    echo -n "screenshots" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    node "$0/screenshots.mjs" "$1"
  ' "$here" "$out"
