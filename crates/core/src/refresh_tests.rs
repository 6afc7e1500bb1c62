//! Refresh rules, against the scripted provider in [`testing`](crate::testing).

use std::sync::atomic::Ordering;
use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use serde_json::json;

use crate::error::{Error, ErrorKind};
use crate::lock::lock_account;
use crate::testing::{Reply, TestDeck};
use crate::token_set::TokenSet;

async fn stored(t: &TestDeck, id: &str) -> TokenSet {
    let value = t.deck.keychain.get(&TokenSet::key(id)).await.unwrap();
    TokenSet::from_keychain(&value.unwrap()).unwrap()
}

fn refresh_answer(access: &str, refresh: Option<&str>) -> Reply {
    let mut body = json!({"access_token": access, "token_type": "bearer", "expires_in": 3600});
    if let Some(refresh) = refresh {
        body["refresh_token"] = json!(refresh);
    }
    Reply::json(200, body)
}

/// Asserts that a failed refresh left the secrets and the token metadata as they were.
async fn untouched(t: &TestDeck, id: &str, generation: u64) {
    let tokens = stored(t, id).await;
    assert_eq!(tokens.access_token.expose(), "at-0");
    assert_eq!(tokens.refresh_token.unwrap().expose(), "rt-0");
    assert_eq!(t.deck.account_record(id).unwrap().generation, generation);
}

#[tokio::test]
async fn a_rotated_refresh_token_replaces_the_old_one() {
    let t = TestDeck::new(true).await;
    let id = t.signed_in().await.id;
    t.provider.reply(refresh_answer("at-1", Some("rt-1")));
    let view = t.deck.refresh(&id).await.unwrap();
    assert!(view.last_refreshed_at.is_some());
    let tokens = stored(&t, &id).await;
    assert_eq!(
        (tokens.access_token.expose(), tokens.refresh_token.unwrap().expose()),
        ("at-1", "rt-1")
    );
    // The ID token from the sign-in is kept when the refresh brings none.
    assert!(tokens.id_token.is_some());
    let sent = &t.provider.requests_to("/token")[1].form;
    assert_eq!(sent["grant_type"], "refresh_token");
    assert_eq!(sent["refresh_token"], "rt-0");
    assert_eq!(sent["client_id"], "client-1");
}

#[tokio::test]
async fn without_rotation_the_old_refresh_token_is_kept() {
    let t = TestDeck::new(true).await;
    let id = t.signed_in().await.id;
    t.provider.reply(refresh_answer("at-1", None));
    t.deck.refresh(&id).await.unwrap();
    let tokens = stored(&t, &id).await;
    assert_eq!(
        (tokens.access_token.expose(), tokens.refresh_token.unwrap().expose()),
        ("at-1", "rt-0")
    );
    assert!(t.deck.account_record(&id).unwrap().has_refresh_token);
}

#[tokio::test]
async fn expiry_after_a_refresh_follows_the_answer() {
    let t = TestDeck::new(true).await;
    let id = t.signed_in().await.id;
    t.provider.reply(Reply::json(200, json!({"access_token": "at-1"})));
    assert_eq!(t.deck.refresh(&id).await.unwrap().expires_at, None);
    t.provider.reply(Reply::json(200, json!({"access_token": "at-2", "expires_in": "90"})));
    let left = t.deck.refresh(&id).await.unwrap().expires_at.unwrap() - Utc::now();
    assert!(left <= Duration::seconds(90) && left > Duration::seconds(80), "{left}");
    // Scopes stay as granted when the answer does not name them, and change when it does.
    assert_eq!(t.deck.account(&id, Utc::now()).unwrap().scopes.len(), 3);
    t.provider.reply(Reply::json(200, json!({"access_token": "at-3", "scope": "openid"})));
    assert_eq!(t.deck.refresh(&id).await.unwrap().scopes, ["openid"]);
}

#[tokio::test]
async fn the_refresh_tokens_own_end_is_kept_in_metadata_not_the_keychain() {
    use base64::Engine;
    let t = TestDeck::new(true).await;
    let id = t.signed_in().await.id;
    let body = json!({"access_token": "at-1", "refresh_token": "rt-1", "refresh_expires_in": 1800});
    t.provider.reply(Reply::json(200, body));
    let left = t.deck.refresh(&id).await.unwrap().refresh_expires_at.unwrap() - Utc::now();
    assert!(left <= Duration::seconds(1800) && left > Duration::seconds(1790), "{left}");
    // No rotation, no hint: the same refresh token keeps its end.
    t.provider.reply(refresh_answer("at-2", None));
    assert!(t.deck.refresh(&id).await.unwrap().refresh_expires_at.is_some());
    // A rotated JWT refresh token: its `exp`.
    let enc = |v: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    let jwt = format!("{}.{}.sig", enc(r#"{"alg":"HS256"}"#), enc(r#"{"exp":2000000000}"#));
    t.provider.reply(refresh_answer("at-3", Some(&jwt)));
    let at = t.deck.refresh(&id).await.unwrap().refresh_expires_at.unwrap();
    assert_eq!(at.timestamp(), 2_000_000_000);
    let file = std::fs::read_to_string(t.deck.home().accounts_dir().join(format!("{id}.json")));
    assert!(file.unwrap().contains("refresh_expires_at"));
    // A rotated opaque one with no hint: unknown again.
    t.provider.reply(refresh_answer("at-4", Some("rt-4")));
    assert_eq!(t.deck.refresh(&id).await.unwrap().refresh_expires_at, None);
}

#[tokio::test]
async fn invalid_grant_means_reconnect_and_nothing_more_is_sent() {
    let t = TestDeck::new(true).await;
    let id = t.signed_in().await.id;
    let generation = t.deck.account_record(&id).unwrap().generation;
    t.provider.reply(Reply::json(400, json!({"error": "invalid_grant"})));
    let error = t.deck.refresh(&id).await.unwrap_err();
    assert!(matches!(error, Error::NeedsReconnect { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "Your Test ID sign-in has ended. Connect the account again to keep using it."
    );
    untouched(&t, &id, generation).await;
    let record = t.deck.account_record(&id).unwrap();
    assert!(record.needs_reconnect && record.last_error.is_some());
    // The next refresh and token request do not reach the provider.
    let requests = t.provider.requests_to("/token").len();
    assert_eq!(t.deck.refresh(&id).await.unwrap_err().kind(), ErrorKind::NeedsReconnect);
    assert_eq!(t.deck.access_token(&id).await.unwrap_err().kind(), ErrorKind::NeedsReconnect);
    assert_eq!(t.provider.requests_to("/token").len(), requests);
}

#[tokio::test]
async fn server_errors_web_pages_and_junk_leave_the_tokens_untouched() {
    let t = TestDeck::new(true).await;
    let id = t.signed_in().await.id;
    let generation = t.deck.account_record(&id).unwrap().generation;
    let cases = [
        (Reply::json(503, json!({})), "HTTP 503"),
        (
            Reply::Http { status: 500, content_type: "text/html", body: "<h1>down</h1>".into() },
            "HTTP 500",
        ),
        (
            Reply::Http { status: 200, content_type: "text/html", body: "<p>login</p>".into() },
            "web page",
        ),
        (
            Reply::Http { status: 200, content_type: "application/json", body: "]junk".into() },
            "damaged",
        ),
        (Reply::json(200, json!({"token_type": "bearer"})), "without an access token"),
        (Reply::json(400, json!({"error": "invalid_scope"})), "refused the request"),
    ];
    for (reply, expected) in cases {
        t.provider.reply(reply);
        let error = t.deck.refresh(&id).await.unwrap_err();
        // The status code is in the details (the activity log, the CLI), not the sentence.
        assert!(error.report().contains(expected), "{error}");
        assert_ne!(error.kind(), ErrorKind::NeedsReconnect, "{error}");
        untouched(&t, &id, generation).await;
        let record = t.deck.account_record(&id).unwrap();
        assert!(!record.needs_reconnect);
        assert_eq!(record.last_error.as_deref(), Some(error.report().as_str()));
    }
    // A later success clears the error.
    t.provider.reply(refresh_answer("at-1", Some("rt-1")));
    assert_eq!(t.deck.refresh(&id).await.unwrap().last_error, None);
}

#[tokio::test]
async fn a_refresh_that_may_have_arrived_is_never_sent_again() {
    let t = TestDeck::new(true).await;
    let id = t.signed_in().await.id;
    let generation = t.deck.account_record(&id).unwrap().generation;
    t.provider.reply(Reply::Interrupted);
    t.provider.reply(refresh_answer("at-replayed", Some("rt-replayed")));
    let error = t.deck.refresh(&id).await.unwrap_err();
    assert!(error.to_string().contains("broke before it answered"), "{error}");
    assert_eq!(t.provider.requests_to("/token").len(), 2, "sign-in + one refresh");
    untouched(&t, &id, generation).await;
}

#[tokio::test]
async fn a_new_id_token_for_another_user_is_refused_but_the_rotation_is_kept() {
    let t = TestDeck::new(true).await;
    let id = t.signed_in().await.id;
    let old_id_token = stored(&t, &id).await.id_token.unwrap();
    *t.provider.subject.lock().unwrap() = "intruder".into();
    let reply = t.provider.tokens("at-1", Some("rt-1"), Some(json!({})));
    t.provider.reply(reply);
    let error = t.deck.refresh(&id).await.unwrap_err();
    assert!(error.to_string().contains("different user or app"), "{error}");
    let tokens = stored(&t, &id).await;
    assert_eq!(tokens.refresh_token.unwrap().expose(), "rt-1", "the spent token is not kept");
    assert_eq!(tokens.id_token.unwrap(), old_id_token);
    let record = t.deck.account_record(&id).unwrap();
    assert!(record.needs_reconnect);
    assert_eq!(record.identity.unwrap().subject, "user-1");
}

#[tokio::test]
async fn a_new_id_token_for_the_same_user_is_kept() {
    let t = TestDeck::new(true).await;
    let id = t.signed_in().await.id;
    let old_id_token = stored(&t, &id).await.id_token.unwrap();
    let reply = t.provider.tokens("at-1", Some("rt-1"), Some(json!({"email": "u@id.test"})));
    t.provider.reply(reply);
    t.deck.refresh(&id).await.unwrap();
    assert_ne!(stored(&t, &id).await.id_token.unwrap(), old_id_token);
}

#[tokio::test]
async fn a_failed_keychain_write_changes_no_metadata() {
    let t = TestDeck::new(true).await;
    let id = t.signed_in().await.id;
    let before = t.deck.account_record(&id).unwrap();
    t.store.fail_writes.store(true, Ordering::SeqCst);
    t.provider.reply(refresh_answer("at-1", Some("rt-1")));
    let error = t.deck.refresh(&id).await.unwrap_err();
    assert!(error.to_string().contains("keychain"), "{error}");
    assert_eq!(t.deck.account_record(&id).unwrap().generation, before.generation);
}

#[tokio::test]
async fn a_rotated_set_the_keychain_refuses_is_kept_served_and_saved_later() {
    let t = TestDeck::new(true).await;
    let id = t.signed_in().await.id;
    t.store.fail_writes.store(true, Ordering::SeqCst);
    t.provider.reply(refresh_answer("at-1", Some("rt-1")));
    let started = std::time::Instant::now();
    let error = t.deck.refresh(&id).await.unwrap_err();
    assert_eq!(error.to_string(), "Unlock your keychain to save the renewed sign-in.");
    assert!(started.elapsed() >= std::time::Duration::from_millis(300), "retried for a while");
    // The new set is served from memory, and the next refresh uses the new refresh token.
    assert_eq!(t.deck.access_token(&id).await.unwrap().expose(), "at-1");
    t.provider.reply(refresh_answer("at-2", Some("rt-2")));
    assert!(t.deck.refresh(&id).await.is_err(), "still unsaved");
    let sent = t.provider.requests_to("/token");
    assert_eq!(
        sent.last().unwrap().form["refresh_token"],
        "rt-1",
        "the spent token is never replayed"
    );
    // The keychain is back: the newest set is written, and the record follows it.
    t.store.fail_writes.store(false, Ordering::SeqCst);
    assert_eq!(t.deck.save_unsaved().await, 0);
    let tokens = stored(&t, &id).await;
    assert_eq!(
        (tokens.access_token.expose(), tokens.refresh_token.unwrap().expose()),
        ("at-2", "rt-2")
    );
    let record = t.deck.account_record(&id).unwrap();
    assert!(record.last_error.is_none() && !record.needs_reconnect);
    t.provider.reply(refresh_answer("at-3", Some("rt-3")));
    t.deck.refresh(&id).await.unwrap();
    assert_eq!(t.provider.requests_to("/token").last().unwrap().form["refresh_token"], "rt-2");
}

#[tokio::test]
async fn a_timed_out_keychain_write_keeps_the_account_locked_until_it_ends() {
    let t =
        TestDeck::with_config(true, |c| c.keychain_timeout = StdDuration::from_millis(100)).await;
    let id = t.signed_in().await.id;
    t.store.write_delay_ms.store(1500, Ordering::SeqCst);
    t.provider.reply(refresh_answer("at-1", Some("rt-1")));
    let error = t.deck.refresh(&id).await.unwrap_err();
    assert!(matches!(error, Error::UnsavedSignIn), "{error:?}");
    // The first write is still running: nobody may take the account meanwhile.
    let busy = lock_account(&t.deck.home, &id, StdDuration::from_millis(50)).await;
    assert!(matches!(busy, Err(Error::Busy)), "{busy:?}");
    t.store.write_delay_ms.store(0, Ordering::SeqCst);
    tokio::time::sleep(StdDuration::from_millis(1600)).await;
    lock_account(&t.deck.home, &id, StdDuration::from_millis(500)).await.unwrap();
    // The late write landed the very set held in memory, never an older one.
    assert_eq!(stored(&t, &id).await.refresh_token.unwrap().expose(), "rt-1");
    assert_eq!(t.deck.save_unsaved().await, 0);
    assert_eq!(t.deck.access_token(&id).await.unwrap().expose(), "at-1");
}

#[tokio::test]
async fn access_token_refreshes_only_when_needed_and_once_for_concurrent_callers() {
    let t = TestDeck::new(true).await;
    let id = t
        .sign_in(|p, nonce| {
            let id = p.id_token(json!({"nonce": nonce, "email": "u@id.test"}));
            Reply::json(200, json!({"access_token": "at-0", "refresh_token": "rt-0", "expires_in": 0, "id_token": id}))
        })
        .await
        .unwrap()
        .id;
    t.provider.reply(refresh_answer("at-1", Some("rt-1")));
    let (a, b) = tokio::join!(t.deck.access_token(&id), t.deck.access_token(&id));
    assert_eq!((a.unwrap().expose(), b.unwrap().expose()), ("at-1", "at-1"));
    assert_eq!(t.provider.requests_to("/token").len(), 2, "sign-in + one refresh");
    // Fresh now: no request.
    assert_eq!(t.deck.access_token(&id).await.unwrap().expose(), "at-1");
    assert_eq!(t.provider.requests_to("/token").len(), 2);
}

#[tokio::test]
async fn a_hand_out_refreshes_when_no_more_than_min_valid_is_left() {
    let t = TestDeck::new(true).await;
    let id = t.signed_in().await.id; // an hour-long token
    let hour = t.deck.hand_out(&id, Duration::seconds(600)).await.unwrap();
    assert_eq!(hour.access_token.expose(), "at-0");
    assert_eq!((hour.account.as_str(), hour.token_type.to_lowercase().as_str()), (&*id, "bearer"));
    assert_eq!(t.provider.requests_to("/token").len(), 1, "sign-in only");
    // Asking for more than is left refreshes once (the new token lives two hours, which is
    // enough), and concurrent callers share it.
    t.provider.reply(Reply::json(
        200,
        json!({"access_token": "at-1", "refresh_token": "rt-1", "expires_in": 7200}),
    ));
    let (a, b) = tokio::join!(
        t.deck.hand_out(&id, Duration::seconds(3700)),
        t.deck.hand_out(&id, Duration::seconds(3700))
    );
    assert_eq!(
        (a.unwrap().access_token.expose(), b.unwrap().access_token.expose()),
        ("at-1", "at-1")
    );
    assert_eq!(t.provider.requests_to("/token").len(), 2, "sign-in + one refresh");
    let renewed = t.deck.hand_out(&id, Duration::zero()).await.unwrap();
    assert!(renewed.expires_at.unwrap() > Utc::now() + Duration::seconds(7100));
    assert_eq!(t.provider.requests_to("/token").len(), 2);
}

#[tokio::test]
async fn an_expired_token_without_a_refresh_token_needs_a_reconnect() {
    let t = TestDeck::new(true).await;
    let id = t
        .sign_in(|p, nonce| {
            let id = p.id_token(json!({"nonce": nonce, "email": "u@id.test"}));
            Reply::json(200, json!({"access_token": "at-0", "expires_in": 0, "id_token": id}))
        })
        .await
        .unwrap()
        .id;
    let error = t.deck.access_token(&id).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "The access token of u@id.test has expired and the account has no refresh token. \
         Connect it again."
    );
    assert_eq!(error.kind(), ErrorKind::NeedsReconnect, "the window offers Reconnect");
    let error = t.deck.refresh(&id).await.unwrap_err();
    assert!(matches!(error, Error::ExpiredWithoutRefresh { .. }), "{error:?}");
    assert_eq!(error.kind(), ErrorKind::NeedsReconnect, "so is an explicit refresh");
    assert_eq!(t.provider.requests_to("/token").len(), 1);
}

#[tokio::test]
async fn refresh_all_skips_accounts_that_cannot_refresh_and_survives_odd_concurrency() {
    let t = TestDeck::new(true).await;
    let id = t.signed_in().await.id;
    t.provider.reply(refresh_answer("at-1", None));
    let results = t.deck.refresh_all(0).await.unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].account_id, id);
    assert!(results[0].result.is_ok());
    t.provider.reply(Reply::json(400, json!({"error": "invalid_grant"})));
    assert!(t.deck.refresh_all(usize::MAX).await.unwrap()[0].result.is_err());
    // Reconnect needed: skipped.
    assert!(t.deck.refresh_all(8).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_due_account_whose_keychain_entry_is_gone_is_tried_once_then_not_due() {
    // A wiped keychain (or the benchmark's copied accounts) must not cost a core: the first
    // automatic refresh finds the secrets missing, marks "reconnect needed", and the account
    // leaves the timer's schedule.
    let t = TestDeck::new(true).await;
    let id = t.signed_in().await.id;
    let mut record = t.deck.account_record(&id).unwrap();
    record.issued_at = Utc::now() - Duration::minutes(59);
    record.expires_at = Some(Utc::now() + Duration::seconds(5));
    t.deck.accounts.save(&record).unwrap();
    assert!(t.deck.account(&id, Utc::now()).unwrap().auto_refresh_at.unwrap() <= Utc::now());
    t.deck.keychain.delete(&TokenSet::key(&id)).await.unwrap();

    let error = t.deck.refresh_if_due(&id).await.unwrap_err();
    assert!(matches!(error, Error::SecretsMissing), "{error:?}");
    let view = t.deck.account(&id, Utc::now()).unwrap();
    assert_eq!((view.auto_refresh_at, view.status), (None, crate::Status::NeedsReconnect));
    let (reads, _) = t.store.counts();
    assert!(t.deck.refresh_if_due(&id).await.unwrap().is_none(), "not due any more");
    assert_eq!(t.store.counts().0, reads, "and the keychain is not asked again");
    assert_eq!(t.provider.requests_to("/token").len(), 1, "only the sign-in");
}
