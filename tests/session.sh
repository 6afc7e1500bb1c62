#!/usr/bin/env bash
# Runs a command inside a private test session, like a fresh desktop login: its own D-Bus
# session bus, an unlocked gnome-keyring (the real Secret Service), a temporary HOME, and an
# Xvfb display. Nothing touches the real home or keychain.
#
#   tests/session.sh COMMAND [ARGS...]
set -euo pipefail

if [ "${AUTHDECK_TEST_SESSION:-}" != 1 ]; then
  exec dbus-run-session -- env AUTHDECK_TEST_SESSION=1 "$0" "$@"
fi

# Toolchains stay where they are installed; only the desktop session gets a fresh home.
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export npm_config_cache="${npm_config_cache:-$HOME/.npm}"
export HOME
HOME="$(mktemp -d /tmp/authdeck-session.XXXXXX)"
export XDG_DATA_HOME="$HOME/.local/share" XDG_CONFIG_HOME="$HOME/.config" \
  XDG_CACHE_HOME="$HOME/.cache" MESA_SHADER_CACHE_DIR="$HOME/.cache/mesa"
mkdir -p "$XDG_DATA_HOME/applications" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
export AUTHDECK_HOME="${AUTHDECK_HOME:-$HOME/authdeck}"

# The session's web browser is whatever $BROWSER names (by default the headless test user
# agent), even where a real browser is installed: xdg-open prefers the registered https handler
# over $BROWSER, so the handler registered here runs $BROWSER.
export BROWSER="${BROWSER:-$(cd "$(dirname "$0")" && pwd)/provider/browser}"
printf '#!/bin/sh\nexec "$BROWSER" "$@"\n' >"$HOME/session-browser"
chmod +x "$HOME/session-browser"
printf '[Desktop Entry]\nType=Application\nName=Session browser\nExec=%s %%u\nNoDisplay=true\n' \
  "$HOME/session-browser" >"$XDG_DATA_HOME/applications/authdeck-session-browser.desktop"
printf '[Default Applications]\nx-scheme-handler/http=%s\nx-scheme-handler/https=%s\n' \
  authdeck-session-browser.desktop authdeck-session-browser.desktop >"$XDG_CONFIG_HOME/mimeapps.list"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$HOME"
}
trap cleanup EXIT

# The real Secret Service, unlocked with a non-empty password (with an empty one the daemon
# has no default collection). In the foreground, so this script owns and stops it.
gnome-keyring-daemon --foreground --unlock --components=secrets \
  < <(printf '%s' "authdeck-test-session") >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 50); do
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.ListNames 2>/dev/null | grep -q '"org.freedesktop.secrets"' && break
  sleep 0.1
done

if [ -z "${DISPLAY:-}" ] && command -v Xvfb >/dev/null; then
  for n in $(seq 90 140); do
    [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] && continue
    Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
    pids+=($!)
    export DISPLAY=":$n"
    for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
    break
  done
fi

"$@"
