//! A connected account: the metadata kept in `accounts/<id>.json` (never a secret) and the
//! view of it that the CLI prints and the window shows.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::access_words::access_words;
use crate::discovery::ProviderMetadata;
use crate::expiry::{self, Status};
use crate::id_token::Identity;
use crate::provider::{ClientSecretSource, Preset};
use crate::token_response::IssuedTokens;
use crate::token_set::TokenSet;
use crate::views::{PRIMARY_ACTIONS, RowAction};

/// The client settings an account was connected with, kept so that refresh and revoke keep
/// working even if the provider entry is later edited or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientSnapshot {
    pub client_id: String,
    #[serde(default)]
    pub client_secret: ClientSecretSource,
    #[serde(default)]
    pub preset: Option<Preset>,
}

/// Everything AuthDeck knows about an account except its secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRecord {
    pub id: String,
    pub provider: String,
    pub provider_label: String,
    pub subject: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    /// The ID token identity, for OpenID Connect accounts (checked again after each refresh).
    #[serde(default)]
    pub identity: Option<Identity>,
    pub scopes: Vec<String>,
    pub token_type: String,
    /// When the current access token was requested.
    pub issued_at: DateTime<Utc>,
    /// `None`: the provider did not say.
    pub expires_at: Option<DateTime<Utc>>,
    pub has_refresh_token: bool,
    /// When the refresh token itself stops working, when known: the provider's
    /// `refresh_expires_in`, or the `exp` of a JWT refresh token. Metadata, not a secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_expires_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub has_id_token: bool,
    pub connected_at: DateTime<Utc>,
    #[serde(default)]
    pub last_refreshed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub last_error: Option<String>,
    #[serde(default)]
    pub last_error_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub needs_reconnect: bool,
    /// When "Check with provider" found that the provider no longer accepts the current
    /// access token (revoked or expired there); cleared by a refresh or a new sign-in.
    #[serde(default)]
    pub provider_rejected_at: Option<DateTime<Utc>>,
    #[serde(default = "yes")]
    pub auto_refresh: bool,
    /// Bumped on every change of tokens; a waiter compares it to know a refresh happened.
    #[serde(default)]
    pub generation: u64,
    /// Set to the generation being written while a writer changes the keychain entry, and
    /// cleared when the metadata describes what it wrote: a reader that finds it set cannot
    /// trust a token set it kept from before, and reads the keychain (see `token_cache`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub writing_generation: Option<u64>,
    pub client: ClientSnapshot,
    pub metadata: ProviderMetadata,
}

fn yes() -> bool {
    true
}

/// The id of a new account for `subject`, as `client_id`, at `authority` (the issuer, or the
/// token endpoint of a provider without one), named after the provider it was made with.
/// Accounts are found again by identity ([`AccountRecord::is_identity`]), not by this id:
/// accounts made before this scheme keep their ids.
pub fn account_id(provider: &str, authority: &str, client_id: &str, subject: &str) -> String {
    let digest = Sha256::digest(format!("{authority}\n{client_id}\n{subject}").as_bytes());
    let hex: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    format!("{provider}-{hex}")
}

/// An account as shown to people and printed by `accounts --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AccountView {
    pub id: String,
    pub provider: String,
    pub provider_label: String,
    /// `google`, `microsoft`, `github`, `gitlab`, `x`, `oidc` or null (for the icon).
    pub preset: Option<String>,
    pub subject: String,
    pub email: Option<String>,
    /// Email, else name, else subject.
    pub display_name: String,
    /// The person's initials for the row's avatar: from the name, else the email's local
    /// part ("Alice Liddell" and "alice.liddell@…" both give "AL").
    pub initials: String,
    pub scopes: Vec<String>,
    /// What the scopes mean in plain words, each phrase once (the core's `access_words`); the
    /// raw names stay in `scopes` for Details.
    pub access: Vec<String>,
    pub status: Status,
    /// What the row offers first at listing time (`PRIMARY_ACTIONS` flips it live).
    pub primary_action: RowAction,
    pub expires_at: Option<DateTime<Utc>>,
    pub issued_at: DateTime<Utc>,
    pub has_refresh_token: bool,
    /// When the sign-in itself lapses (the refresh token's end), when the provider says.
    pub refresh_expires_at: Option<DateTime<Utc>>,
    pub last_refreshed_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub auto_refresh: bool,
    /// When automatic refresh will run (null when off, impossible, or expiry unknown).
    pub auto_refresh_at: Option<DateTime<Utc>>,
    /// When the provider said it no longer accepts the current token (then the status is
    /// `needs_reconnect`); null otherwise.
    pub provider_rejected_at: Option<DateTime<Utc>>,
}

impl AccountRecord {
    /// The view of this account at `now`.
    pub fn view(&self, now: DateTime<Utc>) -> AccountView {
        let rejected = self.provider_rejected_at.is_some();
        let status = expiry::status(self.expires_at, self.needs_reconnect || rejected, now);
        let auto_refresh_at =
            (self.auto_refresh && self.has_refresh_token && !self.needs_reconnect)
                .then(|| expiry::auto_refresh_at(self.issued_at, self.expires_at))
                .flatten();
        AccountView {
            id: self.id.clone(),
            provider: self.provider.clone(),
            provider_label: self.provider_label.clone(),
            preset: self.client.preset.map(|p| p.id().to_string()),
            subject: self.subject.clone(),
            email: self.email.clone(),
            display_name: self.display_name(),
            initials: initials(self.name.as_deref(), self.email.as_deref(), &self.subject),
            scopes: self.scopes.clone(),
            access: access_words(&self.scopes),
            status,
            primary_action: PRIMARY_ACTIONS.of(status, self.has_refresh_token),
            expires_at: self.expires_at,
            issued_at: self.issued_at,
            has_refresh_token: self.has_refresh_token,
            refresh_expires_at: self.refresh_expires_at.filter(|_| self.has_refresh_token),
            last_refreshed_at: self.last_refreshed_at,
            last_error: self.last_error.clone(),
            auto_refresh: self.auto_refresh,
            auto_refresh_at,
            provider_rejected_at: self.provider_rejected_at,
        }
    }

    /// Records that `tokens` (from `issued`, requested at `sent_at`) are now this account's
    /// secrets: times, token type, granted scopes (the current ones when the provider did not
    /// say), what is held, errors cleared, and a new generation for waiters to notice.
    pub(crate) fn apply_issued(
        &mut self,
        issued: &IssuedTokens,
        tokens: &TokenSet,
        sent_at: DateTime<Utc>,
    ) {
        self.issued_at = sent_at;
        self.expires_at = expiry::expires_at(sent_at, issued.expires_in);
        self.token_type = issued.token_type.clone();
        if let Some(scopes) = &issued.scopes {
            self.scopes = scopes.clone();
        }
        self.has_refresh_token = tokens.refresh_token.is_some();
        let jwt_exp = issued
            .refresh_token
            .as_ref()
            .and_then(|t| crate::jwt::decode(t.expose()))
            .and_then(|jwt| jwt.claims.get("exp").and_then(serde_json::Value::as_i64));
        self.refresh_expires_at = expiry::refresh_expires_at(
            sent_at,
            issued.refresh_expires_in,
            jwt_exp,
            issued.refresh_token.is_some(),
            self.refresh_expires_at,
        );
        self.has_id_token = tokens.id_token.is_some();
        self.last_error = None;
        self.last_error_at = None;
        self.needs_reconnect = false;
        self.provider_rejected_at = None;
        self.generation = self.settled_generation() + 1;
        self.writing_generation = None;
    }

    /// The highest generation the keychain entry may hold: the metadata's, or that of a write
    /// that was marked and never confirmed. A new write takes the next one, so it can never be
    /// mistaken for either.
    pub(crate) fn settled_generation(&self) -> u64 {
        self.generation.max(self.writing_generation.unwrap_or(0))
    }

    /// Who vouches for this account: the issuer, or the token endpoint without one.
    pub fn authority(&self) -> &str {
        self.metadata.issuer.as_deref().unwrap_or(&self.metadata.token_endpoint)
    }

    /// Whether this is the account of `subject`, as `client_id`, at `authority`. The provider
    /// name is not part of it: a provider removed and added again for another issuer makes
    /// new accounts, never reuses these.
    pub fn is_identity(&self, authority: &str, client_id: &str, subject: &str) -> bool {
        self.authority() == authority
            && self.client.client_id == client_id
            && self.subject == subject
    }

    pub fn display_name(&self) -> String {
        self.email.clone().or_else(|| self.name.clone()).unwrap_or_else(|| self.subject.clone())
    }

    /// Sorts most urgent first: reconnect needed, then soonest expiry, unknown expiry last.
    pub fn urgency_key(&self) -> (bool, Option<DateTime<Utc>>, String) {
        (!self.needs_reconnect, self.expires_at.or(Some(DateTime::<Utc>::MAX_UTC)), self.id.clone())
    }
}

/// Up to two initials: the first letters of the first and last words of the name, else of
/// the email's local part (split at `.`, `_`, `-`, `+`), else the subject's first letter or
/// digit, else "?".
pub fn initials(name: Option<&str>, email: Option<&str>, subject: &str) -> String {
    let of_words = |text: &str, separators: &[char]| -> Option<String> {
        let firsts: Vec<char> = text
            .split(|c: char| c.is_whitespace() || separators.contains(&c))
            .filter_map(|word| word.chars().find(|c| c.is_alphanumeric()))
            .collect();
        let picked = match firsts.as_slice() {
            [] => return None,
            [only] => vec![*only],
            [first, .., last] => vec![*first, *last],
        };
        Some(picked.into_iter().flat_map(char::to_uppercase).collect())
    };
    let local_part = email.map(|e| e.split('@').next().unwrap_or_default());
    name.and_then(|n| of_words(n, &[]))
        .or_else(|| local_part.and_then(|l| of_words(l, &['.', '_', '-', '+'])))
        .or_else(|| {
            subject.chars().find(|c| c.is_alphanumeric()).map(|c| c.to_uppercase().collect())
        })
        .unwrap_or_else(|| "?".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_come_from_the_name_else_the_email() {
        assert_eq!(initials(Some("Alice Liddell"), Some("x@example.com"), "1"), "AL");
        assert_eq!(initials(Some("  mary ann  de la cruz "), None, "1"), "MC");
        assert_eq!(initials(Some("Zoë"), None, "1"), "Z");
        assert_eq!(initials(Some("élodie durand"), None, "1"), "ÉD");
        assert_eq!(initials(None, Some("alice.liddell@example.com"), "1"), "AL");
        assert_eq!(initials(None, Some("bob@example.com"), "1"), "B");
        assert_eq!(initials(Some(" "), Some("carol_d+tag@example.com"), "1"), "CT");
        assert_eq!(initials(None, None, "248289761001"), "2");
        assert_eq!(initials(Some("-"), Some("@x"), "|"), "?");
    }

    #[test]
    fn ids_are_stable_per_issuer_client_and_subject() {
        let id = |iss: &str, client: &str, sub: &str| account_id("google", iss, client, sub);
        assert_eq!(id("https://a", "c", "123"), id("https://a", "c", "123"));
        assert_ne!(id("https://a", "c", "123"), id("https://a", "c", "124"));
        assert_ne!(id("https://a", "c", "123"), id("https://b", "c", "123"));
        assert_ne!(id("https://a", "c", "123"), id("https://a", "d", "123"));
        assert!(id("https://a", "c", "123").starts_with("google-"));
        assert_eq!(id("https://a", "c", "123").len(), "google-".len() + 10);
    }
}

#[cfg(test)]
#[path = "identity_tests.rs"]
mod identity_tests;
