//! Renewed sign-ins the keychain would not take yet.
//!
//! When a provider rotates the refresh token, the old one is spent: if the keychain refuses
//! the new set (locked, timing out) and it were dropped, the next refresh would replay the
//! spent token and a provider with reuse detection would end the whole grant. So a refresh
//! retries the write for a bounded time while it holds the account lock, and if the
//! keychain still refuses, the new set and the account record that describes it stay here,
//! in memory, for as long as the process lives. This process then serves and refreshes from
//! them, and [`Deck::save_unsaved`] (the desktop app calls it on its timer) writes them once
//! the keychain is back. Nothing here ever reaches a file.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::account::AccountRecord;
use crate::deck::Deck;
use crate::error::{Error, Result};
use crate::lock::AccountLock;
use crate::token_set::TokenSet;

/// Held sign-ins by account id. Cheap to clone; clones share it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Unsaved(Arc<Mutex<HashMap<String, (AccountRecord, TokenSet)>>>);

impl Unsaved {
    pub fn get(&self, id: &str) -> Option<(AccountRecord, TokenSet)> {
        self.0.lock().expect("unsaved map").get(id).cloned()
    }

    fn put(&self, account: &AccountRecord, tokens: &TokenSet) {
        let mut map = self.0.lock().expect("unsaved map");
        // A newer set always wins; an older one never replaces it.
        if map.get(&account.id).is_none_or(|(held, _)| held.generation <= account.generation) {
            map.insert(account.id.clone(), (account.clone(), tokens.clone()));
        }
    }

    fn remove(&self, id: &str, generation: u64) {
        let mut map = self.0.lock().expect("unsaved map");
        if map.get(id).is_some_and(|(held, _)| held.generation <= generation) {
            map.remove(id);
        }
    }

    fn ids(&self) -> Vec<String> {
        self.0.lock().expect("unsaved map").keys().cloned().collect()
    }
}

/// Whether a keychain error may pass (locked, busy, slow) rather than being a lasting refusal.
fn passing(error: &Error) -> bool {
    matches!(error, Error::Keychain(_) | Error::KeychainUnavailable(_) | Error::KeychainTimeout(_))
}

impl Deck {
    /// Saves renewed tokens and then their account record, under the account `lock`. A
    /// keychain that refuses is asked again until `save_retry` has passed; then the set is
    /// held in memory and the error asks the user to unlock the keychain. If the last write
    /// timed out it may still land, so the account lock is kept until it has ended.
    pub(crate) async fn save_renewed(
        &self,
        lock: AccountLock,
        account: &AccountRecord,
        tokens: &TokenSet,
    ) -> Result<()> {
        let deadline = Instant::now() + self.config.save_retry;
        let key = TokenSet::key(&account.id);
        loop {
            match self.store_tokens(account, tokens).await {
                Ok(()) => {
                    self.unsaved.remove(&account.id, account.generation);
                    drop(lock);
                    return Ok(());
                }
                Err(e) if passing(&e) && Instant::now() < deadline => {
                    tracing::info!(account = account.id, error = %e, "keychain refused; retrying");
                    tokio::time::sleep(std::time::Duration::from_millis(250)).await;
                }
                Err(e) if passing(&e) => {
                    tracing::warn!(account = account.id, error = %e, "renewed sign-in held in memory");
                    self.unsaved.put(account, tokens);
                    let keychain = self.keychain.clone();
                    tokio::spawn(async move {
                        keychain.idle(&key).await;
                        drop(lock);
                    });
                    return Err(Error::UnsavedSignIn);
                }
                // The files refused (the marker or the record): the rotated set may be the
                // only copy, so it is held like one the keychain refused.
                Err(e @ Error::Storage { .. }) => {
                    self.unsaved.put(account, tokens);
                    return Err(e);
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Writes every renewed sign-in held in memory to the keychain, if it takes them now.
    /// Returns how many are still held. The desktop app calls this on its refresh timer.
    pub async fn save_unsaved(&self) -> usize {
        for id in self.unsaved.ids() {
            let Ok(lock) = self.lock(&id).await else { continue };
            let Some((account, tokens)) = self.unsaved.get(&id) else { continue };
            // Removed or signed in again elsewhere meanwhile: the held set is no longer wanted.
            match self.accounts.load(&id) {
                Ok(Some(on_disk)) if on_disk.generation < account.generation => {}
                Ok(_) => {
                    self.unsaved.remove(&id, account.generation);
                    continue;
                }
                Err(_) => continue,
            }
            match self.store_tokens(&account, &tokens).await {
                Ok(()) => self.unsaved.remove(&id, account.generation),
                // Kept, and written again next time: the write is the same either way.
                Err(e @ Error::Storage { .. }) => {
                    tracing::warn!(account = id, error = %e, "saving the account record failed");
                }
                // A write that timed out may still land: keep the lock until it has ended.
                Err(_) => self.keychain.idle(&TokenSet::key(&id)).await,
            }
            drop(lock);
        }
        self.unsaved.ids().len()
    }
}
