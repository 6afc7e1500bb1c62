"""AuthDeck data directories: real accounts (each a real grant, tokens in the keychain)
connected through the core, and synthetic copies of a real account's metadata for listing.

Synthetic accounts are copies of a real record with a new id, subject and email. Listing reads
no secret, so they need no keychain entry; `token` and refreshes only touch real accounts.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .common import Context, env_with, run

PROVIDER = "demo"


def connect(ctx: Context, home: Path, issuer: str, count: int, prefix: str) -> list[str]:
    """Connects `count` real accounts in `home`; returns their ids."""
    if count <= 0:
        return []
    done = run([ctx.bin("authdeck-bench"), "connect", "--issuer", issuer, "--provider", PROVIDER,
                "--count", str(count), "--prefix", prefix], env=env_with(AUTHDECK_HOME=home),
               timeout=3600)
    return done.stdout.split()


def account_files(home: Path) -> list[Path]:
    return sorted((home / "accounts").glob("*.json"))


def synthetic(template: dict, n: int) -> dict:
    record = json.loads(json.dumps(template))
    name = f"syn{n:05d}"
    record.update(id=f"{PROVIDER}-{name}", subject=name, email=f"{name}@example.test",
                  name=name.capitalize())
    if record.get("identity"):
        record["identity"].update(subject=name, email=record["email"], name=record["name"])
    return record


def clone(base: Path, dest: Path, accounts: int) -> Path:
    """A data directory sharing `base`'s keychain vault, with its real accounts (up to
    `accounts`) and synthetic ones up to `accounts` in total. 0 gives an empty directory."""
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "accounts").mkdir(parents=True)
    if accounts == 0:
        return dest
    for name in ("vault-id", "providers.json"):
        shutil.copy2(base / name, dest / name)
    real = account_files(base)[:accounts]
    for path in real:
        shutil.copy2(path, dest / "accounts" / path.name)
    template = json.loads(real[0].read_text())
    for n in range(accounts - len(real)):
        record = synthetic(template, n)
        text = json.dumps(record, indent=2) + "\n"
        (dest / "accounts" / f"{record['id']}.json").write_text(text)
    return dest


def wiped(base: Path, dest: Path, accounts: int) -> Path:
    """`clone`, after the keychain lost every entry (a new vault, as `Home::open` makes when
    `vault-id` is gone) and with every access token expired, so the app's scheduler tries
    them all at start: the case of a wiped keychain."""
    clone(base, dest, accounts)
    (dest / "vault-id").unlink(missing_ok=True)
    past = (datetime.now(timezone.utc) - timedelta(minutes=5)).isoformat()
    for path in account_files(dest):
        record = json.loads(path.read_text())
        record["expires_at"] = past
        path.write_text(json.dumps(record, indent=2) + "\n")
    return dest


def all_need_reconnecting(home: Path) -> bool:
    return all(json.loads(p.read_text()).get("needs_reconnect") for p in account_files(home))


def listing_base(ctx: Context, issuer: str) -> tuple[Path, str]:
    """The data directory with one real account that the listing and app runs copy."""
    base = ctx.work / "listing-base"
    if not account_files(base):
        base.mkdir(parents=True, exist_ok=True)
        connect(ctx, base, issuer, 1, "lister")
    return base, account_files(base)[0].stem
