//! Sign-in: starting one and waiting for its answer in the background by any route (the
//! loopback listener here, a deep link, a pasted address, or another AuthDeck process), and
//! sign-in answers the OS delivers as links. A sign-in with a code waits in the same place.

use std::time::{Duration, Instant};

use authdeck_core::{AccountView, Error, LoginHandle, LoginOptions, SignInSession};
use tauri::async_runtime;

use super::{DeviceStarted, LoginStarted, Shell};
use crate::error::{IpcError, IpcResult};
use crate::events::{AppEvent, CallbackHandled, LoginFinished};

impl Shell {
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
        let session = SignInSession::new(&self.deck, started);
        self.wait_in_background(session, ticket.handle.clone(), ticket.authorization_url.clone());
        let browser_error = self.host.open_browser(&ticket.authorization_url).err();
        Ok(LoginStarted { ticket, browser_error })
    }

    /// "Sign in with a code": asks the provider for a code and waits for its approval the
    /// same way as for a browser sign-in (Cancel is `cancel_login`, the end `LoginFinished`;
    /// Open is `reopen_login`, which opens the verification address).
    pub async fn start_device_login(&self, provider: &str) -> IpcResult<DeviceStarted> {
        let started = self.deck.start_device_login(provider).await?;
        let code = started.code.clone();
        let qr_svg = authdeck_core::qr_svg(code.address());
        let session = SignInSession::device(&self.deck, started);
        self.wait_in_background(session, code.handle.clone(), code.address().to_string());
        Ok(DeviceStarted { code, qr_svg })
    }

    /// Waits for a started sign-in by every route it has, then tells the window.
    fn wait_in_background(&self, session: SignInSession, handle: LoginHandle, address: String) {
        let shell = self.clone();
        self.waiting.lock().expect("waiting sign-ins").insert(handle.clone(), address);
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
    }

    /// Opens the sign-in page of a sign-in this window is waiting for, again.
    pub fn reopen_login(&self, handle: &LoginHandle) -> IpcResult<()> {
        let url = self.waiting.lock().expect("waiting sign-ins").get(handle).cloned();
        let url = url.ok_or_else(|| IpcError::from(Error::LoginNotWaiting))?;
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
        if super::is_offer(url) {
            self.offer_provider(url);
            return;
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
}
