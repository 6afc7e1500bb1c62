#!/usr/bin/env bash
# Installs what AuthDeck needs on Debian/Ubuntu: system libraries for Tauri (WebKitGTK), the
# keychain (gnome-keyring), and the test display (Xvfb, WebKitWebDriver); npm packages for
# the UI and the local OpenID provider; and, with --tests, the test tools.
#
#   scripts/setup.sh            # to build and run the app
#   scripts/setup.sh --tests    # also: tauri-driver, cargo-fuzz, e2e and benchmark packages
set -euo pipefail
cd "$(dirname "$0")/.."

tests=0
[ "${1:-}" = "--tests" ] && tests=1

packages=(
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev libssl-dev
  pkg-config build-essential xdg-utils desktop-file-utils gnome-keyring libsecret-1-dev
  dbus-x11 curl ca-certificates
)
[ "$tests" = 1 ] && packages+=(xvfb xauth webkit2gtk-driver xclip xdotool imagemagick libxdo-dev hyperfine rpm appstream python3-jeepney dunst chromium)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" = 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v node >/dev/null || { echo "Node.js 20.19+ is required (https://nodejs.org)."; exit 1; }
command -v cargo >/dev/null || { echo "Rust is required (https://rustup.rs)."; exit 1; }

npm_dirs=(ui tests/provider)
[ "$tests" = 1 ] && npm_dirs+=(tests/e2e)
for dir in "${npm_dirs[@]}"; do
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "Installing npm packages in $dir"
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
  fi
done

if [ "$tests" = 1 ]; then
  command -v tauri-driver >/dev/null || cargo install tauri-driver --version 2.1.0 --locked --quiet
  if rustup toolchain list 2>/dev/null | grep -q nightly; then
    command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.13.1 --locked --quiet
  fi
fi
