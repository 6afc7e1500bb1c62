//! Copying and revealing tokens: the only operations that touch a token value, and the
//! clipboard's lifecycle (cleared after [`CLIPBOARD_SECONDS`] if it still holds the token, and
//! on quit). A reveal needs the one-time grant of a click (see [`super::gesture`]).

use std::time::{Duration, Instant};

use authdeck_core::{AccessToken, HandOutKind};
use chrono::Utc;
use tauri::async_runtime;

use super::{CopyReceipt, RevealGrant, Shell};
use crate::error::{IpcError, IpcResult};
use crate::events::{AppEvent, ClipboardCleared};

/// The program the activity history names for copies and reveals in the window.
const WINDOW: &str = "AuthDeck";

/// How long a copied token stays on the clipboard.
pub const CLIPBOARD_SECONDS: u64 = 30;

impl Shell {
    /// Copies an account's access token, and clears it from the clipboard after 30 seconds
    /// if it is still there.
    pub async fn copy_token(&self, id: &str) -> IpcResult<CopyReceipt> {
        let account_id = self.deck.account(id, Utc::now())?.id;
        let token = self.deck.access_token(&account_id).await?;
        self.host.clipboard().put_secret(&token).map_err(|why| {
            IpcError::other(format!("AuthDeck could not use the clipboard ({why})."))
        })?;
        *self.copied.lock().expect("copied") = Some(token.clone());
        self.deck.record_hand_out(&account_id, HandOutKind::Copy, WINDOW);
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
    fn clear_clipboard_if_holding(&self, token: &AccessToken) -> bool {
        let clipboard = self.host.clipboard();
        let holds = clipboard.read_text().is_some_and(|text| AccessToken::new(text) == *token);
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

    /// The click on "Reveal": a one-time grant, for this account only, usable for a few
    /// seconds, that [`Shell::reveal_token`] spends.
    pub fn begin_reveal(&self, id: &str) -> IpcResult<RevealGrant> {
        let account_id = self.deck.account(id, Utc::now())?.id;
        let nonce = self.gestures.issue(&account_id, Instant::now());
        let expires_in_seconds = self.gestures.lifetime().as_secs() as u32;
        Ok(RevealGrant { nonce, expires_in_seconds })
    }

    /// "Reveal": the one path by which a token value reaches the web UI, on explicit request
    /// with the fresh grant of [`Shell::begin_reveal`].
    pub async fn reveal_token(&self, id: &str, nonce: &str) -> IpcResult<String> {
        let account_id = self.deck.account(id, Utc::now())?.id;
        self.gestures.consume(&account_id, nonce, Instant::now())?;
        let token = self.deck.access_token(&account_id).await?;
        self.deck.record_hand_out(&account_id, HandOutKind::Reveal, WINDOW);
        self.accounts_changed();
        Ok(token.expose().to_string())
    }
}
