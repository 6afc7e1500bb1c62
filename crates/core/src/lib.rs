//! # authdeck-core
//!
//! Connects OAuth 2.0 / OpenID Connect accounts, keeps their tokens fresh, and keeps every
//! secret in the OS keychain. The `authdeck` CLI and the desktop app are thin callers of this
//! crate; it has no Tauri dependency and runs headless.
//!
//! ## A tour
//!
//! ```no_run
//! use authdeck_core::{Deck, LoginOptions, Preset};
//!
//! # async fn tour() -> authdeck_core::Result<()> {
//! // The data directory ($AUTHDECK_HOME or the platform app-data dir) and the OS keychain.
//! let deck = Deck::open()?;
//!
//! // A provider: a preset, an OIDC issuer, or explicit endpoints.
//! let google = Preset::Google.config("google", "my-client-id", None, None)?;
//! deck.add_provider(google, None).await?;
//!
//! // Sign in: open the URL in the browser; the answer comes back by deep link, loopback, or
//! // `authdeck callback URL` from any process.
//! let started = deck.start_login("google", LoginOptions::default()).await?;
//! println!("open {}", started.authorization_url);
//! let account = deck.wait_for_login(&started.handle, started.expires_at).await?;
//!
//! // Listing reads no secret; status and expiry are computed from metadata and `now`.
//! for view in deck.accounts(chrono::Utc::now())? {
//!     println!("{} {:?} {:?}", view.display_name, view.status, view.expires_at);
//! }
//!
//! // A fresh access token (refreshed first when it is about to expire), never twice at once.
//! let token = deck.access_token(&account.id).await?;
//! # let _ = token.expose();
//! deck.disconnect(&account.id).await?;
//! # Ok(()) }
//! ```
//!
//! ## Where things are
//!
//! - Secrets: [`Secret`] (redacted, not serializable) in one keychain entry per account
//!   (`keychain`, `token_set`).
//! - Sign-in: `login` (PKCE, state, nonce), `callback` (checking answers), `pending`
//!   (sign-ins shared between processes), `loopback`, `id_token`, `discovery`; `device` (sign-in
//!   with a code, RFC 8628) waits the same way with a poller as its route.
//! - Tokens: `refresh` (single-flight, rotation), `expiry` (pure status rules),
//!   `disconnect` (RFC 7009 revocation), `inspect`, `remote_check` (asking the provider
//!   whether it still accepts a token), `activity` (history, hand-outs and who took them).
//! - Listings shared by the CLI and the window: [`AccountView`], `views` (providers, presets),
//!   `access_words` (what scopes mean, in plain words).
//! - Errors: [`Error`], each one plain sentence; [`ErrorKind`] for the UI to branch on.
//!
//! ## The public surface
//!
//! Modules are private; what the CLI and the desktop shell use is re-exported below, so a
//! change inside a module cannot break a caller unless it changes one of these names. The one
//! public module is [`desktop`], whose plan the shell carries out and whose functions read
//! best qualified (`desktop::plan`, `desktop::reclaim`). The benchmarks, the fuzz targets and
//! the live-provider tests drive internals directly; they turn on the `internals` feature and
//! go through `internals`, which is not part of the supported surface.

mod access_words;
mod account;
mod account_store;
mod activity;
mod atomic;
mod attention;
mod callback;
mod config;
mod deck;
pub mod desktop;
mod device;
mod diagnostics;
mod disconnect;
mod discovery;
mod doctor;
mod error;
mod exchange;
mod expiry;
mod find_issuer;
mod home;
mod http;
mod id_token;
mod ids;
mod inspect;
mod jwt;
mod keychain;
mod lapse;
mod lock;
mod login;
mod loopback;
mod pending;
mod private;
mod provider;
mod qr;
mod refresh;
mod registration;
mod remote_check;
mod revoke;
mod secret;
mod settings;
mod share;
mod signin;
mod signing_key;
#[cfg(test)]
mod testing;
mod token_cache;
mod token_response;
mod token_set;
mod unsaved;
mod userinfo;
mod views;
#[cfg(test)]
mod x_tests;

/// Internals for the benchmarks, the fuzz targets and the live-provider tests, which measure
/// or attack one layer at a time. Behind the `internals` feature; nothing here is a contract.
#[cfg(feature = "internals")]
pub mod internals {
    /// Each internal module again, as it is inside the crate.
    macro_rules! reopen {
        ($($(#[$doc:meta])* $name:ident,)*) => {$(
            $(#[$doc])*
            pub mod $name {
                pub use crate::$name::*;
            }
        )*};
    }

    reopen! {
        /// Account metadata files.
        account_store,
        /// The activity log.
        activity,
        /// Atomic file writes.
        atomic,
        /// Parsing and checking sign-in answers.
        callback,
        /// OpenID Connect discovery.
        discovery,
        /// The HTTP client and the token-endpoint answer rules.
        http,
        /// ID-token verification.
        id_token,
        /// The keychain wrapper and the OS store.
        keychain,
        /// Per-account locks.
        lock,
        /// The token cache of long-lived processes and its crash points.
        token_cache,
        /// Token-endpoint answers.
        token_response,
        /// The secrets of one account as stored in the keychain.
        token_set,
    }
}

pub use access_words::{
    OFFLINE_SCOPES, OTHER_ACCESS, ScopeWords, access_words, is_offline_scope, scope_words,
    scopes_words,
};
pub use account::{AccountRecord, AccountView};
pub use account_store::Snapshot as AccountSnapshot;
pub use activity::{ActivityEntry, ActivityKind, HandOutKind};
pub use atomic::write_json as write_json_atomically;
pub use attention::{
    Attention, LONGEST_SLEEP, TrayItem, attention, needs_attention, next_refresh_due, sleep_until,
    tray_menu,
};
pub use config::DeckConfig;
pub use deck::Deck;
pub use device::{
    Clock, DEFAULT_INTERVAL, DeviceCodeView, DeviceError, SLOW_DOWN_STEP, Schedule,
    StartedDeviceLogin, SystemClock,
};
pub use disconnect::DisconnectReport;
pub use doctor::{DoctorReport, HandBack, Route as HandBackRoute};
pub use error::{CallbackError, Error, ErrorKind, RemoteError, Result};
pub use expiry::{REFRESH_WITHIN, Status};
pub use find_issuer::FoundIssuer;
pub use home::{APP_ID, Home};
pub use ids::LoginHandle;
pub use ids::{AccountRef, ProviderName};
pub use inspect::{Inspection, TokenShape};
pub use keychain::{MemoryStore, SecretStore};
pub use lapse::{
    Concern, EXPIRY_WARNING, FAILING_FOR, LAPSE_WARNING, Notice, NoticeAction, Notified,
    SEPARATE_NOTICES, coalesce as coalesce_notices,
};
pub use login::{LoginOptions, LoginTicket, StartedLogin};
pub use provider::{
    ClientSecretSource, Endpoints, FILE_VERSION, MAX_FILE_BYTES, PROVIDER_NAME_MAX_LEN,
    PROVIDER_NAME_PUNCTUATION, Preset, ProviderConfig, ProviderFile, ProviderInput, Redirect,
    Registration,
};
pub use qr::{svg as qr_svg, terminal as qr_terminal};
pub use refresh::{BULK_CONCURRENCY, HandOut, HandedIdToken};
pub use remote_check::{RemoteCheck, RemoteMethod};
pub use secret::{
    AccessToken, AuthorizationCode, ClientSecret, IdToken, KeychainValue, Kind, Nonce,
    PkceVerifier, RefreshToken, RegistrationToken, Revocable, Secret, Shareable, State, kind,
};
pub use settings::AppSettings;
pub use signin::SignInSession;
pub use views::{
    ERROR_KINDS, EXPIRING_WITHIN_SECONDS, PRIMARY_ACTIONS, PresetView, PrimaryActions,
    ProviderKind, ProviderView, RowAction, STATUS_WORDS, StatusActions, StatusWords,
};
