//! Sign-ins in progress, shared by every AuthDeck process.
//!
//! A sign-in started by the window may be answered through the CLI (`authdeck callback`, which
//! the OS runs for the deep-link scheme) and the other way round, so pending sign-ins live in
//! the data directory: `pending/<H>.json` holds the non-secret part, where `H` is the SHA-256
//! of the `state`, and the keychain holds the PKCE verifier and the nonce. Consuming is one
//! atomic rename to `<H>.claimed`, so exactly one process wins; the outcome is then written to
//! `<H>.result`, where the process that started the sign-in picks it up. Results are kept for
//! an hour so a replayed answer is recognised as "already used".

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::atomic;
use crate::discovery::ProviderMetadata;
use crate::error::{CallbackError, Error, ErrorKind, Result};
use crate::home::Home;
use crate::ids::LoginHandle;
use crate::keychain::Keychain;
use crate::provider::{ClientSecretSource, Preset};
use crate::secret::{KeychainValue, Nonce, PkceVerifier, State};

/// A pending sign-in expires after this long.
pub const LIFETIME: TimeDelta = TimeDelta::minutes(10);

const RESULT_KEPT: TimeDelta = TimeDelta::hours(1);

/// The non-secret part of a sign-in in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingLogin {
    pub provider: String,
    pub provider_label: String,
    pub preset: Option<Preset>,
    pub client_id: String,
    pub client_secret: ClientSecretSource,
    pub metadata: ProviderMetadata,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub oidc: bool,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl PendingLogin {
    /// The client that trades this sign-in's grant for tokens, whichever grant it is (code or
    /// device code), authenticating as its provider wants.
    pub(crate) fn client<'a>(
        &'a self,
        client_secret: Option<&'a crate::secret::ClientSecret>,
    ) -> crate::exchange::Client<'a> {
        crate::exchange::Client {
            client_id: &self.client_id,
            client_secret,
            metadata: &self.metadata,
            label: &self.provider_label,
            basic_auth: crate::provider::quirks_of(self.preset).basic_client_auth,
        }
    }
}

/// The secret part, kept in the keychain.
#[derive(Debug)]
pub struct PendingSecrets {
    pub verifier: PkceVerifier,
    pub nonce: Option<Nonce>,
}

impl PendingSecrets {
    fn to_keychain(&self) -> KeychainValue {
        let value = serde_json::json!({
            "verifier": self.verifier.expose(),
            "nonce": self.nonce.as_ref().map(Nonce::expose),
        });
        KeychainValue::new(value.to_string())
    }

    fn from_keychain(value: &KeychainValue) -> Option<Self> {
        let json: serde_json::Value = serde_json::from_str(value.expose()).ok()?;
        Some(PendingSecrets {
            verifier: PkceVerifier::new(json.get("verifier")?.as_str()?),
            nonce: json.get("nonce").and_then(|n| n.as_str()).map(Nonce::new),
        })
    }
}

/// How a sign-in ended, as seen by the process waiting for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Connected {
        account_id: String,
    },
    Failed {
        message: String,
        kind: ErrorKind,
        /// [`Error::details`](crate::Error::details) of the failure, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        details: Option<String>,
    },
}

/// The pending sign-ins of one data directory.
#[derive(Debug, Clone)]
pub struct PendingStore {
    dir: PathBuf,
}

impl PendingStore {
    pub fn new(home: &Home) -> Self {
        PendingStore { dir: home.pending_dir() }
    }

    fn file(&self, handle: &LoginHandle, ext: &str) -> PathBuf {
        self.dir.join(format!("{}.{ext}", handle.as_str()))
    }

    /// Records a new sign-in: secrets to the keychain first, so a file never points at
    /// secrets that are not there.
    pub async fn create(
        &self,
        keychain: &Keychain,
        state: &State,
        login: &PendingLogin,
        secrets: &PendingSecrets,
    ) -> Result<LoginHandle> {
        let handle = LoginHandle::of_state(state.expose());
        keychain.set(&handle.keychain_key(), secrets.to_keychain()).await?;
        self.open(state, login)
    }

    /// Records a sign-in whose secrets stay in the memory of the process that waits for it (a
    /// sign-in with a code: only its poller needs the device code). Nothing can answer it from
    /// outside, since its `state` never leaves this process; it is here so that a cancel and
    /// the outcome reach every AuthDeck process the same way as for a browser sign-in.
    pub fn open(&self, state: &State, login: &PendingLogin) -> Result<LoginHandle> {
        let handle = LoginHandle::of_state(state.expose());
        let path = self.file(&handle, "json");
        atomic::write_json(&path, login).map_err(|e| Error::storage("save", path, e))?;
        Ok(handle)
    }

    /// The sign-in a `state` belongs to, if it is still waiting for its answer.
    pub fn lookup(
        &self,
        state: &str,
        now: DateTime<Utc>,
    ) -> Result<(LoginHandle, PendingLogin), CallbackError> {
        let handle = LoginHandle::of_state(state);
        match atomic::read_json::<PendingLogin>(&self.file(&handle, "json")) {
            Ok(Some(login)) if login.expires_at <= now => Err(CallbackError::Expired),
            Ok(Some(login)) => Ok((handle, login)),
            Ok(None) | Err(_) => {
                let used =
                    self.file(&handle, "claimed").exists() || self.file(&handle, "result").exists();
                Err(if used { CallbackError::AlreadyUsed } else { CallbackError::UnknownState })
            }
        }
    }

    /// Takes the sign-in for this process; only one caller ever succeeds.
    pub fn claim(&self, handle: &LoginHandle) -> Result<(), CallbackError> {
        fs::rename(self.file(handle, "json"), self.file(handle, "claimed"))
            .map_err(|_| CallbackError::AlreadyUsed)
    }

    /// The secrets of a claimed sign-in.
    pub async fn secrets(
        &self,
        keychain: &Keychain,
        handle: &LoginHandle,
    ) -> Result<PendingSecrets> {
        let value = keychain.get(&handle.keychain_key()).await?;
        value
            .as_ref()
            .and_then(PendingSecrets::from_keychain)
            .ok_or(Error::Callback(CallbackError::Expired))
    }

    /// Records how a claimed sign-in ended and forgets its secrets.
    pub async fn finish(&self, keychain: &Keychain, handle: &LoginHandle, outcome: &Outcome) {
        self.record_outcome(handle, outcome);
        if let Err(e) = keychain.delete(&handle.keychain_key()).await {
            tracing::warn!(error = %e, "could not delete the pending sign-in secrets");
        }
    }

    /// Writes the outcome, then closes the sign-in: the order [`PendingStore::wait`] relies on.
    fn record_outcome(&self, handle: &LoginHandle, outcome: &Outcome) {
        let path = self.file(handle, "result");
        if let Err(e) = atomic::write_json(&path, outcome) {
            tracing::warn!(error = %e, "could not record the sign-in outcome");
        }
        let _ = fs::remove_file(self.file(handle, "claimed"));
    }

    /// How the sign-in ended, once it has.
    pub fn outcome(&self, handle: &LoginHandle) -> Option<Outcome> {
        atomic::read_json(&self.file(handle, "result")).ok().flatten()
    }

    /// Whether the sign-in is still waiting for (or processing) its answer.
    pub fn is_open(&self, handle: &LoginHandle) -> bool {
        self.file(handle, "json").exists() || self.file(handle, "claimed").exists()
    }

    /// Abandons a sign-in that has not been answered.
    pub async fn cancel(&self, keychain: &Keychain, handle: &LoginHandle, message: &str) {
        if self.claim(handle).is_ok() {
            let outcome = Outcome::Failed {
                message: message.to_string(),
                kind: ErrorKind::InvalidCallback,
                details: None,
            };
            self.finish(keychain, handle, &outcome).await;
        }
    }

    /// Waits for the outcome of a sign-in, polling the directory.
    pub async fn wait(&self, handle: &LoginHandle, expires_at: DateTime<Utc>) -> Result<Outcome> {
        self.wait_observed(handle, expires_at, || {}).await
    }

    /// [`PendingStore::wait`], with `between` run between its two reads (tests interleave a
    /// finishing sign-in there). The outcome is written before the sign-in stops being open,
    /// so reading "open" first and the outcome second sees a consistent state: a sign-in
    /// that was closed by the first read has its outcome on disk by the second.
    async fn wait_observed(
        &self,
        handle: &LoginHandle,
        expires_at: DateTime<Utc>,
        mut between: impl FnMut(),
    ) -> Result<Outcome> {
        loop {
            let open = self.is_open(handle);
            between();
            if let Some(outcome) = self.outcome(handle) {
                return Ok(outcome);
            }
            if !open || Utc::now() > expires_at + TimeDelta::seconds(30) {
                return Err(Error::LoginTimedOut);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Removes expired sign-ins (and their secrets) and old results.
    pub async fn sweep(&self, keychain: &Keychain, now: DateTime<Utc>) {
        let Ok(entries) = fs::read_dir(&self.dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            let Some((handle, ext)) = split_name(&path) else { continue };
            let old = |age: TimeDelta| {
                let modified = entry.metadata().and_then(|m| m.modified()).ok();
                modified.is_some_and(|m| now - DateTime::<Utc>::from(m) > age)
            };
            let expired = match ext {
                "json" => atomic::read_json::<PendingLogin>(&path)
                    .map(|l| l.is_none_or(|l| l.expires_at <= now))
                    .unwrap_or(true),
                "claimed" => old(LIFETIME + RESULT_KEPT),
                "result" => old(RESULT_KEPT),
                _ => false,
            };
            if expired {
                if ext != "result"
                    && let Err(e) = keychain.delete(&handle.keychain_key()).await
                {
                    tracing::debug!(error = %e, "sweep could not delete pending secrets");
                }
                if let Err(e) = fs::remove_file(&path)
                    && e.kind() != io::ErrorKind::NotFound
                {
                    tracing::debug!(error = %e, "sweep could not delete a pending file");
                }
            }
        }
    }
}

fn split_name(path: &Path) -> Option<(LoginHandle, &str)> {
    let name = path.file_name()?.to_str()?;
    let (stem, ext) = name.split_once('.')?;
    Some((LoginHandle::parse(stem)?, ext))
}

#[cfg(test)]
#[path = "pending_tests.rs"]
mod tests;
