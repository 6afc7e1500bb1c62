//! The one token-exchange path: send a grant to the token endpoint and turn the answer, or the
//! error, into [`IssuedTokens`] or one plain [`Error`].
//!
//! Sign-in (authorization code with PKCE) and refresh both come through [`exchange`], so the
//! request shape (`oauth2` builds it; client secrets go in the body, or in a Basic header for
//! providers that want it), the send time that expiry is counted from, and what each provider
//! error means live here once. The device code grant (RFC 8628) is one more [`Grant`] variant:
//! `oauth2` only offers it inside a polling loop of its own, so its one request is built here
//! and its answer read by the same rules; the schedule lives in [`device`](crate::device). The
//! request is sent once: the transport only retries a connection that was never made (see
//! [`http`](crate::http)).

use chrono::{DateTime, Utc};
use oauth2::basic::{
    BasicErrorResponse, BasicErrorResponseType, BasicRevocationErrorResponse,
    BasicTokenIntrospectionResponse,
};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, EndpointNotSet, EndpointSet,
    PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError, StandardRevocableToken,
    TokenUrl,
};

use crate::device::{DEVICE_GRANT, DeviceError};
use crate::discovery::ProviderMetadata;
use crate::error::{Error, RemoteError, Result, tidy_remote_text};
use crate::http::Http;
use crate::secret;
use crate::token_response::{IssuedTokens, TokenAnswer};

pub(crate) type OAuthClient = oauth2::Client<
    BasicErrorResponse,
    TokenAnswer,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// Who asks: the client and the provider it was registered with.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Client<'a> {
    pub client_id: &'a str,
    pub client_secret: Option<&'a secret::ClientSecret>,
    pub metadata: &'a ProviderMetadata,
    /// The provider as people know it, for messages.
    pub label: &'a str,
    /// Send the client secret in an HTTP Basic header (the preset's `basic_client_auth`).
    pub basic_auth: bool,
}

/// What is traded for tokens. `invalid_grant` means something different for each.
#[derive(Debug)]
pub(crate) enum Grant<'a> {
    /// An authorization code, with the PKCE verifier and the redirect URI it was sent to.
    Code {
        code: &'a secret::AuthorizationCode,
        verifier: &'a secret::PkceVerifier,
        redirect_uri: &'a str,
    },
    /// A refresh token.
    Refresh { refresh_token: &'a secret::RefreshToken },
    /// The device code of a sign-in with a code, asked about once per poll.
    DeviceCode { device_code: &'a secret::DeviceCode },
}

/// A successful exchange.
#[derive(Debug)]
pub(crate) struct Exchanged {
    pub issued: IssuedTokens,
    /// When the request was sent: the token's lifetime counts from here, not from the answer.
    pub sent_at: DateTime<Utc>,
}

/// Sends `grant` to the token endpoint, once.
pub(crate) async fn exchange(
    http: &Http,
    client: Client<'_>,
    grant: Grant<'_>,
) -> Result<Exchanged> {
    let mut oauth = oauth_client(client.client_id, client.client_secret, client.metadata)?;
    if client.basic_auth && client.client_secret.is_some() {
        // `client_secret_basic`: the secret in the Authorization header, not the body. Without
        // a secret (a public client) the client ID stays in the body.
        oauth = oauth.set_auth_type(AuthType::BasicAuth);
    }
    let sent_at = Utc::now();
    let answer = match &grant {
        Grant::Code { code, verifier, redirect_uri } => {
            let redirect = RedirectUrl::new(redirect_uri.to_string())
                .map_err(|_| Error::Invalid("The redirect URI is not valid.".into()))?;
            oauth
                .set_redirect_uri(redirect)
                .exchange_code(AuthorizationCode::new(code.expose().to_string()))
                .set_pkce_verifier(PkceCodeVerifier::new(verifier.expose().to_string()))
                .request_async(http)
                .await
        }
        Grant::Refresh { refresh_token } => {
            oauth
                .exchange_refresh_token(&RefreshToken::new(refresh_token.expose().to_string()))
                .request_async(http)
                .await
        }
        Grant::DeviceCode { device_code } => device_token(http, &client, device_code).await,
    };
    match answer {
        Ok(answer) => Ok(Exchanged { issued: IssuedTokens::from(answer), sent_at }),
        Err(e) => Err(token_error(e, &client, &grant)),
    }
}

/// An `oauth2` client for a provider's endpoints. Client secrets go in the request body
/// (`client_secret_post`), which every preset provider accepts.
pub(crate) fn oauth_client(
    client_id: &str,
    client_secret: Option<&secret::ClientSecret>,
    metadata: &ProviderMetadata,
) -> Result<OAuthClient> {
    let invalid =
        |what: &str, url: &str| Error::Invalid(format!("The {what} \"{url}\" is not valid."));
    let auth = AuthUrl::new(metadata.authorization_endpoint.clone())
        .map_err(|_| invalid("authorization URL", &metadata.authorization_endpoint))?;
    let token = TokenUrl::new(metadata.token_endpoint.clone())
        .map_err(|_| invalid("token URL", &metadata.token_endpoint))?;
    let mut client: OAuthClient = oauth2::Client::new(ClientId::new(client_id.to_string()))
        .set_auth_uri(auth)
        .set_token_uri(token)
        .set_auth_type(AuthType::RequestBody);
    if let Some(secret) = client_secret {
        client = client.set_client_secret(ClientSecret::new(secret.expose().to_string()));
    }
    Ok(client)
}

/// One device-code token request (RFC 8628 §3.4), shaped like the ones `oauth2` sends: the
/// client ID (and a secret, when there is one) in the body, through the same transport.
async fn device_token(
    http: &Http,
    client: &Client<'_>,
    device_code: &secret::DeviceCode,
) -> Result<TokenAnswer, RequestTokenError<RemoteError, BasicErrorResponse>> {
    use oauth2::http::{Request, header};
    let mut form = vec![
        ("grant_type", DEVICE_GRANT),
        ("device_code", device_code.expose()),
        ("client_id", client.client_id),
    ];
    // The same client authentication as the other grants: a Basic header where the provider
    // wants one (see `basic_auth`), else the secret in the body.
    let mut builder = Request::post(client.metadata.token_endpoint.as_str());
    match client.client_secret {
        Some(secret) if client.basic_auth => {
            builder = builder.header(
                header::AUTHORIZATION,
                crate::http::basic_authorization(client.client_id, secret.expose()),
            );
        }
        Some(secret) => form.push(("client_secret", secret.expose())),
        None => {}
    }
    let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
    let request = builder
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(body.into_bytes())
        .map_err(|_| RequestTokenError::Other("the token URL is not valid".into()))?;
    let response =
        oauth2::AsyncHttpClient::call(http, request).await.map_err(RequestTokenError::Request)?;
    let unreadable = |_| RequestTokenError::Other("an unreadable answer".into());
    if response.status().is_success() {
        serde_json::from_slice(response.body()).map_err(unreadable)
    } else {
        let answer: BasicErrorResponse =
            serde_json::from_slice(response.body()).map_err(unreadable)?;
        Err(RequestTokenError::ServerResponse(answer))
    }
}

/// Turns a failed token request into one plain sentence. A refused refresh token
/// (`invalid_grant`) means the grant has ended: the account must be connected again.
fn token_error(
    error: RequestTokenError<RemoteError, BasicErrorResponse>,
    client: &Client<'_>,
    grant: &Grant<'_>,
) -> Error {
    let label = client.label;
    let host = url::Url::parse(&client.metadata.token_endpoint)
        .map(|u| crate::http::host_of(&u))
        .unwrap_or_else(|_| label.to_string());
    let remote = |error: RemoteError| Error::Remote(error.named(label));
    match error {
        RequestTokenError::ServerResponse(answer) => match (answer.error(), grant) {
            // RFC 8628 §3.5: two answers mean "keep polling", two end the sign-in.
            (code, Grant::DeviceCode { .. }) if device_answer(code).is_some() => {
                device_answer(code).expect("checked above").into()
            }
            (BasicErrorResponseType::InvalidGrant, Grant::Refresh { .. }) => {
                Error::NeedsReconnect { provider: label.to_string() }
            }
            (BasicErrorResponseType::InvalidGrant, Grant::DeviceCode { .. }) => {
                DeviceError::Expired.into()
            }
            (BasicErrorResponseType::InvalidGrant, Grant::Code { .. }) => Error::Invalid(format!(
                "{label} did not accept the sign-in answer: it had expired or was already used. \
                 Start the sign-in again."
            )),
            (
                BasicErrorResponseType::InvalidClient | BasicErrorResponseType::UnauthorizedClient,
                _,
            ) => RemoteError::ClientRejected { host, code: answer.error().as_ref().to_string() }
                .into(),
            (other, _) => {
                let text = answer
                    .error_description()
                    .filter(|d| !d.trim().is_empty())
                    .map(|d| tidy_remote_text(d))
                    .unwrap_or_else(|| format!("{}.", other.as_ref()));
                remote(RemoteError::Refused { host, description: text })
            }
        },
        RequestTokenError::Request(error) => remote(error),
        RequestTokenError::Parse(..) | RequestTokenError::Other(_) => {
            remote(RemoteError::Unreadable { host, what: "an answer AuthDeck could not read" })
        }
    }
}

/// What a token endpoint's error means while a sign-in with a code is waiting.
fn device_answer(code: &BasicErrorResponseType) -> Option<DeviceError> {
    match code.as_ref() {
        "authorization_pending" => Some(DeviceError::Pending),
        "slow_down" => Some(DeviceError::SlowDown),
        "access_denied" => Some(DeviceError::Denied),
        "expired_token" => Some(DeviceError::Expired),
        _ => None,
    }
}
