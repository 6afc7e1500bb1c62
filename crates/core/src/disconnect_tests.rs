//! Disconnect rules, against the scripted provider in [`testing`](crate::testing).

use std::fs::File;
use std::time::Duration;

use chrono::Utc;
use serde_json::json;

use crate::error::Error;
use crate::lock::lock_account;
use crate::testing::TestDeck;
use crate::token_set::TokenSet;

async fn gone(t: &TestDeck, id: &str) {
    assert!(matches!(t.deck.account_record(id), Err(Error::UnknownAccount(_))));
    assert_eq!(t.deck.keychain.get(&TokenSet::key(id)).await.unwrap(), None);
    assert!(t.deck.accounts(Utc::now()).unwrap().is_empty());
}

#[tokio::test]
async fn the_refresh_token_is_revoked_first() {
    let t = TestDeck::new(true).await;
    let id = t.signed_in().await.id;
    let report = t.deck.disconnect(&id).await.unwrap();
    assert!(report.revoked && report.warning.is_none(), "{report:?}");
    let sent = t.provider.requests_to("/revoke");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].form["token"], "rt-0");
    assert_eq!(sent[0].form["token_type_hint"], "refresh_token");
    assert_eq!(sent[0].form["client_id"], "client-1");
    gone(&t, &id).await;
}

#[tokio::test]
async fn without_a_refresh_token_the_access_token_is_revoked() {
    let t = TestDeck::new(true).await;
    let id = t
        .sign_in(|p, nonce| p.tokens("at-0", None, Some(json!({"nonce": nonce, "email": "e@x"}))))
        .await
        .unwrap()
        .id;
    t.deck.disconnect(&id).await.unwrap();
    let sent = t.provider.requests_to("/revoke");
    assert_eq!(sent[0].form["token"], "at-0");
    assert_eq!(sent[0].form["token_type_hint"], "access_token");
}

#[tokio::test]
async fn a_provider_without_revocation_is_named_in_the_warning() {
    let t = TestDeck::new(false).await;
    let id = t.signed_in().await.id;
    let report = t.deck.disconnect(&id).await.unwrap();
    assert!(!report.revoked);
    assert!(
        report.warning.unwrap().starts_with("Test ID offers no way for apps to end a sign-in.")
    );
    assert!(t.provider.requests_to("/revoke").is_empty());
    gone(&t, &id).await;
}

#[tokio::test]
async fn a_failed_revocation_still_removes_the_account_and_says_so() {
    let t = TestDeck::new(true).await;
    let id = t.signed_in().await.id;
    *t.provider.revoke_status.lock().unwrap() = 500;
    let report = t.deck.disconnect(&id).await.unwrap();
    assert!(!report.revoked);
    let warning = report.warning.unwrap();
    assert!(warning.contains("Test ID (id.test) is unavailable right now"), "{warning}");
    assert!(warning.contains("Test ID was not told") && !warning.contains("500"), "{warning}");
    assert_eq!(report.details.as_deref(), Some("HTTP 500 Internal Server Error"));
    gone(&t, &id).await;
    assert_eq!(t.provider.requests_to("/token").len(), 1);
}

#[tokio::test]
async fn disconnect_keeps_the_lock_file_so_exclusion_holds() {
    let t = TestDeck::new(true).await;
    let id = t.signed_in().await.id;
    // Another process opened the lock file and waits for it while the disconnect runs.
    let path = t.deck.home.locks_dir().join(format!("{id}.lock"));
    let waiting = File::options().create(true).truncate(false).write(true).open(&path).unwrap();
    t.deck.disconnect(&id).await.unwrap();
    waiting.lock().unwrap();
    // A third process must now find the lock taken, not a fresh file of its own.
    let third = lock_account(&t.deck.home, &id, Duration::from_millis(80)).await;
    assert!(matches!(third, Err(Error::Busy)), "{third:?}");
}
