//! "Check with provider": asks the provider, not the clock, whether an account's current
//! access token is still good (the "validate" step support staff need when a program says
//! "401" although AuthDeck shows the token as valid).
//!
//! The provider is asked the best way it offers: RFC 7662 introspection when it publishes an
//! endpoint and lets this client call it (a public client sends its `client_id`, a
//! confidential one its secret as well, as every other request of this client does); else its
//! userinfo endpoint (a token it still accepts gets an answer, a revoked or expired one 401);
//! else, for Google, its tokeninfo endpoint. A provider that refuses introspection to this
//! client (401, 403, `invalid_client`) is asked by userinfo instead, and the answer says so.
//!
//! The answer is remembered on the account: a token the provider no longer accepts makes the
//! account "reconnect needed" until a refresh or a new sign-in brings a token it does accept
//! (see [`AccountRecord::apply_issued`](crate::account::AccountRecord)). The token goes only
//! in request bodies and headers, never in a URL.

use chrono::{DateTime, Utc};
use oauth2::HttpResponse;
use oauth2::http::StatusCode;
use serde::Serialize;
use serde_json::{Map, Value};
use url::Url;

use crate::account::AccountRecord;
use crate::deck::Deck;
use crate::error::{Error, RemoteError, Result};
use crate::http::{Http, answer_object, host_of};
use crate::provider::Preset;
use crate::secret::{AccessToken, ClientSecret};

/// Google's token information endpoint (it publishes no RFC 7662 introspection).
pub const GOOGLE_TOKENINFO: &str = "https://oauth2.googleapis.com/tokeninfo";

/// How the provider was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RemoteMethod {
    Introspection,
    Userinfo,
    Tokeninfo,
}

/// What the provider said about the current access token. Never the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RemoteCheck {
    pub method: RemoteMethod,
    /// Whether the provider still accepts the token.
    pub active: bool,
    /// The user the provider says the token is for, where it said.
    pub subject: Option<String>,
    /// The scopes the provider says the token carries, where it said.
    pub scopes: Option<Vec<String>>,
    /// When the provider says the token expires, where it said.
    pub expires_at: Option<DateTime<Utc>>,
    /// The client the provider says the token was issued to, where it said.
    pub client_id: Option<String>,
    /// Why a less direct way was used (introspection refused), in plain words.
    pub fallback_reason: Option<String>,
    pub checked_at: DateTime<Utc>,
    /// The answer in plain words, with the next step when the token is not accepted.
    pub summary: String,
}

impl Deck {
    /// Asks the provider about an account's current access token and remembers the answer.
    /// Fails only when the provider could not be asked.
    pub async fn check_with_provider(&self, id_or_email: &str) -> Result<RemoteCheck> {
        let account = self.accounts.find(id_or_email)?;
        let tokens = self.tokens(&account).await?;
        let label = account.provider_label.clone();
        let secret = self.client_secret(&account.provider, &account.client.client_secret).await;
        let asked = Asked {
            http: &self.http,
            account: &account,
            token: &tokens.access_token,
            client_secret: secret.as_ref().ok().and_then(Option::as_ref),
            secret_missing: secret.is_err(),
        };
        let mut check = asked.ask().await.map_err(|e| e.named(&label))?;
        check.summary = summary(&check, &label);
        self.remember_check(&account, &check).await?;
        Ok(check)
    }

    /// Marks the account while it still holds the token that was checked.
    async fn remember_check(&self, checked: &AccountRecord, check: &RemoteCheck) -> Result<()> {
        let _lock = self.lock(&checked.id).await?;
        let mut account = self.accounts.get(&checked.id)?;
        if account.generation != checked.generation {
            return Ok(()); // renewed meanwhile: the answer was about an older token
        }
        let rejected = (!check.active).then_some(check.checked_at);
        if account.provider_rejected_at.is_some() == rejected.is_some() {
            return Ok(());
        }
        account.provider_rejected_at = rejected;
        self.accounts.save(&account)
    }
}

/// The answer in plain words.
fn summary(check: &RemoteCheck, label: &str) -> String {
    let mut text = if check.active {
        format!("{label} still accepts this account's token.")
    } else {
        format!(
            "{label} no longer accepts this account's token: it was revoked or has expired at \
             {label}. Reconnect the account to keep using it."
        )
    };
    if let Some(reason) = &check.fallback_reason {
        text = format!("{text} {reason}");
    }
    text
}

/// One question to the provider.
struct Asked<'a> {
    http: &'a Http,
    account: &'a AccountRecord,
    token: &'a AccessToken,
    client_secret: Option<&'a ClientSecret>,
    /// The client secret of a confidential client could not be read.
    secret_missing: bool,
}

impl Asked<'_> {
    async fn ask(&self) -> Result<RemoteCheck> {
        let metadata = &self.account.metadata;
        let mut fallback_reason = None;
        if let Some(endpoint) = &metadata.introspection_endpoint {
            if self.secret_missing {
                fallback_reason = Some(
                    "Its token check (introspection) needs this provider's client secret, which \
                     AuthDeck could not read, so AuthDeck asked its user information instead."
                        .to_string(),
                );
            } else {
                match self.introspect(endpoint).await? {
                    Some(check) => return Ok(check),
                    None => {
                        fallback_reason = Some(
                            "It does not let AuthDeck use its token check (introspection), so \
                             AuthDeck asked its user information instead."
                                .to_string(),
                        )
                    }
                }
            }
        }
        let mut check = if let Some(endpoint) = &metadata.userinfo_endpoint {
            self.userinfo(endpoint).await?
        } else if self.account.client.preset == Some(Preset::Google) {
            self.tokeninfo(GOOGLE_TOKENINFO).await?
        } else {
            return Err(Error::Invalid(format!(
                "{} offers no way to check a token (no introspection or user information \
                 endpoint), so AuthDeck cannot ask it.",
                self.account.provider_label
            )));
        };
        check.fallback_reason = fallback_reason;
        Ok(check)
    }

    /// RFC 7662. `None` when the provider refuses this client.
    async fn introspect(&self, endpoint: &str) -> Result<Option<RemoteCheck>> {
        let url = parse(endpoint, "introspection")?;
        let mut form = vec![("token", self.token.expose()), ("token_type_hint", "access_token")];
        let basic = crate::http::client_auth(
            &mut form,
            &self.account.client.client_id,
            self.client_secret,
            crate::provider::quirks_of(self.account.client.preset).basic_client_auth,
        );
        let answer = self.http.post_form(&url, &form, basic).await?;
        let host = host_of(&url);
        match answer.status() {
            StatusCode::OK => {
                let doc = answer_object(&host, &answer)?;
                let Some(active) = doc.get("active").and_then(Value::as_bool) else {
                    return Err(
                        RemoteError::Unreadable { host, what: "an answer without active" }.into()
                    );
                };
                Ok(Some(from_claims(RemoteMethod::Introspection, active, &doc)))
            }
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => Ok(None),
            StatusCode::BAD_REQUEST if refuses_client(&answer) => Ok(None),
            status => Err(RemoteError::Unavailable { host, status: status.as_u16() }.into()),
        }
    }

    /// The userinfo endpoint answers a token it accepts, and 401 to one it does not.
    async fn userinfo(&self, endpoint: &str) -> Result<RemoteCheck> {
        let url = parse(endpoint, "userinfo")?;
        let answer = self.http.get(&url, Some(self.token)).await?;
        let host = host_of(&url);
        match answer.status() {
            StatusCode::OK => {
                let doc = answer_object(&host, &answer)?;
                let mut check = from_claims(RemoteMethod::Userinfo, true, &doc);
                // GitHub's /user: a numeric `id`.
                check.subject = check.subject.or_else(|| text(&doc, "id"));
                Ok(check)
            }
            StatusCode::UNAUTHORIZED => Ok(from_claims(RemoteMethod::Userinfo, false, &Map::new())),
            status => Err(RemoteError::Unavailable { host, status: status.as_u16() }.into()),
        }
    }

    /// Google's tokeninfo, asked with the token in the body (never in the URL).
    async fn tokeninfo(&self, endpoint: &str) -> Result<RemoteCheck> {
        let url = parse(endpoint, "tokeninfo")?;
        let answer =
            self.http.post_form(&url, &[("access_token", self.token.expose())], None).await?;
        let host = host_of(&url);
        match answer.status() {
            StatusCode::OK => {
                let doc = answer_object(&host, &answer)?;
                let mut check = from_claims(RemoteMethod::Tokeninfo, true, &doc);
                check.client_id = text(&doc, "aud").or_else(|| text(&doc, "azp"));
                Ok(check)
            }
            // `invalid_token` (revoked or expired) comes with 400.
            StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED => {
                Ok(from_claims(RemoteMethod::Tokeninfo, false, &Map::new()))
            }
            status => Err(RemoteError::Unavailable { host, status: status.as_u16() }.into()),
        }
    }
}

/// 400 answers that mean "not this client": RFC 6749 §5.2 `invalid_client`,
/// `unauthorized_client`.
fn refuses_client(answer: &HttpResponse) -> bool {
    let error = serde_json::from_slice::<Value>(answer.body())
        .ok()
        .and_then(|v| v.get("error").and_then(Value::as_str).map(String::from));
    matches!(error.as_deref(), Some("invalid_client" | "unauthorized_client" | "access_denied"))
}

/// The check from an answer's claims (`sub`, `scope`, `exp`, `client_id`).
fn from_claims(method: RemoteMethod, active: bool, doc: &Map<String, Value>) -> RemoteCheck {
    let scopes = text(doc, "scope").map(|s| s.split_whitespace().map(String::from).collect());
    let expires_at = doc
        .get("exp")
        .and_then(|v| v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok())))
        .and_then(|secs| DateTime::from_timestamp(secs, 0));
    RemoteCheck {
        method,
        active,
        subject: text(doc, "sub"),
        scopes,
        expires_at,
        client_id: text(doc, "client_id"),
        fallback_reason: None,
        checked_at: Utc::now(),
        summary: String::new(),
    }
}

fn text(doc: &Map<String, Value>, name: &str) -> Option<String> {
    match doc.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

fn parse(endpoint: &str, what: &str) -> Result<Url> {
    Url::parse(endpoint)
        .map_err(|_| Error::Invalid(format!("The {what} URL \"{endpoint}\" is not valid.")))
}

#[cfg(test)]
#[path = "remote_check_tests.rs"]
mod tests;
