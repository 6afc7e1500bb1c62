//! The desktop shell's state and the operations behind its commands.
//!
//! Everything a command does beyond one call into [`Deck`] lives here: background waits for
//! sign-ins, events for the UI, the browser, the clipboard. The window-specific parts sit
//! behind the small [`Host`] trait, so the same code runs under the real Tauri app and in tests
//! without a window.

use std::collections::{HashMap, HashSet, VecDeque};
use std::ops::Deref;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use authdeck_core::inspect::Inspection;
use authdeck_core::{
    AccountView, ActivityEntry, ActivityKind, Deck, DisconnectReport, Error, LoginHandle,
    LoginOptions, LoginTicket, Preset, ProviderConfig, ProviderInput, Secret,
};
use chrono::Utc;
use serde::Serialize;
use tauri::async_runtime;
use tokio::sync::Notify;

use crate::error::{IpcError, IpcResult};
use crate::events::{
    AccountsChanged, AppEvent, CallbackHandled, ClipboardCleared, LoginFinished, RefreshState,
};

/// How long a copied token stays on the clipboard.
pub const CLIPBOARD_SECONDS: u64 = 30;

/// What the shell needs from its surroundings.
pub trait Host: Send + Sync + 'static {
    fn emit(&self, event: AppEvent);
    fn open_browser(&self, url: &str) -> Result<(), String>;
    fn focus_window(&self);
    fn clipboard(&self) -> &dyn Clipboard;
}

/// The system clipboard, as far as AuthDeck uses it.
pub trait Clipboard: Send + Sync {
    /// Puts a secret on the clipboard, marked to stay out of clipboard history and managers
    /// where the platform supports it.
    fn put_secret(&self, text: &Secret) -> Result<(), String>;
    fn read_text(&self) -> Option<String>;
    fn clear(&self) -> Result<(), String>;
}

/// A sign-in started in this window, shown while waiting.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct LoginStarted {
    pub ticket: LoginTicket,
    /// Why the browser did not open, if it did not (the UI then offers the link).
    pub browser_error: Option<String>,
}

/// A provider as listed in the window.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ProviderView {
    pub name: String,
    pub label: String,
    pub preset: Option<String>,
    pub issuer: Option<String>,
    pub authorization_endpoint: Option<String>,
    pub client_id: String,
    pub scopes: Vec<String>,
    /// The redirect URI to register with the provider.
    pub redirect_uri: String,
}

impl From<&ProviderConfig> for ProviderView {
    fn from(p: &ProviderConfig) -> Self {
        ProviderView {
            name: p.name.clone(),
            label: p.label(),
            preset: p.preset.map(|p| p.id().to_string()),
            issuer: p.issuer.clone(),
            authorization_endpoint: p.endpoints.as_ref().map(|e| e.authorization.clone()),
            client_id: p.client_id.clone(),
            scopes: p.scopes.clone(),
            redirect_uri: p.redirect.display_uri(),
        }
    }
}

/// A preset offered in "Add provider".
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct PresetView {
    pub id: String,
    pub label: String,
    /// Whether the issuer URL must be given (generic OpenID Connect).
    pub needs_issuer: bool,
    pub default_scopes: Vec<String>,
    pub redirect_uri: String,
}

/// Details of one account, for the Details view.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AccountDetails {
    pub inspection: Inspection,
    pub activity: Vec<ActivityEntry>,
}

/// What the Copy action tells the user.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct CopyReceipt {
    pub clears_in_seconds: u32,
}

/// App-wide facts for the header and badges.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AppStatus {
    pub version: String,
    pub data_dir: String,
    pub keychain_available: bool,
    pub keychain_message: Option<String>,
}

/// The shell. Cheap to clone; clones share state.
#[derive(Clone)]
pub struct Shell(Arc<Inner>);

pub struct Inner {
    pub deck: Deck,
    host: Arc<dyn Host>,
    copied: Mutex<Option<Secret>>,
    recent_links: Mutex<VecDeque<(String, Instant)>>,
    refreshing: Mutex<HashSet<String>>,
    /// Authorization URLs of sign-ins this window is waiting for (to open them again).
    waiting: Mutex<HashMap<LoginHandle, String>>,
    /// Wakes the refresh timer when accounts change.
    pub changed: Notify,
}

impl Deref for Shell {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl std::fmt::Debug for Shell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shell").field("deck", &self.deck).finish_non_exhaustive()
    }
}

impl Shell {
    pub fn new(deck: Deck, host: Arc<dyn Host>) -> Self {
        Shell(Arc::new(Inner {
            deck,
            host,
            copied: Mutex::default(),
            recent_links: Mutex::default(),
            refreshing: Mutex::default(),
            waiting: Mutex::default(),
            changed: Notify::new(),
        }))
    }

    /// All accounts, most urgent first; reads the account files on a blocking thread, so the
    /// main thread (which also paints the window) never waits on the disk.
    pub async fn accounts(&self) -> IpcResult<Vec<AccountView>> {
        let deck = self.deck.clone();
        async_runtime::spawn_blocking(move || deck.accounts(Utc::now()))
            .await
            .map_err(|e| IpcError::other(format!("Listing the accounts stopped: {e}")))?
            .map_err(IpcError::from)
    }

    /// Brings the window to the front.
    pub fn host_focus(&self) {
        self.host.focus_window();
    }

    /// Tells the UI (and the refresh timer) that accounts changed.
    pub fn accounts_changed(&self) {
        self.host.emit(AppEvent::AccountsChanged(AccountsChanged {}));
        self.changed.notify_one();
    }

    // ----- accounts -----

    pub async fn details(&self, id: &str) -> IpcResult<AccountDetails> {
        let inspection = self.deck.inspect(id).await?;
        let activity = self.deck.activity(&inspection.account.id, 100)?;
        Ok(AccountDetails { inspection, activity })
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
        let bundle = self.deck.diagnostics(keychain, now)?;
        let path = dir.join(format!("authdeck-diagnostics-{}.json", now.format("%Y%m%d-%H%M%S")));
        authdeck_core::atomic::write_json(&path, &bundle).map_err(|e| {
            IpcError::other(format!("AuthDeck could not save {}: {e}.", path.display()))
        })?;
        Ok(path.display().to_string())
    }

    // ----- providers -----

    pub fn providers(&self) -> IpcResult<Vec<ProviderView>> {
        Ok(self.deck.providers()?.iter().map(ProviderView::from).collect())
    }

    pub fn presets() -> Vec<PresetView> {
        Preset::ALL
            .into_iter()
            .map(|preset| {
                let issuer = (preset == Preset::Oidc).then(|| "https://issuer.invalid".to_string());
                let config =
                    preset.config("preset", "client", issuer, None).expect("presets are valid");
                PresetView {
                    id: preset.id().to_string(),
                    label: preset.label().to_string(),
                    needs_issuer: preset == Preset::Oidc,
                    default_scopes: config.scopes,
                    redirect_uri: config.redirect.display_uri(),
                }
            })
            .collect()
    }

    pub async fn add_provider(
        &self,
        input: ProviderInput,
        client_secret: Option<String>,
    ) -> IpcResult<ProviderView> {
        let config = input.build()?;
        let secret = client_secret.filter(|s| !s.trim().is_empty()).map(Secret::new);
        let config = self.deck.add_provider(config, secret).await?;
        self.accounts_changed();
        Ok(ProviderView::from(&config))
    }

    pub async fn remove_provider(&self, name: &str) -> IpcResult<()> {
        self.deck.remove_provider(name).await?;
        self.accounts_changed();
        Ok(())
    }

    // ----- sign-in -----

    /// Starts a sign-in, opens the browser, and waits in the background for its answer by any
    /// route (loopback listener here, deep link, paste, or another AuthDeck process).
    pub async fn start_login(
        &self,
        provider: &str,
        login_hint: Option<String>,
    ) -> IpcResult<LoginStarted> {
        let started = self.deck.start_login(provider, LoginOptions { login_hint }).await?;
        let ticket = started.ticket();
        // Pasted addresses arrive through `submit_callback`, cancels through `cancel_login`:
        // both end the sign-in in the core, and the session sees it.
        let session = authdeck_core::SignInSession::new(&self.deck, started);
        let shell = self.clone();
        let handle = ticket.handle.clone();
        self.waiting
            .lock()
            .expect("waiting sign-ins")
            .insert(handle.clone(), ticket.authorization_url.clone());
        async_runtime::spawn(async move {
            let result = session.finish(None, std::future::pending(), |_| {}).await;
            shell.waiting.lock().expect("waiting sign-ins").remove(&handle);
            let (account, error) = match result {
                Ok(account) => (Some(account), None),
                Err(e) => (None, Some(IpcError::from(e))),
            };
            shell.host.emit(AppEvent::LoginFinished(LoginFinished { handle, account, error }));
            shell.accounts_changed();
            shell.host.focus_window();
        });
        let browser_error = self.host.open_browser(&ticket.authorization_url).err();
        Ok(LoginStarted { ticket, browser_error })
    }

    /// Opens the sign-in page of a sign-in this window is waiting for, again.
    pub fn reopen_login(&self, handle: &LoginHandle) -> IpcResult<()> {
        let url = self.waiting.lock().expect("waiting sign-ins").get(handle).cloned();
        let url = url.ok_or_else(|| {
            IpcError::from(Error::Invalid("That sign-in is no longer waiting.".into()))
        })?;
        self.host.open_browser(&url).map_err(|why| {
            IpcError::other(format!("AuthDeck could not open your browser ({why})."))
        })
    }

    /// "Reconnect": signs in again with the same provider, hinting the same user.
    pub async fn reconnect(&self, id: &str) -> IpcResult<LoginStarted> {
        let record = self.deck.account_record(id)?;
        let hint = record.email.clone().or(record.name.clone());
        self.start_login(&record.provider, hint).await
    }

    pub async fn cancel_login(&self, handle: &LoginHandle) {
        // The waiter reports the cancellation and stops the listener.
        self.deck.cancel_login(handle).await;
    }

    /// An address pasted into the "Paste the address you were sent to" field.
    pub async fn submit_callback(&self, url: &str) -> IpcResult<AccountView> {
        let account = self.deck.complete_callback(url).await?;
        self.accounts_changed();
        Ok(account)
    }

    /// A sign-in answer delivered by the OS (deep link, or the app started with it). Handled
    /// in Rust; the UI only hears the outcome. The same link delivered twice (the deep-link
    /// plugin and single-instance both forward it) is handled once.
    pub async fn handle_link(&self, url: &str) {
        {
            let mut recent = self.recent_links.lock().expect("recent links");
            recent.retain(|(_, at)| at.elapsed() < Duration::from_secs(60));
            if recent.iter().any(|(seen, _)| seen == url) {
                return;
            }
            recent.push_back((url.to_string(), Instant::now()));
        }
        self.host.focus_window();
        let result = self.deck.complete_callback(url).await;
        let (account, error) = match result {
            Ok(account) => (Some(account), None),
            Err(e) => (None, Some(IpcError::from(e))),
        };
        self.host.emit(AppEvent::CallbackHandled(CallbackHandled { account, error }));
        self.accounts_changed();
    }

    // ----- tokens -----

    /// Copies an account's access token, and clears it from the clipboard after 30 seconds
    /// if it is still there.
    pub async fn copy_token(&self, id: &str) -> IpcResult<CopyReceipt> {
        let account_id = self.deck.account(id, Utc::now())?.id;
        let token = self.deck.access_token(&account_id).await?;
        self.host.clipboard().put_secret(&token).map_err(|why| {
            IpcError::other(format!("AuthDeck could not use the clipboard ({why})."))
        })?;
        *self.copied.lock().expect("copied") = Some(token.clone());
        self.deck.record_activity(&account_id, ActivityKind::Copied, None);
        let shell = self.clone();
        async_runtime::spawn(async move {
            tokio::time::sleep(Duration::from_secs(CLIPBOARD_SECONDS)).await;
            let cleared = shell.clear_clipboard_if_holding(&token);
            shell.host.emit(AppEvent::ClipboardCleared(ClipboardCleared { account_id, cleared }));
        });
        self.accounts_changed();
        Ok(CopyReceipt { clears_in_seconds: CLIPBOARD_SECONDS as u32 })
    }

    /// Clears the clipboard if it still holds `token`. True when it did.
    fn clear_clipboard_if_holding(&self, token: &Secret) -> bool {
        let clipboard = self.host.clipboard();
        let holds = clipboard.read_text().is_some_and(|text| Secret::new(text) == *token);
        let cleared = holds && clipboard.clear().is_ok();
        let mut copied = self.copied.lock().expect("copied");
        if copied.as_ref() == Some(token) {
            *copied = None;
        }
        cleared
    }

    /// On quit: clear the clipboard if it still holds the last copied token.
    pub fn clear_clipboard_on_exit(&self) {
        let last = self.copied.lock().expect("copied").clone();
        if let Some(token) = last {
            self.clear_clipboard_if_holding(&token);
        }
    }

    /// "Reveal": the one path by which a token value reaches the web UI, on explicit request.
    pub async fn reveal_token(&self, id: &str) -> IpcResult<String> {
        let account_id = self.deck.account(id, Utc::now())?.id;
        let token = self.deck.access_token(&account_id).await?;
        self.deck.record_activity(
            &account_id,
            ActivityKind::Revealed,
            Some("Shown in the window".into()),
        );
        self.accounts_changed();
        Ok(token.expose().to_string())
    }
}
