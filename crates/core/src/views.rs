//! What a front end lists about providers and presets, beside [`AccountView`](crate::AccountView).
//!
//! One type per listing, shared by `authdeck provider list --json` and the desktop app's IPC,
//! so the two can never disagree on a field: the CLI prints these as JSON, the shell sends
//! them to the window, and the TypeScript bindings are generated from them.

use serde::Serialize;

use crate::access_words::access_words;
use crate::error::ErrorKind;
use crate::expiry::EXPIRING_WITHIN;
use crate::provider::{ClientSecretSource, Endpoints, Preset, ProviderConfig, Redirect};

/// Every [`ErrorKind`], for front ends that branch on them (the window gets the list through
/// its generated bindings instead of a copy).
pub const ERROR_KINDS: [ErrorKind; 5] = [
    ErrorKind::NeedsReconnect,
    ErrorKind::KeychainUnavailable,
    ErrorKind::InvalidCallback,
    ErrorKind::NotFound,
    ErrorKind::Other,
];

/// [`EXPIRING_WITHIN`] in seconds, for front ends that flip a status live between listings.
pub const EXPIRING_WITHIN_SECONDS: i64 = EXPIRING_WITHIN.num_seconds();

/// The words a person sees for each [`Status`](crate::Status), in the CLI's table and the
/// window's badges alike. `expiring` is followed by when ("Expires in 4 min").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StatusWords {
    pub valid: &'static str,
    pub expiring: &'static str,
    pub expired: &'static str,
    pub needs_reconnect: &'static str,
    /// Under a "reconnect needed" badge when "Check with provider" found the token no longer
    /// accepted (the account's `provider_rejected_at`).
    pub provider_rejected: &'static str,
}

/// See [`StatusWords`].
pub const STATUS_WORDS: StatusWords = StatusWords {
    valid: "Connected",
    expiring: "Expires",
    expired: "Expired",
    needs_reconnect: "Reconnect needed",
    provider_rejected: "The provider no longer accepts this token",
};

impl StatusWords {
    /// The words for `status`.
    pub fn of(&self, status: crate::Status) -> &'static str {
        match status {
            crate::Status::Valid => self.valid,
            crate::Status::Expiring => self.expiring,
            crate::Status::Expired => self.expired,
            crate::Status::NeedsReconnect => self.needs_reconnect,
        }
    }
}

/// What an account's row offers first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RowAction {
    Refresh,
    Reconnect,
}

/// The primary action for each [`Status`](crate::Status).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StatusActions {
    pub valid: RowAction,
    pub expiring: RowAction,
    pub expired: RowAction,
    pub needs_reconnect: RowAction,
}

/// A row's primary action by status, with and without a refresh token: an account whose
/// sign-in ended, or that expired with no refresh token to renew it, offers Reconnect first
/// (Refresh cannot help it); the window flips it live as the status changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PrimaryActions {
    pub with_refresh_token: StatusActions,
    pub without_refresh_token: StatusActions,
}

/// See [`PrimaryActions`].
pub const PRIMARY_ACTIONS: PrimaryActions = PrimaryActions {
    with_refresh_token: StatusActions {
        valid: RowAction::Refresh,
        expiring: RowAction::Refresh,
        expired: RowAction::Refresh,
        needs_reconnect: RowAction::Reconnect,
    },
    without_refresh_token: StatusActions {
        valid: RowAction::Refresh,
        expiring: RowAction::Refresh,
        expired: RowAction::Reconnect,
        needs_reconnect: RowAction::Reconnect,
    },
};

impl PrimaryActions {
    /// The primary action of an account with `status`.
    pub fn of(&self, status: crate::Status, has_refresh_token: bool) -> RowAction {
        let by_status =
            if has_refresh_token { &self.with_refresh_token } else { &self.without_refresh_token };
        match status {
            crate::Status::Valid => by_status.valid,
            crate::Status::Expiring => by_status.expiring,
            crate::Status::Expired => by_status.expired,
            crate::Status::NeedsReconnect => by_status.needs_reconnect,
        }
    }
}

/// Whether a provider signs people in with OpenID Connect or plain OAuth 2.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    Oidc,
    Oauth2,
}

/// A configured provider: its configuration plus what people need to register the client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProviderView {
    pub name: String,
    /// What people see ("Google", "Local demo provider").
    pub label: String,
    pub kind: ProviderKind,
    /// The preset's id (`google`, `oidc`, ...), if it was made from one.
    pub preset: Option<String>,
    pub issuer: Option<String>,
    /// Hand-given endpoints (providers without discovery).
    pub endpoints: Option<Endpoints>,
    /// The sign-in page: from the endpoints, or `None` with an issuer (found by discovery).
    pub authorization_endpoint: Option<String>,
    pub client_id: String,
    /// Where the client secret comes from (never the secret itself).
    pub client_secret: ClientSecretSource,
    pub scopes: Vec<String>,
    /// What the scopes mean in plain words (the core's `access_words`).
    pub access: Vec<String>,
    pub redirect: Redirect,
    /// The redirect URI to register with the provider.
    pub redirect_uri: String,
    /// The RFC 8628 device authorization endpoint given by hand or by the preset.
    pub device_authorization: Option<String>,
    /// Whether "Sign in with a code" is offered: an endpoint is configured, or the provider
    /// has an issuer whose discovery may publish one (a provider without it says so then).
    pub device_sign_in: bool,
    /// Offer "Sign in with a code" first: the browser's answer cannot come back on this
    /// computer (see [`Deck::provider_view`](crate::Deck::provider_view)). Always false in a
    /// view made from the configuration alone.
    pub code_first: bool,
}

impl From<&ProviderConfig> for ProviderView {
    fn from(p: &ProviderConfig) -> Self {
        ProviderView {
            name: p.name.clone(),
            label: p.label(),
            kind: if p.is_oidc() { ProviderKind::Oidc } else { ProviderKind::Oauth2 },
            preset: p.preset.map(|p| p.id().to_string()),
            issuer: p.issuer.clone(),
            endpoints: p.endpoints.clone(),
            authorization_endpoint: p.endpoints.as_ref().map(|e| e.authorization.clone()),
            client_id: p.client_id.clone(),
            client_secret: p.client_secret.clone(),
            scopes: p.scopes.clone(),
            access: access_words(&p.scopes),
            redirect: p.redirect.clone(),
            redirect_uri: p.redirect.display_uri(),
            device_authorization: p.device_authorization.clone(),
            device_sign_in: p.device_authorization.is_some() || p.issuer.is_some(),
            code_first: false,
        }
    }
}

/// A preset offered when adding a provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PresetView {
    pub id: String,
    pub label: String,
    /// Whether the issuer URL must be given (generic OpenID Connect).
    pub needs_issuer: bool,
    pub default_scopes: Vec<String>,
    /// What the default scopes mean in plain words (the core's `access_words`).
    pub access: Vec<String>,
    pub redirect_uri: String,
}

impl PresetView {
    /// Every preset, in the order they are offered.
    pub fn all() -> Vec<PresetView> {
        Preset::ALL.into_iter().map(PresetView::from).collect()
    }
}

impl From<Preset> for PresetView {
    fn from(preset: Preset) -> Self {
        let needs_issuer = preset == Preset::Oidc;
        let issuer = needs_issuer.then(|| "https://issuer.invalid".to_string());
        let config = preset.config("preset", "client", issuer, None).expect("presets are valid");
        PresetView {
            id: preset.id().to_string(),
            label: preset.label().to_string(),
            needs_issuer,
            access: access_words(&config.scopes),
            default_scopes: config.scopes,
            redirect_uri: config.redirect.display_uri(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_provider_view_carries_the_configuration_and_the_registration_facts() {
        let config = Preset::Github.config("gh", "client-1", None, None).unwrap();
        let view = ProviderView::from(&config);
        assert_eq!(view.label, "GitHub");
        assert_eq!(view.kind, ProviderKind::Oauth2);
        assert_eq!(view.preset.as_deref(), Some("github"));
        let endpoints = config.endpoints.as_ref().unwrap();
        assert_eq!(view.authorization_endpoint.as_deref(), Some(endpoints.authorization.as_str()));
        assert_eq!(view.redirect_uri, config.redirect.display_uri());
        let json = serde_json::to_value(&view).unwrap();
        for key in ["name", "label", "kind", "issuer", "endpoints", "client_id", "client_secret"] {
            assert!(json.get(key).is_some(), "{key} in {json}");
        }
        assert_eq!(json["kind"], "oauth2");
    }

    #[test]
    fn error_kinds_lists_every_kind() {
        // A new kind fails to compile here until it is added to ERROR_KINDS.
        let position = |kind: ErrorKind| match kind {
            ErrorKind::NeedsReconnect => 0,
            ErrorKind::KeychainUnavailable => 1,
            ErrorKind::InvalidCallback => 2,
            ErrorKind::NotFound => 3,
            ErrorKind::Other => 4,
        };
        for (i, kind) in ERROR_KINDS.into_iter().enumerate() {
            assert_eq!(position(kind), i);
        }
        assert_eq!(EXPIRING_WITHIN_SECONDS, 300);
    }

    #[test]
    fn reconnect_comes_first_when_refresh_cannot_help() {
        use crate::Status::*;
        for status in [Valid, Expiring, Expired] {
            assert_eq!(PRIMARY_ACTIONS.of(status, true), RowAction::Refresh, "{status:?}");
        }
        assert_eq!(PRIMARY_ACTIONS.of(NeedsReconnect, true), RowAction::Reconnect);
        assert_eq!(PRIMARY_ACTIONS.of(Expired, false), RowAction::Reconnect);
        assert_eq!(PRIMARY_ACTIONS.of(NeedsReconnect, false), RowAction::Reconnect);
        assert_eq!(PRIMARY_ACTIONS.of(Valid, false), RowAction::Refresh);
        let json = serde_json::to_value(PRIMARY_ACTIONS).unwrap();
        assert_eq!(json["without_refresh_token"]["expired"], "reconnect");
    }

    #[test]
    fn every_preset_is_offered_and_only_the_generic_one_needs_an_issuer() {
        let presets = PresetView::all();
        assert_eq!(presets.len(), Preset::ALL.len());
        let needing: Vec<_> = presets.iter().filter(|p| p.needs_issuer).map(|p| &p.id).collect();
        assert_eq!(needing, ["oidc"]);
        assert!(presets.iter().all(|p| !p.default_scopes.is_empty()));
    }
}
