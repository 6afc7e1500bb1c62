"""4. Desktop app: start to the account list painted, and the memory of the app with all its
WebKit processes. Baselines on a static page that reports its first render: WebKitGTK's own
MiniBrowser (the floor of "a WebKitGTK window") and, when installed, a Chromium app window
(Electron's engine without Node: below any Electron app). Runs under the Xvfb display and
session bus of tests/session.sh."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from . import homes
from .cli import KEYCHAIN_TRACE, count_reads, plain
from .common import Context, MeasurementError, env_with, log, stats
from .procs import stop_group, tree_cpu_s, tree_memory

BUS_NAME = "dev.authdeck.app.SingleInstance"
MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
PAINT_TIMEOUT_S = 60.0

# The floor page: a heading and a short list, rendered by a script that reports after the
# first painted frame (two animation frames), as AuthDeck's UI does.
PAGE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Accounts</title>
<style>body{font:15px system-ui,sans-serif;margin:24px}li{padding:8px 0}</style></head>
<body><h1>Accounts</h1><ul id="list"></ul>
<script>
for (const name of ['alice', 'bob', 'carol']) {
  const li = document.createElement('li'); li.textContent = name + '@example.test';
  document.getElementById('list').append(li);
}
requestAnimationFrame(() => requestAnimationFrame(() => fetch('/painted', { cache: 'no-store' })));
</script></body></html>
"""


class PaintServer:
    """Serves PAGE on loopback and notes when the page reports its first render."""

    def __init__(self) -> None:
        self.painted_at: float | None = None
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                if self.path == "/painted":
                    outer.painted_at = time.time_ns() / 1e6
                body = PAGE if self.path == "/" else b""
                self.send_response(200 if self.path == "/" else 204)
                self.send_header("Cache-Control", "no-store")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _bus_name_taken() -> bool:
    names = subprocess.run(["dbus-send", "--session", "--print-reply",
                            "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
                            "org.freedesktop.DBus.ListNames"],
                           capture_output=True, text=True, check=False).stdout
    return f'"{BUS_NAME}"' in names


def _wait(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise MeasurementError(f"timed out waiting for {what}")
        time.sleep(0.005)


def launch(cmd: list[str], env: dict[str, str], painted: Callable[[], float | None],
           settle_s: float, log_path: Path) -> dict:
    """Starts `cmd` in its own process group, waits for `painted()` (Unix ms), lets it settle,
    notes the CPU it then uses while idle (% of one core over another settle period), measures
    its process tree's memory, and stops it."""
    with log_path.open("w") as log_file:
        started = time.time_ns() / 1e6
        proc = subprocess.Popen(cmd, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            _wait(lambda: painted() is not None or proc.poll() is not None, PAINT_TIMEOUT_S,
                  f"the first paint of {Path(cmd[0]).name}")
            if proc.poll() is not None:
                raise MeasurementError(f"{Path(cmd[0]).name} exited ({proc.returncode}) before "
                                       f"painting; see {log_path}")
            paint_ms = (painted() or 0.0) - started
            time.sleep(settle_s)
            cpu_before = tree_cpu_s(proc.pid)
            time.sleep(settle_s)
            idle_cpu = (tree_cpu_s(proc.pid) - cpu_before) / settle_s * 100
            memory = tree_memory(proc.pid)
        finally:
            stop_group(proc)
    return {"paint_ms": paint_ms, "started_ms": started, "idle_cpu_pct": idle_cpu, **memory}


def _app(ctx: Context, home: Path, extra_env: dict[str, str] | None = None) -> dict:
    _wait(lambda: not _bus_name_taken(), 10, "the previous app to leave the session bus")
    marker = ctx.work / "first-paint"
    marker.unlink(missing_ok=True)

    def painted() -> float | None:
        text = marker.read_text().strip() if marker.exists() else ""
        return float(text) if re.fullmatch(r"\d+", text) else None

    env = env_with(AUTHDECK_HOME=home, AUTHDECK_FIRST_PAINT_FILE=marker, **(extra_env or {}))
    return launch([ctx.bin("authdeck-app")], env, painted, ctx.cfg.app_settle_s,
                  ctx.work / "app.log")


def _hidden(ctx: Context, home: Path) -> dict:
    """`authdeck-app --hidden` (tray only, no window): ready once it holds its single-instance
    name on the session bus; then the same settle and idle CPU as a shown window."""
    _wait(lambda: not _bus_name_taken(), 10, "the previous app to leave the session bus")
    return launch([ctx.bin("authdeck-app"), "--hidden"], env_with(AUTHDECK_HOME=home),
                  lambda: time.time_ns() / 1e6 if _bus_name_taken() else None,
                  ctx.cfg.app_settle_s, ctx.work / "app-hidden.log")


def _wiped(ctx: Context, home: Path) -> dict:
    """`authdeck-app --hidden` over accounts whose keychain entries are gone and whose tokens
    are due: ready once every account says it needs reconnecting (the scheduler's one pass
    over them; checked twice a second), then the same settle and idle CPU."""
    _wait(lambda: not _bus_name_taken(), 10, "the previous app to leave the session bus")
    checked, done = [0.0], [None]

    def passed() -> float | None:
        if done[0] is None and time.monotonic() - checked[0] >= 0.5 and _bus_name_taken():
            checked[0] = time.monotonic()
            if homes.all_need_reconnecting(home):
                done[0] = time.time_ns() / 1e6
        return done[0]

    return launch([ctx.bin("authdeck-app"), "--hidden"], env_with(AUTHDECK_HOME=home), passed,
                  ctx.cfg.app_settle_s, ctx.work / "app-wiped.log")


def _floors(ctx: Context) -> dict[str, Callable[[str], list[str]]]:
    """The baseline windows installed here, by name: a command line for a URL."""
    floors: dict[str, Callable[[str], list[str]]] = {}
    # Every baseline is required: a comparison that silently drops its baseline would report
    # a cited figure as if it were measured. scripts/setup.sh --tests installs both.
    missing = [name for name, found in (("WebKitGTK's MiniBrowser (libwebkit2gtk-4.1-0)",
                                         Path(MINIBROWSER).exists()),
                                        ("chromium", shutil.which("chromium") is not None))
               if not found]
    if missing:
        raise SystemExit(f"bench: the baselines {', '.join(missing)} are not installed; "
                         "run scripts/setup.sh --tests")
    floors["minibrowser"] = lambda url: [MINIBROWSER, url]
    chromium = shutil.which("chromium")
    # Chromium refuses to run as root inside its sandbox; this machine's closed network makes
    # its background services retry (and cost CPU) unless they are off.
    root = ["--no-sandbox"] if os.geteuid() == 0 else []
    floors["chromium"] = lambda url: [chromium, f"--app={url}", *root,
                                      f"--user-data-dir={ctx.work / 'chromium-profile'}",
                                      "--no-first-run", "--no-default-browser-check",
                                      "--disable-component-update", "--password-store=basic",
                                      "--disable-background-networking", "--disable-sync",
                                      "--disable-quic"]
    return floors


def _floor(ctx: Context, name: str, command: list[str], server: PaintServer) -> dict:
    server.painted_at = None
    return launch(command, env_with(), lambda: server.painted_at, ctx.cfg.app_settle_s,
                  ctx.work / f"{name}.log")


def _summary(runs: list[dict]) -> dict:
    return {"paint": stats([r["paint_ms"] for r in runs]),
            "rss_mb": stats([r["rss_mb"] for r in runs]),
            "pss_mb": stats([r["pss_mb"] for r in runs]),
            "idle_cpu_pct": stats([r["idle_cpu_pct"] for r in runs]),
            "processes": runs[-1]["processes"]}


def run_section(ctx: Context, issuer: str) -> dict:
    base, _ = homes.listing_base(ctx, issuer)
    sizes = ctx.cfg.app_sizes
    app_homes = {n: homes.clone(base, ctx.work / f"app-{n}", n) for n in sizes}
    if os.environ.get("MESA_SHADER_CACHE_DIR"):
        Path(os.environ["MESA_SHADER_CACHE_DIR"]).mkdir(parents=True, exist_ok=True)
    server = PaintServer()
    floors = {name: make(server.url) for name, make in _floors(ctx).items()}
    try:
        log(f"desktop app: warm-up starts of the app and {', '.join(floors) or 'no baseline'}")
        _app(ctx, app_homes[sizes[0]])
        for name, command in floors.items():
            _floor(ctx, name, command, server)
        runs: dict[int, list[dict]] = {n: [] for n in sizes}
        floor_runs: dict[str, list[dict]] = {name: [] for name in floors}
        hidden_runs: list[dict] = []
        for rep in range(ctx.cfg.app_reps):
            log(f"desktop app: round {rep + 1} of {ctx.cfg.app_reps}")
            for n in sizes:
                runs[n].append(_app(ctx, app_homes[n]))
            hidden_runs.append(_hidden(ctx, app_homes[max(sizes)]))
            for name, command in floors.items():
                floor_runs[name].append(_floor(ctx, name, command, server))
        # A wiped keychain: once (the pass marks every account; a second start finds nothing
        # due), in a home of its own.
        log(f"desktop app: --hidden over {max(sizes)} accounts after the keychain was wiped")
        wiped = _wiped(ctx, homes.wiped(base, ctx.work / "app-wiped", max(sizes)))
        trace_env = {"AUTHDECK_LOG": KEYCHAIN_TRACE, "NO_COLOR": "1"}
        traced = _app(ctx, app_homes[max(sizes)], trace_env)
    finally:
        server.close()
    trace = (ctx.work / "app.log").read_text()
    return {"sizes": {str(n): _summary(r) for n, r in runs.items()},
            "hidden": {"accounts": max(sizes),
                       "idle_cpu_pct": stats([r["idle_cpu_pct"] for r in hidden_runs]),
                       "rss_mb": stats([r["rss_mb"] for r in hidden_runs]),
                       "pss_mb": stats([r["pss_mb"] for r in hidden_runs])},
            "wiped": {"accounts": max(sizes), "pass_ms": wiped["paint_ms"],
                      "idle_cpu_pct": wiped["idle_cpu_pct"]},
            "floors": {name: _summary(r) for name, r in floor_runs.items()},
            "traced": {"accounts": max(sizes), "keychain_reads": count_reads(trace),
                       "paint_ms": traced["paint_ms"],
                       "ui_script_ms": _first_status_call(trace, traced["started_ms"])}}


def _first_status_call(trace: str, started_ms: float) -> float | None:
    """When the UI's script first called the Rust side: the keychain status check it makes at
    start-up is traced with a UTC timestamp. None if the trace has no such line."""
    found = re.search(r"^(\S+Z)\s.*op=status", plain(trace), re.MULTILINE)
    if not found:
        return None
    at = datetime.fromisoformat(found.group(1).replace("Z", "+00:00"))
    return at.timestamp() * 1000 - started_ms
