use super::*;
use openidconnect::core::{CoreJsonWebKeySet, CoreRsaPrivateSigningKey};
use openidconnect::{JsonWebKeySet, PrivateSigningKey};
use serde_json::json;

/// A 2,048-bit key, the size providers sign with (test only).
const KEY_2048: &str = include_str!("testing_key_2048.pem");
/// The 1,024-bit key the scripted provider signs with: below what `ring` takes.
const KEY_1024: &str = crate::testing::TEST_KEY;

const RSA_ALGS: [Alg; 6] = [
    Alg::RsaSsaPkcs1V15Sha256,
    Alg::RsaSsaPkcs1V15Sha384,
    Alg::RsaSsaPkcs1V15Sha512,
    Alg::RsaSsaPssSha256,
    Alg::RsaSsaPssSha384,
    Alg::RsaSsaPssSha512,
];

const MESSAGE: &[u8] = b"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ";

fn signer(pem: &str) -> CoreRsaPrivateSigningKey {
    CoreRsaPrivateSigningKey::from_pem(pem, Some(JsonWebKeyId::new("k1".into()))).unwrap()
}

/// The public JWK of `signer`, as a provider publishes it, with `edit` applied.
fn published(signer: &CoreRsaPrivateSigningKey, edit: impl FnOnce(&mut Value)) -> Value {
    let mut jwk = serde_json::to_value(signer.as_verification_key()).unwrap();
    edit(&mut jwk);
    jwk
}

fn key(jwk: &Value) -> ProviderKey {
    serde_json::from_value(jwk.clone()).unwrap()
}

fn core(jwk: &Value) -> CoreJsonWebKey {
    serde_json::from_value(jwk.clone()).unwrap()
}

#[test]
fn every_rsa_algorithm_verifies_through_ring_and_agrees_with_openidconnect() {
    let signer = signer(KEY_2048);
    let jwk = published(&signer, |_| {});
    let (ours, theirs) = (key(&jwk), core(&jwk));
    assert!(ours.rsa.is_some(), "a 2,048-bit key takes the ring path");
    for alg in RSA_ALGS {
        let signature = signer.sign(&alg, MESSAGE).unwrap();
        assert!(ours.verify_signature(&alg, MESSAGE, &signature).is_ok(), "{alg:?}");
        assert!(theirs.verify_signature(&alg, MESSAGE, &signature).is_ok(), "{alg:?}");

        let mut forged = MESSAGE.to_vec();
        forged[3] ^= 1;
        let bad = ours.verify_signature(&alg, &forged, &signature);
        assert!(matches!(bad, Err(SignatureVerificationError::CryptoError(_))), "{alg:?}");
        assert!(theirs.verify_signature(&alg, &forged, &signature).is_err(), "{alg:?}");

        let mut broken = signature.clone();
        broken[10] ^= 0x80;
        assert!(ours.verify_signature(&alg, MESSAGE, &broken).is_err(), "{alg:?}");
        assert!(ours.verify_signature(&alg, MESSAGE, &signature[1..]).is_err(), "{alg:?}");
    }
    // A PKCS#1 signature is not a PSS one, nor SHA-256 a SHA-512 one.
    let rs256 = signer.sign(&Alg::RsaSsaPkcs1V15Sha256, MESSAGE).unwrap();
    assert!(ours.verify_signature(&Alg::RsaSsaPssSha256, MESSAGE, &rs256).is_err());
    assert!(ours.verify_signature(&Alg::RsaSsaPkcs1V15Sha512, MESSAGE, &rs256).is_err());
}

#[test]
fn a_modulus_sent_with_a_leading_zero_still_verifies() {
    use base64::Engine;
    let engine = base64::prelude::BASE64_URL_SAFE_NO_PAD;
    let signer = signer(KEY_2048);
    let jwk = published(&signer, |jwk| {
        let n = engine.decode(jwk["n"].as_str().unwrap()).unwrap();
        jwk["n"] = json!(engine.encode([&[0u8][..], &n].concat()));
    });
    let ours = key(&jwk);
    assert_eq!(ours.rsa.as_ref().map(|(n, _)| bit_length(n)), Some(2048));
    let signature = signer.sign(&Alg::RsaSsaPkcs1V15Sha256, MESSAGE).unwrap();
    assert!(ours.verify_signature(&Alg::RsaSsaPkcs1V15Sha256, MESSAGE, &signature).is_ok());
}

#[test]
fn a_key_ring_does_not_take_goes_through_openidconnect_as_before() {
    let signer = signer(KEY_1024);
    let ours = key(&published(&signer, |_| {}));
    assert!(ours.rsa.is_none(), "1,024 bits is below ring's range");
    let signature = signer.sign(&Alg::RsaSsaPkcs1V15Sha256, MESSAGE).unwrap();
    assert!(ours.verify_signature(&Alg::RsaSsaPkcs1V15Sha256, MESSAGE, &signature).is_ok());
    assert!(ours.verify_signature(&Alg::RsaSsaPkcs1V15Sha256, b"other", &signature).is_err());
}

#[test]
fn use_alg_and_key_type_are_checked_before_the_signature() {
    let signer = signer(KEY_2048);
    let signature = signer.sign(&Alg::RsaSsaPkcs1V15Sha256, MESSAGE).unwrap();
    let refused = |jwk: Value, alg: Alg| {
        let result = key(&jwk).verify_signature(&alg, MESSAGE, &signature);
        assert!(matches!(result, Err(SignatureVerificationError::InvalidKey(_))), "{jwk}");
    };
    refused(published(&signer, |jwk| jwk["use"] = json!("enc")), Alg::RsaSsaPkcs1V15Sha256);
    refused(published(&signer, |jwk| jwk["alg"] = json!("RS384")), Alg::RsaSsaPkcs1V15Sha256);
    refused(published(&signer, |jwk| jwk["alg"] = json!("A256GCM")), Alg::RsaSsaPkcs1V15Sha256);
    // Not an RSA algorithm: openidconnect's own check refuses an RSA key for it.
    refused(published(&signer, |_| {}), Alg::EcdsaP256Sha256);
    // With the matching `alg`, the same key verifies.
    let jwk = published(&signer, |jwk| jwk["alg"] = json!("RS256"));
    assert!(key(&jwk).verify_signature(&Alg::RsaSsaPkcs1V15Sha256, MESSAGE, &signature).is_ok());
}

#[test]
fn a_key_set_reads_like_openidconnects_and_hashes_the_same() {
    let signer = signer(KEY_2048);
    let document = json!({ "keys": [
        published(&signer, |_| {}),
        { "kty": "unknown-type", "kid": "skipped" },
    ]});
    let ours: JsonWebKeySet<ProviderKey> = serde_json::from_value(document.clone()).unwrap();
    let theirs: CoreJsonWebKeySet = serde_json::from_value(document).unwrap();
    assert_eq!(ours.keys().len(), 1);
    assert_eq!(serde_json::to_value(&ours).unwrap(), serde_json::to_value(&theirs).unwrap());
    let (ours, theirs) = (&ours.keys()[0], &theirs.keys()[0]);
    assert_eq!(ours.key_id(), theirs.key_id());
    let alg = Alg::RsaSsaPkcs1V15Sha256;
    assert_eq!(ours.hash_bytes(b"access", &alg), theirs.hash_bytes(b"access", &alg));
}
