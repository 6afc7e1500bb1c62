//! The token endpoint's answer, parsed leniently where real providers differ from RFC 6749:
//! `expires_in` may be a string, `token_type` comes in any case (or not at all), and an ID
//! token may ride along. This is a wire type handed to `oauth2`; values move into
//! typed [`Secret`](crate::Secret)s as soon as it is parsed.

use std::fmt;
use std::time::Duration;

use oauth2::basic::BasicTokenType;
use oauth2::{AccessToken, RefreshToken, Scope};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::secret;

/// A successful token answer (RFC 6749 §5.1, OIDC Core §3.1.3.3).
#[derive(Deserialize, Serialize)]
pub struct TokenAnswer {
    access_token: AccessToken,
    #[serde(default = "bearer", deserialize_with = "any_case_token_type")]
    token_type: BasicTokenType,
    #[serde(
        default,
        deserialize_with = "lenient_seconds",
        skip_serializing_if = "Option::is_none"
    )]
    expires_in: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token: Option<RefreshToken>,
    /// Not in RFC 6749, but sent by Keycloak and others: how long the refresh token lasts.
    #[serde(
        default,
        deserialize_with = "lenient_seconds",
        skip_serializing_if = "Option::is_none"
    )]
    refresh_expires_in: Option<u64>,
    #[serde(
        rename = "scope",
        default,
        deserialize_with = "oauth2::helpers::deserialize_space_delimited_vec",
        serialize_with = "oauth2::helpers::serialize_space_delimited_vec",
        skip_serializing_if = "Option::is_none"
    )]
    scopes: Option<Vec<Scope>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
}

impl fmt::Debug for TokenAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenAnswer")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("has_refresh_token", &self.refresh_token.is_some())
            .field("has_id_token", &self.id_token.is_some())
            .finish_non_exhaustive()
    }
}

fn bearer() -> BasicTokenType {
    BasicTokenType::Bearer
}

fn any_case_token_type<'de, D: Deserializer<'de>>(d: D) -> Result<BasicTokenType, D::Error> {
    let raw = String::deserialize(d)?;
    Ok(match raw.to_ascii_lowercase().as_str() {
        "bearer" => BasicTokenType::Bearer,
        "mac" => BasicTokenType::Mac,
        other => BasicTokenType::Extension(other.to_string()),
    })
}

/// Accepts `3600`, `"3600"`, `3600.0`; anything unusable means "unknown", not an error:
/// losing a good token over a malformed lifetime would be worse.
fn lenient_seconds<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64().filter(|f| f.is_finite()).map(|f| if f <= 0.0 { 0 } else { f as u64 })
        }),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    })
}

impl oauth2::TokenResponse for TokenAnswer {
    type TokenType = BasicTokenType;

    fn access_token(&self) -> &AccessToken {
        &self.access_token
    }

    fn token_type(&self) -> &BasicTokenType {
        &self.token_type
    }

    fn expires_in(&self) -> Option<Duration> {
        self.expires_in.map(Duration::from_secs)
    }

    fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_ref()
    }

    fn scopes(&self) -> Option<&Vec<Scope>> {
        self.scopes.as_ref()
    }
}

/// What AuthDeck keeps from a token answer.
#[derive(Debug)]
pub struct IssuedTokens {
    pub access_token: secret::AccessToken,
    pub refresh_token: Option<secret::RefreshToken>,
    pub id_token: Option<secret::IdToken>,
    /// Lower-case token type (`bearer`, `dpop`, ...).
    pub token_type: String,
    pub expires_in: Option<u64>,
    /// How long the refresh token lasts, when the provider said (`refresh_expires_in`).
    pub refresh_expires_in: Option<u64>,
    /// Granted scopes, when the provider said (otherwise the requested ones apply).
    pub scopes: Option<Vec<String>>,
}

impl From<TokenAnswer> for IssuedTokens {
    fn from(answer: TokenAnswer) -> Self {
        IssuedTokens {
            access_token: secret::AccessToken::new(answer.access_token.into_secret()),
            refresh_token: answer.refresh_token.map(|t| secret::RefreshToken::new(t.into_secret())),
            id_token: answer.id_token.filter(|t| !t.is_empty()).map(secret::IdToken::new),
            token_type: answer.token_type.as_ref().to_string(),
            expires_in: answer.expires_in,
            refresh_expires_in: answer.refresh_expires_in,
            scopes: answer.scopes.map(|s| s.into_iter().map(|s| s.to_string()).collect()),
        }
    }
}

/// Parses a token answer body, for the fuzz target and its regression test (`internals`).
#[cfg_attr(not(any(test, feature = "internals")), allow(dead_code))]
pub fn parse(body: &[u8]) -> Result<IssuedTokens, serde_json::Error> {
    serde_json::from_slice::<TokenAnswer>(body).map(IssuedTokens::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerates_real_world_variations() {
        let t =
            parse(br#"{"access_token":"a","token_type":"BEARER","expires_in":"3599"}"#).unwrap();
        assert_eq!((t.token_type.as_str(), t.expires_in), ("bearer", Some(3599)));
        let t =
            parse(br#"{"access_token":"a","expires_in":3600.7,"scope":"openid email"}"#).unwrap();
        assert_eq!((t.token_type.as_str(), t.expires_in), ("bearer", Some(3600)));
        assert_eq!(t.scopes.unwrap(), vec!["openid", "email"]);
        let t = parse(br#"{"access_token":"a","token_type":"DPoP","expires_in":"soon"}"#).unwrap();
        assert_eq!((t.token_type.as_str(), t.expires_in), ("dpop", None));
        let t =
            parse(br#"{"access_token":"a","token_type":"bearer","expires_in":null,"id_token":""}"#)
                .unwrap();
        assert!(t.expires_in.is_none() && t.id_token.is_none());
        let t = parse(br#"{"access_token":"a","refresh_expires_in":"1800"}"#).unwrap();
        assert_eq!((t.expires_in, t.refresh_expires_in), (None, Some(1800)));
    }

    #[test]
    fn requires_an_access_token() {
        assert!(parse(br#"{"token_type":"bearer"}"#).is_err());
        assert!(parse(b"not json").is_err());
    }

    #[test]
    fn debug_shows_no_token() {
        let answer: TokenAnswer = serde_json::from_str(
            r#"{"access_token":"AT-123","refresh_token":"RT-456","id_token":"ID-789"}"#,
        )
        .unwrap();
        let printed = format!("{answer:?}");
        let printed = format!("{printed} {:?}", IssuedTokens::from(answer));
        for secret in ["AT-123", "RT-456", "ID-789"] {
            assert!(!printed.contains(secret), "{printed}");
        }
    }
}
