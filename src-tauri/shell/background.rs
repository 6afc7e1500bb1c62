//! Working with no window: after every change and at every due time the scheduler
//! ([`crate::refresh_timer`]) asks the shell to review the accounts. The review hands the
//! host the tray's state and the notices the core's lapse rule decides on, and remembers
//! what was said (in the data folder) so nothing is said twice. The window tells the shell
//! which account it shows, so none is announced while the user looks at it.

use authdeck_core::{AccountView, AppSettings, Notified};
use chrono::{DateTime, Utc};

use super::{BackgroundSettings, Shell};
use crate::error::{IpcError, IpcResult};

impl Shell {
    /// Shows the accounts' state in the tray and sends the notices now due.
    pub fn review(&self, accounts: &[AccountView], now: DateTime<Utc>) {
        self.host.show_state(accounts);
        let viewing = self.viewing.lock().expect("viewing").clone();
        let focused = viewing.is_some() && self.host.window_focused();
        let watched = |id: &str| focused && viewing.as_deref() == Some(id);
        let notices = {
            let mut notified = self.notified.lock().expect("notified");
            let (notices, changed) = notified.decide(accounts, now, watched);
            if changed && let Err(e) = notified.save(self.deck.home()) {
                tracing::warn!(error = %e, "could not remember which notices were shown");
            }
            authdeck_core::coalesce_notices(notices)
        };
        for notice in &notices {
            tracing::info!(account = notice.account_id, concern = ?notice.concern, "notice");
            self.host.notify(notice);
        }
    }

    /// When a notice may next be due with no account changing (for the scheduler).
    pub fn next_notice_due(
        &self,
        accounts: &[AccountView],
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        self.notified.lock().expect("notified").next_due(accounts, now)
    }

    /// The window shows `id` (its details), or no single account.
    pub fn set_viewing(&self, id: Option<String>) {
        *self.viewing.lock().expect("viewing") = id;
    }

    /// "Refresh all" from the tray: every account, a few at a time, as a click would.
    pub async fn refresh_all(&self) {
        let ids: Vec<String> = self.accounts_at(Utc::now()).into_iter().map(|a| a.id).collect();
        for chunk in ids.chunks(authdeck_core::BULK_CONCURRENCY) {
            let running: Vec<_> = chunk
                .iter()
                .map(|id| {
                    let (shell, id) = (self.clone(), id.clone());
                    tauri::async_runtime::spawn(async move { shell.refresh(&id, false).await })
                })
                .collect();
            for task in running {
                if let Ok(Err(e)) = task.await {
                    tracing::info!(error = e.message, "a refresh from the tray failed");
                }
            }
        }
    }

    /// The background switches as the window shows them.
    pub fn background_settings(&self) -> BackgroundSettings {
        BackgroundSettings {
            keep_running_when_closed: self.settings().keep_running_when_closed,
            start_at_login: self.host.start_at_login(),
            tray_available: self.host.tray_available(),
        }
    }

    pub fn set_keep_running_when_closed(&self, on: bool) -> IpcResult<BackgroundSettings> {
        let settings = AppSettings { keep_running_when_closed: on, ..self.settings() };
        self.save_settings(&settings)?;
        Ok(self.background_settings())
    }

    pub fn set_start_at_login(&self, on: bool) -> IpcResult<BackgroundSettings> {
        self.host.set_start_at_login(on).map_err(|why| {
            let what = if on { "turn on" } else { "turn off" };
            IpcError::other(format!("AuthDeck could not {what} starting at login ({why})."))
        })?;
        Ok(self.background_settings())
    }

    pub fn settings(&self) -> AppSettings {
        AppSettings::load(self.deck.home())
    }

    pub fn save_settings(&self, settings: &AppSettings) -> IpcResult<()> {
        settings.save(self.deck.home()).map_err(Into::into)
    }

    pub(super) fn load_notified(deck: &authdeck_core::Deck) -> Notified {
        Notified::load(deck.home())
    }
}
