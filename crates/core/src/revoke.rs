//! Token revocation (RFC 7009).
//!
//! Written here rather than with `oauth2`'s revocation request because that one refuses any
//! endpoint that is not https, which would rule out providers on this computer; AuthDeck's
//! own rule (https, or http only to loopback) is already enforced on every endpoint.

use oauth2::http::StatusCode;
use serde_json::Value;
use url::Url;

use crate::error::{Error, RemoteError, Result, tidy_remote_text};
use crate::http::{Http, host_of};
use crate::secret::{AccessToken, ClientSecret, RefreshToken, Revocable, Secret};

/// The token to revoke: a refresh token or an access token, whose type gives the
/// `token_type_hint`.
#[derive(Debug, Clone, Copy)]
pub enum Revoke<'a> {
    Refresh(&'a RefreshToken),
    Access(&'a AccessToken),
}

impl<'a> Revoke<'a> {
    fn hint_and_value(self) -> (&'static str, &'a str) {
        fn of<K: Revocable>(token: &Secret<K>) -> (&'static str, &str) {
            (K::HINT, token.expose())
        }
        match self {
            Revoke::Refresh(token) => of(token),
            Revoke::Access(token) => of(token),
        }
    }
}

/// Revokes `token` at `endpoint`.
pub async fn revoke(
    http: &Http,
    endpoint: &str,
    token: Revoke<'_>,
    client_id: &str,
    client_secret: Option<&ClientSecret>,
    basic_auth: bool,
) -> Result<()> {
    let url = Url::parse(endpoint)
        .map_err(|_| Error::Invalid(format!("The revocation URL \"{endpoint}\" is not valid.")))?;
    let (hint, token) = token.hint_and_value();
    let mut form = vec![("token", token), ("token_type_hint", hint)];
    // `client_secret_basic` (X): the client authenticates in the header.
    let basic = crate::http::client_auth(&mut form, client_id, client_secret, basic_auth);
    let answer = http.post_form(&url, &form, basic).await?;
    let host = host_of(&url);
    match answer.status() {
        // RFC 7009 §2.2: 200 also for tokens that were already invalid.
        StatusCode::OK => Ok(()),
        status => {
            let error = serde_json::from_slice::<Value>(answer.body())
                .ok()
                .and_then(|v| v.get("error").and_then(Value::as_str).map(String::from));
            Err(match error {
                Some(code) if status.is_client_error() => {
                    RemoteError::Refused { host, description: tidy_remote_text(&code) }.into()
                }
                _ => RemoteError::Unavailable { host, status: status.as_u16() }.into(),
            })
        }
    }
}
