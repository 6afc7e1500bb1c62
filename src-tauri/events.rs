//! Events the shell sends to the web UI. Payloads never carry a token value.

use authdeck_core::{AccountView, LoginHandle};
use serde::Serialize;
use tauri_specta::Event;

use crate::error::IpcError;

/// Accounts or providers changed (this window, the CLI, the timer): fetch the list again.
#[derive(Debug, Clone, Serialize, specta::Type, Event)]
pub struct AccountsChanged {}

/// A refresh of one account started or ended (click or automatic).
#[derive(Debug, Clone, Serialize, specta::Type, Event)]
pub struct RefreshState {
    pub account_id: String,
    pub refreshing: bool,
    pub automatic: bool,
    pub error: Option<IpcError>,
}

/// A sign-in started in this window ended, by whatever route its answer came.
#[derive(Debug, Clone, Serialize, specta::Type, Event)]
pub struct LoginFinished {
    pub handle: LoginHandle,
    pub account: Option<AccountView>,
    pub error: Option<IpcError>,
}

/// A sign-in answer arrived by deep link (or a second start of the app) and was handled.
#[derive(Debug, Clone, Serialize, specta::Type, Event)]
pub struct CallbackHandled {
    pub account: Option<AccountView>,
    pub error: Option<IpcError>,
}

/// The 30 seconds of a copied token are over.
#[derive(Debug, Clone, Serialize, specta::Type, Event)]
pub struct ClipboardCleared {
    pub account_id: String,
    /// True when AuthDeck removed the token; false when the clipboard already held something
    /// else (the user copied over it).
    pub cleared: bool,
}

/// The check whether a test link comes back to the app ended (at first start, or asked for).
#[derive(Debug, Clone, Serialize, specta::Type, Event)]
pub struct LinksChecked {
    pub arrived: bool,
    /// One plain sentence: what the result means for sign-ins.
    pub message: String,
}

/// A provider link or file arrived: the confirmation to show, or one sentence why not.
#[derive(Debug, Clone, Serialize, specta::Type, Event)]
pub struct ProviderOffered {
    pub offer: Option<crate::shell::ProviderOffer>,
    pub error: Option<IpcError>,
}

/// The tray or a notification asked to show one account (the window was open already; a new
/// window reads the same from its address). `reconnect`: start its Reconnect; otherwise focus
/// its Reconnect button.
#[derive(Debug, Clone, Serialize, specta::Type, Event)]
pub struct ShowAccount {
    pub account_id: String,
    pub reconnect: bool,
}

/// Everything the shell can tell the UI, for hosts that deliver events (see [`crate::shell::Host`]).
#[derive(Debug, Clone)]
pub enum AppEvent {
    AccountsChanged(AccountsChanged),
    RefreshState(RefreshState),
    LoginFinished(LoginFinished),
    CallbackHandled(CallbackHandled),
    ClipboardCleared(ClipboardCleared),
    LinksChecked(LinksChecked),
    ProviderOffered(ProviderOffered),
}
