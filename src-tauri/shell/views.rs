//! The shapes the shell's commands return that exist only for the window. Listings shared
//! with the CLI (accounts, providers, presets) are the core's views.

use authdeck_core::Inspection;
use authdeck_core::{ActivityEntry, DeviceCodeView, LoginTicket};
use serde::Serialize;

/// A sign-in started in this window, shown while waiting.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct LoginStarted {
    pub ticket: LoginTicket,
    /// Why the browser did not open, if it did not (the UI then offers the link).
    pub browser_error: Option<String>,
}

/// A sign-in with a code, shown while waiting: the code, where to enter it, and a QR code of
/// the complete address (an SVG made here; nothing is fetched).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct DeviceStarted {
    pub code: DeviceCodeView,
    pub qr_svg: Option<String>,
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

/// The one-time grant a click on "Reveal" gives: `reveal_token` needs it, once, soon.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct RevealGrant {
    pub nonce: String,
    pub expires_in_seconds: u32,
}

/// App-wide facts for the header and badges.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AppStatus {
    pub version: String,
    pub data_dir: String,
    pub keychain_available: bool,
    pub keychain_message: Option<String>,
}

/// The background switches: keep running in the tray when the window closes, start at login.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct BackgroundSettings {
    pub keep_running_when_closed: bool,
    /// Off by default: an autostart entry starts AuthDeck in the tray at login.
    pub start_at_login: bool,
    /// Whether a tray is there to keep running in (otherwise closing the window quits).
    pub tray_available: bool,
}
