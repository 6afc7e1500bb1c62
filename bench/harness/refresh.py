"""1. Refresh overhead: `authdeck-bench refresh` times every method in interleaved rounds."""

from __future__ import annotations

import json

from .common import Context, MeasurementError, log, run, stats

# Every method is compared with the first one, the limit.
LIMIT = "raw"


def run_section(ctx: Context, issuer: str) -> dict:
    cfg = ctx.cfg
    out = ctx.work / "refresh.json"
    cmd = [ctx.bin("authdeck-bench"), "refresh", "--issuer", issuer,
           "--warmup", str(cfg.refresh_warmup), "--rounds", str(cfg.refresh_rounds),
           "--per-round", str(cfg.refresh_per_round), "--cost-reps", str(cfg.cost_reps),
           "--out", str(out)]
    if ctx.python:
        cmd += ["--python", ctx.python]
    else:
        log("no Python with requests-oauthlib: that baseline is skipped")
    run(cmd, timeout=3600)
    data = json.loads(out.read_text())
    methods = [_summary(m) for m in data["methods"]]
    limit = next((m for m in methods if m["key"] == LIMIT), None)
    if limit is None:
        raise MeasurementError("the raw round trip was not measured")
    for m in methods:
        m["ratio_mean"] = m["stats"]["mean"] / limit["stats"]["mean"]
        m["ratio_p50"] = m["stats"]["p50"] / limit["stats"]["p50"]
    return {"warmup": data["warmup"], "rounds": data["rounds"], "per_round": data["per_round"],
            "methods": methods, "costs": [_summary(c) for c in data["costs"]]}


def _summary(entry: dict) -> dict:
    samples_ms = [ns / 1e6 for ns in entry["samples_ns"]]
    summary = {"key": entry["key"], "label": entry["label"], "stats": stats(samples_ms)}
    if entry.get("keychain"):
        # Keychain calls per measured refresh, counted by the store the Deck runs on.
        n = len(entry["samples_ns"])
        summary["keychain"] = {k: v / n for k, v in entry["keychain"].items()}
    return summary


def method(section: dict, key: str) -> dict | None:
    return next((m for m in section["methods"] if m["key"] == key), None)


def cost(section: dict, key: str) -> dict | None:
    return next((c for c in section["costs"] if c["key"] == key), None)

