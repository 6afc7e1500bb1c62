#!/usr/bin/env bash
# Install test of the .deb (needs root, as CI runs): apt installs it on this machine; in a
# private session with a fresh HOME the package's desktop entry handles dev.authdeck.app: links;
# a sign-in started with the installed CLI is answered by `xdg-open` of the provider's answer,
# which cold-starts the installed app, which completes it; a second link goes to the running
# app; then `apt remove` leaves none of the package's files behind. It removes the package even
# when a step fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "$(id -u)" != 0 ]; then
  echo "package install test: skipped (needs root to apt install; CI runs as root)"
  exit 0
fi
deb="$(ls "$PWD"/target/release/bundle/deb/*.deb | head -n 1)"
pkg="$(dpkg-deb -f "$deb" Package)"
work="$(mktemp -d)"
cleanup() {
  pkill -f '^/usr/bin/authdeck-app' 2>/dev/null || true
  DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq "$pkg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "package install test: $*" >&2; exit 1; }

DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb" >/dev/null
dpkg-query -L "$pkg" | while read -r path; do [ -f "$path" ] && echo "$path"; done >"$work/files"
echo "installed $pkg: $(wc -l <"$work/files") files"
[ -x /usr/bin/authdeck ] && [ -x /usr/bin/authdeck-app ] || fail "the binaries are not in /usr/bin"

tests/session.sh tests/package/installed-sign-in.sh

DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq "$pkg" >/dev/null
left=()
while read -r path; do [ -e "$path" ] && left+=("$path"); done <"$work/files"
[ ${#left[@]} = 0 ] || fail "apt remove left: ${left[*]}"
if grep -qs 'authdeck.desktop' /usr/share/applications/mimeinfo.cache; then
  fail "the desktop database still names authdeck.desktop after apt remove"
fi
echo "apt remove left nothing of $pkg behind"
