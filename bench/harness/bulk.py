"""3. Bulk refresh: `authdeck refresh --all` with its default concurrency against one account
at a time, on real accounts (each its own grant), repeated in alternating order; then one
traced run of each mode says where the time went (the core's `refresh phases` and `store
phases` debug lines: lock wait, keychain read, token exchange, marker, keychain write, metadata)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from . import homes
from .cli import plain
from .common import Context, MeasurementError, env_with, log, run, stats, timed

MODES = {"default": [], "sequential": ["--concurrency", "1"]}
PHASE_TRACE = ("authdeck_core::refresh=debug,authdeck_core::token_cache=debug,"
               "authdeck_core::keychain=debug")
# Per refreshed account, as the core traces them (microseconds).
REFRESH_PHASES = ("lock_us", "read_us", "http_us", "store_us")
STORE_PHASES = ("marker_us", "keychain_us", "joined_us", "commit_us")


def run_section(ctx: Context, issuer: str) -> dict:
    home = ctx.work / "bulk"
    home.mkdir(parents=True, exist_ok=True)
    sizes, ids = {}, []
    for n in sorted(ctx.cfg.bulk_sizes):
        log(f"bulk refresh: connecting accounts up to {n}")
        ids += homes.connect(ctx, home, issuer, n - len(ids), f"bulk{n}-")
        log(f"bulk refresh of {n} accounts")
        sizes[str(n)] = {**_measure(ctx, home, n), "phases": _phases(ctx, home, n),
                         **_keychain(ctx, home, ids[0])}
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


def _phases(ctx: Context, home: Path, n: int) -> dict:
    """One traced run per mode: the mean per account of each phase, in milliseconds, with the
    wall time per account and the keychain calls counted per account."""
    env = env_with(AUTHDECK_HOME=home, AUTHDECK_LOG=PHASE_TRACE)
    out = {}
    for mode, flags in MODES.items():
        ms, done = timed([ctx.bin("authdeck"), "refresh", "--all", *flags], env)
        out[mode] = {"wall": ms / n, **parse_phases(done.stderr, n)}
    return out


def parse_phases(trace: str, n: int) -> dict:
    """Means per account of the traced phases (ms) and keychain calls; fails unless every one
    of the `n` refreshes traced its phases."""
    lines = plain(trace).splitlines()
    result: dict[str, float] = {}
    for marker, names in (("refresh phases", REFRESH_PHASES), ("store phases", STORE_PHASES)):
        found = [line for line in lines if marker in line]
        if len(found) != n:
            raise MeasurementError(f"{len(found)} `{marker}` lines for {n} refreshes")
        for name in names:
            values = [int(m.group(1)) for line in found
                      if (m := re.search(rf"\b{name}=(\d+)", line))]
            if len(values) != n:
                raise MeasurementError(f"`{marker}` lines without {name}")
            result[name.removesuffix("_us")] = sum(values) / n / 1000
    for op in ("read", "write"):
        result[f"keychain_{op}s"] = len(re.findall(rf"\bop={op}\b", "\n".join(lines))) / n
    return result
