//! AuthDeck registering itself with a provider (RFC 7591, native-app profile of RFC 8252
//! §8.4), and deleting that registration again (RFC 7592).
//!
//! A person who has only an issuer's address gets a client of their own: a public native
//! client (`token_endpoint_auth_method` none, PKCE) with the redirect URIs this provider's
//! sign-ins use. The issued client ID is kept with the provider and marked as registered; the
//! registration access token, which can delete or change the registration, goes to the
//! keychain only. Registration is sent once (never retried after an answer), so a broken
//! connection cannot leave two clients behind.

use oauth2::HttpResponse;
use oauth2::http::StatusCode;
use serde_json::{Value, json};
use url::Url;

use crate::deck::Deck;
use crate::discovery;
use crate::error::{Error, RemoteError, Result, tidy_remote_text};
use crate::http::host_of;
use crate::provider::{DEFAULT_REDIRECT_URI, ProviderConfig, Redirect, Registration, check_url};
use crate::secret::RegistrationToken;

/// The device grant, asked for only where the provider lists it.
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// What a provider issued.
#[derive(Debug)]
pub(crate) struct Issued {
    pub client_id: String,
    pub token: Option<RegistrationToken>,
    pub client_uri: Option<String>,
}

/// The registration request for `config`: its own redirect URI, the deep link and the
/// loopback one (so a sign-in that falls back to loopback still matches).
pub(crate) fn request_body(config: &ProviderConfig, grants_supported: Option<&[String]>) -> Value {
    let mut redirect_uris = vec![config.redirect.display_uri()];
    for uri in [DEFAULT_REDIRECT_URI.to_string(), Redirect::loopback().display_uri()] {
        if !redirect_uris.contains(&uri) {
            redirect_uris.push(uri);
        }
    }
    let mut grant_types = vec!["authorization_code", "refresh_token"];
    if grants_supported.is_some_and(|g| g.iter().any(|g| g == DEVICE_GRANT)) {
        grant_types.push(DEVICE_GRANT);
    }
    json!({
        "application_type": "native",
        "token_endpoint_auth_method": "none",
        "redirect_uris": redirect_uris,
        "grant_types": grant_types,
        "response_types": ["code"],
        "client_name": "AuthDeck",
    })
}

/// Reads a registration answer (RFC 7591 §3.2).
pub(crate) fn read_answer(url: &Url, answer: &HttpResponse) -> Result<Issued> {
    let host = host_of(url);
    let body: Option<Value> = serde_json::from_slice(answer.body()).ok();
    let text = |name: &str| body.as_ref()?.get(name)?.as_str().map(String::from);
    match answer.status() {
        StatusCode::OK | StatusCode::CREATED => {}
        // An initial access token is required (RFC 7591 §3): only an administrator has one.
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => return Err(Error::NeedsClientId),
        status if status.is_client_error() => {
            let description = text("error_description").or(text("error")).unwrap_or_default();
            return Err(RemoteError::Refused {
                host,
                description: tidy_remote_text(&format!(
                    "it would not register AuthDeck ({description})"
                )),
            }
            .into());
        }
        status => return Err(RemoteError::Unavailable { host, status: status.as_u16() }.into()),
    }
    let unreadable =
        || RemoteError::Unreadable { host: host.clone(), what: "an unusable registration" };
    let client_id = text("client_id").filter(|id| !id.trim().is_empty()).ok_or_else(unreadable)?;
    let client_uri = text("registration_client_uri")
        .filter(|uri| check_url("registration address", uri).is_ok());
    let token = text("registration_access_token").map(RegistrationToken::new);
    Ok(Issued { client_id, token, client_uri })
}

fn token_key(registration: &Registration) -> String {
    format!("registration-token/{}", registration.token_key)
}

impl Deck {
    /// Registers AuthDeck for `config`, which has no client ID yet, and fills it in.
    pub(crate) async fn register_client(&self, config: &mut ProviderConfig) -> Result<()> {
        if config.issuer.is_none() {
            return Err(Error::NeedsClientId);
        }
        let metadata = discovery::resolve(&self.http, config).await?;
        let endpoint = metadata.registration_endpoint.as_deref().ok_or(Error::NeedsClientId)?;
        let url = check_url("registration address", endpoint)?;
        // The registration token has nowhere else to go.
        self.keychain.check().await?;
        let body = request_body(config, metadata.grant_types_supported.as_deref());
        let answer =
            self.http.post_json(&url, &body).await.map_err(|e| e.named(&config.label()))?;
        let issued = read_answer(&url, &answer).map_err(|e| e.named(&config.label()))?;
        let registration = Registration {
            registration_client_uri: issued.client_uri.clone(),
            token_key: rand::random::<[u8; 16]>().iter().map(|b| format!("{b:02x}")).collect(),
        };
        if let Some(token) = &issued.token
            && let Err(e) =
                self.keychain.set(&token_key(&registration), token.clone().into_kind()).await
        {
            // Not kept, so not manageable: take it back now.
            if let Some(uri) = &issued.client_uri {
                let _ = delete(self, uri, token).await;
            }
            return Err(e);
        }
        tracing::info!(provider = config.name, "registered with the provider");
        config.client_id = issued.client_id;
        config.registered = Some(registration);
        Ok(())
    }

    /// Deletes the registration of a removed provider at the provider and its token here.
    /// Returns a plain sentence when it could not be deleted there (removal goes on).
    pub(crate) async fn unregister_client(&self, config: &ProviderConfig) -> Option<String> {
        let registration = config.registered.as_ref()?;
        let key = token_key(registration);
        let token = self.keychain.get(&key).await.ok().flatten().map(|t| t.into_kind());
        let deleted = match (&registration.registration_client_uri, &token) {
            (Some(uri), Some(token)) => delete(self, uri, token).await,
            _ => Err(Error::Invalid("no registration address or token".into())),
        };
        let _ = self.keychain.delete(&key).await;
        match deleted {
            Ok(()) => None,
            Err(e) => {
                tracing::info!(provider = config.name, error = %e, "registration not deleted");
                Some(format!(
                    "AuthDeck could not delete its registration at {}, so it may still list \
                     AuthDeck as an app.",
                    config.label()
                ))
            }
        }
    }
}

/// RFC 7592 §2.3: DELETE the client configuration endpoint; 204 (or 200), or 404 for a
/// registration that is already gone.
async fn delete(deck: &Deck, uri: &str, token: &RegistrationToken) -> Result<()> {
    let url = check_url("registration address", uri)?;
    let answer = deck.http.delete(&url, token.expose()).await?;
    match answer.status() {
        StatusCode::NO_CONTENT | StatusCode::OK | StatusCode::NOT_FOUND => Ok(()),
        status => {
            Err(RemoteError::Unavailable { host: host_of(&url), status: status.as_u16() }.into())
        }
    }
}

#[cfg(test)]
#[path = "registration_tests.rs"]
mod tests;
