//! Who signed in, for providers whose ID token does not say it all (or who have none, such as
//! GitHub, whose `/user` API answers with `id` and `login`).

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
    let text = |name: &str| match doc.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    Ok(UserInfo {
        // OIDC `sub`; GitHub's numeric `id` (its `login` can be renamed, the id cannot).
        subject: text("sub").or_else(|| text("id")),
        email: text("email"),
        name: text("name").or_else(|| text("preferred_username")).or_else(|| text("login")),
    })
}
