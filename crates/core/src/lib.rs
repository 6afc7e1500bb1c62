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
//!   ([`keychain`], [`token_set`]).
//! - Sign-in: [`login`] (PKCE, state, nonce), [`callback`] (checking answers), [`pending`]
//!   (sign-ins shared between processes), [`loopback`], [`id_token`], [`discovery`].
//! - Tokens: [`refresh`] (single-flight, rotation), [`expiry`] (pure status rules),
//!   [`disconnect`] (RFC 7009 revocation), [`inspect`].
//! - Listings shared by the CLI and the window: [`AccountView`], [`views`] (providers, presets).
//! - Errors: [`Error`], each one plain sentence; [`ErrorKind`] for the UI to branch on.

pub mod account;
pub mod account_store;
pub mod activity;
pub mod atomic;
pub mod callback;
pub mod config;
pub mod deck;
pub mod desktop;
pub mod diagnostics;
pub mod disconnect;
pub mod discovery;
pub mod doctor;
pub mod error;
mod exchange;
pub mod expiry;
pub mod home;
pub mod http;
pub mod id_token;
pub mod ids;
pub mod inspect;
pub mod jwt;
pub mod keychain;
pub mod lock;
pub mod login;
pub mod loopback;
pub mod pending;
pub mod preset;
pub mod private;
pub mod provider;
pub mod provider_input;
pub mod provider_store;
pub mod refresh;
pub mod revoke;
pub mod secret;
pub mod signin;
#[cfg(test)]
pub(crate) mod testing;
pub mod token_response;
pub mod token_set;
mod unsaved;
pub mod userinfo;
pub mod views;

pub use account::{AccountRecord, AccountView};
pub use activity::{ActivityEntry, ActivityKind};
pub use config::DeckConfig;
pub use deck::Deck;
pub use disconnect::DisconnectReport;
pub use error::{CallbackError, Error, ErrorKind, RemoteError, Result};
pub use expiry::Status;
pub use home::{APP_ID, Home};
pub use ids::{AccountRef, ProviderName};
pub use inspect::Inspection;
pub use keychain::{MemoryStore, SecretStore};
pub use login::{LoginOptions, LoginTicket, StartedLogin};
pub use pending::LoginHandle;
pub use preset::Preset;
pub use provider::{ClientSecretSource, Endpoints, ProviderConfig, Redirect};
pub use provider_input::ProviderInput;
pub use secret::Secret;
pub use signin::SignInSession;
pub use views::{ERROR_KINDS, EXPIRING_WITHIN_SECONDS, PresetView, ProviderKind, ProviderView};
