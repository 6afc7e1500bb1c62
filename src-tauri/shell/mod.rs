//! The desktop shell's state and the operations behind its commands.
//!
//! Everything a command does beyond one call into [`Deck`] lives here, one file per concern:
//! [`accounts`] (listing, refresh, disconnect, status), [`providers`], [`login`] (background
//! waits for sign-ins, deep links), [`tokens`] (clipboard lifecycle, reveal), [`gesture`] (the
//! one-time grant a person's click gives for a reveal), and the IPC shapes in [`views`]. The
//! window-specific parts sit behind the small [`Host`] trait, so the same code runs under the
//! real Tauri app and in tests without a window. [`background`] reviews the accounts for the
//! tray and the notifications, with or without a window. The state is private: the refresh timer and
//! the store watcher go through methods.

mod accounts;
mod background;
mod gesture;
mod links;
mod login;
mod offers;
mod providers;
mod tokens;
pub mod views;

use std::collections::{HashMap, HashSet, VecDeque};
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use authdeck_core::{
    AccessToken, AccountSnapshot, AccountView, Deck, LoginHandle, Notice, Notified,
};
use chrono::{DateTime, Utc};
use tokio::sync::Notify;

use crate::events::{AccountsChanged, AppEvent};
use gesture::Gestures;

pub use gesture::{REVEAL_GRANT_SECONDS, REVEAL_REFUSED};
pub use offers::{ProviderOffer, is_offer};
pub use providers::ENV_SECRET_REFUSED;
pub use tokens::CLIPBOARD_SECONDS;
pub use views::{
    AccountDetails, AppStatus, BackgroundSettings, CopyReceipt, DeviceStarted, LoginStarted,
    RevealGrant,
};

/// What the shell needs from its surroundings.
pub trait Host: Send + Sync + 'static {
    fn emit(&self, event: AppEvent);
    fn open_browser(&self, url: &str) -> Result<(), String>;
    fn focus_window(&self);
    fn clipboard(&self) -> &dyn Clipboard;
    /// Shows a desktop notification (none by default).
    fn notify(&self, _notice: &Notice) {}
    /// Shows the accounts' state outside the window: the tray's icon, tooltip and menu.
    fn show_state(&self, _accounts: &[AccountView]) {}
    /// Whether the window is open and has the focus.
    fn window_focused(&self) -> bool {
        false
    }
    /// Whether a tray host is there to keep running in.
    fn tray_available(&self) -> bool {
        false
    }
    /// Whether AuthDeck starts (in the tray) at login.
    fn start_at_login(&self) -> bool {
        false
    }
    fn set_start_at_login(&self, _on: bool) -> Result<(), String> {
        Err("not available here".into())
    }
}

/// The system clipboard, as far as AuthDeck uses it.
pub trait Clipboard: Send + Sync {
    /// Puts a secret on the clipboard, marked to stay out of clipboard history and managers
    /// where the platform supports it.
    fn put_secret(&self, text: &AccessToken) -> Result<(), String>;
    fn read_text(&self) -> Option<String>;
    fn clear(&self) -> Result<(), String>;
}

/// Settings of the shell, passed in (tests shorten them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShellConfig {
    /// How long the grant of a "Reveal" click stays usable.
    pub reveal_grant: Duration,
}

impl Default for ShellConfig {
    fn default() -> Self {
        ShellConfig { reveal_grant: Duration::from_secs(REVEAL_GRANT_SECONDS) }
    }
}

/// The shell. Cheap to clone; clones share state.
#[derive(Clone)]
pub struct Shell(Arc<Inner>);

/// The shell's shared state. Its fields are private to `shell` and its concern modules.
pub struct Inner {
    deck: Deck,
    host: Arc<dyn Host>,
    /// The last token put on the clipboard (to clear it in time, and on quit).
    copied: Mutex<Option<AccessToken>>,
    /// Deep links handled in the last minute (the OS may deliver one twice).
    recent_links: Mutex<VecDeque<(String, Instant)>>,
    /// Accounts being refreshed now.
    refreshing: Mutex<HashSet<String>>,
    /// Authorization URLs of sign-ins this window is waiting for (to open them again).
    waiting: Mutex<HashMap<LoginHandle, String>>,
    /// Grants given by a person's click to reveal a token.
    gestures: Gestures,
    /// Wakes the refresh timer when accounts change.
    changed: Notify,
    /// The hand-back check in progress.
    hand_back: crate::hand_back::Checks,
    /// A provider offered by link or file, waiting for Add and connect or Cancel.
    offers: Mutex<offers::Offers>,
    /// What notifications said about each account (kept in the data folder).
    notified: Mutex<Notified>,
    /// The account the window shows, if one.
    viewing: Mutex<Option<String>>,
    /// The account list being read while the window starts (see `read_accounts_ahead`).
    ahead: Mutex<Option<ReadAhead>>,
}

type ReadAhead = tauri::async_runtime::JoinHandle<authdeck_core::Result<AccountSnapshot>>;

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
        Self::with_config(deck, host, ShellConfig::default())
    }

    pub fn with_config(deck: Deck, host: Arc<dyn Host>, config: ShellConfig) -> Self {
        let notified = Mutex::new(Shell::load_notified(&deck));
        Shell(Arc::new(Inner {
            notified,
            viewing: Mutex::default(),
            ahead: Mutex::default(),
            deck,
            host,
            copied: Mutex::default(),
            recent_links: Mutex::default(),
            refreshing: Mutex::default(),
            waiting: Mutex::default(),
            gestures: Gestures::new(config.reveal_grant),
            changed: Notify::new(),
            hand_back: Default::default(),
            offers: Mutex::default(),
        }))
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

    /// Resolves when accounts changed since the last call (for the refresh timer).
    pub async fn changed(&self) {
        self.changed.notified().await;
    }

    /// The accounts at `now`, for the refresh timer (an unreadable store lists none).
    pub fn accounts_at(&self, now: DateTime<Utc>) -> Vec<AccountView> {
        self.deck.accounts(now).unwrap_or_default()
    }

    /// The files other AuthDeck processes change when they change accounts or providers.
    pub fn store_paths(&self) -> Vec<PathBuf> {
        let home = self.deck.home();
        vec![home.accounts_dir(), home.providers_file()]
    }
}
