//! Accounts belong to the issuer and client they were made with, not to a provider name.

use chrono::Utc;
use serde_json::json;

use crate::secret::ClientSecret;
use crate::testing::{Reply, TestDeck};

fn answer(access: &str, refresh: &str) -> Reply {
    Reply::json(200, json!({"access_token": access, "refresh_token": refresh, "expires_in": 3600}))
}

#[tokio::test]
async fn a_provider_added_again_for_another_issuer_makes_a_second_account() {
    let t = TestDeck::new(true).await;
    // `test` at id.test, with a client secret.
    t.deck.remove_provider("test").await.unwrap();
    t.deck.add_provider(TestDeck::config(), Some(ClientSecret::new("secret-one"))).await.unwrap();
    let first = t.signed_in().await;
    // `test` removed, and added again for another issuer with another secret; same subject.
    t.deck.remove_provider("test").await.unwrap();
    let other = TestDeck::config_for("https://other.test");
    t.deck.add_provider(other, Some(ClientSecret::new("secret-two"))).await.unwrap();
    let second = t
        .sign_in(|p, nonce| {
            let claims = json!({"nonce": nonce, "iss": "https://other.test", "email": "u@id.test"});
            p.tokens("at-other", Some("rt-other"), Some(claims))
        })
        .await
        .unwrap();
    assert_ne!(first.id, second.id);
    assert_eq!(t.deck.accounts(Utc::now()).unwrap().len(), 2);
    let record = t.deck.account_record(&first.id).unwrap();
    assert_eq!(record.authority(), "https://id.test");
    assert_eq!(t.deck.account_record(&second.id).unwrap().authority(), "https://other.test");

    // The first account still refreshes at its own issuer, with its own secret.
    t.provider.reply(answer("at-1", "rt-1"));
    t.deck.refresh(&first.id).await.unwrap();
    let sent = t.provider.requests_to("/token").pop().unwrap();
    assert_eq!(sent.origin, "https://id.test");
    assert_eq!(sent.form["client_secret"], "secret-one");
    assert_eq!(sent.form["refresh_token"], "rt-0");
    t.provider.reply(answer("at-2", "rt-2"));
    t.deck.refresh(&second.id).await.unwrap();
    let sent = t.provider.requests_to("/token").pop().unwrap();
    assert_eq!(sent.origin, "https://other.test");
    assert_eq!(sent.form["client_secret"], "secret-two");
    assert_eq!(sent.form["refresh_token"], "rt-other");
}

#[tokio::test]
async fn signing_in_again_finds_an_account_by_identity_whatever_its_id() {
    let t = TestDeck::new(true).await;
    let first = t.signed_in().await;
    // An account file written before ids named the issuer keeps its id.
    let mut record = t.deck.account_record(&first.id).unwrap();
    t.deck.accounts.delete(&first.id).unwrap();
    record.id = "test-0123456789".into();
    t.deck.accounts.save(&record).unwrap();
    let again = t.signed_in().await;
    assert_eq!(again.id, "test-0123456789");
    assert_eq!(t.deck.accounts(Utc::now()).unwrap().len(), 1);
}
