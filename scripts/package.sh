#!/usr/bin/env bash
# Builds AuthDeck's Linux packages with the Tauri bundler (the pinned @tauri-apps/cli npm
# package, which ships its own binary):
#
#   scripts/package.sh                  # .deb and .rpm
#   scripts/package.sh deb,rpm,appimage # also the AppImage, where its tools can be downloaded
#
# Output: target/release/bundle/deb/*.deb and target/release/bundle/rpm/*.rpm. The packages
# hold the window (authdeck-app), the `authdeck` CLI as /usr/bin/authdeck, a desktop entry that
# receives dev.authdeck.app: links (%u), hicolor icons, AppStream metadata, shell completions
# and a manual page, all generated from this tree. The release binaries are built once and
# bundled as they are (`tauri bundle`), so the packages contain exactly what the tests ran.
#
# The AppImage target stays configured in tauri.conf.json, but its bundler downloads linuxdeploy
# from the internet while it runs; on machines that reach only the package registries it fails,
# so it is built only when asked for.
set -euo pipefail
cd "$(dirname "$0")/.."
bundles="${1:-deb,rpm}"

scripts/setup.sh
[ -x ui/node_modules/.bin/tauri ] || npm ci --prefix ui --no-audit --no-fund --loglevel=error
cargo build --release --locked -p authdeck-app -p authdeck-cli

# Completions and the manual page come from the clap definition itself.
out=target/release/package
mkdir -p "$out"
cli=target/release/authdeck
"$cli" completions bash >"$out/authdeck.bash"
"$cli" completions zsh >"$out/_authdeck"
"$cli" completions fish >"$out/authdeck.fish"
"$cli" manpage | gzip -9n >"$out/authdeck.1.gz"

# Linux packages are named `authdeck` (the window keeps its title "AuthDeck").
ui/node_modules/.bin/tauri bundle --bundles "$bundles" --config src-tauri/packaging/linux.conf.json
ls target/release/bundle/*/*.{deb,rpm} 2>/dev/null || true
