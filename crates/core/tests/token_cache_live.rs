//! The token cache of a long-lived process against the real provider (rotating refresh tokens,
//! revoking the whole grant when a spent one comes back) and the real Secret Service: another
//! process that refreshes meanwhile, or one that dies half-way through its write, never makes
//! the long-lived process replay the token it kept. Run inside tests/session.sh (a private
//! gnome-keyring) by `scripts/test.sh`, like the other live tests.
//!
//! The other process is this test binary again, running `other_process_refreshes` with
//! `AUTHDECK_LIVE_OTHER=1`: a Deck opened as the CLI opens it (`Deck::open`, no cache).

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use authdeck_core::internals::http::Http;
use authdeck_core::internals::keychain::{OsStore, StoreError};
use authdeck_core::internals::token_cache::CRASH_AT_ENV;
use authdeck_core::{Deck, DeckConfig, Home, KeychainValue, SecretStore};

mod support;
use support::provider;

const OTHER_ENV: &str = "AUTHDECK_LIVE_OTHER";

/// The OS keychain, its reads counted.
struct Counted {
    inner: OsStore,
    reads: AtomicU64,
}

impl SecretStore for Counted {
    fn get(&self, key: &str) -> Result<Option<KeychainValue>, StoreError> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        self.inner.get(key)
    }
    fn set(&self, key: &str, value: &KeychainValue) -> Result<(), StoreError> {
        self.inner.set(key, value)
    }
    fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.inner.delete(key)
    }
    fn status(&self) -> Result<(), StoreError> {
        self.inner.status()
    }
}

struct LongLived {
    dir: tempfile::TempDir,
    deck: Deck,
    store: Arc<Counted>,
    account: String,
}

impl LongLived {
    fn reads(&self) -> u64 {
        self.store.reads.load(Ordering::SeqCst)
    }

    /// Runs one refresh of the account in another process, as the CLI would; `crash_at` makes
    /// it abort at that point of its token write. Whether it exited successfully.
    fn other_process_refreshes(&self, crash_at: Option<&str>) -> bool {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .args(["--exact", "other_process_refreshes", "--include-ignored", "--nocapture"])
            .env(OTHER_ENV, &self.account)
            .env("AUTHDECK_HOME", self.dir.path())
            .env_remove(CRASH_AT_ENV);
        if let Some(point) = crash_at {
            command.env(CRASH_AT_ENV, point);
        }
        command.status().unwrap().success()
    }
}

/// A long-lived Deck (the app's configuration) on the real keychain, with alice connected.
async fn long_lived(issuer: &str) -> LongLived {
    let dir = tempfile::tempdir().unwrap();
    let home = Home::open(dir.path()).unwrap();
    let store = Arc::new(Counted { inner: OsStore::new(home.vault()), reads: AtomicU64::new(0) });
    let config = DeckConfig::default().long_lived();
    let deck = Deck::new(home, store.clone(), config, Http::with_timeout(config.http_timeout));
    let account = support::connect_alice(&deck, issuer).await.id;
    LongLived { dir, deck, store, account }
}

/// The other process's side (does nothing unless started by a test below).
#[tokio::test]
#[ignore = "the other process of the token cache tests; started by them"]
async fn other_process_refreshes() {
    let Ok(account) = std::env::var(OTHER_ENV) else { return };
    let deck = Deck::open().expect("the data directory opens");
    deck.refresh(&account).await.expect("the other process refreshes");
}

#[tokio::test]
#[ignore = "needs node, tests/provider and a Secret Service (tests/session.sh); run by scripts/test.sh"]
async fn another_process_refreshing_between_two_refreshes_makes_the_app_read_not_replay() {
    let op = provider(&[]);
    let app = long_lived(&op.issuer).await;
    app.deck.refresh(&app.account).await.unwrap();
    let warm = app.reads();
    app.deck.refresh(&app.account).await.unwrap();
    assert_eq!(app.reads(), warm, "a warm refresh reads no keychain");

    assert!(app.other_process_refreshes(None), "the other process refreshed");
    // The kept refresh token is spent now: replaying it would revoke the grant.
    app.deck.refresh(&app.account).await.expect("the app refreshes with the other's token");
    assert_eq!(app.reads(), warm + 1, "the app read the keychain once");
    app.deck.refresh(&app.account).await.expect("the grant is still valid");
    assert_eq!(app.reads(), warm + 1, "and is warm again");
    assert!(app.other_process_refreshes(None), "the other process still can refresh");
}

#[tokio::test]
#[ignore = "needs node, tests/provider and a Secret Service (tests/session.sh); run by scripts/test.sh"]
async fn a_writer_killed_after_its_keychain_write_is_never_taken_for_no_change() {
    let op = provider(&[]);
    let app = long_lived(&op.issuer).await;
    app.deck.refresh(&app.account).await.unwrap();
    let warm = app.reads();

    // Killed between the marker and the metadata: its rotated tokens are in the keychain, the
    // metadata still shows the generation the app kept, with the marker.
    assert!(!app.other_process_refreshes(Some("written")), "the writer was killed");
    let record = app.deck.account_record(&app.account).unwrap();
    assert_eq!(record.writing_generation, Some(record.generation + 1), "the marker stayed");

    app.deck.refresh(&app.account).await.expect("the app refreshes with the written tokens");
    assert_eq!(app.reads(), warm + 1, "the app read the keychain");
    let record = app.deck.account_record(&app.account).unwrap();
    assert_eq!(record.writing_generation, None, "the refresh settled the marker");
    app.deck.refresh(&app.account).await.expect("the grant is still valid");
    assert_eq!(app.reads(), warm + 1, "and the app is warm again");
    assert!(app.other_process_refreshes(None), "another process still can refresh");
}

#[tokio::test]
#[ignore = "needs node, tests/provider and a Secret Service (tests/session.sh); run by scripts/test.sh"]
async fn a_writer_killed_after_its_marker_makes_the_app_read() {
    let op = provider(&[]);
    let app = long_lived(&op.issuer).await;
    app.deck.refresh(&app.account).await.unwrap();
    let warm = app.reads();
    // Killed after the marker, before its keychain write: the keychain still holds what the
    // app kept, so reading it is the only safe step (the rotated token died with the writer,
    // which no protocol can bring back: the provider ends the grant).
    assert!(!app.other_process_refreshes(Some("marked")), "the writer was killed");
    let outcome = app.deck.refresh(&app.account).await;
    assert_eq!(app.reads(), warm + 1, "the app read the keychain");
    assert!(outcome.is_err(), "the provider refused the token the writer had spent");
    let record = app.deck.account_record(&app.account).unwrap();
    assert!(record.needs_reconnect, "and the account asks to be connected again");
}
