"""Process trees from /proc: memory of an app with all its helper processes, and stopping a
process group that this harness started."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from contextlib import suppress
from pathlib import Path


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name (state, ppid, pgrp, ...)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()


def _pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def descendants(root: int) -> list[int]:
    """`root` and every process below it."""
    children: dict[int, list[int]] = {}
    for pid in _pids():
        fields = _stat_fields(pid)
        if fields:
            children.setdefault(int(fields[1]), []).append(pid)
    tree, queue = [], [root]
    while queue:
        pid = queue.pop()
        tree.append(pid)
        queue.extend(children.get(pid, []))
    return tree


def _kib(path: str, key: str) -> int:
    with suppress(OSError):
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    return 0


def _name(pid: int) -> str:
    """The executable's name, with Chromium's process type (`--type=renderer`) if any."""
    name = Path(os.readlink(f"/proc/{pid}/exe")).name
    # Chromium rewrites its command line into one space-separated string.
    kind = re.search(rb"--type=([\w-]+)", Path(f"/proc/{pid}/cmdline").read_bytes())
    return f"{name} ({kind.group(1).decode()})" if kind else name


def tree_memory(root: int) -> dict:
    """Resident (RSS) and proportional (PSS) memory of `root` and its descendants, in MB
    (10^6 bytes); PSS counts shared pages once across the processes that share them."""
    processes = []
    for pid in descendants(root):
        with suppress(OSError):
            processes.append({"name": _name(pid),
                              "rss_mb": _kib(f"/proc/{pid}/status", "VmRSS:") * 1024 / 1e6,
                              "pss_mb": _kib(f"/proc/{pid}/smaps_rollup", "Pss:") * 1024 / 1e6})
    return {"rss_mb": sum(p["rss_mb"] for p in processes),
            "pss_mb": sum(p["pss_mb"] for p in processes), "processes": processes}


def tree_cpu_s(root: int) -> float:
    """CPU seconds (user + system) used so far by `root` and its live descendants."""
    ticks = 0
    for pid in descendants(root):
        fields = _stat_fields(pid)
        if fields:
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _group_alive(pgid: int) -> bool:
    return any((f := _stat_fields(pid)) and int(f[2]) == pgid and f[0] != "Z" for pid in _pids())


def stop_group(proc: subprocess.Popen) -> None:
    """Ends a process started with `start_new_session=True` and everything in its group."""
    pgid = proc.pid
    for sig, grace in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
        with suppress(ProcessLookupError):
            os.killpg(pgid, sig)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            with suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.05)
            if proc.poll() is not None and not _group_alive(pgid):
                return
