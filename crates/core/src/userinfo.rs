//! Who signed in, for providers whose ID token does not say it all (or who have none, such as
//! GitHub, whose `/user` API answers with `id` and `login`, and X, whose `/2/users/me` wraps
//! `id`, `username` and `name` in a `data` object).

use serde_json::Value;
use url::Url;

use crate::error::{Error, Result};
use crate::http::Http;
use crate::secret::AccessToken;

/// The user as the userinfo endpoint describes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserInfo {
    pub subject: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
}

/// Asks the userinfo endpoint about the user behind `access_token`.
pub async fn fetch(http: &Http, endpoint: &str, access_token: &AccessToken) -> Result<UserInfo> {
    let url = Url::parse(endpoint)
        .map_err(|_| Error::Invalid(format!("The userinfo URL \"{endpoint}\" is not valid.")))?;
    let Some(doc) = http.get_json(&url, Some(access_token)).await? else {
        return Ok(UserInfo::default());
    };
    Ok(parse(&doc))
}

/// The user in a userinfo answer: OpenID Connect claims, GitHub's `/user`, or X's
/// `{"data": {...}}` envelope (X API v2).
pub fn parse(doc: &serde_json::Map<String, Value>) -> UserInfo {
    let doc = match doc.get("data") {
        Some(Value::Object(data)) if !doc.contains_key("sub") => data,
        _ => doc,
    };
    let text = |name: &str| match doc.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    UserInfo {
        // OIDC `sub`; GitHub's numeric `id` and X's string `id` (their handles can be
        // renamed, the ids cannot).
        subject: text("sub").or_else(|| text("id")),
        email: text("email"),
        name: text("name")
            .or_else(|| text("preferred_username"))
            .or_else(|| text("login"))
            .or_else(|| text("username").map(|u| format!("@{u}"))),
    }
}
