//! Finding a provider's endpoints.
//!
//! For an issuer, AuthDeck reads OpenID Connect discovery
//! (`<issuer>/.well-known/openid-configuration`) and RFC 8414 metadata
//! (`<origin>/.well-known/oauth-authorization-server<path>`) side by side and merges them:
//! some servers list `revocation_endpoint` or `code_challenge_methods_supported` only in the
//! latter. Each document's `issuer` must equal the configured issuer exactly (mix-up
//! defence; for Microsoft, whose documents name the tenant by its GUID or a `{tenantid}`
//! placeholder, it must fit the issuer template instead), endpoint URLs are used exactly as
//! published, and every URL is checked against the http/loopback rule before anything is
//! sent to it. An https issuer that publishes an http endpoint is refused: its documents
//! would downgrade every later request.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use url::Url;

use crate::error::{Error, Result};
use crate::http::Http;
use crate::provider::{ProviderConfig, Quirks, check_url, quirks_of};

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
    /// RFC 7662 token introspection, for asking the provider whether a token is still good.
    #[serde(default)]
    pub introspection_endpoint: Option<String>,
    #[serde(default)]
    pub jwks_uri: Option<String>,
    /// `None` when the provider does not say.
    #[serde(default)]
    pub code_challenge_methods_supported: Option<Vec<String>>,
    /// RFC 9207: the provider sends `iss` with every authorization answer.
    #[serde(default)]
    pub iss_parameter_supported: bool,
    /// RFC 8628: where a sign-in with a code asks for its code (`None`: not offered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_authorization_endpoint: Option<String>,
    /// RFC 7591: where a client may register itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_endpoint: Option<String>,
    /// The grants the provider says it supports (`None` when it does not say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_types_supported: Option<Vec<String>>,
}

/// Resolves the endpoints of a configured provider, over the network for an issuer.
pub async fn resolve(http: &Http, config: &ProviderConfig) -> Result<ProviderMetadata> {
    // The client ID may still be missing: registration resolves the endpoints to get one.
    config.validate_settings()?;
    let quirks = quirks_of(config.preset);
    let metadata = match (&config.issuer, &config.endpoints) {
        (Some(issuer), _) => discover(http, issuer, quirks).await?,
        (None, Some(endpoints)) => ProviderMetadata {
            issuer: None,
            authorization_endpoint: endpoints.authorization.clone(),
            token_endpoint: endpoints.token.clone(),
            revocation_endpoint: endpoints.revocation.clone(),
            userinfo_endpoint: endpoints.userinfo.clone(),
            introspection_endpoint: None,
            jwks_uri: None,
            code_challenge_methods_supported: None,
            iss_parameter_supported: false,
            device_authorization_endpoint: None,
            registration_endpoint: None,
            grant_types_supported: None,
        },
        (None, None) => unreachable!("validate() requires an issuer or endpoints"),
    };
    // One given by hand or by a preset wins over the published one.
    let device = config.device_authorization.clone().or(metadata.device_authorization_endpoint);
    Ok(ProviderMetadata { device_authorization_endpoint: device, ..metadata })
}

pub(crate) async fn discover(
    http: &Http,
    issuer: &str,
    quirks: Quirks,
) -> Result<ProviderMetadata> {
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
    from_documents(issuer, &issuer_url, &docs, quirks)
}

/// Reads the metadata documents of `issuer` (OIDC discovery first, then RFC 8414).
fn from_documents(
    issuer: &str,
    issuer_url: &Url,
    docs: &[&Map<String, Value>],
    quirks: Quirks,
) -> Result<ProviderMetadata> {
    for doc in docs {
        let published = doc.get("issuer").and_then(Value::as_str).unwrap_or_default();
        let matches = if quirks.tenant_issuer_template {
            tenant_issuer_fits(issuer, published)
        } else {
            issuer_matches(issuer, published, false)
        };
        if !matches {
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
                let what = name.replace('_', " ");
                if check_url(&what, url)?.scheme() == "http" && issuer_url.scheme() == "https" {
                    return Err(Error::Invalid(format!(
                        "The provider at \"{issuer}\" publishes its {what} over plain http://. \
                         Ask its administrator to publish https:// addresses."
                    )));
                }
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
        introspection_endpoint: url_field("introspection_endpoint")?,
        jwks_uri: url_field("jwks_uri")?,
        code_challenge_methods_supported: methods,
        iss_parameter_supported: field("authorization_response_iss_parameter_supported")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        device_authorization_endpoint: url_field("device_authorization_endpoint")?,
        // Only self-registration uses it: a bad one makes that unavailable, not the sign-in.
        registration_endpoint: url_field("registration_endpoint").ok().flatten(),
        grant_types_supported: field("grant_types_supported")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(String::from).collect::<Vec<_>>()),
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

/// Microsoft's published issuer names the tenant by its GUID (for a domain tenant such as
/// `contoso.onmicrosoft.com`, or `consumers`), or by the `{tenantid}` placeholder (for
/// `common` and `organizations`). It fits when everything but the tenant segment is exactly
/// the configured issuer, and that segment is the configured one, a GUID or the placeholder.
pub fn tenant_issuer_fits(configured: &str, published: &str) -> bool {
    let (Ok(configured), Ok(published)) = (Url::parse(configured), Url::parse(published)) else {
        return false;
    };
    let segments = |url: &Url| url.path().split('/').map(String::from).collect::<Vec<_>>();
    let (want, got) = (segments(&configured), segments(&published));
    let same_place = configured.scheme() == published.scheme()
        && configured.host_str() == published.host_str()
        && configured.port() == published.port()
        && published.query().is_none()
        && want.len() == got.len()
        && want.len() >= 2;
    // Path segments: ["", tenant, rest...].
    same_place
        && want[2..] == got[2..]
        && (got[1] == want[1] || is_placeholder(&got[1]) || is_guid(&got[1]))
}

/// `{tenantid}`, as written or as a parsed URL path spells it.
fn is_placeholder(segment: &str) -> bool {
    segment == "{tenantid}" || segment.eq_ignore_ascii_case("%7Btenantid%7D")
}

fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
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
    use crate::provider::Preset;

    fn doc(text: &str) -> Map<String, Value> {
        serde_json::from_str(text).unwrap()
    }

    fn read(
        issuer: &str,
        docs: &[&Map<String, Value>],
        quirks: Quirks,
    ) -> Result<ProviderMetadata> {
        from_documents(issuer, &Url::parse(issuer).unwrap(), docs, quirks)
    }

    /// Recorded from Microsoft's v2.0 discovery document for a single tenant: the issuer
    /// carries the tenant's GUID whatever name the tenant was asked for by.
    const MICROSOFT_TENANT: &str =
        include_str!("../tests/fixtures/microsoft-tenant-openid-configuration.json");
    const MICROSOFT_CONSUMERS: &str =
        include_str!("../tests/fixtures/microsoft-consumers-openid-configuration.json");

    #[test]
    fn microsoft_domain_tenants_and_consumers_finish_discovery() {
        let quirks = Preset::Microsoft.quirks();
        let tenant = doc(MICROSOFT_TENANT);
        let issuer = "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0";
        let metadata = read(issuer, &[&tenant], quirks).unwrap();
        assert_eq!(
            metadata.issuer.as_deref(),
            Some("https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0")
        );
        assert!(metadata.token_endpoint.ends_with("/oauth2/v2.0/token"));
        let consumers = doc(MICROSOFT_CONSUMERS);
        let issuer = "https://login.microsoftonline.com/consumers/v2.0";
        assert!(read(issuer, &[&consumers], quirks).is_ok());
        // The template fits only Microsoft's own place, and only the tenant segment may differ.
        let other = "https://login.microsoftonline.com/contoso.onmicrosoft.com/v1.0";
        assert!(read(other, &[&tenant], quirks).is_err());
        let evil =
            MICROSOFT_TENANT.replace("login.microsoftonline.com/72f9", "login.evil.example/72f9");
        assert!(read(issuer, &[&doc(&evil)], quirks).is_err());
        // Without the quirk the GUID issuer is a different issuer.
        assert!(
            read(
                "https://login.microsoftonline.com/consumers/v2.0",
                &[&consumers],
                Quirks::default()
            )
            .is_err()
        );
    }

    #[test]
    fn tenant_issuers_fit_the_template() {
        let configured = "https://login.microsoftonline.com/common/v2.0";
        assert!(tenant_issuer_fits(
            configured,
            "https://login.microsoftonline.com/{tenantid}/v2.0"
        ));
        assert!(tenant_issuer_fits(configured, configured));
        assert!(!tenant_issuer_fits(configured, "https://login.microsoftonline.com/evil/v2.0"));
        assert!(!tenant_issuer_fits(configured, "https://login.microsoftonline.com/a/b/v2.0"));
        assert!(!tenant_issuer_fits(
            configured,
            "http://login.microsoftonline.com/{tenantid}/v2.0"
        ));
    }

    #[test]
    fn an_https_issuer_may_not_publish_http_endpoints() {
        let issuer = "https://id.example.com";
        let published = doc(r#"{"issuer": "https://id.example.com",
            "authorization_endpoint": "https://id.example.com/auth",
            "token_endpoint": "http://127.0.0.1:9/token"}"#);
        let error = read(issuer, &[&published], Quirks::default()).unwrap_err().to_string();
        assert!(error.contains("plain http://"), "{error}");
        // A loopback issuer (a local test server) may use http throughout.
        let local = doc(r#"{"issuer": "http://127.0.0.1:9",
            "authorization_endpoint": "http://127.0.0.1:9/auth",
            "token_endpoint": "http://127.0.0.1:9/token"}"#);
        assert!(read("http://127.0.0.1:9", &[&local], Quirks::default()).is_ok());
    }

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
