//! Secret values (tokens, PKCE verifiers, client secrets) in their own type.
//!
//! A [`Secret`] prints as `[redacted]` in `Debug`, has no `Display` and no `Serialize`, and
//! compares in constant time, and its bytes are zeroed when it is dropped. The only way to see the value is [`Secret::expose`], so every
//! place that reveals a secret is a visible, greppable call.

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// A secret string. See the module docs.
#[derive(Clone)]
pub struct Secret(Zeroizing<Box<str>>);

impl Secret {
    /// Wraps a value that must never be logged or serialized by accident.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into().into_boxed_str()))
    }

    /// The value itself. Call only where the secret is meant to leave AuthDeck
    /// (an HTTP request to the provider, the keychain, an explicit copy or reveal).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}

impl Eq for Secret {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let secret = Secret::new("hunter2-access-token");
        let printed = format!("{secret:?} {:?}", Some(&secret));
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("redacted"));
    }

    #[test]
    fn compares_by_value() {
        assert_eq!(Secret::new("a"), Secret::new("a"));
        assert_ne!(Secret::new("a"), Secret::new("b"));
        assert_ne!(Secret::new("a"), Secret::new("ab"));
    }
}
