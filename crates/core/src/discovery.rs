//! Finding a provider's endpoints.
//!
//! For an issuer, AuthDeck reads OpenID Connect discovery
//! (`<issuer>/.well-known/openid-configuration`) and RFC 8414 metadata
//! (`<origin>/.well-known/oauth-authorization-server<path>`) side by side and merges them:
//! some servers list `revocation_endpoint` or `code_challenge_methods_supported` only in the
//! latter. Each document's `issuer` must equal the configured issuer exactly (mix-up
//! defence), endpoint URLs are used exactly as published, and every URL is checked against
//! the http/loopback rule before anything is sent to it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use url::Url;

use crate::error::{Error, Result};
use crate::http::Http;
use crate::preset::{Quirks, quirks_of};
use crate::provider::{ProviderConfig, check_url};

/// The endpoints and capabilities AuthDeck uses, from discovery or from the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderMetadata {
    /// The issuer as published (`None` for plain OAuth providers configured by hand).
    pub issuer: Option<String>,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    #[serde(default)]
    pub revocation_endpoint: Option<String>,
    #[serde(default)]
    pub userinfo_endpoint: Option<String>,
    #[serde(default)]
    pub jwks_uri: Option<String>,
    /// `None` when the provider does not say.
    #[serde(default)]
    pub code_challenge_methods_supported: Option<Vec<String>>,
    /// RFC 9207: the provider sends `iss` with every authorization answer.
    #[serde(default)]
    pub iss_parameter_supported: bool,
}

/// Resolves the endpoints of a configured provider, over the network for an issuer.
pub async fn resolve(http: &Http, config: &ProviderConfig) -> Result<ProviderMetadata> {
    config.validate()?;
    let quirks = quirks_of(config.preset);
    let metadata = match (&config.issuer, &config.endpoints) {
        (Some(issuer), _) => discover(http, issuer, quirks).await?,
        (None, Some(endpoints)) => ProviderMetadata {
            issuer: None,
            authorization_endpoint: endpoints.authorization.clone(),
            token_endpoint: endpoints.token.clone(),
            revocation_endpoint: endpoints.revocation.clone(),
            userinfo_endpoint: endpoints.userinfo.clone(),
            jwks_uri: None,
            code_challenge_methods_supported: None,
            iss_parameter_supported: false,
        },
        (None, None) => unreachable!("validate() requires an issuer or endpoints"),
    };
    Ok(metadata)
}

async fn discover(http: &Http, issuer: &str, quirks: Quirks) -> Result<ProviderMetadata> {
    let issuer_url = check_url("issuer", issuer)?;
    let (oidc_url, oauth_url) = well_known_urls(&issuer_url);
    let (oidc, oauth) =
        tokio::join!(http.get_json(&oidc_url, None), http.get_json(&oauth_url, None));
    // RFC 8414 metadata only supplements OIDC discovery, so its failures are not fatal then.
    let oauth = match (&oidc, oauth) {
        (Ok(Some(_)), Err(e)) => {
            tracing::debug!(error = %e, "RFC 8414 metadata unavailable");
            None
        }
        (_, oauth) => oauth?,
    };
    let oidc = oidc?;
    if oidc.is_none() && oauth.is_none() {
        return Err(Error::Invalid(format!(
            "No OpenID Connect configuration was found for \"{issuer}\". Check the issuer URL."
        )));
    }
    let docs: Vec<&Map<String, Value>> = oidc.iter().chain(oauth.iter()).collect();
    for doc in &docs {
        let published = doc.get("issuer").and_then(Value::as_str).unwrap_or_default();
        if !issuer_matches(issuer, published, quirks.tenant_issuer_template) {
            return Err(Error::Invalid(format!(
                "The provider at \"{issuer}\" says its issuer is \"{published}\". They must be \
                 the same; check the issuer URL."
            )));
        }
    }
    // First document that has the field wins: OIDC discovery, then RFC 8414.
    let field = |name: &str| docs.iter().find_map(|d| d.get(name).filter(|v| !v.is_null()));
    let url_field = |name: &str| -> Result<Option<String>> {
        match field(name) {
            None => Ok(None),
            Some(Value::String(url)) => {
                check_url(&name.replace('_', " "), url)?;
                Ok(Some(url.clone()))
            }
            Some(_) => Err(Error::Invalid(format!(
                "The provider at \"{issuer}\" published an unusable {name}."
            ))),
        }
    };
    let required = |name: &str| -> Result<String> {
        url_field(name)?.ok_or_else(|| {
            Error::Invalid(format!("The provider at \"{issuer}\" does not publish its {name}."))
        })
    };
    let methods = field("code_challenge_methods_supported")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(String::from).collect::<Vec<_>>());
    if let Some(methods) = &methods
        && !methods.iter().any(|m| m == "S256")
    {
        return Err(Error::Invalid(format!(
            "The provider at \"{issuer}\" does not support PKCE with S256, which AuthDeck requires \
             to keep sign-ins safe."
        )));
    }
    let published_issuer = field("issuer").and_then(Value::as_str).unwrap_or(issuer).to_string();
    Ok(ProviderMetadata {
        issuer: Some(published_issuer),
        authorization_endpoint: required("authorization_endpoint")?,
        token_endpoint: required("token_endpoint")?,
        revocation_endpoint: url_field("revocation_endpoint")?,
        userinfo_endpoint: url_field("userinfo_endpoint")?,
        jwks_uri: url_field("jwks_uri")?,
        code_challenge_methods_supported: methods,
        iss_parameter_supported: field("authorization_response_iss_parameter_supported")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    })
}

/// OIDC discovery appends to the issuer's path; RFC 8414 inserts the well-known segment
/// between the host and the path.
fn well_known_urls(issuer: &Url) -> (Url, Url) {
    let path = issuer.path().trim_end_matches('/');
    let mut oidc = issuer.clone();
    oidc.set_path(&format!("{path}/.well-known/openid-configuration"));
    let mut oauth = issuer.clone();
    oauth.set_path(&format!("/.well-known/oauth-authorization-server{path}"));
    (oidc, oauth)
}

/// Exact issuer comparison, except the Entra ID multi-tenant template where the published
/// issuer carries `{tenantid}` in place of the configured tenant segment.
pub fn issuer_matches(expected: &str, actual: &str, tenant_template: bool) -> bool {
    if expected == actual {
        return true;
    }
    let template = if tenant_template { actual.split_once("{tenantid}") } else { None };
    match template {
        Some((before, after)) => expected
            .strip_prefix(before)
            .and_then(|rest| rest.strip_suffix(after))
            .is_some_and(|tenant| !tenant.is_empty() && !tenant.contains('/')),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_locations() {
        let (oidc, oauth) = well_known_urls(&Url::parse("https://id.example.com").unwrap());
        assert_eq!(oidc.as_str(), "https://id.example.com/.well-known/openid-configuration");
        assert_eq!(oauth.as_str(), "https://id.example.com/.well-known/oauth-authorization-server");
        let (oidc, oauth) =
            well_known_urls(&Url::parse("http://127.0.0.1:4000/realms/demo/").unwrap());
        assert_eq!(
            oidc.as_str(),
            "http://127.0.0.1:4000/realms/demo/.well-known/openid-configuration"
        );
        assert_eq!(
            oauth.as_str(),
            "http://127.0.0.1:4000/.well-known/oauth-authorization-server/realms/demo"
        );
    }

    #[test]
    fn issuers_match_exactly_except_the_tenant_template() {
        assert!(issuer_matches("https://a.example", "https://a.example", false));
        assert!(!issuer_matches("https://a.example", "https://a.example/", false));
        assert!(!issuer_matches("https://a.example", "https://evil.example", false));
        let template = "https://login.microsoftonline.com/{tenantid}/v2.0";
        assert!(issuer_matches("https://login.microsoftonline.com/common/v2.0", template, true));
        assert!(!issuer_matches("https://login.microsoftonline.com/common/v2.0", template, false));
        assert!(!issuer_matches("https://login.microsoftonline.com/a/b/v2.0", template, true));
        assert!(!issuer_matches("https://login.evil.com/common/v2.0", template, true));
    }
}
