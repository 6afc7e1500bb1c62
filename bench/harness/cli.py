"""2. CLI latency: whole `authdeck` processes under hyperfine, with 1 to 1,000 accounts, next
to their floors (a process spawn; `cat` of every account file; a process that only reads one
keychain entry); and the keychain reads each command makes, counted from the core's debug
trace."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from . import homes
from .common import Context, MeasurementError, env_with, log, run, stats

KEYCHAIN_TRACE = "authdeck_core::keychain=debug"


def run_section(ctx: Context, issuer: str) -> dict:
    if not shutil.which("hyperfine"):
        raise MeasurementError("hyperfine is not installed (scripts/setup.sh --tests)")
    base, account = homes.listing_base(ctx, issuer)
    sizes = {}
    for n in ctx.cfg.cli_sizes:
        home = homes.clone(base, ctx.work / f"listing-{n}", n)
        log(f"CLI latency with {n} accounts")
        sizes[str(n)] = {"commands": _hyperfine(ctx, home, account, n),
                         "keychain_reads": _keychain_reads(ctx, home, account)}
    return {"account": account, "sizes": sizes}


def _commands(ctx: Context, home: Path, account: str) -> dict[str, str]:
    files = " ".join(str(p) for p in homes.account_files(home))
    return {
        "spawn": "/bin/true",
        "cat": f"cat {files}",
        "accounts": f"{ctx.bin('authdeck')} accounts --json",
        "token": f"{ctx.bin('authdeck')} token {account}",
        "read_secret": f"{ctx.bin('authdeck-bench')} read-secret {account}",
    }


def _hyperfine(ctx: Context, home: Path, account: str, n: int) -> dict[str, dict]:
    commands = _commands(ctx, home, account)
    export = ctx.work / f"hyperfine-{n}.json"
    cmd = ["hyperfine", "-N", "--style", "none", "--warmup", str(ctx.cfg.cli_warmup),
           "--export-json", str(export)]
    cmd += ["--runs", str(ctx.cfg.cli_runs)] if ctx.quick else ["--min-runs", str(ctx.cfg.cli_runs)]
    for name, command in commands.items():
        cmd += ["-n", name, command]
    run(cmd, env=env_with(AUTHDECK_HOME=home), timeout=1800)
    results = json.loads(export.read_text())["results"]
    return {r["command"]: stats([t * 1000 for t in r["times"]]) for r in results}


def _keychain_reads(ctx: Context, home: Path, account: str) -> dict[str, int]:
    """Keychain reads of one run of each command (the core traces every keychain call)."""
    env = env_with(AUTHDECK_HOME=home, AUTHDECK_LOG=KEYCHAIN_TRACE)
    counted = {}
    for name, args in (("accounts", ["accounts", "--json"]), ("token", ["token", account])):
        stderr = run([ctx.bin("authdeck"), *args], env=env).stderr
        counted[name] = count_reads(stderr)
    if counted["token"] == 0:
        raise MeasurementError("`token` traced no keychain read: the trace cannot be counted")
    return counted


def plain(trace: str) -> str:
    """A trace without terminal colour codes (the app's log is coloured)."""
    return re.sub(r"\x1b\[[0-9;]*m", "", trace)


def count_reads(trace: str) -> int:
    return len(re.findall(r"\bop=read\b", plain(trace)))
