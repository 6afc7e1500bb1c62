//! Tests of the pending sign-in store in [`pending`](super): files, keychain entries and outcomes.

use std::sync::Arc;

use super::*;
use crate::keychain::MemoryStore;

fn login(now: DateTime<Utc>) -> PendingLogin {
    PendingLogin {
        provider: "p".into(),
        provider_label: "P".into(),
        preset: None,
        client_id: "c".into(),
        client_secret: ClientSecretSource::None,
        metadata: ProviderMetadata {
            issuer: None,
            authorization_endpoint: "https://a/auth".into(),
            token_endpoint: "https://a/token".into(),
            revocation_endpoint: None,
            userinfo_endpoint: None,
            introspection_endpoint: None,
            jwks_uri: None,
            code_challenge_methods_supported: None,
            iss_parameter_supported: false,
            device_authorization_endpoint: None,
            registration_endpoint: None,
            grant_types_supported: None,
        },
        redirect_uri: "dev.authdeck.app:/oauth/callback".into(),
        scopes: vec![],
        oidc: false,
        created_at: now,
        expires_at: now + LIFETIME,
    }
}

#[tokio::test]
async fn claimed_once_then_recognised_as_used() {
    let dir = tempfile::tempdir().unwrap();
    let store = PendingStore::new(&Home::open(dir.path()).unwrap());
    let memory = Arc::new(MemoryStore::default());
    let keychain = Keychain::new(memory.clone());
    let now = Utc::now();
    let state = State::new("state-1");
    let secrets = PendingSecrets { verifier: PkceVerifier::new("v"), nonce: Some(Nonce::new("n")) };
    let handle = store.create(&keychain, &state, &login(now), &secrets).await.unwrap();
    assert_eq!(store.lookup("other", now).unwrap_err(), CallbackError::UnknownState);
    assert_eq!(store.lookup("state-1", now + LIFETIME).unwrap_err(), CallbackError::Expired);
    let (found, _) = store.lookup("state-1", now).unwrap();
    assert_eq!(found, handle);
    store.claim(&handle).unwrap();
    assert_eq!(store.claim(&handle).unwrap_err(), CallbackError::AlreadyUsed);
    assert_eq!(store.lookup("state-1", now).unwrap_err(), CallbackError::AlreadyUsed);
    let got = store.secrets(&keychain, &handle).await.unwrap();
    assert_eq!(got.verifier, PkceVerifier::new("v"));
    let outcome = Outcome::Connected { account_id: "p-1".into() };
    store.finish(&keychain, &handle, &outcome).await;
    assert_eq!(store.outcome(&handle), Some(outcome.clone()));
    assert_eq!(store.wait(&handle, now).await.unwrap(), outcome);
    assert!(memory.keys().is_empty(), "secrets forgotten: {:?}", memory.keys());
    assert_eq!(store.lookup("state-1", now).unwrap_err(), CallbackError::AlreadyUsed);
}

#[tokio::test]
async fn a_sign_in_finishing_during_the_wait_is_reported_as_finished() {
    let dir = tempfile::tempdir().unwrap();
    let store = PendingStore::new(&Home::open(dir.path()).unwrap());
    let keychain = Keychain::new(Arc::new(MemoryStore::default()));
    let now = Utc::now();
    let secrets = PendingSecrets { verifier: PkceVerifier::new("v"), nonce: None };
    let handle = store.create(&keychain, &State::new("s"), &login(now), &secrets).await.unwrap();
    store.claim(&handle).unwrap();
    let outcome = Outcome::Connected { account_id: "p-1".into() };
    // The sign-in completes (in another process) right between the wait's two reads.
    let mut finished = false;
    let got = store
        .wait_observed(&handle, now + LIFETIME, || {
            if !std::mem::replace(&mut finished, true) {
                store.record_outcome(&handle, &outcome);
            }
        })
        .await
        .unwrap();
    assert_eq!(got, outcome);
}

#[test]
fn handles_that_are_paths_are_refused_when_deserialized() {
    let parse = |raw: &str| serde_json::from_value::<LoginHandle>(serde_json::json!(raw));
    for bad in ["../providers", "/home/me/providers", "", &"A".repeat(64)] {
        assert!(parse(bad).is_err(), "{bad}");
    }
    let handle = LoginHandle::of_state("s");
    assert_eq!(parse(handle.as_str()).unwrap(), handle);
    assert_eq!(serde_json::to_value(&handle).unwrap(), handle.as_str());
}

#[tokio::test]
async fn sweep_removes_expired_sign_ins_and_their_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let store = PendingStore::new(&Home::open(dir.path()).unwrap());
    let memory = Arc::new(MemoryStore::default());
    let keychain = Keychain::new(memory.clone());
    let now = Utc::now();
    let secrets = PendingSecrets { verifier: PkceVerifier::new("v"), nonce: None };
    store.create(&keychain, &State::new("s"), &login(now), &secrets).await.unwrap();
    store.sweep(&keychain, now).await;
    assert_eq!(memory.keys().len(), 1);
    store.sweep(&keychain, now + LIFETIME).await;
    assert!(memory.keys().is_empty());
    assert_eq!(fs::read_dir(dir.path().join("pending")).unwrap().count(), 0);
}
