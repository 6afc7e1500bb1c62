#!/usr/bin/env bash
# Inside tests/session.sh (fresh HOME, D-Bus, keychain, Xvfb), with the package installed:
# the package's entry handles the links, and sign-ins come back by xdg-open to the installed
# app (cold start, then the running instance).
set -euo pipefail
cd "$(dirname "$0")/../.."
fail() { echo "installed sign-in: $*" >&2; exit 1; }
work="$(mktemp -d)"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; pkill -f "^/usr/bin/authdeck-app" || true' EXIT

handler="$(xdg-mime query default x-scheme-handler/dev.authdeck.app)"
[ "$handler" = authdeck.desktop ] || fail "xdg-mime names \"$handler\", not the package's authdeck.desktop"
echo "xdg-mime: dev.authdeck.app links open $handler"

# A stale per-user handler from an earlier build-tree run wins over the package's entry; the
# installed app takes the default back when it starts.
apps="$XDG_DATA_HOME/applications"
printf '[Desktop Entry]\nType=Application\nName=authdeck-app\nExec="%s" %%u\nMimeType=x-scheme-handler/dev.authdeck.app\n' \
  "$PWD/target/release/authdeck-app" >"$apps/authdeck-app-handler.desktop"
update-desktop-database "$apps"
xdg-mime default authdeck-app-handler.desktop x-scheme-handler/dev.authdeck.app
[ "$(xdg-mime query default x-scheme-handler/dev.authdeck.app)" = authdeck-app-handler.desktop ] ||
  fail "could not set up the stale per-user handler"
AUTHDECK_LOG=info /usr/bin/authdeck-app 9>&- >"$work/app.log" 2>&1 &
for _ in $(seq 300); do
  [ "$(xdg-mime query default x-scheme-handler/dev.authdeck.app)" = authdeck.desktop ] && break
  sleep 0.1
done
[ "$(xdg-mime query default x-scheme-handler/dev.authdeck.app)" = authdeck.desktop ] ||
  fail "the installed app did not take the link handler back from a stale per-user one: $(grep -v dbus-daemon "$work/app.log" | tail -5)"
[ ! -e "$apps/authdeck-app-handler.desktop" ] || fail "the stale per-user handler is still there"
pkill -f '^/usr/bin/authdeck-app'
for _ in $(seq 100); do pgrep -f '^/usr/bin/authdeck-app' >/dev/null || break; sleep 0.1; done
echo "a stale per-user handler was replaced by the package's entry"

mkfifo "$work/hold"
node tests/provider/server.mjs <"$work/hold" >"$work/provider.json" &
pids+=($!)
exec 9>"$work/hold"
for _ in $(seq 100); do [ -s "$work/provider.json" ] && break; sleep 0.1; done
issuer="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).issuer)' "$work/provider.json")"
/usr/bin/authdeck provider add pkg --issuer "$issuer" --client-id authdeck --label "Package test" >/dev/null

sign_in() { # sign_in LOGIN-NAME: one sign-in answered through xdg-open
  # The previous sign-in's output goes first: the wait below must see this login's URL, not
  # the last one's in the moment before the background job truncates the file.
  rm -f "$work/login.out" "$work/login.err"
  /usr/bin/authdeck login pkg --no-browser >"$work/login.out" 2>"$work/login.err" </dev/null 9>&- &
  local login=$!
  for _ in $(seq 100); do [ -s "$work/login.out" ] && break; sleep 0.1; done
  local url callback
  url="$(head -n 1 "$work/login.out")"
  callback="$(timeout 60 node tests/provider/browser.mjs "$url" --login "$1" --deliver print)"
  # In the background, as a browser hands a link over: without a desktop environment
  # xdg-open runs the handler in the foreground, and a cold-started app keeps running.
  xdg-open "$callback" 9>&- >>"$work/xdg-open.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 600); do kill -0 "$login" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$login" 2>/dev/null && fail "the sign-in as $1 was still waiting after 60 s: $(cat "$work/xdg-open.log")"
  wait "$login" || fail "the sign-in as $1 did not finish: $(cat "$work/login.err")"
  tail -n 1 "$work/login.out"
}

first="$(sign_in alice)"
pgrep -f '^/usr/bin/authdeck-app' >/dev/null || fail "the installed app did not start for the link"
echo "cold start: the installed app completed the sign-in of $first"
second="$(sign_in bob)"
[ "$(pgrep -fc '^/usr/bin/authdeck-app')" = 1 ] || fail "the second link started a second window"
echo "running instance: it completed the sign-in of $second"
/usr/bin/authdeck accounts --json | node -e '
  const list = JSON.parse(require("fs").readFileSync(0, "utf8"));
  if (list.length !== 2 || list.some((a) => a.status !== "valid")) { console.error(list); process.exit(1); }'
/usr/bin/authdeck doctor --json | node -e '
  const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
  if (r.scheme_handler.install !== "package" || r.scheme_handler.handler?.entry !== "authdeck.desktop") {
    console.error(JSON.stringify(r.scheme_handler)); process.exit(1);
  }'
echo "doctor: the package's entry handles the links"
