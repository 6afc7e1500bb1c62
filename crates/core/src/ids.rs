//! Names and ids that arrive from outside (IPC arguments, command-line words) and end up in
//! file names and keychain keys.
//!
//! Each is checked when it is deserialized (`serde(try_from)`), so a value that could name a
//! file outside its folder (`../providers`, `/home/me/x`) never reaches the code that builds
//! paths: the web view cannot even express it. They deref to `str`, so code that takes `&str`
//! takes them unchanged.

use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::provider::validate_name;

/// A provider's name, as `provider add NAME` accepted it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), specta(transparent))]
#[serde(try_from = "String", into = "String")]
pub struct ProviderName(String);

impl TryFrom<String> for ProviderName {
    type Error = Error;
    fn try_from(name: String) -> Result<Self> {
        validate_name(&name)?;
        Ok(ProviderName(name))
    }
}

/// How an account is named from outside: its id, or the email it signed in with.
///
/// Whatever the id's format, it names `accounts/<id>.json`, so it may hold no path separator,
/// no control character and no leading dot; an email never needs one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), specta(transparent))]
#[serde(try_from = "String", into = "String")]
pub struct AccountRef(String);

/// Longer than any id or email (RFC 5321 caps a path at 256 octets).
const MAX_ACCOUNT_REF: usize = 320;

impl TryFrom<String> for AccountRef {
    type Error = Error;
    fn try_from(raw: String) -> Result<Self> {
        let ok = !raw.is_empty()
            && raw.len() <= MAX_ACCOUNT_REF
            && !raw.starts_with('.')
            && !raw.chars().any(|c| matches!(c, '/' | '\\') || c.is_control());
        if ok {
            Ok(AccountRef(raw))
        } else {
            Err(Error::Invalid(
                "That is not an account id or email. Run `authdeck accounts` to see them.".into(),
            ))
        }
    }
}

/// Opaque id of a pending sign-in (the hash of its `state`). It names files, so it is
/// checked when deserialized: only what [`LoginHandle::of_state`] produces is accepted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), specta(transparent))]
#[serde(try_from = "String", into = "String")]
pub struct LoginHandle(String);

impl TryFrom<String> for LoginHandle {
    type Error = Error;
    fn try_from(raw: String) -> Result<Self> {
        Self::parse(&raw).ok_or(Error::LoginNotWaiting)
    }
}

impl From<LoginHandle> for String {
    fn from(handle: LoginHandle) -> String {
        handle.0
    }
}

impl LoginHandle {
    pub fn of_state(state: &str) -> Self {
        let digest = Sha256::digest(state.as_bytes());
        LoginHandle(digest.iter().map(|b| format!("{b:02x}")).collect())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Accepts only what [`LoginHandle::of_state`] produces (it names files).
    pub fn parse(raw: &str) -> Option<Self> {
        (raw.len() == 64 && raw.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()))
            .then(|| LoginHandle(raw.to_string()))
    }

    pub(crate) fn keychain_key(&self) -> String {
        format!("pending/{}", self.0)
    }
}

macro_rules! as_str {
    ($($name:ident),*) => {$(
        impl Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    )*};
}

as_str!(ProviderName, AccountRef);

#[cfg(test)]
mod tests {
    use super::*;

    fn parse<T: serde::de::DeserializeOwned>(raw: &str) -> serde_json::Result<T> {
        serde_json::from_value(serde_json::Value::String(raw.into()))
    }

    #[test]
    fn paths_are_refused_when_deserialized() {
        for bad in ["../providers", "/etc/passwd", "a/b", "a\\b", "", ".hidden", "x\u{1b}[2J"] {
            assert!(parse::<AccountRef>(bad).is_err(), "{bad:?}");
            assert!(parse::<ProviderName>(bad).is_err(), "{bad:?}");
        }
        assert!(parse::<AccountRef>(&"x".repeat(MAX_ACCOUNT_REF + 1)).is_err());
    }

    #[test]
    fn ids_names_and_emails_pass_and_serialize_back() {
        for good in ["google-0a1b2c3d4e", "alice@example.com", "peer"] {
            let id: AccountRef = parse(good).unwrap();
            assert_eq!(&*id, good);
            assert_eq!(serde_json::to_value(&id).unwrap(), good);
        }
        let name: ProviderName = parse("google-work_2.x").unwrap();
        assert_eq!(name.as_str(), "google-work_2.x");
    }
}
