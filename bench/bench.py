#!/usr/bin/env python3
"""AuthDeck benchmarks, one run: refresh overhead, CLI latency, bulk refresh, desktop app.

Use bench/run.sh, which builds the binaries, installs the requests-oauthlib baseline and runs
this inside tests/session.sh (keychain, session bus, display). Stdlib only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import app, bulk, cli, refresh, report
from harness.common import Config, Context, MeasurementError, log, machine
from harness.provider import Provider

REPO = Path(__file__).resolve().parent.parent
SECTIONS = {"refresh": refresh.run_section, "cli": cli.run_section, "bulk": bulk.run_section,
            "app": app.run_section}


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="tiny counts, results in bench/results")
    parser.add_argument("--bin-dir", type=Path, required=True,
                        help="target/release or target/debug")
    parser.add_argument("--python", help="a Python that has requests-oauthlib")
    parser.add_argument("--only", nargs="*", choices=list(SECTIONS), help="run only these")
    parser.add_argument("--from-json", type=Path,
                        help="measure nothing: rewrite the page from a results file")
    return parser.parse_args()


def settle(limit_s: float = 180, quiet: float = 0.5) -> None:
    """Waits (up to `limit_s`) for the 1-minute load average to fall below `quiet`, e.g. after
    the release build that run.sh just did."""
    deadline = time.monotonic() + limit_s
    while os.getloadavg()[0] >= quiet and time.monotonic() < deadline:
        log(f"waiting for the machine to settle (load {os.getloadavg()[0]:.2f})")
        time.sleep(15)


def python_packages(python: str | None) -> str:
    if not python:
        return "requests-oauthlib not installed"
    code = ("import sys, requests_oauthlib, oauthlib, requests; print(f'requests-oauthlib "
            "{requests_oauthlib.__version__}, oauthlib {oauthlib.__version__}, requests "
            "{requests.__version__} on Python {sys.version.split()[0]}')")
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, check=False)
    return done.stdout.strip() or "requests-oauthlib not importable"


def measure(ctx: Context, only: list[str] | None) -> dict:
    started = time.time()
    results: dict = {"machine": machine(), "python_packages": python_packages(ctx.python),
                     "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started)),
                     "errors": {}}
    ctx.note_load("start")
    with Provider(REPO) as provider:
        for i, name in enumerate(only or SECTIONS):
            # The previous section's own work (gnome-keyring rewriting its file after a bulk
            # refresh of 1,000 accounts, say) must not land in this one's numbers.
            if i > 0 and not ctx.quick:
                settle(limit_s=120)
            log(f"section {name}")
            try:
                results[name] = SECTIONS[name](ctx, provider.issuer)
            except (MeasurementError, OSError, subprocess.SubprocessError) as e:
                log(f"section {name} could not be measured: {e}")
                results["errors"][name] = str(e)
            ctx.note_load(f"after {name}")
    results["loads"] = ctx.loads
    results["duration_min"] = (time.time() - started) / 60
    return results


def main() -> int:
    args = parse()
    results_dir = REPO / "bench/results"
    if not args.quick and not args.from_json:
        settle()
    with tempfile.TemporaryDirectory(prefix="authdeck-bench-") as work:
        ctx = Context(repo=REPO, quick=args.quick, bins=args.bin_dir.resolve(),
                      out=results_dir if args.quick else REPO / "docs", work=Path(work),
                      python=args.python, cfg=Config.quick() if args.quick else Config.full())
        if args.from_json:
            results = json.loads(args.from_json.read_text())
        else:
            results = measure(ctx, args.only)
        page = report.write(ctx, results, results_dir)
    print(page.read_text())
    log(f"wrote {page.relative_to(REPO)}")
    return 1 if results["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
