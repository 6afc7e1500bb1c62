//! Connecting an account: Authorization Code with PKCE (S256), in the system browser.
//!
//! [`Deck::start_login`] discovers the provider, picks the redirect (deep link, or a loopback
//! listener bound now), creates a fresh `state`, PKCE verifier and (for OpenID Connect) `nonce`,
//! records the pending sign-in and returns the URL to open. The answer may then reach any
//! AuthDeck process; [`Deck::complete_callback`] checks it against the pending sign-in,
//! consumes it, exchanges the code, validates the ID token and saves the account. The process
//! that started the sign-in learns the outcome through [`Deck::wait_for_login`].

use chrono::{DateTime, Utc};
use oauth2::{CsrfToken, PkceCodeChallenge, RedirectUrl, Scope};
use serde::Serialize;

use crate::access_words::is_offline_scope;
use crate::account::{AccountRecord, AccountView, ClientSnapshot, account_id};
use crate::activity::ActivityKind;
use crate::callback::{self, Expected, Verdict};
use crate::deck::Deck;
use crate::discovery;
use crate::error::{Error, Result};
use crate::exchange::{Exchanged, Grant, exchange, oauth_client};
use crate::id_token::{self, Audience, Expect, Identity};
use crate::ids::LoginHandle;
use crate::loopback::LoopbackListener;
use crate::pending::{self, Outcome, PendingLogin, PendingSecrets};
use crate::provider::{Redirect, quirks_of};
use crate::secret::{IdToken, Kind, Nonce, PkceVerifier, Secret};
use crate::token_set::TokenSet;
use crate::userinfo;

/// Options for a sign-in.
#[derive(Debug, Clone, Default)]
pub struct LoginOptions {
    /// Suggests which user to sign in (used by "Reconnect" so the same account comes back).
    pub login_hint: Option<String>,
}

/// A sign-in waiting for its answer.
#[derive(Debug)]
pub struct StartedLogin {
    pub handle: LoginHandle,
    /// Open this in the system browser.
    pub authorization_url: String,
    pub redirect_uri: String,
    pub expires_at: DateTime<Utc>,
    /// For loopback redirects: serve it until the answer arrives.
    pub loopback: Option<LoopbackListener>,
}

/// What the shell shows while waiting.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LoginTicket {
    pub handle: LoginHandle,
    pub authorization_url: String,
    pub redirect_uri: String,
    pub expires_at: DateTime<Utc>,
}

impl StartedLogin {
    pub fn ticket(&self) -> LoginTicket {
        LoginTicket {
            handle: self.handle.clone(),
            authorization_url: self.authorization_url.clone(),
            redirect_uri: self.redirect_uri.clone(),
            expires_at: self.expires_at,
        }
    }
}

/// How a sign-in's ID token is tied to it: by the nonce a browser sign-in sent, or not at all
/// for a sign-in with a code, whose grant has none.
#[derive(Debug, Clone, Copy)]
pub(crate) enum IdCheck<'a> {
    Nonce(Option<&'a Nonce>),
    Device,
}

pub(crate) fn random_secret<K: Kind>() -> Secret<K> {
    Secret::new(CsrfToken::new_random_len(32).into_secret())
}

impl Deck {
    /// Starts a sign-in with `provider`.
    pub async fn start_login(&self, provider: &str, options: LoginOptions) -> Result<StartedLogin> {
        let config = self.provider(provider)?;
        // No keychain, no sign-in: the verifier and the tokens could not be kept safely.
        self.keychain.check().await?;
        let metadata = discovery::resolve(&self.http, &config).await?;
        let quirks = quirks_of(config.preset);
        let route = self.redirect_for(&config);
        let loopback = match &route {
            Redirect::Loopback { port, path } => Some(LoopbackListener::bind(*port, path).await?),
            Redirect::DeepLink { .. } => None,
        };
        let redirect_uri = match &loopback {
            Some(listener) => listener.redirect_uri(),
            None => route.display_uri(),
        };
        let oidc = config.is_oidc();
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let state = random_secret();
        let nonce = oidc.then(random_secret);

        let redirect = RedirectUrl::new(redirect_uri.clone()).map_err(|_| {
            Error::Invalid(format!("The redirect URI \"{redirect_uri}\" is not valid."))
        })?;
        let client = oauth_client(&config.client_id, None, &metadata)?.set_redirect_uri(redirect);
        let state_value = state.expose().to_string();
        let mut request = client
            .authorize_url(move || CsrfToken::new(state_value))
            .set_pkce_challenge(challenge)
            .add_scopes(config.scopes.iter().map(|s| Scope::new(s.clone())));
        if let Some(nonce) = &nonce {
            request = request.add_extra_param("nonce", nonce.expose().to_string());
        }
        if oidc && quirks.consent_for_offline && config.scopes.iter().any(|s| is_offline_scope(s)) {
            // OIDC Core §11: offline access needs explicit consent.
            request = request.add_extra_param("prompt", "consent");
        }
        for (name, value) in quirks.extra_auth_params {
            request = request.add_extra_param(*name, *value);
        }
        if let Some(hint) = options.login_hint.filter(|h| !h.is_empty()) {
            request = request.add_extra_param("login_hint", hint);
        }
        let (url, _) = request.url();

        let now = Utc::now();
        self.pending.sweep(&self.keychain, now).await;
        let login = PendingLogin {
            provider: config.name.clone(),
            provider_label: config.label(),
            preset: config.preset,
            client_id: config.client_id.clone(),
            client_secret: config.client_secret.clone(),
            metadata,
            redirect_uri: redirect_uri.clone(),
            scopes: config.scopes.clone(),
            oidc,
            created_at: now,
            expires_at: now + pending::LIFETIME,
        };
        let secrets = PendingSecrets { verifier: PkceVerifier::new(verifier.into_secret()), nonce };
        let handle = self.pending.create(&self.keychain, &state, &login, &secrets).await?;
        tracing::info!(provider, redirect_uri, "sign-in started");
        Ok(StartedLogin {
            handle,
            authorization_url: url.to_string(),
            redirect_uri,
            expires_at: login.expires_at,
            loopback,
        })
    }

    /// Completes the pending sign-in that `url` answers, whichever process started it.
    /// An address that answers no pending sign-in changes nothing.
    pub async fn complete_callback(&self, url: &str) -> Result<AccountView> {
        let now = Utc::now();
        let answer = callback::parse(url)?;
        let state = answer.state.clone().unwrap_or_default();
        let (handle, login) = self.pending.lookup(&state, now)?;
        let expected = Expected {
            redirect_uri: &login.redirect_uri,
            issuer: login.metadata.issuer.as_deref(),
            iss_required: login.metadata.iss_parameter_supported,
            tenant_template: quirks_of(login.preset).tenant_issuer_template,
        };
        let verdict = callback::check(answer, expected)?;
        self.pending.claim(&handle)?;
        let result = self.finish_login(&handle, &login, verdict).await;
        self.settle(&handle, result).await
    }

    /// Records how a claimed sign-in ended, for whoever waits for it, and forgets its secrets.
    pub(crate) async fn settle(
        &self,
        handle: &LoginHandle,
        result: Result<AccountView>,
    ) -> Result<AccountView> {
        let outcome = match &result {
            Ok(account) => Outcome::Connected { account_id: account.id.clone() },
            Err(e) => {
                Outcome::Failed { message: e.to_string(), kind: e.kind(), details: e.details() }
            }
        };
        self.pending.finish(&self.keychain, handle, &outcome).await;
        match &result {
            Ok(account) => tracing::info!(account = account.id, "sign-in completed"),
            Err(e) => tracing::info!(error = %e, "sign-in failed"),
        }
        result
    }

    /// Waits until the sign-in `handle` ends, by any route, and returns its account.
    pub async fn wait_for_login(
        &self,
        handle: &LoginHandle,
        expires_at: DateTime<Utc>,
    ) -> Result<AccountView> {
        match self.pending.wait(handle, expires_at).await? {
            Outcome::Connected { account_id } => {
                Ok(self.accounts.get(&account_id)?.view(Utc::now()))
            }
            Outcome::Failed { message, kind, details } => {
                Err(Error::Reported { message, kind, details })
            }
        }
    }

    /// Abandons a sign-in (the user pressed Cancel). A late answer to it is then refused.
    pub async fn cancel_login(&self, handle: &LoginHandle) {
        self.pending.cancel(&self.keychain, handle, "The sign-in was cancelled in AuthDeck.").await;
    }

    async fn finish_login(
        &self,
        handle: &LoginHandle,
        login: &PendingLogin,
        verdict: Verdict,
    ) -> Result<AccountView> {
        let code = match verdict {
            Verdict::Code(code) => code,
            Verdict::Refused(refusal) => return Err(refusal.into()),
        };
        let secrets = self.pending.secrets(&self.keychain, handle).await?;
        let client_secret = self.client_secret(&login.provider, &login.client_secret).await?;
        let client = login.client(client_secret.as_ref());
        let grant = Grant::Code {
            code: &code,
            verifier: &secrets.verifier,
            redirect_uri: &login.redirect_uri,
        };
        let exchanged = exchange(&self.http, client, grant).await?;
        self.connect(login, exchanged, IdCheck::Nonce(secrets.nonce.as_ref())).await
    }

    /// Saves the account a sign-in's tokens belong to, whichever grant got them: the ID token
    /// checked, the same user at the same issuer as the same client kept as one account, the
    /// secrets in the keychain before the metadata.
    pub(crate) async fn connect(
        &self,
        login: &PendingLogin,
        exchanged: Exchanged,
        check: IdCheck<'_>,
    ) -> Result<AccountView> {
        let Exchanged { issued, sent_at } = exchanged;
        let identity = match (&issued.id_token, login.oidc) {
            (Some(raw), _) => Some(self.verify_sign_in(login, raw, check).await?),
            (None, true) => {
                return Err(Error::IdToken("the provider sent no identity token".into()));
            }
            (None, false) => None,
        };
        let needs_userinfo =
            identity.as_ref().is_none_or(|i| i.email.is_none() && i.name.is_none());
        let info = match (&login.metadata.userinfo_endpoint, needs_userinfo) {
            (Some(endpoint), true) => {
                match userinfo::fetch(&self.http, endpoint, &issued.access_token).await {
                    Ok(info) => Some(info),
                    // The ID token already says who this is; names are a nicety.
                    Err(e) if identity.is_some() => {
                        tracing::debug!(error = %e, "userinfo unavailable");
                        None
                    }
                    Err(e) => return Err(e),
                }
            }
            _ => None,
        };
        let info = info.unwrap_or_default();
        let subject = match (&identity, &info.subject) {
            (Some(id), Some(sub)) if &id.subject != sub => {
                return Err(Error::IdToken("the provider described two different users".into()));
            }
            (Some(id), _) => id.subject.clone(),
            (None, Some(sub)) => sub.clone(),
            (None, None) => {
                return Err(Error::Invalid(format!(
                    "{} did not say who signed in, so the account cannot be saved.",
                    login.provider_label
                )));
            }
        };
        let email = identity.as_ref().and_then(|i| i.email.clone()).or(info.email);
        let name = identity.as_ref().and_then(|i| i.name.clone()).or(info.name);

        // The same user at the same issuer, as the same client, is the same account, whatever
        // the provider is called now; anything else is a new one.
        let authority = login.metadata.issuer.as_deref().unwrap_or(&login.metadata.token_endpoint);
        let id = match self
            .accounts
            .list()?
            .iter()
            .find(|a| a.is_identity(authority, &login.client_id, &subject))
        {
            Some(account) => account.id.clone(),
            None => account_id(&login.provider, authority, &login.client_id, &subject),
        };
        let _lock = self.lock(&id).await?;
        let existing = self.accounts.load(&id)?;
        // A sign-in answer without a refresh token keeps the one this account already had.
        let previous = match &existing {
            Some(account) if issued.refresh_token.is_none() => {
                self.tokens(account).await.ok().map(|t| TokenSet { id_token: None, ..t })
            }
            _ => None,
        };
        let tokens = TokenSet::renewed(&issued, previous.as_ref(), true);
        let now = Utc::now();
        let mut account = AccountRecord {
            id: id.clone(),
            provider: login.provider.clone(),
            provider_label: login.provider_label.clone(),
            subject,
            email,
            name,
            identity,
            scopes: login.scopes.clone(),
            token_type: String::new(),
            issued_at: sent_at,
            expires_at: None,
            has_refresh_token: false,
            refresh_expires_at: existing.as_ref().and_then(|a| a.refresh_expires_at),
            has_id_token: false,
            connected_at: existing.as_ref().map_or(now, |a| a.connected_at),
            last_refreshed_at: existing.as_ref().and_then(|a| a.last_refreshed_at),
            last_error: None,
            last_error_at: None,
            needs_reconnect: false,
            provider_rejected_at: None,
            auto_refresh: existing.as_ref().is_none_or(|a| a.auto_refresh),
            generation: existing.as_ref().map_or(0, |a| a.generation),
            writing_generation: existing.as_ref().and_then(|a| a.writing_generation),
            client: ClientSnapshot {
                client_id: login.client_id.clone(),
                client_secret: login.client_secret.clone(),
                preset: login.preset,
            },
            metadata: login.metadata.clone(),
        };
        account.apply_issued(&issued, &tokens, sent_at);
        // Secrets first: metadata never describes tokens that are not stored.
        self.store_tokens(&account, &tokens).await?;
        let detail = if existing.is_some() { "Connected again" } else { "Connected" };
        self.activity.record(&id, ActivityKind::Connected, Some(detail.into()), now);
        Ok(account.view(now))
    }

    async fn verify_sign_in(
        &self,
        login: &PendingLogin,
        raw: &IdToken,
        check: IdCheck<'_>,
    ) -> Result<Identity> {
        let expect = match check {
            IdCheck::Nonce(Some(nonce)) => Expect::SignIn { nonce },
            IdCheck::Nonce(None) => {
                return Err(Error::IdToken("the sign-in had no nonce to check".into()));
            }
            IdCheck::Device => Expect::Device,
        };
        id_token::verify(
            &self.http,
            &self.keys,
            Audience {
                metadata: &login.metadata,
                client_id: &login.client_id,
                tenant_template: quirks_of(login.preset).tenant_issuer_template,
            },
            raw,
            expect,
            Utc::now(),
        )
        .await
    }
}

#[cfg(test)]
#[path = "login_tests.rs"]
mod tests;
