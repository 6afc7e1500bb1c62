//! Sign-in rules, against the scripted provider in [`testing`](crate::testing).

use chrono::{Duration, Utc};
use serde_json::json;

use crate::error::{Error, ErrorKind};
use crate::testing::{Reply, TestDeck};
use crate::token_set::TokenSet;

async fn stored(t: &TestDeck, id: &str) -> Option<TokenSet> {
    let value = t.deck.keychain.get(&TokenSet::key(id)).await.unwrap();
    value.as_ref().and_then(TokenSet::from_keychain)
}

fn good(nonce: &str) -> serde_json::Value {
    json!({"nonce": nonce, "email": "u@id.test"})
}

#[tokio::test]
async fn a_sign_in_saves_the_tokens_and_counts_expiry_from_the_send_time() {
    let t = TestDeck::new(true).await;
    let before = Utc::now();
    let view = t.signed_in().await;
    assert_eq!(view.email.as_deref(), Some("u@id.test"));
    let expires = view.expires_at.unwrap();
    assert!(expires >= before + Duration::seconds(3600), "{expires}");
    assert!(expires <= Utc::now() + Duration::seconds(3600));
    let tokens = stored(&t, &view.id).await.unwrap();
    assert_eq!(tokens.access_token.expose(), "at-0");
    assert_eq!(tokens.refresh_token.unwrap().expose(), "rt-0");
    assert!(tokens.id_token.is_some());
    let record = t.deck.account_record(&view.id).unwrap();
    assert!(record.has_refresh_token && record.has_id_token);
    assert_eq!(record.identity.unwrap().subject, "user-1");
    // The code was sent with the PKCE verifier, as a public client.
    let sent = &t.provider.requests_to("/token")[0].form;
    assert_eq!(sent["grant_type"], "authorization_code");
    assert_eq!(sent["code"], "code-1");
    assert!(sent.contains_key("code_verifier"));
    assert!(!sent.contains_key("client_secret"));
}

#[tokio::test]
async fn expires_in_missing_means_unknown_and_a_string_is_read() {
    let t = TestDeck::new(true).await;
    let view = t
        .sign_in(|p, nonce| {
            let id = p.id_token(good(nonce));
            Reply::json(200, json!({"access_token": "a", "id_token": id}))
        })
        .await
        .unwrap();
    assert_eq!(view.expires_at, None);
    let view = t
        .sign_in(|p, nonce| {
            let id = p.id_token(good(nonce));
            Reply::json(200, json!({"access_token": "a", "expires_in": "120", "id_token": id}))
        })
        .await
        .unwrap();
    let left = view.expires_at.unwrap() - Utc::now();
    assert!(left <= Duration::seconds(120) && left > Duration::seconds(100), "{left}");
}

#[tokio::test]
async fn granted_scopes_replace_the_requested_ones_only_when_the_provider_says() {
    let t = TestDeck::new(true).await;
    let view = t.signed_in().await;
    assert_eq!(view.scopes, ["openid", "email", "offline_access"]);
    let view = t
        .sign_in(|p, nonce| {
            let id = p.id_token(good(nonce));
            Reply::json(200, json!({"access_token": "a", "scope": "openid", "id_token": id}))
        })
        .await
        .unwrap();
    assert_eq!(view.scopes, ["openid"]);
}

#[tokio::test]
async fn signing_in_again_as_the_same_user_updates_the_account() {
    let t = TestDeck::new(true).await;
    let first = t.signed_in().await;
    let connected_at = t.deck.account_record(&first.id).unwrap().connected_at;
    let generation = t.deck.account_record(&first.id).unwrap().generation;
    // The second answer carries no refresh token: the one already held is kept.
    let again = t.sign_in(|p, nonce| p.tokens("at-1", None, Some(good(nonce)))).await.unwrap();
    assert_eq!(again.id, first.id);
    assert_eq!(t.deck.accounts(Utc::now()).unwrap().len(), 1);
    let record = t.deck.account_record(&first.id).unwrap();
    assert_eq!(record.connected_at, connected_at);
    assert_eq!(record.generation, generation + 1);
    let tokens = stored(&t, &first.id).await.unwrap();
    assert_eq!(tokens.access_token.expose(), "at-1");
    assert_eq!(tokens.refresh_token.unwrap().expose(), "rt-0");
    assert!(record.has_refresh_token);
}

#[tokio::test]
async fn a_different_subject_is_a_second_account() {
    let t = TestDeck::new(true).await;
    let first = t.signed_in().await;
    *t.provider.subject.lock().unwrap() = "user-2".into();
    let second = t.signed_in().await;
    assert_ne!(first.id, second.id);
    assert_eq!(t.deck.accounts(Utc::now()).unwrap().len(), 2);
}

#[tokio::test]
async fn an_id_token_for_another_sign_in_issuer_or_app_is_refused() {
    let t = TestDeck::new(true).await;
    let cases = [
        (json!({"nonce": "not-this-one"}), "does not belong to this sign-in"),
        (json!({"iss": "https://evil.test"}), "different provider"),
        (json!({"aud": "another-app"}), "another app"),
        (json!({"exp": Utc::now().timestamp() - 3600}), "expired"),
    ];
    for (claims, expected) in cases {
        let error = t
            .sign_in(|p, nonce| {
                let mut claims = claims.clone();
                if claims.get("nonce").is_none() {
                    claims["nonce"] = json!(nonce);
                }
                p.tokens("at", Some("rt"), Some(claims))
            })
            .await
            .unwrap_err();
        assert!(matches!(error, Error::IdToken(_)), "{error:?}");
        assert!(error.to_string().contains(expected), "{error}");
        assert!(error.to_string().ends_with("Nothing was saved."), "{error}");
    }
    assert!(t.deck.accounts(Utc::now()).unwrap().is_empty());
    assert!(t.store.keys().iter().all(|k| !k.starts_with("account/")), "{:?}", t.store.keys());
}

#[tokio::test]
async fn an_openid_sign_in_without_an_id_token_is_refused() {
    let t = TestDeck::new(true).await;
    let error = t.sign_in(|p, _| p.tokens("at", Some("rt"), None)).await.unwrap_err();
    assert!(error.to_string().contains("sent no identity token"), "{error}");
    assert!(t.deck.accounts(Utc::now()).unwrap().is_empty());
}

#[tokio::test]
async fn userinfo_naming_another_user_is_refused() {
    let t = TestDeck::new(true).await;
    *t.provider.userinfo.lock().unwrap() = json!({"sub": "someone-else", "email": "x@id.test"});
    // Without email or name in the ID token, AuthDeck asks userinfo.
    let error = t
        .sign_in(|p, nonce| p.tokens("at", Some("rt"), Some(json!({"nonce": nonce}))))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("two different users"), "{error}");
    assert!(t.deck.accounts(Utc::now()).unwrap().is_empty());
}

#[tokio::test]
async fn a_refused_code_asks_to_start_again_and_is_not_reconnect() {
    let t = TestDeck::new(true).await;
    let error =
        t.sign_in(|_, _| Reply::json(400, json!({"error": "invalid_grant"}))).await.unwrap_err();
    assert!(error.to_string().contains("Start the sign-in again"), "{error}");
    assert_ne!(error.kind(), ErrorKind::NeedsReconnect);
    let error =
        t.sign_in(|_, _| Reply::json(401, json!({"error": "invalid_client"}))).await.unwrap_err();
    assert!(error.to_string().contains("rejected AuthDeck's client settings"), "{error}");
    assert!(t.deck.accounts(Utc::now()).unwrap().is_empty());
}

#[tokio::test]
async fn broken_token_answers_save_nothing() {
    let t = TestDeck::new(true).await;
    let cases = [
        (Reply::json(500, json!({"error": "server_error"})), "is unavailable right now"),
        (
            Reply::Http { status: 200, content_type: "text/html", body: "<p>hi</p>".into() },
            "sent a web page",
        ),
        (
            Reply::Http { status: 200, content_type: "application/json", body: "{".into() },
            "damaged",
        ),
    ];
    for (reply, expected) in cases {
        let error = t.sign_in(|_, _| reply.clone()).await.unwrap_err();
        assert!(error.to_string().contains(expected), "{error}");
        assert!(error.to_string().starts_with("Test ID (id.test)"), "{error}");
    }
    assert!(t.deck.accounts(Utc::now()).unwrap().is_empty());
}

#[tokio::test]
async fn a_code_exchange_that_may_have_arrived_is_not_sent_again() {
    let t = TestDeck::new(true).await;
    let error = t.sign_in(|_, _| Reply::Interrupted).await.unwrap_err();
    assert!(error.to_string().contains("broke before it answered"), "{error}");
    assert_eq!(t.provider.requests_to("/token").len(), 1);
    // A connection that was never made is tried once more.
    let t = TestDeck::new(true).await;
    let view = t
        .sign_in(|p, nonce| {
            p.reply(Reply::Refused);
            p.tokens("at", Some("rt"), Some(good(nonce)))
        })
        .await;
    assert!(view.is_ok(), "{view:?}");
    assert_eq!(t.provider.requests_to("/token").len(), 2);
}

#[tokio::test]
async fn after_a_lost_test_link_the_app_scheme_gives_way_to_loopback() {
    use crate::doctor::HandBack;
    let t = TestDeck::new(true).await;
    let started = t.deck.start_login("test", Default::default()).await.unwrap();
    assert_eq!(started.redirect_uri, "dev.authdeck.app:/oauth/callback");
    assert!(started.loopback.is_none());

    t.deck.record_hand_back(&HandBack::decide(false, Utc::now())).unwrap();
    let started = t.deck.start_login("test", Default::default()).await.unwrap();
    assert!(started.redirect_uri.starts_with("http://127.0.0.1:"), "{}", started.redirect_uri);
    assert!(started.loopback.is_some());
    assert!(started.authorization_url.contains("redirect_uri=http%3A%2F%2F127.0.0.1"));

    t.deck.record_hand_back(&HandBack::decide(true, Utc::now())).unwrap();
    let started = t.deck.start_login("test", Default::default()).await.unwrap();
    assert_eq!(started.redirect_uri, "dev.authdeck.app:/oauth/callback");
}
