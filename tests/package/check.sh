#!/usr/bin/env bash
# Checks the built packages (scripts/package.sh): what the .deb holds, its dependencies, its
# desktop entry (desktop-file-validate, %u, the scheme's and the provider file's MIME types), the
# provider file type (shared-mime-info) and its AppStream metadata
# (appstreamcli validate --no-net); the .rpm holds the same files.
set -euo pipefail
cd "$(dirname "$0")/../.."
fail() { echo "package check: $*" >&2; exit 1; }

deb="$(ls target/release/bundle/deb/*.deb 2>/dev/null | head -n 1)"
rpm="$(ls target/release/bundle/rpm/*.rpm 2>/dev/null | head -n 1)"
[ -n "$deb" ] || fail "no .deb under target/release/bundle/deb (run scripts/package.sh)"
[ -n "$rpm" ] || fail "no .rpm under target/release/bundle/rpm (run scripts/package.sh)"

contents="$(dpkg-deb -c "$deb" | awk '{print $NF}' | sed -E 's|^\.?/?|/|')"
expect=(
  /usr/bin/authdeck-app
  /usr/bin/authdeck
  /usr/share/applications/authdeck.desktop
  /usr/share/icons/hicolor/32x32/apps/authdeck-app.png
  /usr/share/icons/hicolor/128x128/apps/authdeck-app.png
  /usr/share/icons/hicolor/256x256/apps/authdeck-app.png
  /usr/share/icons/hicolor/512x512/apps/authdeck-app.png
  /usr/share/metainfo/dev.authdeck.app.metainfo.xml
  /usr/share/mime/packages/dev.authdeck.app.xml
  /usr/share/bash-completion/completions/authdeck
  /usr/share/zsh/vendor-completions/_authdeck
  /usr/share/fish/vendor_completions.d/authdeck.fish
  /usr/share/man/man1/authdeck.1.gz
)
for path in "${expect[@]}"; do
  grep -qx -- "$path" <<<"$contents" || fail "$deb lacks $path"
done
echo "deb holds: ${expect[*]}"

depends="$(dpkg-deb -f "$deb" Depends)"
for dep in libwebkit2gtk-4.1-0 "gnome-keyring | kwalletmanager | keepassxc" xdg-utils; do
  grep -qF -- "$dep" <<<"$depends" || fail "Depends lacks \"$dep\": $depends"
done
echo "deb depends: $depends"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$deb" "$work/root"
desktop="$work/root/usr/share/applications/authdeck.desktop"
desktop-file-validate "$desktop" || fail "desktop-file-validate refused the desktop entry"
grep -qx 'Exec=authdeck-app %u' "$desktop" || fail "the desktop entry's Exec does not receive a link (%u)"
grep -qE '^MimeType=(.*;)?x-scheme-handler/dev\.authdeck\.app;' "$desktop" ||
  fail "the desktop entry does not declare x-scheme-handler/dev.authdeck.app"
grep -qE '^MimeType=(.*;)?application/x-authdeck-provider;' "$desktop" ||
  fail "the desktop entry does not open provider files (application/x-authdeck-provider)"
mime="$work/root/usr/share/mime/packages/dev.authdeck.app.xml"
python3 - "$mime" <<'PY' || fail "the provider file type (shared-mime-info) is not declared right"
import sys, xml.etree.ElementTree as ET
ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
kind = ET.parse(sys.argv[1]).getroot().find("m:mime-type[@type='application/x-authdeck-provider']", ns)
globs = {g.get("pattern") for g in kind.findall("m:glob", ns)}
assert {"*.authdeck", "*.authdeck.json"} <= globs, globs
PY
appstreamcli validate --no-net "$work/root/usr/share/metainfo/dev.authdeck.app.metainfo.xml" ||
  fail "appstreamcli refused the metainfo"
gzip -dc "$work/root/usr/share/man/man1/authdeck.1.gz" | grep -q '^\.TH' || fail "the man page is not roff"
grep -q 'complete' "$work/root/usr/share/bash-completion/completions/authdeck" ||
  fail "the bash completion script is empty"
"$work/root/usr/bin/authdeck" --version >/dev/null || fail "the packaged CLI does not run"

if command -v rpm >/dev/null; then
  rpm_contents="$(rpm -qlp "$rpm" 2>/dev/null)"
  for path in "${expect[@]}"; do
    grep -qx -- "$path" <<<"$rpm_contents" || fail "$rpm lacks $path"
  done
  echo "rpm holds the same files"
else
  [ -s "$rpm" ] || fail "$rpm is empty"
fi
echo "packages ok: $deb $rpm"
