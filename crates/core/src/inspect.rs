//! What support staff see when they inspect an account: status, scopes, expiry, endpoints and
//! the decoded header and claims of the access and ID tokens. Never a token value.

use crate::access_words::{ScopeWords, scopes_words};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::account::AccountView;
use crate::deck::Deck;
use crate::error::Result;
use crate::jwt;
use crate::secret::{Kind, Secret};

/// The shape of one token, without its value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TokenShape {
    /// `jwt` or `opaque`.
    pub format: String,
    pub length: usize,
    /// Decoded JOSE header, for JWTs.
    pub header: Option<Value>,
    /// Decoded claims, for JWTs (unverified: for reading, not for trusting).
    pub claims: Option<Value>,
}

impl TokenShape {
    fn of<K: Kind>(token: &Secret<K>) -> Self {
        match jwt::decode(token.expose()) {
            Some(decoded) => TokenShape {
                format: "jwt".into(),
                length: token.expose().len(),
                header: Some(decoded.header),
                claims: Some(decoded.claims),
            },
            None => TokenShape {
                format: "opaque".into(),
                length: token.expose().len(),
                header: None,
                claims: None,
            },
        }
    }
}

/// The provider endpoints an account uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EndpointsView {
    pub issuer: Option<String>,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub revocation_endpoint: Option<String>,
    pub userinfo_endpoint: Option<String>,
    pub jwks_uri: Option<String>,
    pub client_id: String,
}

/// Everything about an account except its secrets.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Inspection {
    pub account: AccountView,
    pub token_type: String,
    pub issued_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    /// Seconds left (negative once expired); null when the provider did not say.
    pub expires_in_seconds: Option<i64>,
    pub scopes: Vec<String>,
    /// Each scope with what it means in plain words (the core's `scopes_words`).
    pub scope_words: Vec<ScopeWords>,
    pub has_refresh_token: bool,
    pub access_token: TokenShape,
    pub id_token: Option<TokenShape>,
    pub last_refreshed_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub last_error_at: Option<DateTime<Utc>>,
    pub connected_at: DateTime<Utc>,
    pub endpoints: EndpointsView,
}

impl Deck {
    /// Inspects an account. Reads its secrets from the keychain to decode them, and returns
    /// none of them.
    pub async fn inspect(&self, id_or_email: &str) -> Result<Inspection> {
        let account = self.accounts.find(id_or_email)?;
        let tokens = self.tokens(&account).await?;
        let now = Utc::now();
        Ok(Inspection {
            token_type: account.token_type.clone(),
            issued_at: account.issued_at,
            expires_at: account.expires_at,
            expires_in_seconds: account.expires_at.map(|at| (at - now).num_seconds()),
            scopes: account.scopes.clone(),
            scope_words: scopes_words(&account.scopes),
            has_refresh_token: tokens.refresh_token.is_some(),
            access_token: TokenShape::of(&tokens.access_token),
            id_token: tokens.id_token.as_ref().map(TokenShape::of),
            last_refreshed_at: account.last_refreshed_at,
            last_error: account.last_error.clone(),
            last_error_at: account.last_error_at,
            connected_at: account.connected_at,
            endpoints: EndpointsView {
                issuer: account.metadata.issuer.clone(),
                authorization_endpoint: account.metadata.authorization_endpoint.clone(),
                token_endpoint: account.metadata.token_endpoint.clone(),
                revocation_endpoint: account.metadata.revocation_endpoint.clone(),
                userinfo_endpoint: account.metadata.userinfo_endpoint.clone(),
                jwks_uri: account.metadata.jwks_uri.clone(),
                client_id: account.client.client_id.clone(),
            },
            account: account.view(now),
        })
    }
}
