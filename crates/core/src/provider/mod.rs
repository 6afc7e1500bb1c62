//! Provider configuration: who to talk to, as which client, with which scopes, and where the
//! sign-in answer comes back.
//!
//! Everything here is metadata and lives in `providers.json`; a client secret, when a
//! provider needs one, comes from the keychain or an environment variable and never from a
//! file. URLs are checked before any request: `http://` is refused unless the host is a
//! literal loopback address (`localhost` is a name that DNS or /etc/hosts may point anywhere),
//! and redirect URIs follow RFC 8252 (a reverse-domain private-use scheme, or the
//! loopback interface).
//!
//! The children are the ways a configuration comes to be and is kept: [`preset`] (ready-made
//! settings and per-provider quirks), [`input`] (a provider as a person describes it),
//! [`file`] (a provider handed over as a file or a link) and [`store`] (`providers.json`). They build on the types here, so the module is a parent and
//! its children rather than four siblings importing one another.

mod file;
mod input;
mod preset;
mod store;

use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::{Error, Result};
use crate::home::APP_ID;

pub use self::file::{FILE_VERSION, MAX_FILE_BYTES, ProviderFile};
pub use self::input::ProviderInput;
pub use self::preset::{Preset, Quirks, quirks_of};
pub use self::store::ProviderStore;

/// The default deep-link redirect (RFC 8252 §7.1, reverse-domain private-use scheme).
pub const DEFAULT_REDIRECT_URI: &str = "dev.authdeck.app:/oauth/callback";

/// Where the authorization answer comes back to AuthDeck.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Redirect {
    /// A private-use URI scheme that the OS hands to AuthDeck (deep link).
    DeepLink { uri: String },
    /// `http://127.0.0.1:<port><path>`; no port means an ephemeral one per sign-in.
    Loopback { port: Option<u16>, path: String },
}

impl Default for Redirect {
    fn default() -> Self {
        Redirect::DeepLink { uri: DEFAULT_REDIRECT_URI.into() }
    }
}

impl Redirect {
    /// The plain loopback redirect: `http://127.0.0.1:<ephemeral>/callback`.
    pub fn loopback() -> Self {
        Redirect::Loopback { port: None, path: "/callback".into() }
    }

    /// Parses a user-supplied redirect URI.
    pub fn parse(uri: &str) -> Result<Self> {
        let bad = |why: &str| Error::Invalid(format!("The redirect URI \"{uri}\" {why}"));
        let url = Url::parse(uri).map_err(|_| bad("is not a valid address."))?;
        if url.query().is_some() || url.fragment().is_some() {
            return Err(bad("must not carry a query or a fragment."));
        }
        match url.scheme() {
            "http" => {
                let host = url.host_str().unwrap_or_default();
                if host != "127.0.0.1" {
                    return Err(bad(
                        "must use 127.0.0.1 for a loopback redirect (RFC 8252 §7.3 and §8.3).",
                    ));
                }
                Ok(Redirect::Loopback { port: url.port(), path: url.path().to_string() })
            }
            "https" => {
                Err(bad("uses https://, which a desktop app cannot receive. Use --loopback or a \
                 private-use scheme such as dev.authdeck.app:/oauth/callback."))
            }
            scheme if scheme.contains('.') => Ok(Redirect::DeepLink { uri: uri.to_string() }),
            _ => Err(bad(
                "must use a reverse-domain scheme such as dev.authdeck.app:/oauth/callback \
                 (RFC 8252 §7.1).",
            )),
        }
    }

    /// The redirect URI as registered with the provider (loopback without a fixed port shows
    /// the port as `<port>`, which providers following RFC 8252 §7.3 ignore).
    pub fn display_uri(&self) -> String {
        match self {
            Redirect::DeepLink { uri } => uri.clone(),
            Redirect::Loopback { port: Some(port), path } => {
                format!("http://127.0.0.1:{port}{path}")
            }
            Redirect::Loopback { port: None, path } => format!("http://127.0.0.1{path}"),
        }
    }

    /// Whether the deep link uses the scheme the desktop app registers with the OS.
    pub fn uses_app_scheme(&self) -> bool {
        matches!(self, Redirect::DeepLink { uri } if uri.starts_with(&format!("{APP_ID}:")))
    }
}

/// Where a client secret comes from. Never a plain file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum ClientSecretSource {
    /// A public client (the usual case for a native app with PKCE).
    #[default]
    None,
    /// Stored in the keychain, bound to the provider registration it was entered for.
    Keychain {
        /// A random id made when the provider was added; the secret's keychain key. Absent in
        /// configurations written before, whose secret is under `client-secret/<provider>`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        registration: Option<String>,
    },
    /// Read from this environment variable when needed.
    Env { var: String },
}

/// Endpoints given by hand, for providers without discovery (GitHub, plain OAuth 2.0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Endpoints {
    pub authorization: String,
    pub token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userinfo: Option<String>,
}

/// One configured provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderConfig {
    pub name: String,
    /// What people see ("Google", "Local demo provider"); defaults to the preset's or the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<Preset>,
    /// OIDC issuer (discovery). Exactly one of `issuer` and `endpoints` is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<Endpoints>,
    pub client_id: String,
    #[serde(default)]
    pub client_secret: ClientSecretSource,
    pub scopes: Vec<String>,
    #[serde(default)]
    pub redirect: Redirect,
    /// RFC 8628 device authorization endpoint, when given by hand or by a preset; otherwise
    /// discovery's `device_authorization_endpoint` is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_authorization: Option<String>,
    /// Set when AuthDeck registered this client itself (RFC 7591): `client_id` was issued by
    /// the provider, and the registration can be deleted again (RFC 7592).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered: Option<Registration>,
}

/// A client AuthDeck registered for itself. The registration access token is not here: it
/// lives in the keychain under [`Registration::token_key`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    /// The RFC 7592 address of the registration, when the provider gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_client_uri: Option<String>,
    /// A random id made at registration; the registration access token's keychain key.
    pub token_key: String,
}

impl ProviderConfig {
    /// The name shown to people.
    pub fn label(&self) -> String {
        self.label
            .clone()
            .or_else(|| self.preset.filter(|p| *p != Preset::Oidc).map(|p| p.label().to_string()))
            .unwrap_or_else(|| self.name.clone())
    }

    /// Checks everything that can be checked without the network.
    pub fn validate(&self) -> Result<()> {
        if self.client_id.trim().is_empty() {
            return Err(Error::Invalid("A client ID is required.".into()));
        }
        self.validate_settings()
    }

    /// Everything [`validate`](Self::validate) checks but the client ID, which an empty
    /// configuration gets by registering itself (see `registration`).
    pub fn validate_settings(&self) -> Result<()> {
        validate_name(&self.name)?;
        match (&self.issuer, &self.endpoints) {
            (Some(issuer), None) => {
                let url = check_url("issuer", issuer)?;
                if url.query().is_some() {
                    return Err(Error::Invalid(format!(
                        "The issuer \"{issuer}\" must not carry a query."
                    )));
                }
            }
            (None, Some(endpoints)) => {
                check_url("authorization URL", &endpoints.authorization)?;
                check_url("token URL", &endpoints.token)?;
                if let Some(url) = &endpoints.revocation {
                    check_url("revocation URL", url)?;
                }
                if let Some(url) = &endpoints.userinfo {
                    check_url("userinfo URL", url)?;
                }
            }
            _ => {
                return Err(Error::Invalid(
                    "Give either an issuer (for OpenID Connect discovery) or the authorization \
                     and token URLs, not both."
                        .into(),
                ));
            }
        }
        if let Redirect::DeepLink { uri } = &self.redirect {
            Redirect::parse(uri)?;
        }
        if let Some(url) = &self.device_authorization {
            check_url("device authorization URL", url)?;
        }
        if let ClientSecretSource::Env { var } = &self.client_secret
            && (var.is_empty() || var.contains('='))
        {
            return Err(Error::Invalid(format!("\"{var}\" is not an environment variable name.")));
        }
        Ok(())
    }

    /// Whether an OpenID Connect sign-in (ID token, nonce) is expected.
    pub fn is_oidc(&self) -> bool {
        self.issuer.is_some() && self.scopes.iter().any(|s| s == "openid")
    }
}

/// The longest provider name. With [`PROVIDER_NAME_PUNCTUATION`], the whole name rule: the
/// window checks names as they are typed from these two (through the generated bindings).
pub const PROVIDER_NAME_MAX_LEN: usize = 64;
/// Besides ASCII letters and digits, the characters a provider name may hold (not first).
pub const PROVIDER_NAME_PUNCTUATION: &str = "-_.";

/// Provider names become file and keychain keys, so they stay simple.
pub fn validate_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= PROVIDER_NAME_MAX_LEN
        && name.chars().all(|c| c.is_ascii_alphanumeric() || PROVIDER_NAME_PUNCTUATION.contains(c))
        && name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "\"{name}\" can't be used as a provider name. Use letters, digits, '-', '_' or '.' \
             (up to 64), starting with a letter or digit."
        )))
    }
}

/// Parses an endpoint URL and refuses plain `http://` unless it points at this computer.
pub fn check_url(what: &str, raw: &str) -> Result<Url> {
    let url = Url::parse(raw)
        .map_err(|_| Error::Invalid(format!("The {what} \"{raw}\" is not a valid address.")))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback_host(&url) => {}
        "http" => {
            return Err(Error::Invalid(format!(
                "The {what} \"{raw}\" uses http://, which is only allowed for this computer \
                 written as 127.0.0.1 or [::1]. Use an https:// address."
            )));
        }
        _ => {
            return Err(Error::Invalid(format!(
                "The {what} \"{raw}\" must be an https:// address."
            )));
        }
    }
    if url.fragment().is_some() {
        return Err(Error::Invalid(format!("The {what} \"{raw}\" must not carry a #fragment.")));
    }
    Ok(url)
}

/// A literal loopback IP; a name (even `localhost`) could resolve elsewhere.
fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(_)) => false,
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oidc(issuer: &str) -> ProviderConfig {
        ProviderConfig {
            name: "p".into(),
            label: None,
            preset: None,
            issuer: Some(issuer.into()),
            endpoints: None,
            client_id: "c".into(),
            client_secret: ClientSecretSource::None,
            scopes: vec!["openid".into()],
            redirect: Redirect::default(),
            device_authorization: None,
            registered: None,
        }
    }

    #[test]
    fn http_is_only_for_loopback() {
        assert!(oidc("https://id.example.com").validate().is_ok());
        assert!(oidc("http://127.0.0.1:8080").validate().is_ok());
        assert!(oidc("http://[::1]:8080").validate().is_ok());
        assert!(oidc("http://127.0.0.2:8080").validate().is_ok());
        let err = oidc("http://id.example.com").validate().unwrap_err().to_string();
        assert!(err.contains("only allowed for this computer"), "{err}");
        let err = oidc("http://localhost:8080/realms/x").validate().unwrap_err().to_string();
        assert!(err.contains("127.0.0.1 or [::1]"), "{err}");
        assert!(oidc("http://127.0.0.1.example.com").validate().is_err());
        assert!(oidc("ftp://id.example.com").validate().is_err());
        let device = |url: &str| ProviderConfig {
            device_authorization: Some(url.into()),
            ..oidc("https://id.example.com")
        };
        assert!(device("https://id.example.com/device").validate().is_ok());
        assert!(device("http://127.0.0.1:9/device").validate().is_ok());
        let err = device("http://id.example.com/device").validate().unwrap_err().to_string();
        assert!(err.contains("device authorization URL"), "{err}");
    }

    #[test]
    fn redirect_uris_follow_rfc_8252() {
        assert_eq!(
            Redirect::parse("dev.authdeck.app:/oauth/callback").unwrap(),
            Redirect::DeepLink { uri: "dev.authdeck.app:/oauth/callback".into() }
        );
        assert_eq!(
            Redirect::parse("http://127.0.0.1/callback").unwrap(),
            Redirect::Loopback { port: None, path: "/callback".into() }
        );
        assert_eq!(
            Redirect::parse("http://127.0.0.1:8765/cb").unwrap(),
            Redirect::Loopback { port: Some(8765), path: "/cb".into() }
        );
        assert!(Redirect::parse("myapp:/callback").is_err());
        assert!(Redirect::parse("https://example.com/callback").is_err());
        assert!(Redirect::parse("http://localhost/callback").is_err());
        assert!(Redirect::parse("http://example.com/callback").is_err());
        assert!(Redirect::parse("dev.authdeck.app:/cb?x=1").is_err());
        assert!(Redirect::default().uses_app_scheme());
    }

    #[test]
    fn names_are_file_safe() {
        assert!(validate_name("google-work_2.x").is_ok());
        for bad in ["", "../x", "a/b", "-x", "a b", &"x".repeat(65)] {
            assert!(validate_name(bad).is_err(), "{bad}");
        }
    }
}
