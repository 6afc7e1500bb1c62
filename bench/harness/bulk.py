"""3. Bulk refresh: `authdeck refresh --all` with its default concurrency against one account
at a time, on real accounts (each its own grant), repeated in alternating order."""

from __future__ import annotations

import json
from pathlib import Path

from . import homes
from .common import Context, MeasurementError, env_with, log, run, stats, timed

MODES = {"default": [], "sequential": ["--concurrency", "1"]}


def run_section(ctx: Context, issuer: str) -> dict:
    home = ctx.work / "bulk"
    home.mkdir(parents=True, exist_ok=True)
    sizes, ids = {}, []
    for n in sorted(ctx.cfg.bulk_sizes):
        log(f"bulk refresh: connecting accounts up to {n}")
        ids += homes.connect(ctx, home, issuer, n - len(ids), f"bulk{n}-")
        log(f"bulk refresh of {n} accounts")
        sizes[str(n)] = {**_measure(ctx, home, n), **_keychain(ctx, home, ids[0])}
    return {"sizes": sizes}


def _keychain(ctx: Context, home: Path, account: str) -> dict:
    """One entry's read and write cost with this many entries in the keychain."""
    done = run([ctx.bin("authdeck-bench"), "keychain", "--account", account,
                "--reps", str(ctx.cfg.keychain_reps)], env=env_with(AUTHDECK_HOME=home))
    samples = json.loads(done.stdout)
    return {"keychain_read": stats([ns / 1e6 for ns in samples["read_ns"]]),
            "keychain_write": stats([ns / 1e6 for ns in samples["write_ns"]])}


def _measure(ctx: Context, home: Path, n: int) -> dict:
    env = env_with(AUTHDECK_HOME=home)
    samples: dict[str, list[float]] = {mode: [] for mode in MODES}
    for rep in range(ctx.cfg.bulk_reps):
        order = list(MODES) if rep % 2 == 0 else list(reversed(MODES))
        for mode in order:
            ms, done = timed([ctx.bin("authdeck"), "refresh", "--all", *MODES[mode]], env)
            refreshed = sum(line.startswith("Refreshed ") for line in done.stdout.splitlines())
            if refreshed != n:
                raise MeasurementError(f"refresh --all refreshed {refreshed} of {n} accounts")
            samples[mode].append(ms)
    result = {mode: stats(values) for mode, values in samples.items()}
    result["speedup"] = result["sequential"]["mean"] / result["default"]["mean"]
    return result
