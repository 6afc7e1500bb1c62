//! What the parts of a refresh other than the HTTP round trip cost on this machine, each
//! measured alone through the core's own public functions (on the `deck_os` account): this is
//! where `Deck::refresh` spends the time the raw round trip does not.

use std::fs::OpenOptions;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use authdeck_core::internals::account_store::AccountStore;
use authdeck_core::internals::activity::ActivityLog;
use authdeck_core::internals::atomic;
use authdeck_core::internals::http::Http;
use authdeck_core::internals::id_token::{self, Audience, Expect, KeyCache};
use authdeck_core::internals::keychain::Keychain;
use authdeck_core::internals::lock::lock_account;
use authdeck_core::internals::token_set::TokenSet;
use authdeck_core::{ActivityKind, KeychainValue, MemoryStore};
use chrono::Utc;
use serde_json::{Value, json};

use crate::Res;
use crate::methods::{Connected, os_store, timed};

const WARMUP: usize = 5;

/// Times `step` (after a few unmeasured runs) and adds it to `out` under `key`.
async fn cost(
    out: &mut Vec<Value>,
    key: &str,
    label: &str,
    reps: usize,
    mut step: impl AsyncFnMut() -> Res<()>,
) -> Res<()> {
    timed(WARMUP, &mut step).await?;
    let samples = timed(reps, &mut step).await?;
    out.push(json!({ "key": key, "label": label, "samples_ns": samples }));
    Ok(())
}

pub async fn measure(connected: &Connected, reps: usize) -> Res<Value> {
    let home = connected.deck.home();
    let id = connected.account.as_str();
    let record = connected.deck.account_record(id)?;
    let keychain = Keychain::new(os_store(home));
    let key = TokenSet::key(id);
    let value = keychain.get(&key).await?.ok_or("the account has no tokens")?;
    let tokens = TokenSet::from_keychain(&value).ok_or("unreadable token set")?;
    let id_token = tokens.id_token.ok_or("the account has no ID token")?;
    let identity = record.identity.clone().ok_or("the account has no identity")?;
    let accounts = AccountStore::new(home);
    let activity = ActivityLog::new(home);
    let scratch = home.root().join("bench-scratch.json");
    let (http, keys) = (Http::new(), KeyCache::default());
    let audience = Audience {
        metadata: &record.metadata,
        client_id: &record.client.client_id,
        tenant_template: false,
    };

    let memory = Keychain::new(Arc::new(MemoryStore::default()));
    memory.set(&key, value.clone()).await?;

    let mut out = Vec::new();
    cost(&mut out, "keychain_read", "keychain read (Secret Service)", reps, async || {
        keychain.get(&key).await?.ok_or("gone")?;
        Ok(())
    })
    .await?;
    cost(&mut out, "keychain_write", "keychain write (Secret Service)", reps, async || {
        Ok(keychain.set(&key, value.clone()).await?)
    })
    .await?;
    // A refresh writes a value the entry never held (new tokens): time that too, in case the
    // keychain does less for a value it already has.
    let mut fresh: Value = serde_json::from_str(value.expose())?;
    let mut round = 0u64;
    cost(&mut out, "keychain_write_new", "keychain write of a new value", reps, async || {
        round += 1;
        fresh["bench_round"] = round.into();
        Ok(keychain.set(&key, KeychainValue::new(fresh.to_string())).await?)
    })
    .await?;
    cost(
        &mut out,
        "memory_store",
        "in-memory store read + write (blocking-pool hand-offs)",
        reps,
        async || {
            memory.get(&key).await?.ok_or("gone")?;
            Ok(memory.set(&key, value.clone()).await?)
        },
    )
    .await?;
    cost(&mut out, "account_lock", "account lock (open + flock)", reps, async || {
        drop(lock_account(home, id, Duration::from_secs(5)).await?);
        Ok(())
    })
    .await?;
    cost(&mut out, "account_read", "account metadata read + parse", reps, async || {
        accounts.get(id)?;
        Ok(())
    })
    .await?;
    cost(
        &mut out,
        "metadata_write",
        "account metadata write (atomic, fsynced)",
        reps,
        async || Ok(atomic::write_json(&scratch, &record)?),
    )
    .await?;
    cost(&mut out, "fsync", "one 1 KB write + fsync on this disk", reps, async || {
        let mut file = OpenOptions::new().create(true).truncate(true).write(true).open(&scratch)?;
        file.write_all(&[b'x'; 1024])?;
        Ok(file.sync_all()?)
    })
    .await?;
    cost(&mut out, "activity_append", "activity log append", reps, async || {
        activity.record("bench-scratch", ActivityKind::Refreshed, None, Utc::now());
        Ok(())
    })
    .await?;
    cost(&mut out, "id_token_verify", "ID token check (RS256, cached keys)", reps, async || {
        let previous = &identity;
        let expect = Expect::Refresh { previous };
        id_token::verify(&http, &keys, audience, &id_token, expect, Utc::now()).await?;
        Ok(())
    })
    .await?;
    Ok(Value::Array(out))
}
