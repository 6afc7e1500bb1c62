//! Finding the issuer behind an address a person typed (`login.example.com`), not a URL.
//!
//! People copy a host name from an email or a browser bar; an issuer URL is a protocol detail.
//! So AuthDeck assumes https (http only for a literal loopback address such as
//! `127.0.0.1:4000`, by the same rule as every other endpoint), and looks for metadata where
//! the standards put it: OpenID Connect discovery at the address
//! (`<address>/.well-known/openid-configuration`), RFC 8414 metadata
//! (`<origin>/.well-known/oauth-authorization-server<path>`), and, for an address with a path,
//! the same two at the host itself. The first document found names the issuer; discovery then
//! runs for that issuer exactly as for one typed in full (`discovery`), so every check (the
//! published issuer must be where its documents are, https endpoints, PKCE S256) still
//! applies. A document that names an issuer on another host is refused: typing
//! `login.example.com` must never end up trusting somewhere else.

use serde::Serialize;
use serde_json::Value;
use url::Url;

use crate::discovery;
use crate::error::{Error, Result};
use crate::http::{Http, host_of};
use crate::provider::{check_url, quirks_of};

/// What was found behind an address, shown before the provider is added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FoundIssuer {
    /// The issuer URL, as the provider publishes it (what the provider is added with).
    pub issuer: String,
    /// The issuer's host, which people recognise ("login.example.com").
    pub host: String,
    /// A display name, when the metadata carries one (not standard; some servers publish one).
    pub name: Option<String>,
    /// Whether it is an OpenID Connect provider (it has ID-token signing keys).
    pub oidc: bool,
}

/// The URL an address stands for: https assumed, http kept only for a loopback address.
pub fn address_url(address: &str) -> Result<Url> {
    let typed = address.trim().trim_end_matches('/');
    if typed.is_empty() {
        return Err(Error::Invalid("Enter the address of the sign-in service.".into()));
    }
    let with_scheme = if typed.contains("://") {
        typed.to_string()
    } else {
        let loopback = typed.starts_with("127.") || typed.starts_with("[::1]");
        format!("{}://{typed}", if loopback { "http" } else { "https" })
    };
    let mut url = check_url("address", &with_scheme)?;
    if url.query().is_some() || url.host_str().is_none_or(|h| !h.contains(['.', ':'])) {
        return Err(Error::Invalid(format!(
            "\"{}\" does not look like the address of a sign-in service, such as \
             login.example.com.",
            address.trim()
        )));
    }
    // A pasted well-known address stands for its issuer.
    let path = url.path().to_string();
    let path = path.split("/.well-known/").next().unwrap_or_default().trim_end_matches('/');
    url.set_path(path);
    Ok(url)
}

/// Where metadata for `base` may be, in the order they are tried.
pub fn candidate_urls(base: &Url) -> Vec<Url> {
    let path = base.path().trim_end_matches('/').to_string();
    let at = |p: &str| {
        let mut url = base.clone();
        url.set_path(p);
        url
    };
    let mut urls = vec![
        at(&format!("{path}/.well-known/openid-configuration")),
        at(&format!("/.well-known/oauth-authorization-server{path}")),
    ];
    if !path.is_empty() {
        urls.push(at("/.well-known/openid-configuration"));
        urls.push(at("/.well-known/oauth-authorization-server"));
    }
    urls
}

/// Finds the issuer behind `address` over `http`.
pub async fn find_issuer(http: &Http, address: &str) -> Result<FoundIssuer> {
    let base = address_url(address)?;
    let host = host_of(&base);
    for url in candidate_urls(&base) {
        let Some(doc) = http.get_json(&url, None).await? else { continue };
        let Some(issuer) = doc.get("issuer").and_then(Value::as_str) else { continue };
        let published = check_url("issuer", issuer)?;
        if published.origin() != base.origin() {
            return Err(Error::Invalid(format!(
                "The sign-in service at {host} names another address as its issuer ({}). \
                 AuthDeck will not use it; ask your administrator for the right address.",
                host_of(&published)
            )));
        }
        let metadata = discovery::discover(http, issuer, quirks_of(None)).await?;
        let name = ["name", "display_name", "service_name"]
            .iter()
            .find_map(|k| doc.get(*k).and_then(Value::as_str))
            .map(|n| crate::error::tidy_remote_text(n).trim_end_matches('.').to_string())
            .filter(|n| !n.is_empty());
        return Ok(FoundIssuer {
            issuer: metadata.issuer.unwrap_or_else(|| issuer.to_string()),
            host: host_of(&published),
            name,
            oidc: metadata.jwks_uri.is_some(),
        });
    }
    Err(Error::Invalid(format!(
        "No sign-in service was found at {host}. Check the address, or ask your administrator \
         for the issuer address."
    )))
}

#[cfg(test)]
#[path = "find_issuer_tests.rs"]
mod tests;
