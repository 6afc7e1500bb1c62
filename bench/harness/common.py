"""Shared pieces: the run context, running commands, statistics, the machine."""

from __future__ import annotations

import math
import os
import platform
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Config:
    """Iteration counts and sizes of one mode."""

    refresh_warmup: int
    refresh_rounds: int
    refresh_per_round: int
    cost_reps: int
    cli_sizes: tuple[int, ...]
    cli_warmup: int
    cli_runs: int
    bulk_sizes: tuple[int, ...]
    bulk_reps: int
    keychain_reps: int
    app_sizes: tuple[int, ...]
    app_reps: int
    app_settle_s: float

    @staticmethod
    def quick() -> "Config":
        """CI: proves every measurement works, in about a minute."""
        return Config(refresh_warmup=3, refresh_rounds=2, refresh_per_round=5, cost_reps=10,
                      cli_sizes=(1, 10), cli_warmup=1, cli_runs=5,
                      bulk_sizes=(10,), bulk_reps=1, keychain_reps=5,
                      app_sizes=(0, 10), app_reps=2, app_settle_s=1.0)

    @staticmethod
    def full() -> "Config":
        return Config(refresh_warmup=20, refresh_rounds=10, refresh_per_round=50, cost_reps=200,
                      cli_sizes=(1, 10, 100, 1000), cli_warmup=3, cli_runs=30,
                      bulk_sizes=(10, 100, 1000), bulk_reps=3, keychain_reps=30,
                      app_sizes=(0, 1, 100, 1000), app_reps=10, app_settle_s=2.0)


@dataclass
class Context:
    """Where things are, and what this run does."""

    repo: Path
    quick: bool
    bins: Path
    out: Path
    work: Path
    python: str | None
    cfg: Config
    loads: dict[str, float] = field(default_factory=dict)

    def bin(self, name: str) -> str:
        return str(self.bins / name)

    def note_load(self, when: str) -> None:
        self.loads[when] = os.getloadavg()[0]


class MeasurementError(RuntimeError):
    """A measurement could not be taken (the only reason the harness fails)."""


def run(cmd: list[str], env: dict[str, str] | None = None, timeout: float = 600,
        stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Runs a command to completion; fails with its stderr if it fails."""
    done = subprocess.run(cmd, env=env, input=stdin, capture_output=True, text=True,
                          timeout=timeout, check=False)
    if done.returncode != 0:
        raise MeasurementError(f"{' '.join(cmd[:4])} ... exited {done.returncode}: "
                               f"{done.stderr.strip()[-800:]}")
    return done


def env_with(**values: str | Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({k: str(v) for k, v in values.items()})
    return env


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Wall time of a whole process, in milliseconds."""
    started = time.perf_counter()
    done = run(cmd, env=env)
    return (time.perf_counter() - started) * 1000, done


def stats(samples_ms: list[float]) -> dict[str, float]:
    """Mean, p50, p95 (nearest rank), min and count of samples in milliseconds."""
    if not samples_ms:
        raise MeasurementError("no samples")
    ordered = sorted(samples_ms)
    rank = max(0, math.ceil(0.95 * len(ordered)) - 1)
    return {"mean": statistics.fmean(ordered), "p50": statistics.median(ordered),
            "p95": ordered[rank], "min": ordered[0], "n": len(ordered)}


def machine() -> dict[str, str | int | float]:
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal:"))
    cpu = next((line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {"nproc": os.cpu_count() or 0, "cpu": cpu, "memory_gib": round(mem_kb / 2**20, 1),
            "kernel": platform.release(), "os": _os_name()}


def _os_name() -> str:
    for line in Path("/etc/os-release").read_text().splitlines():
        if line.startswith("PRETTY_NAME="):
            return line.split("=", 1)[1].strip('"')
    return platform.system()


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)
