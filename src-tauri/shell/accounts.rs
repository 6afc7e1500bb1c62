//! Accounts: listing, details, refresh, disconnect, auto-refresh, and app-wide status.

use std::time::Duration;

use authdeck_core::{AccountView, DisconnectReport, Error, RemoteCheck};
use chrono::Utc;
use tauri::async_runtime;

use super::{AccountDetails, AppStatus, Shell};
use crate::error::{IpcError, IpcResult};
use crate::events::{AppEvent, RefreshState};

impl Shell {
    /// Starts reading the account list while the window's web view starts; the window's first
    /// list call takes it, unless an account changed since (`Deck::accounts_from`).
    pub fn read_accounts_ahead(&self) {
        let deck = self.deck.clone();
        let reading = async_runtime::spawn_blocking(move || deck.read_ahead());
        *self.ahead.lock().expect("list read ahead") = Some(reading);
    }

    /// All accounts, most urgent first; reads the account files on a blocking thread, so the
    /// main thread (which also paints the window) never waits on the disk.
    pub async fn accounts(&self) -> IpcResult<Vec<AccountView>> {
        let ahead = self.ahead.lock().expect("list read ahead").take();
        let ahead = match ahead {
            Some(reading) => reading.await.ok().and_then(|read| read.ok()),
            None => None,
        };
        let deck = self.deck.clone();
        async_runtime::spawn_blocking(move || match ahead {
            Some(ahead) => deck.accounts_from(ahead, Utc::now()),
            None => deck.accounts(Utc::now()),
        })
        .await
        .map_err(|e| IpcError::other(format!("Listing the accounts stopped: {e}")))?
        .map_err(IpcError::from)
    }

    pub async fn details(&self, id: &str) -> IpcResult<AccountDetails> {
        let inspection = self.deck.inspect(id).await?;
        let activity = self.deck.activity(&inspection.account.id, 100)?;
        Ok(AccountDetails { inspection, activity })
    }

    /// Asks the provider whether it still accepts the account's token; the core remembers a
    /// refusal (the row then shows Reconnect), so the list is told to reload.
    pub async fn check_with_provider(&self, id: &str) -> IpcResult<RemoteCheck> {
        let check = self.deck.check_with_provider(id).await?;
        self.accounts_changed();
        Ok(check)
    }

    /// Refreshes one account; `automatic` for the timer (which only refreshes when due).
    /// Concurrent calls for one account are coalesced by the core's single-flight lock; this
    /// set only keeps the timer from queueing behind a click.
    pub async fn refresh(&self, id: &str, automatic: bool) -> IpcResult<Option<AccountView>> {
        let id = self.deck.account(id, Utc::now())?.id;
        let first = self.refreshing.lock().expect("refreshing set").insert(id.clone());
        if automatic && !first {
            return Ok(None);
        }
        let state = |refreshing, error| {
            AppEvent::RefreshState(RefreshState {
                account_id: id.clone(),
                refreshing,
                automatic,
                error,
            })
        };
        self.host.emit(state(true, None));
        let result = if automatic {
            self.deck.refresh_if_due(&id).await
        } else {
            self.deck.refresh(&id).await.map(Some)
        };
        if first {
            self.refreshing.lock().expect("refreshing set").remove(&id);
        }
        let result = result.map_err(IpcError::from);
        self.host.emit(state(false, result.as_ref().err().cloned()));
        self.accounts_changed();
        result
    }

    /// Retries keychain writes of renewed sign-ins that a locked keychain refused; returns how
    /// many still wait (for the refresh timer).
    pub async fn save_unsaved(&self) -> usize {
        self.deck.save_unsaved().await
    }

    pub async fn disconnect(&self, id: &str) -> IpcResult<DisconnectReport> {
        let report = self.deck.disconnect(id).await?;
        self.accounts_changed();
        Ok(report)
    }

    pub async fn set_auto_refresh(&self, id: &str, on: bool) -> IpcResult<AccountView> {
        let view = self.deck.set_auto_refresh(id, on).await?;
        self.accounts_changed();
        Ok(view)
    }

    pub async fn status(&self) -> AppStatus {
        let keychain = tokio::time::timeout(Duration::from_secs(5), self.deck.keychain_status())
            .await
            .unwrap_or(Err(Error::KeychainTimeout(5)));
        AppStatus {
            version: env!("CARGO_PKG_VERSION").to_string(),
            data_dir: self.deck.home().root().display().to_string(),
            keychain_available: keychain.is_ok(),
            keychain_message: keychain.err().map(|e| e.to_string()),
        }
    }

    /// Saves the diagnostics bundle in `dir` and returns its path.
    pub async fn export_diagnostics(&self, dir: &std::path::Path) -> IpcResult<String> {
        let keychain = self.deck.keychain_status().await.map_err(|e| e.to_string());
        let now = Utc::now();
        let mut bundle = self.deck.diagnostics(keychain, now)?;
        // Which program receives sign-in links, and whether a test link came back.
        bundle["sign_in_links"] = serde_json::json!({
            "doctor": self.deck.doctor().await,
            "at_start": crate::scheme::report(),
        });
        let path = dir.join(format!("authdeck-diagnostics-{}.json", now.format("%Y%m%d-%H%M%S")));
        authdeck_core::write_json_atomically(&path, &bundle).map_err(|e| {
            IpcError::other(format!("AuthDeck could not save {}: {e}.", path.display()))
        })?;
        Ok(path.display().to_string())
    }
}
