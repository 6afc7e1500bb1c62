//! A provider's signing key, as the ID token check uses it: `openidconnect`'s own JWK type,
//! with RSA signatures checked by `ring` instead of the pure-Rust `rsa` crate.
//!
//! Every sign-in and every refresh that brings an ID token checks its signature, and nearly
//! every provider signs with RSA (RS256 above all). The `rsa` crate that `openidconnect` uses
//! spends about 0.3 ms on one RSA-2048 check, about a tenth of a refresh's own work; `ring`
//! (already here for TLS) does the same check in about 0.035 ms. Everything else (which keys
//! are trusted, key ids, `use` and `alg`, every other algorithm, hashing for `at_hash`) is
//! `openidconnect`'s, unchanged. Moduli that `ring` does not take (under 2,048 or over 8,192
//! bits) go through `openidconnect` too, so no key that worked before stops working.

use openidconnect::core::{CoreJsonWebKey, CoreJsonWebKeyType, CoreJwsSigningAlgorithm as Alg};
use openidconnect::{
    JsonWebKey, JsonWebKeyAlgorithm, JsonWebKeyId, JsonWebKeyUse, JwsSigningAlgorithm,
    SignatureVerificationError,
};
use ring::signature::{self, RsaParameters, RsaPublicKeyComponents};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// The moduli `ring`'s RSA verification takes, in bits.
const RING_BITS: std::ops::RangeInclusive<usize> = 2048..=8192;

/// One key of a provider's JWKS. Deserializes and serializes as the JWK itself.
#[derive(Debug, Clone)]
pub(crate) struct ProviderKey {
    jwk: CoreJsonWebKey,
    /// Modulus and exponent, big-endian without leading zeros, for an RSA key `ring` takes.
    rsa: Option<(Vec<u8>, Vec<u8>)>,
}

impl<'de> Deserialize<'de> for ProviderKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let jwk = CoreJsonWebKey::deserialize(&value).map_err(serde::de::Error::custom)?;
        let rsa = (*jwk.key_type() == CoreJsonWebKeyType::RSA)
            .then(|| Some((unsigned(&value, "n")?, unsigned(&value, "e")?)))
            .flatten()
            .filter(|(n, _)| RING_BITS.contains(&bit_length(n)));
        Ok(ProviderKey { jwk, rsa })
    }
}

impl Serialize for ProviderKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.jwk.serialize(serializer)
    }
}

/// A base64url big-endian integer member of a JWK, without leading zero bytes (RFC 7518
/// §6.3.1.1 forbids them, some providers send them anyway, `ring` refuses them).
fn unsigned(value: &Value, name: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    let text = value.get(name)?.as_str()?;
    let bytes = base64::prelude::BASE64_URL_SAFE_NO_PAD.decode(text).ok()?;
    let first = bytes.iter().position(|b| *b != 0)?;
    Some(bytes[first..].to_vec())
}

fn bit_length(n: &[u8]) -> usize {
    n.first().map_or(0, |top| n.len() * 8 - top.leading_zeros() as usize)
}

/// `ring`'s parameters for an RSA signing algorithm.
fn ring_rsa(alg: &Alg) -> Option<&'static RsaParameters> {
    Some(match alg {
        Alg::RsaSsaPkcs1V15Sha256 => &signature::RSA_PKCS1_2048_8192_SHA256,
        Alg::RsaSsaPkcs1V15Sha384 => &signature::RSA_PKCS1_2048_8192_SHA384,
        Alg::RsaSsaPkcs1V15Sha512 => &signature::RSA_PKCS1_2048_8192_SHA512,
        Alg::RsaSsaPssSha256 => &signature::RSA_PSS_2048_8192_SHA256,
        Alg::RsaSsaPssSha384 => &signature::RSA_PSS_2048_8192_SHA384,
        Alg::RsaSsaPssSha512 => &signature::RSA_PSS_2048_8192_SHA512,
        _ => return None,
    })
}

/// Whether the key may sign with `alg`: the same rule `openidconnect` applies to its own keys
/// (its `use` allows signing, its type fits the algorithm, its `alg`, if any, is this one).
fn compatible(key: &CoreJsonWebKey, alg: &Alg) -> Result<(), &'static str> {
    if key.key_use().is_some_and(|key_use| !key_use.allows_signature()) {
        return Err("key usage not permitted for digital signatures");
    }
    if alg.key_type().as_ref() != Some(key.key_type()) {
        return Err("key type does not match signature algorithm");
    }
    match key.signing_alg() {
        JsonWebKeyAlgorithm::Unspecified => Ok(()),
        JsonWebKeyAlgorithm::Algorithm(key_alg) if key_alg == alg => Ok(()),
        JsonWebKeyAlgorithm::Algorithm(_) => Err("incompatible key algorithm"),
        JsonWebKeyAlgorithm::Unsupported => Err("key algorithm is not a signing algorithm"),
    }
}

impl JsonWebKey for ProviderKey {
    type KeyUse = <CoreJsonWebKey as JsonWebKey>::KeyUse;
    type SigningAlgorithm = Alg;

    fn key_id(&self) -> Option<&JsonWebKeyId> {
        self.jwk.key_id()
    }

    fn key_type(&self) -> &CoreJsonWebKeyType {
        self.jwk.key_type()
    }

    fn key_use(&self) -> Option<&Self::KeyUse> {
        self.jwk.key_use()
    }

    fn signing_alg(&self) -> JsonWebKeyAlgorithm<&Alg> {
        self.jwk.signing_alg()
    }

    fn new_symmetric(key: Vec<u8>) -> Self {
        ProviderKey { jwk: CoreJsonWebKey::new_symmetric(key), rsa: None }
    }

    fn verify_signature(
        &self,
        alg: &Alg,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureVerificationError> {
        let (Some((n, e)), Some(parameters)) = (&self.rsa, ring_rsa(alg)) else {
            return self.jwk.verify_signature(alg, message, signature);
        };
        compatible(&self.jwk, alg)
            .map_err(|why| SignatureVerificationError::InvalidKey(why.to_string()))?;
        RsaPublicKeyComponents { n, e }
            .verify(parameters, message, signature)
            .map_err(|_| SignatureVerificationError::CryptoError("bad signature".to_string()))
    }

    fn hash_bytes(&self, bytes: &[u8], alg: &Alg) -> Result<Vec<u8>, String> {
        self.jwk.hash_bytes(bytes, alg)
    }
}

#[cfg(test)]
#[path = "signing_key_tests.rs"]
mod tests;
