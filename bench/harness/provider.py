"""The local OpenID provider (tests/provider) on loopback, for the whole run."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from .common import MeasurementError


class Provider:
    """`node tests/provider/server.mjs --port 0`; it stops when its stdin closes."""

    def __init__(self, repo: Path) -> None:
        self.proc = subprocess.Popen(["node", str(repo / "tests/provider/server.mjs"),
                                      "--port", "0"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line:
            self.close()
            raise MeasurementError("the provider did not start (npm ci --prefix tests/provider?)")
        self.issuer: str = json.loads(line)["issuer"]

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> "Provider":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
