//! Tests of [`remote_check`](super) against the scripted provider: which way it asks, what
//! it reads from each answer, when it falls back, and what it remembers on the account.

use serde_json::json;

use super::*;
use crate::expiry::Status;
use crate::testing::{CLIENT_ID, TestDeck};

#[tokio::test]
async fn introspection_answers_active_with_what_the_provider_said() {
    let t = TestDeck::new(true).await;
    let exp = Utc::now().timestamp() + 3000;
    *t.provider.introspection.lock().unwrap() = Some((
        200,
        json!({"active": true, "sub": "user-1", "scope": "openid email", "exp": exp, "client_id": CLIENT_ID}),
    ));
    let account = t.signed_in().await;
    let check = t.deck.check_with_provider(&account.id).await.unwrap();
    assert_eq!(check.method, RemoteMethod::Introspection);
    assert!(check.active);
    assert_eq!(check.subject.as_deref(), Some("user-1"));
    assert_eq!(check.scopes, Some(vec!["openid".to_string(), "email".to_string()]));
    assert_eq!(check.expires_at.map(|at| at.timestamp()), Some(exp));
    assert_eq!(check.client_id.as_deref(), Some(CLIENT_ID));
    assert_eq!(check.fallback_reason, None);
    assert_eq!(check.summary, "Test ID still accepts this account's token.");
    let sent = t.provider.requests_to("/introspect");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].form["token"], "at-0");
    assert_eq!(sent[0].form["token_type_hint"], "access_token");
    assert_eq!(sent[0].form["client_id"], CLIENT_ID);
    assert!(!sent[0].form.contains_key("client_secret"), "a public client sends no secret");
    assert!(t.provider.requests_to("/userinfo").len() <= 1, "userinfo only from sign-in");
    assert_eq!(t.deck.account(&account.id, Utc::now()).unwrap().status, Status::Valid);
}

#[tokio::test]
async fn an_inactive_token_marks_the_account_until_a_refresh() {
    let t = TestDeck::new(true).await;
    *t.provider.introspection.lock().unwrap() = Some((200, json!({"active": false})));
    let account = t.signed_in().await;
    let check = t.deck.check_with_provider(&account.id).await.unwrap();
    assert!(!check.active);
    assert!(check.summary.contains("no longer accepts"), "{}", check.summary);
    assert!(check.summary.contains("revoked or has expired"), "{}", check.summary);
    assert!(check.summary.contains("Reconnect"), "{}", check.summary);
    let view = t.deck.account(&account.id, Utc::now()).unwrap();
    assert_eq!(view.status, Status::NeedsReconnect);
    assert!(view.provider_rejected_at.is_some());

    t.provider.reply(t.provider.tokens("at-1", Some("rt-1"), None));
    let refreshed = t.deck.refresh(&account.id).await.unwrap();
    assert_eq!(refreshed.status, Status::Valid, "a refresh clears it");
    assert_eq!(refreshed.provider_rejected_at, None);
}

#[tokio::test]
async fn refused_introspection_falls_back_to_userinfo_and_says_so() {
    for (status, body) in [
        (401, json!({"error": "invalid_client"})),
        (403, json!({})),
        (400, json!({"error": "unauthorized_client"})),
    ] {
        let t = TestDeck::new(true).await;
        *t.provider.introspection.lock().unwrap() = Some((status, body));
        *t.provider.userinfo.lock().unwrap() = json!({"sub": "user-1", "email": "u@id.test"});
        let account = t.signed_in().await;
        let before = t.provider.requests_to("/userinfo").len();
        let check = t.deck.check_with_provider(&account.id).await.unwrap();
        assert_eq!(check.method, RemoteMethod::Userinfo, "{status}");
        assert!(check.active);
        assert_eq!(check.subject.as_deref(), Some("user-1"));
        let reason = check.fallback_reason.clone().unwrap();
        assert!(reason.contains("introspection"), "{reason}");
        assert!(check.summary.ends_with(&reason), "{}", check.summary);
        let asked = t.provider.requests_to("/userinfo");
        assert_eq!(asked.len(), before + 1);
        let last = asked.last().unwrap();
        assert_eq!(last.authorization.as_deref(), Some("Bearer at-0"));
        assert_eq!(last.query, None, "the token is never in a URL");
    }
}

#[tokio::test]
async fn userinfo_401_means_not_accepted_and_other_failures_are_errors() {
    let t = TestDeck::new(true).await;
    let account = t.signed_in().await;
    *t.provider.userinfo_status.lock().unwrap() = 401;
    let check = t.deck.check_with_provider(&account.id).await.unwrap();
    assert_eq!((check.method, check.active), (RemoteMethod::Userinfo, false));
    assert_eq!(check.fallback_reason, None, "no introspection was offered: no fallback");

    *t.provider.userinfo_status.lock().unwrap() = 503;
    let error = t.deck.check_with_provider(&account.id).await.unwrap_err();
    let sentence = error.to_string();
    assert!(sentence.starts_with("Test ID (id.test) is unavailable right now"), "{sentence}");
    // The status code is kept for Details, not in the sentence.
    assert!(error.details().is_some_and(|d| d.contains("503")), "{:?}", error.details());
}

#[tokio::test]
async fn a_provider_that_cannot_be_reached_is_an_error_and_changes_nothing() {
    let t = TestDeck::new(true).await;
    *t.provider.introspection.lock().unwrap() = Some((500, json!({})));
    let account = t.signed_in().await;
    let error = t.deck.check_with_provider(&account.id).await.unwrap_err();
    assert!(
        matches!(error, Error::Remote(RemoteError::Unavailable { status: 500, .. })),
        "{error}"
    );
    assert_eq!(t.deck.account(&account.id, Utc::now()).unwrap().provider_rejected_at, None);
}

#[tokio::test]
async fn an_answer_about_a_token_renewed_meanwhile_is_not_remembered() {
    let t = TestDeck::new(true).await;
    *t.provider.introspection.lock().unwrap() = Some((200, json!({"active": false})));
    let account = t.signed_in().await;
    let checked = t.deck.account_record(&account.id).unwrap();
    t.provider.reply(t.provider.tokens("at-1", Some("rt-1"), None));
    t.deck.refresh(&account.id).await.unwrap();
    let check = from_claims(RemoteMethod::Introspection, false, &Map::new());
    t.deck.remember_check(&checked, &check).await.unwrap();
    assert_eq!(t.deck.account(&account.id, Utc::now()).unwrap().status, Status::Valid);
}

#[tokio::test]
async fn google_without_userinfo_is_asked_by_tokeninfo_with_the_token_in_the_body() {
    let t = TestDeck::new(true).await;
    let account = t.signed_in().await;
    let mut record = t.deck.account_record(&account.id).unwrap();
    record.client.preset = Some(Preset::Google);
    record.metadata.userinfo_endpoint = None;
    t.deck.accounts.save(&record).unwrap();
    *t.provider.userinfo.lock().unwrap() =
        json!({"aud": "client-1.apps", "sub": "108", "scope": "openid", "expires_in": "3599"});
    let check = t.deck.check_with_provider(&account.id).await.unwrap();
    assert_eq!((check.method, check.active), (RemoteMethod::Tokeninfo, true));
    assert_eq!(check.client_id.as_deref(), Some("client-1.apps"));
    let asked = t.provider.requests_to("/tokeninfo");
    assert_eq!(asked[0].origin, "https://oauth2.googleapis.com");
    assert_eq!(asked[0].form["access_token"], "at-0");
    assert_eq!(asked[0].query, None);

    *t.provider.userinfo_status.lock().unwrap() = 400;
    let check = t.deck.check_with_provider(&account.id).await.unwrap();
    assert!(!check.active);
}

#[test]
fn claims_are_read_leniently() {
    let doc = json!({"sub": 42, "scope": "a  b", "exp": "1800000000", "client_id": ""});
    let check = from_claims(RemoteMethod::Tokeninfo, true, doc.as_object().unwrap());
    assert_eq!(check.subject.as_deref(), Some("42"));
    assert_eq!(check.scopes, Some(vec!["a".to_string(), "b".to_string()]));
    assert_eq!(check.expires_at.map(|at| at.timestamp()), Some(1_800_000_000));
    assert_eq!(check.client_id, None);
}
