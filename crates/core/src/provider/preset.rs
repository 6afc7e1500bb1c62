//! Ready-made settings for well-known providers, and the quirks each one needs.
//!
//! Quirks are derived from the preset at use time rather than stored, so a fix here reaches
//! providers that were configured before it.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{ClientSecretSource, Endpoints, ProviderConfig, Redirect};
use crate::error::{Error, Result};

/// GitHub's device authorization endpoint (sign-in with a code).
pub const GITHUB_DEVICE: &str = "https://github.com/login/device/code";
/// Google's, which it allows only for some client types and scopes.
pub const GOOGLE_DEVICE: &str = "https://oauth2.googleapis.com/device/code";

/// A known provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    Google,
    /// Microsoft Entra ID (v2.0 endpoints).
    Microsoft,
    /// GitHub OAuth apps: no discovery, no OpenID Connect.
    Github,
    Gitlab,
    /// X (Twitter) OAuth 2.0 with PKCE: no discovery, no OpenID Connect.
    X,
    /// Any OpenID Connect issuer.
    Oidc,
}

/// How a provider departs from the plain standards.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quirks {
    /// Extra authorization request parameters.
    pub extra_auth_params: &'static [(&'static str, &'static str)],
    /// Send `prompt=consent` when `offline_access` is requested (OIDC Core §11); off where the
    /// provider issues refresh tokens without it and would otherwise ask for consent each time.
    pub consent_for_offline: bool,
    /// Multi-tenant discovery publishes the issuer with a `{tenantid}` placeholder, and each
    /// ID token's `iss` carries the user's tenant (`tid`).
    pub tenant_issuer_template: bool,
    /// The userinfo endpoint is GitHub's `/user` API (`id`, `login`), which needs a
    /// `User-Agent` and answers for non-OIDC tokens.
    pub github_user_api: bool,
    /// Client secrets go in an HTTP Basic `Authorization` header (`client_secret_basic`)
    /// rather than the request body; X refuses them in the body.
    pub basic_client_auth: bool,
}

const GENERIC: Quirks = Quirks {
    extra_auth_params: &[],
    consent_for_offline: true,
    tenant_issuer_template: false,
    github_user_api: false,
    basic_client_auth: false,
};

impl Preset {
    pub const ALL: [Preset; 6] = [
        Preset::Google,
        Preset::Microsoft,
        Preset::Github,
        Preset::Gitlab,
        Preset::X,
        Preset::Oidc,
    ];

    pub fn parse(name: &str) -> Result<Self> {
        Self::ALL.into_iter().find(|p| p.id() == name.to_ascii_lowercase()).ok_or_else(|| {
            let known: Vec<_> = Self::ALL.iter().map(|p| p.id()).collect();
            Error::Invalid(format!(
                "\"{name}\" is not a known preset. Pick one of: {}.",
                known.join(", ")
            ))
        })
    }

    pub fn id(self) -> &'static str {
        match self {
            Preset::Google => "google",
            Preset::Microsoft => "microsoft",
            Preset::Github => "github",
            Preset::Gitlab => "gitlab",
            Preset::X => "x",
            Preset::Oidc => "oidc",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Preset::Google => "Google",
            Preset::Microsoft => "Microsoft",
            Preset::Github => "GitHub",
            Preset::Gitlab => "GitLab",
            Preset::X => "X",
            Preset::Oidc => "OpenID Connect",
        }
    }

    pub fn quirks(self) -> Quirks {
        match self {
            // Google ignores offline_access; it wants access_type=offline, and only re-issues a
            // refresh token on consent.
            Preset::Google => Quirks {
                extra_auth_params: &[("access_type", "offline"), ("prompt", "consent")],
                consent_for_offline: false,
                ..GENERIC
            },
            Preset::Microsoft => {
                Quirks { consent_for_offline: false, tenant_issuer_template: true, ..GENERIC }
            }
            Preset::Github => Quirks { github_user_api: true, ..GENERIC },
            // X wants confidential clients' secrets in a Basic header; its refresh token
            // comes with the `offline.access` scope (OFFLINE_SCOPES), without prompt=consent.
            Preset::X => Quirks { basic_client_auth: true, consent_for_offline: false, ..GENERIC },
            Preset::Gitlab | Preset::Oidc => GENERIC,
        }
    }

    /// Builds a provider from this preset. `issuer` overrides the preset's (self-hosted
    /// GitLab, a generic OIDC issuer); `tenant` picks the Entra ID tenant (default `common`).
    pub fn config(
        self,
        name: &str,
        client_id: &str,
        issuer: Option<String>,
        tenant: Option<&str>,
    ) -> Result<ProviderConfig> {
        let scopes = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        let mut config = ProviderConfig {
            name: name.to_string(),
            label: None,
            preset: Some(self),
            issuer: None,
            endpoints: None,
            client_id: client_id.to_string(),
            client_secret: ClientSecretSource::None,
            scopes: scopes("openid email profile offline_access"),
            redirect: Redirect::default(),
            device_authorization: None,
            registered: None,
        };
        match self {
            Preset::Google => {
                config.issuer = Some("https://accounts.google.com".into());
                config.scopes = scopes("openid email profile");
                // Google desktop clients only accept loopback redirects.
                config.redirect = Redirect::loopback();
                config.device_authorization = Some(GOOGLE_DEVICE.into());
            }
            Preset::Microsoft => {
                let tenant = tenant.unwrap_or("common");
                config.issuer = Some(format!("https://login.microsoftonline.com/{tenant}/v2.0"));
                config.device_authorization = Some(format!(
                    "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/devicecode"
                ));
                config.redirect = Redirect::loopback();
            }
            Preset::Github => {
                config.endpoints = Some(Endpoints {
                    authorization: "https://github.com/login/oauth/authorize".into(),
                    token: "https://github.com/login/oauth/access_token".into(),
                    revocation: None,
                    userinfo: Some("https://api.github.com/user".into()),
                });
                config.scopes = scopes("read:user user:email");
                config.device_authorization = Some(GITHUB_DEVICE.into());
                config.redirect = Redirect::loopback();
            }
            Preset::X => {
                config.endpoints = Some(Endpoints {
                    authorization: "https://twitter.com/i/oauth2/authorize".into(),
                    token: "https://api.twitter.com/2/oauth2/token".into(),
                    revocation: Some("https://api.twitter.com/2/oauth2/revoke".into()),
                    // `{"data": {"id", "username", "name"}}` (see userinfo).
                    userinfo: Some("https://api.twitter.com/2/users/me".into()),
                });
                // offline.access is X's name for "give a refresh token".
                config.scopes = scopes("tweet.read users.read offline.access");
                // X matches callback URLs exactly, port included: one fixed loopback address
                // to register (http://127.0.0.1:8734/callback).
                config.redirect =
                    Redirect::Loopback { port: Some(X_LOOPBACK_PORT), path: "/callback".into() };
            }
            Preset::Gitlab => {
                config.issuer = Some("https://gitlab.com".into());
                // GitLab issues refresh tokens without offline_access and rejects the scope.
                config.scopes = scopes("openid email profile");
            }
            Preset::Oidc => {}
        }
        if let Some(issuer) = issuer {
            if matches!(self, Preset::Github | Preset::X) {
                return Err(Error::Invalid(format!(
                    "{} has no OpenID Connect issuer; leave out --issuer.",
                    self.label()
                )));
            }
            config.issuer = Some(issuer);
        }
        if config.issuer.is_none() && config.endpoints.is_none() {
            return Err(Error::Invalid(
                "The generic OpenID Connect preset needs the issuer URL (--issuer).".into(),
            ));
        }
        Ok(config)
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The fixed loopback port of the X preset's redirect URI (X matches it exactly).
pub const X_LOOPBACK_PORT: u16 = 8734;

/// Quirks of a provider, generic when it has no preset.
pub fn quirks_of(preset: Option<Preset>) -> Quirks {
    preset.map(Preset::quirks).unwrap_or(GENERIC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_validates() {
        for preset in Preset::ALL {
            let issuer = (preset == Preset::Oidc).then(|| "https://id.example.com".to_string());
            let config = preset.config("p", "client", issuer, None).unwrap();
            config.validate().unwrap();
            assert_eq!(Preset::parse(preset.id()).unwrap(), preset);
        }
        assert!(Preset::Oidc.config("p", "c", None, None).is_err());
        assert!(Preset::parse("myspace").is_err());
    }

    #[test]
    fn github_is_plain_oauth_and_microsoft_uses_tenants() {
        let github = Preset::Github.config("gh", "c", None, None).unwrap();
        assert!(!github.is_oidc());
        assert!(github.endpoints.is_some());
        let ms =
            Preset::Microsoft.config("ms", "c", None, Some("contoso.onmicrosoft.com")).unwrap();
        assert_eq!(
            ms.issuer.as_deref(),
            Some("https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0")
        );
        assert!(Preset::Microsoft.quirks().tenant_issuer_template);
        assert_eq!(
            ms.device_authorization.as_deref(),
            Some(
                "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/devicecode"
            )
        );
        assert_eq!(github.device_authorization.as_deref(), Some(GITHUB_DEVICE));
        let google = Preset::Google.config("g", "c", None, None).unwrap();
        assert_eq!(google.device_authorization.as_deref(), Some(GOOGLE_DEVICE));
        assert_eq!(
            Preset::Gitlab.config("gl", "c", None, None).unwrap().device_authorization,
            None
        );
    }

    #[test]
    fn x_is_plain_oauth_with_pkce_basic_auth_and_a_fixed_loopback_redirect() {
        let x = Preset::parse("x").unwrap().config("x", "c", None, None).unwrap();
        assert!(!x.is_oidc());
        let endpoints = x.endpoints.as_ref().unwrap();
        assert_eq!(endpoints.authorization, "https://twitter.com/i/oauth2/authorize");
        assert_eq!(endpoints.token, "https://api.twitter.com/2/oauth2/token");
        assert_eq!(
            endpoints.revocation.as_deref(),
            Some("https://api.twitter.com/2/oauth2/revoke")
        );
        assert_eq!(endpoints.userinfo.as_deref(), Some("https://api.twitter.com/2/users/me"));
        assert_eq!(x.scopes, ["tweet.read", "users.read", "offline.access"]);
        assert!(x.scopes.iter().any(|s| crate::access_words::is_offline_scope(s)));
        assert_eq!(x.redirect.display_uri(), "http://127.0.0.1:8734/callback");
        assert!(Preset::X.quirks().basic_client_auth);
        assert!(!Preset::Github.quirks().basic_client_auth);
        assert!(Preset::X.config("x", "c", Some("https://x.com".into()), None).is_err());
    }
}
