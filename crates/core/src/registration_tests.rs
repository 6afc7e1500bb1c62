//! Tests of self-registration against the scripted provider: what is sent, what is kept
//! where, and each refusal.

use serde_json::{Value, json};

use super::*;
use crate::provider::ProviderInput;
use crate::testing::{ISSUER, Reply, TestDeck};

fn unregistered(name: &str) -> ProviderConfig {
    ProviderInput {
        name: name.into(),
        issuer: Some(ISSUER.into()),
        client_id: String::new(),
        ..Default::default()
    }
    .build()
    .unwrap()
}

fn issued() -> Reply {
    Reply::json(
        201,
        json!({
            "client_id": "issued-1",
            "registration_access_token": "reg-token-secret-1",
            "registration_client_uri": format!("{ISSUER}/reg/issued-1"),
            "token_endpoint_auth_method": "none",
        }),
    )
}

#[tokio::test]
async fn registers_a_native_public_client_and_keeps_the_token_in_the_keychain() {
    let t = TestDeck::new(true).await;
    *t.provider.registration.lock().unwrap() = Some(issued());
    let config = t.deck.add_provider(unregistered("self"), None).await.unwrap();
    assert_eq!(config.client_id, "issued-1");
    let registration = config.registered.clone().unwrap();
    assert_eq!(
        registration.registration_client_uri.as_deref(),
        Some("https://id.test/reg/issued-1")
    );

    let sent = t.provider.requests_to("/reg");
    assert_eq!(sent.len(), 1);
    let body: Value = serde_json::from_str(&sent[0].body).unwrap();
    assert_eq!(body["application_type"], "native");
    assert_eq!(body["token_endpoint_auth_method"], "none");
    assert_eq!(body["client_name"], "AuthDeck");
    assert_eq!(body["response_types"], json!(["code"]));
    assert_eq!(body["grant_types"], json!(["authorization_code", "refresh_token"]));
    assert_eq!(
        body["redirect_uris"],
        json!(["dev.authdeck.app:/oauth/callback", "http://127.0.0.1/callback"])
    );

    // The token is in the keychain only; providers.json holds the marker.
    let key = format!("registration-token/{}", registration.token_key);
    assert!(t.store.keys().contains(&key), "{:?}", t.store.keys());
    let saved = std::fs::read_to_string(t.deck.home().providers_file()).unwrap();
    assert!(!saved.contains("reg-token-secret-1"), "{saved}");
    assert!(saved.contains("registration_client_uri"), "{saved}");
    assert_eq!(t.deck.provider("self").unwrap(), config);

    // Removal deletes the registration with its token, then forgets the token.
    assert_eq!(t.deck.remove_provider("self").await.unwrap(), None);
    let deleted = t.provider.requests_to("/reg/issued-1");
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].method, "DELETE");
    assert_eq!(deleted[0].authorization.as_deref(), Some("Bearer reg-token-secret-1"));
    assert!(!t.store.keys().contains(&key));
}

#[tokio::test]
async fn asks_for_the_device_grant_only_where_listed() {
    let mut config = unregistered("x");
    config.redirect = Redirect::loopback();
    let listed = ["authorization_code".to_string(), DEVICE_GRANT.to_string()];
    let body = request_body(&config, Some(&listed));
    assert_eq!(body["grant_types"][2], DEVICE_GRANT);
    assert_eq!(
        body["redirect_uris"],
        json!(["http://127.0.0.1/callback", "dev.authdeck.app:/oauth/callback"])
    );
    assert_eq!(request_body(&config, None)["grant_types"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn without_a_registration_endpoint_asks_for_a_client_id() {
    let t = TestDeck::new(true).await;
    let err = t.deck.add_provider(unregistered("self"), None).await.unwrap_err();
    assert!(matches!(err, Error::NeedsClientId), "{err}");
    assert!(err.to_string().contains("needs a client ID from its administrator"));
    assert!(t.deck.provider("self").is_err());
    // Endpoints without discovery cannot register either.
    let mut plain = unregistered("plain");
    plain.issuer = None;
    plain.endpoints = Some(crate::provider::Endpoints {
        authorization: "https://id.test/auth".into(),
        token: "https://id.test/token".into(),
        revocation: None,
        userinfo: None,
    });
    let err = t.deck.add_provider(plain, None).await.unwrap_err();
    assert!(matches!(err, Error::NeedsClientId), "{err}");
}

#[tokio::test]
async fn refusals_add_nothing_and_read_plainly() {
    for (reply, words) in [
        (Reply::json(401, json!({"error": "invalid_token"})), "needs a client ID"),
        (
            Reply::json(
                400,
                json!({"error": "invalid_redirect_uri", "error_description": "no <b>"}),
            ),
            "would not register AuthDeck",
        ),
        (Reply::json(201, json!({"registration_access_token": "t"})), "unusable registration"),
        (Reply::json(503, json!({})), "unavailable right now"),
    ] {
        let t = TestDeck::new(true).await;
        *t.provider.registration.lock().unwrap() = Some(reply);
        let err = t.deck.add_provider(unregistered("self"), None).await.unwrap_err().to_string();
        assert!(err.contains(words), "{err}");
        assert!(!err.contains('<'), "{err}");
        assert!(t.deck.provider("self").is_err());
        assert!(!t.store.keys().iter().any(|k| k.starts_with("registration-token/")));
    }
}

#[tokio::test]
async fn a_failed_deletion_is_said_but_does_not_block_removal() {
    let t = TestDeck::new(true).await;
    *t.provider.registration.lock().unwrap() = Some(issued());
    t.deck.add_provider(unregistered("self"), None).await.unwrap();
    *t.provider.unregister_status.lock().unwrap() = 500;
    let warning = t.deck.remove_provider("self").await.unwrap().unwrap();
    assert!(warning.contains("could not delete its registration"), "{warning}");
    assert!(t.deck.provider("self").is_err());
    assert!(!t.store.keys().iter().any(|k| k.starts_with("registration-token/")));
}

#[tokio::test]
async fn a_client_secret_needs_its_client_id() {
    let t = TestDeck::new(true).await;
    let secret = Some(crate::secret::ClientSecret::new("s"));
    let err = t.deck.add_provider(unregistered("self"), secret).await.unwrap_err();
    assert!(err.to_string().contains("without its client ID"), "{err}");
}
