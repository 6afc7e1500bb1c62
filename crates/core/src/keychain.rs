//! The only door to the OS keychain (Secret Service, macOS Keychain, Windows Credential
//! Manager via the `keyring` crate).
//!
//! Each account keeps all its secrets in one entry, so a refresh is one write and the stored
//! tokens are never half old, half new. Calls for one entry are serialized, run off the async
//! runtime (the platform APIs block) and bounded by a timeout, because a locked keychain may sit
//! behind an unlock prompt. When no keychain is reachable AuthDeck says so and refuses to
//! store: there is no plain-file fallback. Every call is traced at `debug` level (the key, never
//! the value), which is how benchmarks count keychain reads.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::home::APP_ID;
use crate::secret::KeychainValue;

/// How a store failed, already stripped of anything that could hold a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// No keychain at all (no session bus, no Secret Service, locked and refusing access).
    Unavailable(String),
    /// The keychain exists but this operation failed.
    Failed(String),
}

/// A place that keeps secret strings by key. Blocking; [`Keychain`] adds the async wrapping.
pub trait SecretStore: Send + Sync + 'static {
    fn get(&self, key: &str) -> Result<Option<KeychainValue>, StoreError>;
    fn set(&self, key: &str, value: &KeychainValue) -> Result<(), StoreError>;
    /// Deleting a missing entry succeeds.
    fn delete(&self, key: &str) -> Result<(), StoreError>;
    /// Whether the store can be used at all.
    fn status(&self) -> Result<(), StoreError>;
}

/// The platform keychain, namespaced by a data directory's vault id.
#[derive(Debug)]
pub struct OsStore {
    vault: String,
}

impl OsStore {
    pub fn new(vault: &str) -> Self {
        OsStore { vault: vault.to_string() }
    }

    fn entry(&self, key: &str) -> Result<keyring::Entry, StoreError> {
        self.status()?;
        keyring::Entry::new(APP_ID, &format!("{}/{key}", self.vault)).map_err(map_keyring)
    }
}

impl SecretStore for OsStore {
    fn get(&self, key: &str) -> Result<Option<KeychainValue>, StoreError> {
        match self.entry(key)?.get_password() {
            Ok(value) => Ok(Some(KeychainValue::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring(e)),
        }
    }

    fn set(&self, key: &str, value: &KeychainValue) -> Result<(), StoreError> {
        self.entry(key)?.set_password(value.expose()).map_err(map_keyring)
    }

    fn delete(&self, key: &str) -> Result<(), StoreError> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring(e)),
        }
    }

    fn status(&self) -> Result<(), StoreError> {
        keyring::Entry::store_status().as_ref().map_err(|_| {
            StoreError::Unavailable(
                "No keychain service (such as GNOME Keyring or KWallet) is running for this \
                 session."
                    .into(),
            )
        })?;
        Ok(())
    }
}

/// Maps keyring errors to text that can never contain secret bytes (`BadEncoding` carries
/// them, so no variant is formatted with its payload).
fn map_keyring(error: keyring::Error) -> StoreError {
    use keyring::Error as K;
    match error {
        K::NoDefaultStore => StoreError::Unavailable(
            "No keychain service (such as GNOME Keyring or KWallet) is running for this session."
                .into(),
        ),
        K::NoStorageAccess(_) => {
            StoreError::Unavailable("The keychain is locked or refused access.".into())
        }
        K::PlatformFailure(e) => {
            tracing::debug!(error = %e, "keychain platform failure");
            StoreError::Failed("platform failure".into())
        }
        K::BadEncoding(_) | K::BadDataFormat(..) => StoreError::Failed("unreadable entry".into()),
        other => {
            let kind = match other {
                K::TooLong(..) => "value too long",
                K::Invalid(..) => "invalid entry name",
                K::Ambiguous(_) => "ambiguous entry",
                _ => "unsupported operation",
            };
            StoreError::Failed(kind.into())
        }
    }
}

/// An in-memory store for unit tests and benchmarks that isolate protocol cost. The CLI and the
/// app never use it. `fail_writes` makes every `set` fail, to prove that a failed keychain write
/// loses nothing.
#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, KeychainValue>>,
    pub fail_writes: AtomicBool,
    /// Makes every `set` take this long (milliseconds) before it lands, like a slow keychain.
    pub write_delay_ms: std::sync::atomic::AtomicU64,
    reads: std::sync::atomic::AtomicU64,
    writes: std::sync::atomic::AtomicU64,
}

impl SecretStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<KeychainValue>, StoreError> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        Ok(self.entries.lock().expect("memory store lock").get(key).cloned())
    }

    fn set(&self, key: &str, value: &KeychainValue) -> Result<(), StoreError> {
        self.writes.fetch_add(1, Ordering::SeqCst);
        if self.fail_writes.load(Ordering::SeqCst) {
            return Err(StoreError::Failed("injected failure".into()));
        }
        let delay = self.write_delay_ms.load(Ordering::SeqCst);
        if delay > 0 {
            std::thread::sleep(Duration::from_millis(delay));
        }
        self.entries.lock().expect("memory store lock").insert(key.to_string(), value.clone());
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.entries.lock().expect("memory store lock").remove(key);
        Ok(())
    }

    fn status(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

impl MemoryStore {
    /// How many reads and writes (attempted) it has served.
    pub fn counts(&self) -> (u64, u64) {
        (self.reads.load(Ordering::SeqCst), self.writes.load(Ordering::SeqCst))
    }

    /// Keys currently stored (for tests).
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<_> =
            self.entries.lock().expect("memory store lock").keys().cloned().collect();
        keys.sort();
        keys
    }
}

/// Async, serialized, time-bounded access to a [`SecretStore`]. Cheap to clone.
#[derive(Clone)]
pub struct Keychain {
    store: Arc<dyn SecretStore>,
    locks: Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
    timeout: Duration,
}

impl std::fmt::Debug for Keychain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keychain").field("timeout", &self.timeout).finish_non_exhaustive()
    }
}

impl Keychain {
    /// A keychain with the default 30 s timeout per call (for the benchmarks and tests; the
    /// deck sets its timeout from [`DeckConfig`](crate::DeckConfig)).
    #[cfg_attr(not(any(test, feature = "internals")), allow(dead_code))]
    pub fn new(store: Arc<dyn SecretStore>) -> Self {
        Self::with_timeout(store, crate::config::DeckConfig::default().keychain_timeout)
    }

    /// A keychain whose calls report a timeout after `timeout`.
    pub fn with_timeout(store: Arc<dyn SecretStore>, timeout: Duration) -> Self {
        Keychain { store, locks: Arc::default(), timeout }
    }

    /// Whether the keychain can be used; the error explains why not.
    pub async fn check(&self) -> Result<()> {
        self.run("status", "check", |store, _| store.status()).await
    }

    pub async fn get(&self, key: &str) -> Result<Option<KeychainValue>> {
        self.run("read", key, |store, key| store.get(key)).await
    }

    pub async fn set(&self, key: &str, value: KeychainValue) -> Result<()> {
        self.run("write", key, move |store, key| store.set(key, &value)).await
    }

    pub async fn delete(&self, key: &str) -> Result<()> {
        self.run("delete", key, |store, key| store.delete(key)).await
    }

    /// Waits until no call on `key` is in flight (one that timed out may still be running).
    pub(crate) async fn idle(&self, key: &str) {
        let lock = {
            let mut locks = self.locks.lock().expect("keychain lock map");
            locks.entry(key.to_string()).or_default().clone()
        };
        drop(lock.lock().await);
    }

    async fn run<T: Send + 'static>(
        &self,
        op: &'static str,
        key: &str,
        call: impl FnOnce(&dyn SecretStore, &str) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T> {
        let lock = {
            let mut locks = self.locks.lock().expect("keychain lock map");
            locks.entry(key.to_string()).or_default().clone()
        };
        // The guard moves into the blocking call: a call that times out keeps the key
        // serialized until it really ends, so a late write cannot land after a newer one.
        let serialized = tokio::time::timeout(self.timeout, lock.lock_owned())
            .await
            .map_err(|_| Error::KeychainTimeout(self.timeout.as_secs().max(1)))?;
        tracing::debug!(op = %op, key = %key, "keychain");
        let store = self.store.clone();
        let owned_key = key.to_string();
        let task = tokio::task::spawn_blocking(move || {
            let _serialized = serialized;
            call(store.as_ref(), &owned_key)
        });
        let outcome = tokio::time::timeout(self.timeout, task)
            .await
            .map_err(|_| Error::KeychainTimeout(self.timeout.as_secs().max(1)))?
            .map_err(|_| Error::Keychain(verb(op)))?;
        outcome.map_err(|e| match e {
            StoreError::Unavailable(why) => Error::KeychainUnavailable(why),
            StoreError::Failed(why) => {
                tracing::warn!(op, key, why, "keychain call failed");
                Error::Keychain(verb(op))
            }
        })
    }
}

fn verb(op: &'static str) -> &'static str {
    match op {
        "read" => "read",
        "write" => "save",
        "delete" => "delete",
        _ => "open",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_round_trip_and_failing_writes() {
        let store = Arc::new(MemoryStore::default());
        let keychain = Keychain::new(store.clone());
        keychain.set("account/a", KeychainValue::new("v1")).await.unwrap();
        assert_eq!(keychain.get("account/a").await.unwrap(), Some(KeychainValue::new("v1")));
        store.fail_writes.store(true, Ordering::SeqCst);
        let err = keychain.set("account/a", KeychainValue::new("v2")).await.unwrap_err();
        assert!(matches!(err, Error::Keychain("save")), "{err:?}");
        assert_eq!(keychain.get("account/a").await.unwrap(), Some(KeychainValue::new("v1")));
        keychain.delete("account/a").await.unwrap();
        keychain.delete("account/a").await.unwrap();
        assert_eq!(keychain.get("account/a").await.unwrap(), None);
    }

    #[test]
    fn keyring_errors_never_carry_payloads() {
        let mapped = map_keyring(keyring::Error::BadEncoding(b"super-secret".to_vec()));
        assert!(!format!("{mapped:?}").contains("super-secret"));
    }
}
