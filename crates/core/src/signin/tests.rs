//! The waiting rules, against a real data directory and an in-memory keychain. No provider is
//! needed: a refusal (`error=access_denied`) is a genuine answer that ends a sign-in.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

use super::*;
use crate::error::CallbackError;
use crate::home::Home;
use crate::keychain::MemoryStore;
use crate::login::LoginOptions;
use crate::provider::{ClientSecretSource, Endpoints, ProviderConfig, Redirect};

async fn deck_with(redirect: Redirect) -> (tempfile::TempDir, Deck) {
    let dir = tempfile::tempdir().unwrap();
    let deck = Deck::with_store(Home::open(dir.path()).unwrap(), Arc::new(MemoryStore::default()));
    let config = ProviderConfig {
        name: "plain".into(),
        label: None,
        preset: None,
        issuer: None,
        endpoints: Some(Endpoints {
            authorization: "http://127.0.0.1:9/auth".into(),
            token: "http://127.0.0.1:9/token".into(),
            revocation: None,
            userinfo: None,
        }),
        client_id: "c".into(),
        client_secret: ClientSecretSource::None,
        scopes: vec!["read".into()],
        redirect,
        device_authorization: None,
        registered: None,
    };
    deck.add_provider(config, None).await.unwrap();
    (dir, deck)
}

fn state_of(started: &StartedLogin) -> String {
    let url = url::Url::parse(&started.authorization_url).unwrap();
    url.query_pairs().find(|(k, _)| k == "state").unwrap().1.into_owned()
}

fn refusal(started: &StartedLogin) -> String {
    format!("{}?error=access_denied&state={}", started.redirect_uri, state_of(started))
}

async fn get(url: &str) -> String {
    let url = url::Url::parse(url).unwrap();
    let mut stream = TcpStream::connect(("127.0.0.1", url.port().unwrap())).await.unwrap();
    let target = format!("{}?{}", url.path(), url.query().unwrap_or_default());
    stream.write_all(format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes()).await.unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).await.unwrap();
    text
}

fn denied(result: &Result<AccountView>) -> bool {
    match result {
        Err(Error::Callback(CallbackError::Denied)) => true,
        Err(Error::Reported { message, .. }) => message.contains("cancelled at the provider"),
        _ => false,
    }
}

#[tokio::test]
async fn the_loopback_answer_gets_its_page_whichever_route_sees_the_outcome_first() {
    let (_dir, deck) = deck_with(Redirect::loopback()).await;
    for _ in 0..5 {
        let started = deck.start_login("plain", LoginOptions::default()).await.unwrap();
        let answer = refusal(&started);
        let session = SignInSession::new(&deck, started);
        let waiting = tokio::spawn(session.finish(None, std::future::pending(), |e| panic!("{e}")));
        let page = get(&answer).await;
        assert!(page.starts_with("HTTP/1.1 200") && page.contains("did not finish"), "{page}");
        let result = waiting.await.unwrap();
        assert!(denied(&result), "{result:?}");
    }
}

#[tokio::test]
async fn a_sign_in_finished_by_another_process_ends_the_wait() {
    let (dir, deck) = deck_with(Redirect::default()).await;
    let started = deck.start_login("plain", LoginOptions::default()).await.unwrap();
    let answer = refusal(&started);
    let waiting = tokio::spawn(SignInSession::new(&deck, started).finish(
        None,
        std::future::pending(),
        |e| panic!("{e}"),
    ));
    // `authdeck callback URL`, run by the OS for the deep link: same folder, another Deck.
    let other = Deck::with_store(Home::open(dir.path()).unwrap(), Arc::new(MemoryStore::default()));
    assert!(denied(&other.complete_callback(&answer).await.map(|_| unreachable!())));
    let result = tokio::time::timeout(Duration::from_secs(2), waiting).await.unwrap().unwrap();
    assert!(denied(&result), "{result:?}");
}

#[tokio::test]
async fn pasted_forgeries_are_reported_and_the_wait_goes_on_until_cancelled() {
    let (_dir, deck) = deck_with(Redirect::default()).await;
    let started = deck.start_login("plain", LoginOptions::default()).await.unwrap();
    let answer = refusal(&started);
    let (paste, pasted) = mpsc::unbounded_channel();
    let (cancel, cancelled) = oneshot::channel::<()>();
    let rejected = Arc::new(Mutex::new(Vec::new()));
    let seen = rejected.clone();
    let waiting = tokio::spawn(SignInSession::new(&deck, started).finish(
        Some(pasted),
        async move {
            let _ = cancelled.await;
        },
        move |e| seen.lock().unwrap().push(e.to_string()),
    ));
    paste.send("   ".into()).unwrap();
    paste.send("dev.authdeck.app:/oauth/callback?code=x&state=forged".into()).unwrap();
    while rejected.lock().unwrap().is_empty() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(!waiting.is_finished(), "a forgery does not end the sign-in");
    cancel.send(()).unwrap();
    let result = waiting.await.unwrap();
    assert_eq!(result.unwrap_err().to_string(), "The sign-in was cancelled.");
    assert_eq!(rejected.lock().unwrap().len(), 1, "{rejected:?}");
    // The cancelled sign-in is closed: its genuine answer now changes nothing.
    let late = deck.complete_callback(&answer).await.unwrap_err();
    assert!(matches!(late, Error::Callback(CallbackError::AlreadyUsed)), "{late:?}");
}

#[tokio::test]
async fn a_pasted_genuine_answer_ends_the_wait() {
    let (_dir, deck) = deck_with(Redirect::default()).await;
    let started = deck.start_login("plain", LoginOptions::default()).await.unwrap();
    let (paste, pasted) = mpsc::unbounded_channel();
    paste.send(refusal(&started)).unwrap();
    let session = SignInSession::new(&deck, started);
    let result = session.finish(Some(pasted), std::future::pending(), |e| panic!("{e}")).await;
    // Pasted here, and seen on disk by the waiter too: either route reports the refusal.
    assert!(denied(&result), "{result:?}");
}
