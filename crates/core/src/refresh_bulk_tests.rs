//! `refresh --all` through the scripted provider and an in-memory keychain that watches the
//! account files: each rotated set reaches the keychain while the account's metadata still says
//! the old generation (with the marker), and a write that fails costs only that account.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde_json::json;

use crate::account::AccountRecord;
use crate::config::DeckConfig;
use crate::deck::Deck;
use crate::keychain::{MemoryStore, SecretStore, StoreError};
use crate::secret::KeychainValue;
use crate::testing::{Reply, TestDeck};
use crate::token_set::TokenSet;

/// One keychain write as [`Watching`] saw it: (account id, refresh token written, on-disk
/// generation, on-disk marker).
type SeenWrite = (String, String, u64, Option<u64>);

/// A keychain that, at every write, notes what the account's metadata on disk said, and fails
/// the writes of the accounts in `failing`.
struct Watching {
    inner: Arc<MemoryStore>,
    accounts: PathBuf,
    writes: Mutex<Vec<SeenWrite>>,
    failing: Mutex<HashSet<String>>,
}

impl Watching {
    fn on_disk(&self, id: &str) -> AccountRecord {
        let text = std::fs::read_to_string(self.accounts.join(format!("{id}.json"))).unwrap();
        serde_json::from_str(&text).unwrap()
    }
}

impl SecretStore for Watching {
    fn get(&self, key: &str) -> Result<Option<KeychainValue>, StoreError> {
        self.inner.get(key)
    }

    fn set(&self, key: &str, value: &KeychainValue) -> Result<(), StoreError> {
        if let Some(id) = key.strip_prefix("account/") {
            if self.failing.lock().unwrap().contains(id) {
                return Err(StoreError::Failed("injected failure".into()));
            }
            let record = self.on_disk(id);
            let tokens = TokenSet::from_keychain(value).unwrap();
            let refresh = tokens.refresh_token.unwrap().expose().to_string();
            let entry = (id.to_string(), refresh, record.generation, record.writing_generation);
            self.writes.lock().unwrap().push(entry);
        }
        self.inner.set(key, value)
    }

    fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.inner.delete(key)
    }

    fn status(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

/// Three signed-in accounts and a deck on the same files whose keychain is watched.
async fn three_accounts() -> (TestDeck, Deck, Arc<Watching>, Vec<String>) {
    let t = TestDeck::new(false).await;
    let mut ids = Vec::new();
    for user in ["user-1", "user-2", "user-3"] {
        *t.provider.subject.lock().unwrap() = user.into();
        ids.push(t.signed_in().await.id);
    }
    let watching = Arc::new(Watching {
        inner: t.store.clone(),
        accounts: t.deck.home.accounts_dir(),
        writes: Mutex::default(),
        failing: Mutex::default(),
    });
    let config =
        DeckConfig { save_retry: std::time::Duration::from_millis(300), ..Default::default() };
    let deck = Deck::new(t.deck.home.clone(), watching.clone(), config, t.deck.http.clone());
    (t, deck, watching, ids)
}

fn rotated(n: usize) -> Reply {
    let body = json!({"access_token": format!("at-{n}"), "refresh_token": format!("rt-{n}"),
        "token_type": "bearer", "expires_in": 3600});
    Reply::json(200, body)
}

async fn stored(deck: &Deck, id: &str) -> TokenSet {
    let value = deck.keychain.get(&TokenSet::key(id)).await.unwrap().unwrap();
    TokenSet::from_keychain(&value).unwrap()
}

#[tokio::test]
async fn every_rotated_token_is_in_the_keychain_before_the_metadata_says_so() {
    let (t, deck, watching, ids) = three_accounts().await;
    let before: Vec<u64> =
        ids.iter().map(|id| deck.account_record(id).unwrap().generation).collect();
    for n in 1..=3 {
        t.provider.reply(rotated(n));
    }
    let results = deck.refresh_all(8).await.unwrap();
    let reported: Vec<&str> = results.iter().map(|r| r.account_id.as_str()).collect();
    assert_eq!(reported, ids.iter().map(String::as_str).collect::<Vec<_>>(), "listed order");
    assert!(results.iter().all(|r| r.result.is_ok()));
    let writes = watching.writes.lock().unwrap().clone();
    assert_eq!(writes.len(), 3, "one keychain write per account");
    let mut sent = HashSet::new();
    for (id, refresh, generation, marker) in writes {
        let index = ids.iter().position(|i| *i == id).unwrap();
        // While its set was being written, the metadata still described the old tokens and
        // carried the marker of the new generation.
        assert_eq!(generation, before[index], "{id}: metadata ahead of the keychain");
        let after = deck.account_record(&id).unwrap();
        assert_eq!(marker, Some(after.generation), "{id}: no marker before the write");
        assert!(after.generation > before[index] && after.writing_generation.is_none());
        assert_eq!(stored(&deck, &id).await.refresh_token.unwrap().expose(), refresh);
        sent.insert(refresh);
    }
    assert_eq!(sent.len(), 3, "each account kept its own rotated token");
}

#[tokio::test]
async fn a_failing_keychain_write_costs_only_its_account_and_keeps_its_old_tokens() {
    let (t, deck, watching, ids) = three_accounts().await;
    let broken = ids[1].clone();
    watching.failing.lock().unwrap().insert(broken.clone());
    let before = deck.account_record(&broken).unwrap().generation;
    for n in 1..=3 {
        t.provider.reply(rotated(n));
    }
    let results = deck.refresh_all(8).await.unwrap();
    for result in &results {
        assert_eq!(result.result.is_err(), result.account_id == broken, "{result:?}");
    }
    let error = results[1].result.as_ref().unwrap_err();
    assert_eq!(error.to_string(), "Unlock your keychain to save the renewed sign-in.");
    // The keychain and the files still hold the old set, described as before: another process
    // (which never saw the held set) hands out the old access token without refreshing.
    let old = stored(&deck, &broken).await;
    assert_eq!((old.access_token.expose(), old.refresh_token.unwrap().expose()), ("at-0", "rt-0"));
    assert_eq!(deck.account_record(&broken).unwrap().generation, before);
    assert_eq!(t.other_process().access_token(&broken).await.unwrap().expose(), "at-0");
    // The others were stored.
    for id in [&ids[0], &ids[2]] {
        assert_ne!(stored(&deck, id).await.access_token.expose(), "at-0");
    }
    // Once the keychain takes writes again, the held set is saved and the metadata follows.
    watching.failing.lock().unwrap().clear();
    assert_eq!(deck.save_unsaved().await, 0);
    assert_ne!(stored(&deck, &broken).await.refresh_token.unwrap().expose(), "rt-0");
    assert!(deck.account_record(&broken).unwrap().generation > before);
}
