//! A provider as a person describes it (CLI flags, the window's "Add provider" form), turned
//! into a [`ProviderConfig`]. One place for the defaults, so both front ends agree.

use serde::Deserialize;

use super::preset::Preset;
use super::{ClientSecretSource, Endpoints, ProviderConfig, Redirect};
use crate::error::{Error, Result};

/// What someone fills in to add a provider.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProviderInput {
    pub name: String,
    #[serde(default)]
    pub label: Option<String>,
    /// `google`, `microsoft`, `github`, `gitlab`, `x` or `oidc`.
    #[serde(default)]
    pub preset: Option<String>,
    /// OpenID Connect issuer (required without a preset or endpoints; overrides a preset's).
    #[serde(default)]
    pub issuer: Option<String>,
    /// Hand-given endpoints for providers without discovery.
    #[serde(default)]
    pub endpoints: Option<Endpoints>,
    pub client_id: String,
    /// Scopes; `None` keeps the preset's or the OpenID Connect defaults.
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    #[serde(default)]
    pub redirect_uri: Option<String>,
    #[serde(default)]
    pub loopback: bool,
    /// Entra ID tenant for the Microsoft preset.
    #[serde(default)]
    pub tenant: Option<String>,
    /// Name of an environment variable holding the client secret.
    #[serde(default)]
    pub client_secret_env: Option<String>,
    /// RFC 8628 device authorization endpoint (sign-in with a code), when discovery and the
    /// preset do not give it.
    #[serde(default)]
    pub device_authorization_url: Option<String>,
}

const OIDC_SCOPES: [&str; 4] = ["openid", "email", "profile", "offline_access"];

impl ProviderInput {
    /// Builds and validates the configuration. An empty client ID is left empty: the deck
    /// then registers AuthDeck with the provider (RFC 7591) when the provider allows it.
    pub fn build(self) -> Result<ProviderConfig> {
        let blank = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let (issuer, preset) = (blank(self.issuer), blank(self.preset));
        let mut config = match (preset, self.endpoints) {
            (Some(_), Some(_)) => {
                return Err(Error::Invalid(
                    "Give either a preset or the endpoints of the provider, not both.".into(),
                ));
            }
            (Some(preset), None) => Preset::parse(&preset)?.config(
                &self.name,
                self.client_id.trim(),
                issuer,
                blank(self.tenant).as_deref(),
            )?,
            (None, endpoints) => {
                if issuer.is_some() && endpoints.is_some() {
                    return Err(Error::Invalid(
                        "Give either an issuer or the endpoints of the provider, not both.".into(),
                    ));
                }
                if issuer.is_none() && endpoints.is_none() {
                    return Err(Error::Invalid(
                        "Give the issuer URL, pick a preset, or give the authorization and token \
                         URLs."
                            .into(),
                    ));
                }
                let scopes = match &issuer {
                    Some(_) => OIDC_SCOPES.map(String::from).to_vec(),
                    None => Vec::new(),
                };
                ProviderConfig {
                    name: self.name.clone(),
                    label: None,
                    preset: None,
                    issuer,
                    endpoints,
                    client_id: self.client_id.trim().to_string(),
                    client_secret: ClientSecretSource::None,
                    scopes,
                    redirect: Redirect::default(),
                    device_authorization: None,
                    registered: None,
                }
            }
        };
        if let Some(scopes) = self.scopes {
            let scopes: Vec<String> =
                scopes.iter().flat_map(|s| s.split_whitespace()).map(String::from).collect();
            if !scopes.is_empty() {
                config.scopes = scopes;
            }
        }
        match (blank(self.redirect_uri), self.loopback) {
            (Some(_), true) => {
                return Err(Error::Invalid(
                    "Give either a redirect URI or the loopback option, not both.".into(),
                ));
            }
            (Some(uri), false) => config.redirect = Redirect::parse(&uri)?,
            // A preset's own loopback address (X's fixed port) is kept.
            (None, true) if matches!(config.redirect, Redirect::Loopback { .. }) => {}
            (None, true) => config.redirect = Redirect::loopback(),
            (None, false) => {}
        }
        config.label = blank(self.label);
        if let Some(url) = blank(self.device_authorization_url) {
            config.device_authorization = Some(url);
        }
        if let Some(var) = blank(self.client_secret_env) {
            config.client_secret = ClientSecretSource::Env { var };
        }
        config.validate_settings()?;
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ProviderInput {
        ProviderInput { name: "p".into(), client_id: " client ".into(), ..Default::default() }
    }

    #[test]
    fn issuer_gets_oidc_defaults() {
        let config = ProviderInput { issuer: Some("https://id.example.com".into()), ..input() }
            .build()
            .unwrap();
        assert_eq!(config.scopes, OIDC_SCOPES.map(String::from));
        assert_eq!(config.client_id, "client");
        assert_eq!(config.redirect, Redirect::default());
    }

    #[test]
    fn overrides_apply_to_presets() {
        let config = ProviderInput {
            preset: Some("gitlab".into()),
            issuer: Some("https://gitlab.example.com".into()),
            scopes: Some(vec!["openid read_user".into()]),
            loopback: true,
            label: Some("Work GitLab".into()),
            ..input()
        }
        .build()
        .unwrap();
        assert_eq!(config.issuer.as_deref(), Some("https://gitlab.example.com"));
        assert_eq!(config.scopes, ["openid", "read_user"]);
        assert_eq!(config.redirect, Redirect::loopback());
        assert_eq!(config.label(), "Work GitLab");
    }

    #[test]
    fn the_loopback_option_keeps_a_presets_fixed_loopback_port() {
        let x = ProviderInput { preset: Some("x".into()), loopback: true, ..input() };
        assert_eq!(x.build().unwrap().redirect.display_uri(), "http://127.0.0.1:8734/callback");
        let x = ProviderInput { preset: Some("x".into()), ..input() }.build().unwrap();
        assert_eq!(x.redirect.display_uri(), "http://127.0.0.1:8734/callback");
    }

    #[test]
    fn refuses_contradictions() {
        assert!(input().build().is_err());
        let both = ProviderInput {
            issuer: Some("https://id.example.com".into()),
            redirect_uri: Some("dev.authdeck.app:/cb".into()),
            loopback: true,
            ..input()
        };
        assert!(both.build().is_err());
        let insecure = ProviderInput { issuer: Some("http://id.example.com".into()), ..input() };
        assert!(insecure.build().unwrap_err().to_string().contains("http://"));
    }
}
