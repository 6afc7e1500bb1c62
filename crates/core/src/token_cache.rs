//! Token sets a long-lived process (the window, the tray) keeps between refreshes, so that a
//! refresh costs one keychain write and no read.
//!
//! The keychain stays the truth: a cached set is used only while the account's metadata shows
//! that nobody changed the keychain entry since this process last wrote or read it. That rests
//! on two rules every writer of an account's tokens follows, under the account lock (see
//! [`Deck::store_tokens`]):
//!
//! 1. Before the keychain write, the metadata is marked `writing_generation: Some(n)`, where
//!    `n` is the generation the write is for; after it, the metadata is saved with
//!    `generation: n` and no marker. Generations only grow ([`AccountRecord::settled_generation`]).
//! 2. A reader that finds a marker reads the keychain: the writer may have died after its
//!    keychain write and before its metadata, and the entry then holds tokens the metadata
//!    does not describe. Its next refresh settles the marker (it writes a generation above
//!    both).
//!
//! So a cached set is taken only when its generation, sign-in time and token time equal the
//! metadata's and no marker is set ([`Source`]); anything else reads. A stale refresh token
//! replayed against a rotating provider revokes the whole grant, so every doubt reads.
//!
//! The marker needs to be seen only by processes that are alive (a cache lives in memory),
//! so it is written without a flush: after a power cut no cache survives anyway.
//!
//! The cache is off unless [`DeckConfig::cache_tokens`](crate::DeckConfig) turns it on (the
//! desktop app does; the CLI reads once per process and gains nothing). It holds the secrets
//! in their redacting, zeroizing types, and drops an account's set when it is disconnected.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

use crate::account::AccountRecord;
use crate::account_store::AccountStore;
use crate::deck::Deck;
use crate::error::{Error, Result};
use crate::token_set::TokenSet;

/// What identifies the keychain state a cached set was taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    generation: u64,
    connected_at: DateTime<Utc>,
    issued_at: DateTime<Utc>,
}

impl Stamp {
    fn of(account: &AccountRecord) -> Self {
        Stamp {
            generation: account.generation,
            connected_at: account.connected_at,
            issued_at: account.issued_at,
        }
    }
}

/// Where an account's tokens must come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// The cached set describes what the keychain holds.
    Cache,
    /// Read the keychain.
    Keychain,
}

/// The rule, as a pure function of what is cached and what the metadata says.
fn source(cached: Option<Stamp>, account: &AccountRecord) -> Source {
    match cached {
        Some(stamp) if stamp == Stamp::of(account) && account.writing_generation.is_none() => {
            Source::Cache
        }
        _ => Source::Keychain,
    }
}

/// Cached sets by account id. Cheap to clone; clones share it.
#[derive(Debug, Clone, Default)]
pub(crate) struct TokenCache {
    enabled: bool,
    sets: Arc<Mutex<HashMap<String, (Stamp, TokenSet)>>>,
}

impl TokenCache {
    pub fn new(enabled: bool) -> Self {
        TokenCache { enabled, sets: Arc::default() }
    }

    /// The cached set of `account`, when the rule allows it; `None`: read the keychain.
    pub fn get(&self, account: &AccountRecord) -> Option<TokenSet> {
        let sets = self.sets.lock().expect("token cache");
        let (stamp, tokens) = sets.get(&account.id)?;
        (source(Some(*stamp), account) == Source::Cache).then(|| tokens.clone())
    }

    /// Keeps `tokens` as what the keychain holds for `account` as its metadata now stands
    /// (just read under that metadata, or just written and described by it). Nothing is kept
    /// while a marker is set, nor when the cache is off.
    pub fn keep(&self, account: &AccountRecord, tokens: &TokenSet) {
        if self.enabled && account.writing_generation.is_none() {
            let mut sets = self.sets.lock().expect("token cache");
            sets.insert(account.id.clone(), (Stamp::of(account), tokens.clone()));
        }
    }

    /// Forgets an account's set (its secrets are zeroed as they drop).
    pub fn forget(&self, id: &str) {
        self.sets.lock().expect("token cache").remove(id);
    }

    /// How many sets are held (for tests).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.sets.lock().expect("token cache").len()
    }
}

impl Deck {
    /// The one way an account's tokens are written: marks the metadata, writes `tokens` to the
    /// keychain, then saves `account` (which describes them at its new generation, see
    /// [`AccountRecord::apply_issued`]) and keeps them. The caller holds the account lock. A
    /// failed keychain write leaves the marker, so every reader reads the keychain until a
    /// later write settles it.
    pub(crate) async fn store_tokens(
        &self,
        account: &AccountRecord,
        tokens: &TokenSet,
    ) -> Result<()> {
        let started = std::time::Instant::now();
        self.token_cache.forget(&account.id);
        mark_writing(&self.accounts, &account.id, account.generation)?;
        crash_point("marked");
        let marked = std::time::Instant::now();
        // The new record is written and flushed while the keychain write runs, and put in
        // place only once the keychain has the tokens it describes.
        let (accounts, record) = (self.accounts.clone(), account.clone());
        let prepare = tokio::task::spawn_blocking(move || accounts.prepare_save(&record));
        let key = TokenSet::key(&account.id);
        let write = async {
            let written = self.keychain.set(&key, tokens.to_keychain()).await;
            (written, marked.elapsed())
        };
        let ((written, keychain), prepared) = tokio::join!(write, prepare);
        written?;
        crash_point("written");
        let joined = std::time::Instant::now();
        let prepared = prepared.map_err(|_| {
            Error::Invalid("AuthDeck could not save the account. Try again.".into())
        })?;
        self.accounts.commit(prepared?, &account.id)?;
        self.token_cache.keep(account, tokens);
        let us = |d: std::time::Duration| d.as_micros() as u64;
        tracing::debug!(
            account = account.id,
            marker_us = us(marked - started),
            keychain_us = us(keychain),
            joined_us = us(joined - marked),
            commit_us = us(joined.elapsed()),
            "store phases"
        );
        Ok(())
    }

    /// Marks the account's metadata ahead of a keychain write for `generation` (rule 1),
    /// without waiting: a refresh runs this while its token request is in flight, so the
    /// marker costs it nothing (see [`Deck::store_tokens`], which then finds it in place).
    /// A marker that turns out unneeded only makes readers read the keychain until the next
    /// write or failure record replaces it, which is the safe side. The caller holds the
    /// account lock until it has awaited the result.
    pub(crate) fn mark_ahead(
        &self,
        id: &str,
        generation: u64,
    ) -> tokio::task::JoinHandle<Result<()>> {
        let (accounts, id) = (self.accounts.clone(), id.to_string());
        tokio::task::spawn_blocking(move || mark_writing(&accounts, &id, generation))
    }
}

/// Rule 1's first half: the metadata says a keychain write for `generation` may be under way.
/// Unflushed (see the module docs); nothing to do when the marker is already there.
fn mark_writing(accounts: &AccountStore, id: &str, generation: u64) -> Result<()> {
    if let Some(mut on_disk) = accounts.load(id)?
        && on_disk.writing_generation != Some(generation)
    {
        on_disk.writing_generation = Some(generation);
        accounts.save_unflushed(&on_disk)?;
    }
    Ok(())
}

/// Environment variable that makes a process abort at a point of [`Deck::store_tokens`]
/// (`marked`: after the marker, before the keychain write; `written`: after the keychain
/// write, before the metadata), so tests can prove a crashed writer is never mistaken for no
/// change. Read only in builds with the `internals` feature (tests, benchmarks).
#[cfg_attr(not(feature = "internals"), allow(dead_code))]
pub const CRASH_AT_ENV: &str = "AUTHDECK_TEST_CRASH_AT";

#[cfg(feature = "internals")]
fn crash_point(point: &str) {
    if std::env::var(CRASH_AT_ENV).is_ok_and(|at| at == point) {
        std::process::abort();
    }
}

#[cfg(not(feature = "internals"))]
fn crash_point(_: &str) {}

#[cfg(test)]
#[path = "token_cache_tests.rs"]
mod tests;
