//! Disconnecting an account: revoke at the provider (RFC 7009) when it has a revocation
//! endpoint, then delete the secrets and the account.
//!
//! The refresh token is revoked when there is one (which ends the whole grant at most
//! providers), else the access token. If the provider cannot be reached the account is still
//! removed from this computer, and the report says the provider was not told.
//! The account's lock file is kept (an empty file): removing it would break mutual exclusion.

use chrono::Utc;
use serde::Serialize;

use crate::activity::ActivityKind;
use crate::deck::Deck;
use crate::error::{Error, Result};
use crate::provider::quirks_of;
use crate::revoke::{self, Revoke};
use crate::token_set::TokenSet;

/// What disconnecting did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DisconnectReport {
    pub account_id: String,
    /// Whether the provider confirmed the revocation.
    pub revoked: bool,
    /// A plain sentence when the provider could not be told, or has no revocation endpoint.
    pub warning: Option<String>,
    /// What support staff need beside the warning ("HTTP 500 Internal Server Error").
    pub details: Option<String>,
}

impl Deck {
    /// Revokes an account's tokens at the provider and removes it from this computer.
    pub async fn disconnect(&self, id_or_email: &str) -> Result<DisconnectReport> {
        let id = self.accounts.find(id_or_email)?.id;
        let _lock = self.lock(&id).await?;
        let account = self.accounts.get(&id)?;
        let tokens = match self.tokens(&account).await {
            Ok(tokens) => Some(tokens),
            Err(Error::SecretsMissing) => None,
            Err(e) => return Err(e),
        };
        let label = &account.provider_label;
        let mut revoked = false;
        let mut details = None;
        let warning = match (&account.metadata.revocation_endpoint, &tokens) {
            (Some(endpoint), Some(tokens)) => {
                let token = match &tokens.refresh_token {
                    Some(refresh) => Revoke::Refresh(refresh),
                    None => Revoke::Access(&tokens.access_token),
                };
                let secret =
                    self.client_secret(&account.provider, &account.client.client_secret).await;
                let outcome = match secret {
                    Ok(secret) => {
                        revoke::revoke(
                            &self.http,
                            endpoint,
                            token,
                            &account.client.client_id,
                            secret.as_ref(),
                            quirks_of(account.client.preset).basic_client_auth,
                        )
                        .await
                    }
                    Err(e) => Err(e),
                };
                match outcome.map_err(|e| e.named(label)) {
                    Ok(()) => {
                        revoked = true;
                        None
                    }
                    Err(e) => Some({
                        details = e.details();
                        format!(
                            "{e} The account was removed from this computer, but {label} was not told; \
                         its sign-in ends when it expires or when you remove AuthDeck's access in \
                         your {label} account settings."
                        )
                    }),
                }
            }
            (None, Some(_)) => Some(format!(
                "{label} offers no way for apps to end a sign-in. The account was removed from this \
                 computer; to end its access completely, remove AuthDeck in your {label} account \
                 settings."
            )),
            (_, None) => None,
        };
        self.token_cache.forget(&id);
        self.keychain.delete(&TokenSet::key(&id)).await?;
        self.accounts.delete(&id)?;
        let logged = warning.as_ref().map(|w| match &details {
            Some(details) => format!("{w} Details: {details}."),
            None => w.clone(),
        });
        self.activity.record(&id, ActivityKind::Disconnected, logged, Utc::now());
        self.activity.delete(&id);
        // The lock file stays: deleting it while held would let a process that already
        // opened it and one that creates it anew both hold "the lock" (see `lock`).
        tracing::info!(account = id, revoked, "disconnected");
        Ok(DisconnectReport { account_id: id, revoked, warning, details })
    }
}

#[cfg(test)]
#[path = "disconnect_tests.rs"]
mod tests;
