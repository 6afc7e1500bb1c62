//! Secret values (tokens, PKCE verifiers, client secrets), each kind in its own type.
//!
//! A [`Secret`] prints as `AccessToken([redacted])` and the like in `Debug`, has no `Display`
//! and no `Serialize`, compares in constant time, and its bytes are zeroed when it is
//! dropped. The only way to see the value is [`Secret::expose`], so every place that reveals a
//! secret is a visible, greppable call.
//!
//! The kind parameter says what the value is ([`AccessToken`], [`RefreshToken`], [`IdToken`],
//! [`PkceVerifier`], ...), so a refresh token cannot be handed where an access token is
//! expected, and revocation takes its `token_type_hint` from the type (see [`Revocable`]).
//! The PKCE verifier is not `Clone`: it is made once per sign-in and spent once.

use std::fmt;
use std::marker::PhantomData;

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// What a [`Secret`] holds. Sealed: the kinds are the ones below.
pub trait Kind: sealed::Sealed {
    /// The name `Debug` prints.
    const NAME: &'static str;
}

/// Kinds whose values may be copied in memory (all but the PKCE verifier).
pub trait Shareable: Kind {}

/// Tokens that can be revoked (RFC 7009), with the `token_type_hint` their type implies.
pub trait Revocable: Kind {
    const HINT: &'static str;
}

mod sealed {
    pub trait Sealed {}
}

/// The kinds of secret, as types. Use the aliases ([`AccessToken`] and so on).
pub mod kind {
    macro_rules! kinds {
        ($($(#[$doc:meta])* $kind:ident $name:literal $($shareable:ident)?;)*) => {$(
            $(#[$doc])*
            #[derive(Debug)]
            pub enum $kind {}
            impl super::sealed::Sealed for $kind {}
            impl super::Kind for $kind {
                const NAME: &'static str = $name;
            }
            $(impl super::$shareable for $kind {})?
        )*};
    }

    kinds! {
        /// An OAuth access token.
        Access "AccessToken" Shareable;
        /// An OAuth refresh token.
        Refresh "RefreshToken" Shareable;
        /// An OpenID Connect ID token (a signed JWT).
        Id "IdToken" Shareable;
        /// A PKCE code verifier (RFC 7636): never copied.
        Verifier "PkceVerifier";
        /// The `state` of a sign-in.
        State "State" Shareable;
        /// An OpenID Connect `nonce`.
        Nonce "Nonce" Shareable;
        /// An authorization code from a sign-in answer.
        Code "AuthorizationCode" Shareable;
        /// A client secret.
        Client "ClientSecret" Shareable;
        /// The `device_code` of a sign-in with a code (RFC 8628): only the poller holds it.
        Device "DeviceCode";
        /// The registration access token of a client AuthDeck registered itself (RFC 7591
        /// §3.2.1); it manages (deletes) that registration, so it is kept in the keychain only.
        Registration "RegistrationAccessToken" Shareable;
        /// A keychain entry's value as stored (JSON holding secrets, or one secret).
        Stored "KeychainValue" Shareable;
    }
}

pub type AccessToken = Secret<kind::Access>;
pub type RefreshToken = Secret<kind::Refresh>;
pub type IdToken = Secret<kind::Id>;
pub type PkceVerifier = Secret<kind::Verifier>;
pub type State = Secret<kind::State>;
pub type Nonce = Secret<kind::Nonce>;
pub type AuthorizationCode = Secret<kind::Code>;
pub type ClientSecret = Secret<kind::Client>;
pub type DeviceCode = Secret<kind::Device>;
pub type RegistrationToken = Secret<kind::Registration>;
pub type KeychainValue = Secret<kind::Stored>;

impl Revocable for kind::Access {
    const HINT: &'static str = "access_token";
}

impl Revocable for kind::Refresh {
    const HINT: &'static str = "refresh_token";
}

/// A secret string of kind `K`. See the module docs.
pub struct Secret<K: Kind> {
    value: Zeroizing<Box<str>>,
    kind: PhantomData<fn() -> K>,
}

impl<K: Kind> Secret<K> {
    /// Wraps a value that must never be logged or serialized by accident.
    pub fn new(value: impl Into<String>) -> Self {
        Secret { value: Zeroizing::new(value.into().into_boxed_str()), kind: PhantomData }
    }

    /// The value itself. Call only where the secret is meant to leave AuthDeck
    /// (an HTTP request to the provider, the keychain, an explicit copy or reveal).
    pub fn expose(&self) -> &str {
        &self.value
    }

    /// The same bytes as another kind, without copying them: only where a value changes
    /// role, as a client secret read back from its keychain entry.
    pub(crate) fn into_kind<L: Kind>(self) -> Secret<L> {
        Secret { value: self.value, kind: PhantomData }
    }
}

impl<K: Shareable> Clone for Secret<K> {
    fn clone(&self) -> Self {
        Secret { value: self.value.clone(), kind: PhantomData }
    }
}

impl<K: Kind> fmt::Debug for Secret<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}([redacted])", K::NAME)
    }
}

impl<K: Kind> PartialEq for Secret<K> {
    fn eq(&self, other: &Self) -> bool {
        self.value.as_bytes().ct_eq(other.value.as_bytes()).into()
    }
}

impl<K: Kind> Eq for Secret<K> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let secret = AccessToken::new("hunter2-access-token");
        let printed = format!("{secret:?} {:?}", Some(&secret));
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("AccessToken([redacted])"), "{printed}");
        let verifier = format!("{:?}", PkceVerifier::new("hunter2-verifier"));
        assert_eq!(verifier, "PkceVerifier([redacted])");
        let registration = format!("{:?}", RegistrationToken::new("hunter2-registration"));
        assert_eq!(registration, "RegistrationAccessToken([redacted])");
    }

    #[test]
    fn compares_by_value() {
        assert_eq!(AccessToken::new("a"), AccessToken::new("a"));
        assert_ne!(AccessToken::new("a"), AccessToken::new("b"));
        assert_ne!(AccessToken::new("a"), AccessToken::new("ab"));
    }

    #[test]
    fn changing_kind_keeps_the_value() {
        let stored = KeychainValue::new("client-secret-1");
        assert_eq!(stored.into_kind::<kind::Client>().expose(), "client-secret-1");
    }

    #[test]
    fn revocation_hints_follow_the_type() {
        fn hint<K: Revocable>(_: &Secret<K>) -> &'static str {
            K::HINT
        }
        assert_eq!(hint(&RefreshToken::new("r")), "refresh_token");
        assert_eq!(hint(&AccessToken::new("a")), "access_token");
    }
}
