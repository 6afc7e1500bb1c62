//! ID token validation (OIDC Core §3.1.3.7 and §12.2) with `openidconnect` (RSA signatures
//! checked by `ring`, see [`signing_key`](crate::signing_key)).
//!
//! At sign-in the token must be signed by a key from the provider's JWKS, be issued by the
//! configured issuer for this client, be unexpired and carry this attempt's `nonce`. After a
//! refresh a new ID token must keep the same `iss`, `sub` and `aud` and need not carry a
//! `nonce`. Keys are cached per process for a day at most (a key the provider withdrew stops
//! being trusted by then), and re-fetched when a token names an unknown key (the provider
//! rotated them), at most once a minute, so tokens with made-up key ids cannot make AuthDeck
//! hammer the provider. Cache ages are measured on the clock passed in.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeDelta, Utc};
use openidconnect::core::{CoreIdToken, CoreJwsSigningAlgorithm};
use openidconnect::{
    ClaimsVerificationError, ClientId, IdTokenVerifier, IssuerUrl, JsonWebKeySet, Nonce,
    SignatureVerificationError,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::discovery::ProviderMetadata;
use crate::error::{Error, Result};
use crate::http::Http;
use crate::jwt;
use crate::secret;
use crate::signing_key::ProviderKey;

/// A provider's published signing keys.
type KeySet = JsonWebKeySet<ProviderKey>;

/// Who an ID token says the user is. Not secret; kept with the account to check later tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
    pub audience: Vec<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

/// What a token is checked against.
#[derive(Debug, Clone, Copy)]
pub enum Expect<'a> {
    /// A new sign-in: the token must carry this nonce.
    SignIn { nonce: &'a secret::Nonce },
    /// A refresh: the token must describe the same user as before.
    Refresh { previous: &'a Identity },
    /// A sign-in with a code (RFC 8628): the grant has no nonce, and the token came straight
    /// from the token endpoint over TLS, so only signature, issuer, audience and time count.
    Device,
}

/// Signing keys are trusted for this long after they were fetched.
pub const KEYS_KEPT: TimeDelta = TimeDelta::days(1);

/// An unknown key id re-fetches the keys at most this often.
pub const REFETCH_EVERY: TimeDelta = TimeDelta::minutes(1);

/// Per-process cache of provider signing keys, by JWKS URL.
#[derive(Debug, Clone, Default)]
pub struct KeyCache {
    keys: Arc<Mutex<HashMap<String, CachedKeys>>>,
}

#[derive(Debug, Clone)]
struct CachedKeys {
    keys: KeySet,
    fetched_at: DateTime<Utc>,
}

/// What a verification needs from the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    /// Any keys still trusted.
    Trusted,
    /// Newer keys than the cached ones: the token names a key they do not have.
    Newer,
}

/// Whether to fetch the keys again, given how old the cached ones are (a clock that went
/// back makes them stale).
fn must_fetch(fetched_at: Option<DateTime<Utc>>, need: Need, now: DateTime<Utc>) -> bool {
    let younger_than = |age: TimeDelta| fetched_at.is_some_and(|at| at <= now && now - at < age);
    match need {
        Need::Trusted => !younger_than(KEYS_KEPT),
        Need::Newer => !younger_than(REFETCH_EVERY),
    }
}

impl KeyCache {
    /// The keys, and whether they were fetched just now.
    async fn get(
        &self,
        http: &Http,
        jwks_uri: &str,
        need: Need,
        now: DateTime<Utc>,
    ) -> Result<(KeySet, bool)> {
        let cached = self.keys.lock().expect("key cache").get(jwks_uri).cloned();
        if let Some(cached) = &cached
            && !must_fetch(Some(cached.fetched_at), need, now)
        {
            return Ok((cached.keys.clone(), false));
        }
        let url = Url::parse(jwks_uri)
            .map_err(|_| Error::IdToken("the provider's key address is not valid".into()))?;
        let document = http.get_json(&url, None).await?.ok_or_else(|| {
            Error::IdToken("the provider does not publish the keys that sign its tokens".into())
        })?;
        let keys: KeySet = serde_json::from_value(Value::Object(document))
            .map_err(|_| Error::IdToken("the provider's signing keys could not be read".into()))?;
        let entry = CachedKeys { keys: keys.clone(), fetched_at: now };
        self.keys.lock().expect("key cache").insert(jwks_uri.to_string(), entry);
        Ok((keys, true))
    }
}

/// The provider and client an ID token must have been issued by and for.
#[derive(Debug, Clone, Copy)]
pub struct Audience<'a> {
    pub metadata: &'a ProviderMetadata,
    pub client_id: &'a str,
    /// Entra ID multi-tenant issuer template (see [`Quirks`](crate::provider::Quirks)).
    pub tenant_template: bool,
}

/// Validates an ID token and returns the identity it asserts.
pub async fn verify(
    http: &Http,
    keys: &KeyCache,
    audience: Audience<'_>,
    raw: &secret::IdToken,
    expect: Expect<'_>,
    now: DateTime<Utc>,
) -> Result<Identity> {
    let Audience { metadata, client_id, tenant_template } = audience;
    let untrusted = |why: &str| Error::IdToken(why.to_string());
    let issuer =
        metadata.issuer.as_deref().ok_or_else(|| untrusted("the provider has no issuer"))?;
    let jwks_uri = metadata
        .jwks_uri
        .as_deref()
        .ok_or_else(|| untrusted("the provider does not publish its signing keys"))?;
    let token = CoreIdToken::from_str(raw.expose())
        .map_err(|_| untrusted("the identity token is not a valid signed token"))?;
    // The payload is read only after the signature and claims check out below.
    let payload = jwt::decode(raw.expose())
        .map(|d| d.claims)
        .ok_or_else(|| untrusted("the identity token is not a valid signed token"))?;
    let expected_issuer = match payload.get("tid").and_then(Value::as_str) {
        Some(tid) if tenant_template => issuer.replace("{tenantid}", tid),
        _ => issuer.to_string(),
    };
    let (mut jwks, mut fetched) = keys.get(http, jwks_uri, Need::Trusted, now).await?;
    loop {
        let issuer_url = IssuerUrl::new(expected_issuer.clone())
            .map_err(|_| untrusted("the provider's issuer is not a valid address"))?;
        let verifier = IdTokenVerifier::<ProviderKey>::new_public_client(
            ClientId::new(client_id.into()),
            issuer_url,
            jwks,
        )
        .set_allowed_algs(ALLOWED_ALGS)
        .set_time_fn(move || now);
        let checked = match expect {
            Expect::SignIn { nonce } => {
                token.claims(&verifier, &Nonce::new(nonce.expose().to_string())).map(|_| ())
            }
            Expect::Refresh { .. } | Expect::Device => {
                token.claims(&verifier, |_: Option<&Nonce>| Ok::<(), String>(())).map(|_| ())
            }
        };
        match checked {
            Ok(()) => break,
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) if !fetched => {
                // The provider may have rotated its keys: fetch them again, unless that was
                // done less than a minute ago.
                (jwks, fetched) = keys.get(http, jwks_uri, Need::Newer, now).await?;
                if !fetched {
                    return Err(untrusted(
                        "the identity token's signature does not match the provider's keys",
                    ));
                }
            }
            Err(e) => return Err(untrusted(explain(&e))),
        }
    }
    let identity = identity_from(&payload)
        .ok_or_else(|| untrusted("the identity token does not say who signed in"))?;
    if let Expect::Refresh { previous } = expect {
        let mut before = previous.audience.clone();
        let mut after = identity.audience.clone();
        before.sort();
        after.sort();
        if identity.issuer != previous.issuer
            || identity.subject != previous.subject
            || before != after
        {
            return Err(untrusted("the provider answered for a different user or app"));
        }
    }
    Ok(identity)
}

const ALLOWED_ALGS: [CoreJwsSigningAlgorithm; 9] = [
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
    CoreJwsSigningAlgorithm::RsaSsaPssSha256,
    CoreJwsSigningAlgorithm::RsaSsaPssSha384,
    CoreJwsSigningAlgorithm::RsaSsaPssSha512,
    CoreJwsSigningAlgorithm::EcdsaP256Sha256,
    CoreJwsSigningAlgorithm::EcdsaP384Sha384,
    CoreJwsSigningAlgorithm::EdDsa,
];

fn explain(error: &ClaimsVerificationError) -> &'static str {
    match error {
        ClaimsVerificationError::Expired(_) => {
            "the identity token has expired (check that this computer's clock is right)"
        }
        ClaimsVerificationError::InvalidAudience(_) => {
            "the identity token was issued to another app"
        }
        ClaimsVerificationError::InvalidIssuer(_) => {
            "the identity token was issued by a different provider"
        }
        ClaimsVerificationError::InvalidNonce(_) => {
            "the identity token does not belong to this sign-in"
        }
        ClaimsVerificationError::SignatureVerification(_) => {
            "the identity token's signature does not match the provider's keys"
        }
        _ => "the identity token is not valid",
    }
}

/// Reads the identity claims of a (verified) ID token payload.
fn identity_from(claims: &Value) -> Option<Identity> {
    let text = |name: &str| claims.get(name).and_then(Value::as_str).map(String::from);
    let audience = match claims.get("aud")? {
        Value::String(aud) => vec![aud.clone()],
        Value::Array(auds) => auds.iter().filter_map(Value::as_str).map(String::from).collect(),
        _ => return None,
    };
    Some(Identity {
        issuer: text("iss")?,
        subject: text("sub")?,
        audience,
        email: text("email"),
        name: text("name").or_else(|| text("preferred_username")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_age_out_after_a_day_and_refetch_at_most_once_a_minute() {
        let t0 = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let at = |secs: i64| t0 + TimeDelta::seconds(secs);
        // Nothing cached: fetch.
        assert!(must_fetch(None, Need::Trusted, t0));
        assert!(must_fetch(None, Need::Newer, t0));
        // Trusted for a day, then fetched again.
        assert!(!must_fetch(Some(t0), Need::Trusted, at(86_399)));
        assert!(must_fetch(Some(t0), Need::Trusted, at(86_400)));
        // An unknown key id re-fetches only when the keys are a minute old.
        assert!(!must_fetch(Some(t0), Need::Newer, at(59)));
        assert!(must_fetch(Some(t0), Need::Newer, at(60)));
        // A clock that went back makes the cache stale rather than trusted forever.
        assert!(must_fetch(Some(at(100)), Need::Trusted, t0));
    }
}
