//! Refreshing access tokens, one at a time per account across the whole machine.
//!
//! Each refresh holds the account lock (see [`lock`](crate::lock)) and re-reads the account
//! under it: a caller that waited while another refresh finished takes that result instead of
//! refreshing again. The rotated refresh token is written to the keychain before anything
//! else; if that write fails the refresh fails loudly and the metadata is left alone. A refresh
//! request that may have reached the provider is never retried (a replayed rotated refresh
//! token revokes the grant). `invalid_grant` marks the account "reconnect needed"; every other
//! failure leaves the stored tokens as they were.
//!
//! `refresh --all` runs the same locked refresh for every account, a few at a time. It is
//! bound by the keychain, not by AuthDeck: gnome-keyring serves one call at a time and
//! rewrites its whole file on every write, so a write costs more the more entries it holds
//! (25.8 ms alone at 1,000 in the last measured run, where the bulk took 28.0 ms per account
//! while gnome-keyring's process sat at about 85% of a core). Each account's refresh token must
//! be read and its rotated set written once, under its lock, in that order (a stale token
//! replayed against a rotating provider revokes the grant), so the concurrency only has to
//! keep a keychain call queued while others talk HTTP. A separate writer task would queue the
//! same writes at the same server; what it could save (transits between calls) is below the
//! run-to-run noise at 1,000. The per-phase trace ([`Phases`], `store phases`) is how the
//! benchmark shows this.

use chrono::{DateTime, TimeDelta, Utc};
use tokio::sync::Semaphore;

use crate::account::{AccountRecord, AccountView};
use crate::activity::ActivityKind;
use crate::deck::Deck;
use crate::error::{Error, Result};
use crate::exchange::{self, Exchanged, Grant, exchange};
use crate::expiry;
use crate::id_token::{self, Audience, Expect, Identity};
use crate::provider::quirks_of;
use crate::secret::{AccessToken, IdToken};
use crate::token_response::IssuedTokens;
use crate::token_set::TokenSet;

#[path = "refresh_phases.rs"]
mod phases;
use phases::Phases;

/// How many accounts `refresh --all` refreshes at once.
pub const BULK_CONCURRENCY: usize = 8;
/// The most accounts refreshed at once, whatever is asked: more would only queue at the
/// provider (and a semaphore cannot hold an arbitrary count).
pub const MAX_BULK_CONCURRENCY: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum When {
    /// Refresh unless another refresh completed while this caller waited.
    Always { seen_generation: u64 },
    /// Refresh only if the access token has no more than `within` left, and nobody refreshed
    /// it while this caller waited (a fresh token that is short-lived is still the freshest).
    IfNeeded { seen_generation: u64, within: TimeDelta },
    /// Refresh only if automatic refresh is due (see [`expiry::auto_refresh_at`]).
    IfDue,
}

/// An access token handed to another program, with what it needs to use it. Its `Debug`
/// redacts the token (see [`AccessToken`]).
#[derive(Debug)]
pub struct HandOut {
    pub access_token: AccessToken,
    /// As the provider said (`Bearer` nearly always).
    pub token_type: String,
    pub expires_at: Option<DateTime<Utc>>,
    pub issuer: Option<String>,
    /// The account id.
    pub account: String,
    pub email: Option<String>,
    pub scopes: Vec<String>,
    /// The preset the account's provider was made from, for conventions such as the user
    /// name git expects beside a token.
    pub preset: Option<crate::provider::Preset>,
}

/// An ID token handed to another program (`authdeck kube-credential`).
#[derive(Debug)]
pub struct HandedIdToken {
    pub id_token: IdToken,
    /// Its `exp`, when it has one.
    pub expires_at: Option<DateTime<Utc>>,
    /// The account id.
    pub account: String,
}

/// The result of refreshing one account in a bulk refresh.
#[derive(Debug)]
pub struct BulkResult {
    pub account_id: String,
    pub result: Result<AccountView>,
}

impl Deck {
    /// Refreshes an account's access token now.
    pub async fn refresh(&self, id_or_email: &str) -> Result<AccountView> {
        let account = self.current(&self.accounts.find(id_or_email)?.id)?;
        let when = When::Always { seen_generation: account.generation };
        Ok(self.refresh_locked(&account.id, when).await?.view(Utc::now()))
    }

    /// Refreshes every account that can be refreshed, a few at a time (`concurrency`, taken
    /// between 1 and [`MAX_BULK_CONCURRENCY`]).
    pub async fn refresh_all(&self, concurrency: usize) -> Result<Vec<BulkResult>> {
        let accounts: Vec<AccountRecord> = self
            .accounts
            .list()?
            .into_iter()
            .filter(|a| a.has_refresh_token && !a.needs_reconnect)
            .collect();
        let permits =
            std::sync::Arc::new(Semaphore::new(concurrency.clamp(1, MAX_BULK_CONCURRENCY)));
        let mut tasks = tokio::task::JoinSet::new();
        for (index, account) in accounts.into_iter().enumerate() {
            let deck = self.clone();
            let permits = permits.clone();
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await.expect("semaphore stays open");
                let seen_generation = deck.current(&account.id).map_or(0, |a| a.generation);
                let when = When::Always { seen_generation };
                let result =
                    deck.refresh_locked(&account.id, when).await.map(|a| a.view(Utc::now()));
                (index, BulkResult { account_id: account.id, result })
            });
        }
        let mut results: Vec<(usize, BulkResult)> = tasks.join_all().await;
        results.sort_by_key(|(index, _)| *index);
        Ok(results.into_iter().map(|(_, r)| r).collect())
    }

    /// Refreshes an account if its automatic refresh is due (the background timer's call).
    /// Returns `None` when nothing was due, e.g. because another process just refreshed it.
    pub async fn refresh_if_due(&self, id: &str) -> Result<Option<AccountView>> {
        let before = self.current(id)?.generation;
        let account = self.refresh_locked(id, When::IfDue).await?;
        Ok((account.generation != before).then(|| account.view(Utc::now())))
    }

    /// The access token of an account, refreshed first when it is expired or within 60 seconds
    /// of expiry. This is the one call that hands out a secret; the caller decides where it goes.
    pub async fn access_token(&self, id_or_email: &str) -> Result<AccessToken> {
        Ok(self.hand_out(id_or_email, expiry::REFRESH_WITHIN).await?.access_token)
    }

    /// The access token with what a program needs to use it, refreshed first when no more
    /// than `min_valid` is left (once across processes: callers that waited for another's
    /// refresh use its result). The one path every hand-out (`token`, its formats) takes.
    pub async fn hand_out(&self, id_or_email: &str, min_valid: TimeDelta) -> Result<HandOut> {
        let mut account = self.handable(id_or_email)?;
        if expiry::needs_refresh_within(account.expires_at, Utc::now(), min_valid) {
            if !account.has_refresh_token {
                if let Some(error) = expired_without_refresh(&account, Utc::now()) {
                    return Err(error);
                }
            } else {
                let when =
                    When::IfNeeded { seen_generation: account.generation, within: min_valid };
                account = self.refresh_locked(&account.id, when).await?;
            }
        }
        let access_token = self.tokens(&account).await?.access_token;
        Ok(HandOut {
            access_token,
            token_type: account.token_type.clone(),
            expires_at: account.expires_at,
            issuer: account.metadata.issuer.clone(),
            account: account.id.clone(),
            email: account.email.clone(),
            scopes: account.scopes.clone(),
            preset: account.client.preset,
        })
    }

    /// The account's current ID token and when it expires, refreshed first when no more than
    /// `min_valid` is left of it (for programs that present ID tokens, such as kubectl's OIDC
    /// authenticator). A refresh that brings no new ID token leaves the last one.
    pub async fn hand_out_id_token(
        &self,
        id_or_email: &str,
        min_valid: TimeDelta,
    ) -> Result<HandedIdToken> {
        let account = self.handable(id_or_email)?;
        let expiry = |token: &IdToken| {
            crate::jwt::decode(token.expose())
                .and_then(|jwt| jwt.claims.get("exp")?.as_i64())
                .and_then(|secs| DateTime::from_timestamp(secs, 0))
        };
        let no_id_token = || {
            Error::Invalid(format!(
                "{} gave this account no ID token. Ask for its access token instead.",
                account.provider_label
            ))
        };
        let current = self.tokens(&account).await?.id_token.ok_or_else(no_id_token)?;
        let expires_at = expiry(&current);
        let handed = |id_token, expires_at| HandedIdToken {
            id_token,
            expires_at,
            account: account.id.clone(),
        };
        if !expiry::needs_refresh_within(expires_at, Utc::now(), min_valid) {
            return Ok(handed(current, expires_at));
        }
        if !account.has_refresh_token {
            // Still good for a moment: hand it out; past its expiry only a new sign-in helps.
            return match expires_at {
                Some(at) if at <= Utc::now() => {
                    Err(Error::NeedsReconnect { provider: account.provider_label })
                }
                _ => Ok(handed(current, expires_at)),
            };
        }
        let when = When::Always { seen_generation: account.generation };
        let renewed = self.refresh_locked(&account.id, when).await?;
        let renewed = self.tokens(&renewed).await?.id_token.unwrap_or(current);
        let expires_at = expiry(&renewed);
        Ok(handed(renewed, expires_at))
    }

    /// The account a hand-out starts from: the newest record this process knows (a renewed
    /// set the keychain has not taken yet counts), refused when it needs reconnecting.
    fn handable(&self, id_or_email: &str) -> Result<AccountRecord> {
        let mut account = self.accounts.find(id_or_email)?;
        if let Some((held, _)) = self.unsaved.get(&account.id) {
            account = held;
        }
        if account.needs_reconnect {
            return Err(Error::NeedsReconnect { provider: account.provider_label });
        }
        Ok(account)
    }

    async fn refresh_locked(&self, id: &str, when: When) -> Result<AccountRecord> {
        let mut phases = Phases::start();
        let lock = self.lock(id).await?;
        phases.lock = phases.lap();
        let mut account = self.current(id)?;
        match when {
            When::Always { seen_generation } | When::IfNeeded { seen_generation, .. }
                if account.generation != seen_generation =>
            {
                tracing::debug!(id, "another refresh finished while waiting; using its result");
                return Ok(account);
            }
            When::IfNeeded { within, .. }
                if !expiry::needs_refresh_within(account.expires_at, Utc::now(), within) =>
            {
                return Ok(account);
            }
            When::IfDue
                if account.view(Utc::now()).auto_refresh_at.is_none_or(|at| at > Utc::now()) =>
            {
                return Ok(account);
            }
            _ => {}
        }
        if account.needs_reconnect {
            return Err(Error::NeedsReconnect { provider: account.provider_label });
        }
        let tokens = match self.tokens(&account).await {
            Err(Error::SecretsMissing) => {
                self.note_failure(&mut account, &Error::SecretsMissing, true)?;
                return Err(Error::SecretsMissing);
            }
            other => other?,
        };
        let refresh_token = tokens.refresh_token.clone().ok_or_else(|| {
            expired_without_refresh(&account, Utc::now()).unwrap_or(Error::NoRefreshToken)
        })?;
        let client_secret =
            self.client_secret(&account.provider, &account.client.client_secret).await?;
        phases.read = phases.lap();
        let client = exchange::Client {
            client_id: &account.client.client_id,
            client_secret: client_secret.as_ref(),
            metadata: &account.metadata,
            label: &account.provider_label,
            basic_auth: quirks_of(account.client.preset).basic_client_auth,
        };
        let grant = Grant::Refresh { refresh_token: &refresh_token };
        // The keychain write marker goes down while the request is in flight (the write will
        // be for the generation `apply_issued` gives). A marker that failed is written again,
        // or its error reported, by `store_tokens`; a failed exchange's record replaces it.
        let marking = self.mark_ahead(id, account.settled_generation() + 1);
        let (exchanged, marked) = tokio::join!(exchange(&self.http, client, grant), marking);
        if let Ok(Err(error)) = &marked {
            tracing::debug!(id, %error, "marker ahead of the write failed; retried at the write");
        }
        let Exchanged { issued, sent_at } = match exchanged {
            Ok(exchanged) => exchanged,
            Err(error) => {
                let reconnect = matches!(error, Error::NeedsReconnect { .. });
                self.note_failure(&mut account, &error, reconnect)?;
                return Err(error);
            }
        };
        let id_check = self.check_refreshed_id_token(&account, &issued).await;
        // An ID token that fails the checks is not kept; the rotated tokens still are, or the
        // grant would be lost.
        let id_ok = !matches!(id_check, Some(Err(_)));
        phases.http = phases.lap();
        let new_tokens = TokenSet::renewed(&issued, Some(&tokens), id_ok);
        let now = Utc::now();
        account.apply_issued(&issued, &new_tokens, sent_at);
        account.last_refreshed_at = Some(now);
        if let Some(Err(error)) = &id_check {
            account.last_error = Some(error.report());
            account.last_error_at = Some(now);
            account.needs_reconnect = true;
        }
        // Secrets first: metadata never describes tokens that are not stored.
        if let Err(error) = self.save_renewed(lock, &account, &new_tokens).await {
            if matches!(error, Error::UnsavedSignIn) {
                let kind = ActivityKind::RefreshFailed;
                self.activity.record(id, kind, Some(error.report()), now);
            }
            return Err(error);
        }
        phases.store = phases.lap();
        phases.trace(id);
        if let Some(Err(error)) = id_check {
            let kind = ActivityKind::NeedsReconnect;
            self.activity.record(id, kind, Some(error.report()), now);
            return Err(error);
        }
        self.activity.record(id, ActivityKind::Refreshed, None, now);
        Ok(account)
    }

    /// OIDC Core §12.2: a new ID token must describe the same user; it need not carry a nonce.
    /// `None` when there is nothing to check.
    async fn check_refreshed_id_token(
        &self,
        account: &AccountRecord,
        issued: &IssuedTokens,
    ) -> Option<Result<Identity>> {
        let (raw, previous) = (issued.id_token.as_ref()?, account.identity.as_ref()?);
        let audience = Audience {
            metadata: &account.metadata,
            client_id: &account.client.client_id,
            tenant_template: quirks_of(account.client.preset).tenant_issuer_template,
        };
        let expect = Expect::Refresh { previous };
        Some(id_token::verify(&self.http, &self.keys, audience, raw, expect, Utc::now()).await)
    }

    /// The account record, or the newer one held with an unsaved sign-in.
    fn current(&self, id: &str) -> Result<AccountRecord> {
        let on_disk = self.accounts.get(id)?;
        Ok(match self.unsaved.get(id) {
            Some((held, _)) if held.generation > on_disk.generation => held,
            _ => on_disk,
        })
    }

    /// Records a failed refresh on the account (tokens untouched) and in its history.
    fn note_failure(
        &self,
        account: &mut AccountRecord,
        error: &Error,
        reconnect: bool,
    ) -> Result<()> {
        let now = Utc::now();
        account.last_error = Some(error.report());
        account.last_error_at = Some(now);
        account.needs_reconnect |= reconnect;
        self.accounts.save(account)?;
        let kind =
            if reconnect { ActivityKind::NeedsReconnect } else { ActivityKind::RefreshFailed };
        self.activity.record(&account.id, kind, Some(error.report()), now);
        Ok(())
    }
}

/// An account without a refresh token whose access token has expired: only a new sign-in
/// helps, so this is a "reconnect needed" (the window offers Reconnect). Before it expires the
/// account simply cannot be refreshed.
fn expired_without_refresh(account: &AccountRecord, now: DateTime<Utc>) -> Option<Error> {
    let expired = account.expires_at.is_some_and(|at| at <= now);
    expired.then(|| Error::ExpiredWithoutRefresh { account: account.display_name() })
}

#[cfg(test)]
#[path = "refresh_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "refresh_bulk_tests.rs"]
mod bulk_tests;
