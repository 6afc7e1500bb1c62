//! A provider handed over as a file or a link (docs/provider-file.md), so that support can
//! give a person everything but their own sign-in.
//!
//! The file is small, versioned JSON. [`ProviderFile`] has no field that could hold a secret,
//! and reading one refuses, before anything else, any field whose name looks like a secret
//! (`client_secret`, `registration_access_token`, `refresh_token`, ...), anywhere in the
//! document: a file that carries one was made by something other than AuthDeck, and its
//! secret must not be kept. Unknown fields are refused too, so a future or forged field is
//! never silently dropped. A file naming a preset (or labelled like one, "Google") must point
//! where that preset points, so a label cannot lend a stranger's address a familiar name.
//! The rest is checked by the same rules as a provider typed in ([`ProviderInput`]).
//!
//! A link is `dev.authdeck.app:/provider?file=` and the compact JSON in unpadded base64url:
//! no compression, so there is nothing to inflate and the size limit holds before decoding.

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::input::ProviderInput;
use super::preset::Preset;
use super::{Endpoints, ProviderConfig, Redirect, validate_name};
use crate::error::{Error, Result};
use crate::home::APP_ID;

/// The one version this AuthDeck reads and writes.
pub const FILE_VERSION: u32 = 1;
/// The largest provider file (or decoded link) read.
pub const MAX_FILE_BYTES: usize = 16 * 1024;

const LINK_PATH: &str = ":/provider?file=";
const MAX_SCOPES: usize = 32;
const MAX_TEXT: usize = 256;

/// Field names refused wherever they appear: secrets, or things that only hold secrets.
const SECRET_WORDS: [&str; 10] = [
    "secret",
    "token",
    "password",
    "passwd",
    "credential",
    "assertion",
    "privatekey",
    "apikey",
    "verifier",
    "cookie",
];
const SECRET_NAMES: [&str; 5] = ["code", "key", "keys", "jwk", "jwks"];

const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A provider as a file. Deliberately without any secret field: see the module docs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderFile {
    /// Always [`FILE_VERSION`].
    pub version: u32,
    /// The name people see.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// `google`, `microsoft`, `github`, `gitlab` or `oidc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// OpenID Connect issuer (the Microsoft preset's carries its tenant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// Endpoints, for providers without discovery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<FileEndpoints>,
    /// The client ID; absent when AuthDeck registers itself on import.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// AuthDeck registers a client of its own with the provider when this is imported
    /// (RFC 7591): the exporter's registration is never shared.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub register_on_import: bool,
    pub scopes: Vec<String>,
    /// `dev.authdeck.app:/oauth/callback` (deep link) or `http://127.0.0.1/callback`
    /// (loopback, any port unless one is given).
    pub redirect_uri: String,
}

/// [`Endpoints`] as a file spells them, refusing unknown fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEndpoints {
    pub authorization: String,
    pub token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userinfo: Option<String>,
}

impl From<&Endpoints> for FileEndpoints {
    fn from(e: &Endpoints) -> Self {
        FileEndpoints {
            authorization: e.authorization.clone(),
            token: e.token.clone(),
            revocation: e.revocation.clone(),
            userinfo: e.userinfo.clone(),
        }
    }
}

impl From<FileEndpoints> for Endpoints {
    fn from(e: FileEndpoints) -> Self {
        Endpoints {
            authorization: e.authorization,
            token: e.token,
            revocation: e.revocation,
            userinfo: e.userinfo,
        }
    }
}

fn refused(why: &str) -> Error {
    Error::Invalid(format!("{why}, so nothing was added."))
}

fn malformed() -> Error {
    refused("This is not a provider file AuthDeck can read")
}

impl ProviderFile {
    /// The file for a configured provider. A provider AuthDeck registered itself exports as
    /// "register on import": its client ID belongs to this computer's registration.
    pub fn from_config(config: &ProviderConfig) -> Self {
        let registered = config.registered.is_some();
        ProviderFile {
            version: FILE_VERSION,
            label: config.label.clone(),
            preset: config.preset.map(|p| p.id().to_string()),
            issuer: config.issuer.clone(),
            // A preset's endpoints come with the preset.
            endpoints: config
                .endpoints
                .as_ref()
                .filter(|_| config.preset.is_none())
                .map(Into::into),
            client_id: (!registered).then(|| config.client_id.clone()),
            register_on_import: registered,
            scopes: config.scopes.clone(),
            redirect_uri: config.redirect.display_uri(),
        }
    }

    /// The file as people read it.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a provider file serializes")
    }

    /// The `dev.authdeck.app:` link carrying the file.
    pub fn to_link(&self) -> String {
        let compact = serde_json::to_string(self).expect("a provider file serializes");
        format!("{APP_ID}{LINK_PATH}{}", BASE64URL.encode(compact))
    }

    /// Whether `text` is a provider link rather than a file's content or path.
    pub fn is_link(text: &str) -> bool {
        text.trim_start().starts_with(&format!("{APP_ID}:"))
    }

    /// Reads a provider link.
    pub fn from_link(link: &str) -> Result<Self> {
        let encoded = link
            .trim()
            .strip_prefix(&format!("{APP_ID}{LINK_PATH}"))
            .ok_or_else(|| refused("This link is not an AuthDeck provider link"))?;
        if encoded.len() > MAX_FILE_BYTES.div_ceil(3) * 4 {
            return Err(refused("This link is too long to be a provider link"));
        }
        let bytes = BASE64URL
            .decode(encoded)
            .map_err(|_| refused("This link is damaged (it may have been cut short)"))?;
        Self::parse(&bytes)
    }

    /// Reads a provider file's bytes: size, secrets, version, then the fields.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        if bytes.len() > MAX_FILE_BYTES {
            return Err(refused("This file is larger than 16 KB, too large to be a provider file"));
        }
        let value: Value = serde_json::from_slice(bytes).map_err(|_| malformed())?;
        if let Some(name) = secret_field(&value, None, 0) {
            return Err(refused(&format!(
                "This provider file carries a secret (\"{name}\"), which AuthDeck never takes \
                 from a file or a link"
            )));
        }
        match value.get("version") {
            Some(v) if v.as_u64() == Some(u64::from(FILE_VERSION)) => {}
            Some(v) if v.is_u64() => {
                return Err(refused(&format!(
                    "This provider file is version {v}, which this AuthDeck cannot read; update \
                     AuthDeck"
                )));
            }
            _ => return Err(malformed()),
        }
        let file: ProviderFile = serde_json::from_value(value).map_err(|_| malformed())?;
        file.check_text()?;
        Ok(file)
    }

    /// Limits on the free text, so a file cannot smuggle markup, control characters or bulk.
    fn check_text(&self) -> Result<()> {
        let plain = |s: &str| s.len() <= MAX_TEXT && !s.chars().any(char::is_control);
        let texts = [&self.label, &self.preset, &self.issuer, &self.client_id];
        if !texts.iter().all(|t| t.as_deref().is_none_or(plain)) || !plain(&self.redirect_uri) {
            return Err(malformed());
        }
        let scope_ok = |s: &String| {
            !s.is_empty()
                && s.len() <= MAX_TEXT
                && s.bytes().all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
        };
        if self.scopes.len() > MAX_SCOPES || !self.scopes.iter().all(scope_ok) {
            return Err(malformed());
        }
        Ok(())
    }

    /// A provider name for the import when none is given: from the label, the preset or the
    /// issuer's host.
    pub fn suggested_name(&self) -> String {
        let host = self
            .issuer
            .as_deref()
            .or(self.endpoints.as_ref().map(|e| e.authorization.as_str()))
            .and_then(|u| Url::parse(u).ok()?.host_str().map(String::from));
        let source = self.label.clone().or(self.preset.clone()).or(host).unwrap_or_default();
        let mut name = String::new();
        for c in source.chars() {
            if c.is_ascii_alphanumeric() {
                name.push(c.to_ascii_lowercase());
            } else if !name.is_empty() && !name.ends_with('-') {
                name.push('-');
            }
        }
        let name: String = name.trim_end_matches('-').chars().take(48).collect();
        if validate_name(&name).is_ok() { name } else { "imported".into() }
    }

    /// The provider this file describes, under `name`. Checked like a provider typed in, and
    /// against the preset it names or is labelled like. The client ID is empty for "register
    /// on import" (the deck then registers).
    pub fn to_config(&self, name: &str) -> Result<ProviderConfig> {
        match (&self.client_id, self.register_on_import) {
            (Some(id), false) if !id.trim().is_empty() => {}
            (None, true) => {}
            _ => return Err(malformed()),
        }
        let preset = self.check_preset()?;
        let redirect = Redirect::parse(&self.redirect_uri)?;
        if matches!(redirect, Redirect::DeepLink { .. }) && !redirect.uses_app_scheme() {
            return Err(refused(&format!(
                "This provider file sends sign-ins to \"{}\", which is not AuthDeck",
                self.redirect_uri
            )));
        }
        let config = ProviderInput {
            name: name.to_string(),
            label: self.label.clone(),
            preset: preset.map(|p| p.id().to_string()),
            issuer: self.issuer.clone(),
            // A preset brings its own endpoints (checked equal above).
            endpoints: self.endpoints.clone().filter(|_| preset.is_none()).map(Into::into),
            client_id: self.client_id.clone().unwrap_or_default(),
            scopes: (!self.scopes.is_empty()).then(|| self.scopes.clone()),
            redirect_uri: Some(self.redirect_uri.clone()),
            // The Microsoft preset's endpoints (device sign-in among them) follow its tenant.
            tenant: self
                .issuer
                .as_deref()
                .filter(|_| preset == Some(Preset::Microsoft))
                .and_then(entra_tenant)
                .map(String::from),
            ..Default::default()
        }
        .build()?;
        Ok(config)
    }

    /// The preset this file is held to: the one it names, or the one whose name it carries
    /// as its label. Refuses a file that points elsewhere than that preset.
    fn check_preset(&self) -> Result<Option<Preset>> {
        let named = match self.preset.as_deref() {
            Some(id) => Some(Preset::parse(id).map_err(|_| malformed())?),
            None => None,
        };
        let label = self.label.as_deref().map(str::trim).unwrap_or_default();
        let lookalike = Preset::ALL
            .into_iter()
            .filter(|p| *p != Preset::Oidc)
            .find(|p| p.label().eq_ignore_ascii_case(label));
        let held_to = match (named.filter(|p| *p != Preset::Oidc), lookalike) {
            (Some(a), Some(b)) if a != b => return Err(self.not_the_preset(b)),
            (Some(p), _) | (None, Some(p)) => p,
            (None, None) => return Ok(named),
        };
        let canonical = held_to.config("x", "x", None, None)?;
        let endpoints_ok = match &self.endpoints {
            None => true,
            Some(given) => {
                canonical.endpoints.as_ref().map(FileEndpoints::from).as_ref() == Some(given)
            }
        };
        let issuer_ok = match self.issuer.as_deref() {
            None => named.is_some() || canonical.issuer.is_none(),
            Some(issuer) => {
                let same = canonical.issuer.as_deref().map(|c| c.trim_end_matches('/'))
                    == Some(issuer.trim_end_matches('/'));
                same || (held_to == Preset::Microsoft && is_entra_issuer(issuer))
                    // Self-managed GitLab, as long as it does not also borrow the name.
                    || (held_to == Preset::Gitlab && lookalike.is_none() && !label.is_empty())
            }
        };
        if !(endpoints_ok && issuer_ok) || (self.issuer.is_some() && held_to == Preset::Github) {
            return Err(self.not_the_preset(held_to));
        }
        Ok(named.or(Some(held_to)))
    }

    fn not_the_preset(&self, preset: Preset) -> Error {
        let place = self
            .issuer
            .as_deref()
            .or(self.endpoints.as_ref().map(|e| e.authorization.as_str()))
            .and_then(|u| Url::parse(u).ok()?.host_str().map(String::from))
            .unwrap_or_else(|| "another address".into());
        refused(&format!(
            "This provider file says it is for {} but points to {place}",
            preset.label()
        ))
    }
}

/// `https://login.microsoftonline.com/<tenant>/v2.0`, the tenant a name, domain or GUID.
fn is_entra_issuer(issuer: &str) -> bool {
    entra_tenant(issuer).is_some()
}

/// The tenant of an Entra ID issuer (see [`is_entra_issuer`]).
fn entra_tenant(issuer: &str) -> Option<&str> {
    issuer
        .strip_prefix("https://login.microsoftonline.com/")
        .and_then(|rest| rest.strip_suffix("/v2.0"))
        .filter(|tenant| {
            !tenant.is_empty()
                && tenant.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        })
}

/// The first secret-looking field name anywhere in `value` (`endpoints.token`, the token
/// endpoint's address, is the one look-alike that is a real field).
fn secret_field(value: &Value, parent: Option<&str>, depth: usize) -> Option<String> {
    if depth > 16 {
        return Some("(nested too deeply)".into());
    }
    match value {
        Value::Object(map) => map.iter().find_map(|(name, v)| {
            let squashed: String =
                name.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_lowercase();
            let field = parent == Some("endpoints") && name == "token" && depth == 1;
            let secret = SECRET_WORDS.iter().any(|w| squashed.contains(w))
                || SECRET_NAMES.contains(&squashed.as_str());
            if secret && !field {
                Some(name.chars().take(64).filter(|c| !c.is_control()).collect())
            } else {
                secret_field(v, Some(name), depth + 1)
            }
        }),
        Value::Array(items) => items.iter().find_map(|v| secret_field(v, None, depth + 1)),
        _ => None,
    }
}

#[cfg(test)]
#[path = "file_tests.rs"]
mod tests;
