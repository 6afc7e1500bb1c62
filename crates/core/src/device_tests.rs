//! Sign-in with a code: the polling schedule under a fake clock (nothing sleeps for real), the
//! answers that end it, and the account it connects, against the scripted provider.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::json;

use super::*;
use crate::error::ErrorKind;
use crate::provider::{ClientSecretSource, Endpoints, ProviderConfig, Redirect};
use crate::signin::SignInSession;
use crate::testing::{FakeProvider, Reply, TestDeck};

/// A clock whose sleeps return at once and move its time on; it remembers every sleep.
struct FakeClock {
    now: Mutex<DateTime<Utc>>,
    sleeps: Mutex<Vec<Duration>>,
}

impl FakeClock {
    fn new() -> Self {
        FakeClock { now: Mutex::new(Utc::now()), sleeps: Mutex::default() }
    }

    fn sleeps(&self) -> Vec<u64> {
        self.sleeps.lock().unwrap().iter().map(Duration::as_secs).collect()
    }
}

impl Clock for FakeClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap()
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        self.sleeps.lock().unwrap().push(duration);
        *self.now.lock().unwrap() += duration;
        Box::pin(std::future::ready(()))
    }
}

fn code(expires_in: u64, interval: Option<u64>) -> Reply {
    let mut body = json!({
        "device_code": "dc-1", "user_code": "WDJB-MJHT",
        "verification_uri": "https://id.test/device",
        "verification_uri_complete": "https://id.test/device?user_code=WDJB-MJHT",
        "expires_in": expires_in,
    });
    if let Some(interval) = interval {
        body["interval"] = json!(interval);
    }
    Reply::json(200, body)
}

fn error(code: &str) -> Reply {
    Reply::json(400, json!({"error": code}))
}

/// A device sign-in's ID token: no nonce.
fn approved(p: &FakeProvider) -> Reply {
    p.tokens("at-d", Some("rt-d"), Some(json!({"email": "u@id.test"})))
}

async fn run(t: &TestDeck, clock: &FakeClock) -> Result<AccountView> {
    let started = t.deck.start_device_login("test").await?;
    t.deck.complete_device(started.poll, clock).await
}

#[tokio::test]
async fn polls_every_five_seconds_when_no_interval_is_given_and_connects_without_a_nonce() {
    let t = TestDeck::new(true).await;
    t.provider.device_reply(code(600, None));
    t.provider.reply(error("authorization_pending"));
    t.provider.reply(error("authorization_pending"));
    t.provider.reply(approved(&t.provider));
    let clock = FakeClock::new();
    let started = t.deck.start_device_login("test").await.unwrap();
    assert_eq!(started.code.user_code, "WDJB-MJHT");
    assert_eq!(started.code.address(), "https://id.test/device?user_code=WDJB-MJHT");
    assert_eq!(started.code.verification_host, "id.test");
    assert_eq!(started.code.interval_seconds, 5);
    let handle = started.code.handle.clone();
    let view = t.deck.complete_device(started.poll, &clock).await.unwrap();
    assert_eq!(clock.sleeps(), [5, 5, 5]);
    assert_eq!(view.email.as_deref(), Some("u@id.test"));
    let polls = t.provider.requests_to("/token");
    assert_eq!(polls.len(), 3);
    assert_eq!(polls[0].form["grant_type"], DEVICE_GRANT);
    assert_eq!(polls[0].form["device_code"], "dc-1");
    assert_eq!(polls[0].form["client_id"], "client-1");
    let asked = &t.provider.requests_to("/device/auth")[0].form;
    assert_eq!(asked["scope"], "openid email offline_access");
    // The outcome reaches whoever waits for the sign-in, as for a browser sign-in.
    let waited = t.deck.wait_for_login(&handle, Utc::now()).await.unwrap();
    assert_eq!(waited.id, view.id);
    // The same user again is the same account.
    t.provider.device_reply(code(600, Some(1)));
    t.provider.reply(approved(&t.provider));
    let again = run(&t, &FakeClock::new()).await.unwrap();
    assert_eq!(again.id, view.id);
    assert_eq!(t.deck.accounts(Utc::now()).unwrap().len(), 1);
}

#[tokio::test]
async fn slow_down_adds_five_seconds_for_good_and_the_interval_is_never_shortened() {
    let t = TestDeck::new(true).await;
    t.provider.device_reply(code(600, Some(2)));
    for answer in ["authorization_pending", "slow_down", "authorization_pending", "slow_down"] {
        t.provider.reply(error(answer));
    }
    t.provider.reply(approved(&t.provider));
    let clock = FakeClock::new();
    run(&t, &clock).await.unwrap();
    assert_eq!(clock.sleeps(), [2, 2, 7, 7, 12]);
}

#[tokio::test]
async fn a_failed_connection_polls_less_often() {
    let t = TestDeck::new(true).await;
    t.provider.device_reply(code(600, Some(3)));
    // The transport tries a never-made connection twice before giving up on the poll.
    for _ in 0..2 {
        t.provider.reply(Reply::Refused);
    }
    t.provider.reply(approved(&t.provider));
    let clock = FakeClock::new();
    run(&t, &clock).await.unwrap();
    assert_eq!(clock.sleeps(), [3, 6]);
}

#[tokio::test]
async fn denial_and_expiry_at_the_provider_end_it_with_one_sentence() {
    for (answer, expected) in
        [("access_denied", DeviceError::Denied), ("expired_token", DeviceError::Expired)]
    {
        let t = TestDeck::new(true).await;
        t.provider.device_reply(code(600, Some(1)));
        t.provider.reply(error("authorization_pending"));
        t.provider.reply(error(answer));
        let clock = FakeClock::new();
        let started = t.deck.start_device_login("test").await.unwrap();
        let handle = started.code.handle.clone();
        let err = t.deck.complete_device(started.poll, &clock).await.unwrap_err();
        assert!(matches!(&err, Error::Device(e) if *e == expected), "{err:?}");
        let text = err.to_string();
        assert!(!text.contains('\n') && text.ends_with('.') && !text.contains("_"), "{text}");
        assert!(t.deck.accounts(Utc::now()).unwrap().is_empty());
        let reported = t.deck.wait_for_login(&handle, Utc::now()).await.unwrap_err();
        assert_eq!(reported.to_string(), text);
        assert_eq!(t.provider.requests_to("/token").len(), 2);
    }
}

#[tokio::test]
async fn the_code_expires_by_the_clock_without_another_request() {
    let t = TestDeck::new(true).await;
    t.provider.device_reply(code(12, None));
    for _ in 0..5 {
        t.provider.reply(error("authorization_pending"));
    }
    let clock = FakeClock::new();
    let err = run(&t, &clock).await.unwrap_err();
    assert!(matches!(err, Error::Device(DeviceError::Expired)), "{err:?}");
    // 5 s, 5 s, then only the 2 s left: no poll after the code's expiry.
    assert_eq!(clock.sleeps(), [5, 5, 2]);
    assert_eq!(t.provider.requests_to("/token").len(), 2);
}

#[tokio::test]
async fn a_provider_without_sign_in_with_a_code_is_refused_before_any_request() {
    let t = TestDeck::new(true).await;
    let plain = ProviderConfig {
        name: "plain".into(),
        label: Some("Plain".into()),
        preset: None,
        issuer: None,
        endpoints: Some(Endpoints {
            authorization: "https://plain.test/auth".into(),
            token: "https://plain.test/token".into(),
            revocation: None,
            userinfo: None,
        }),
        client_id: "c".into(),
        client_secret: ClientSecretSource::None,
        scopes: vec![],
        redirect: Redirect::default(),
        device_authorization: None,
        registered: None,
    };
    t.deck.add_provider(plain, None).await.unwrap();
    let before = t.provider.seen.lock().unwrap().len();
    let err = t.deck.start_device_login("plain").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "Plain does not offer sign-in with a code. Sign in with the browser instead."
    );
    assert_eq!(t.provider.seen.lock().unwrap().len(), before);
    // An issuer that publishes no device endpoint: discovery only, no code asked for.
    *t.provider.device.lock().unwrap() = false;
    let err = t.deck.start_device_login("test").await.unwrap_err();
    assert!(matches!(err, Error::Device(DeviceError::Unsupported { .. })), "{err:?}");
    assert!(t.provider.requests_to("/device/auth").is_empty());
}

#[tokio::test]
async fn a_refused_client_is_told_so_and_google_says_which_clients_may() {
    let t = TestDeck::new(true).await;
    t.provider.device_reply(error("unauthorized_client"));
    let err = t.deck.start_device_login("test").await.unwrap_err();
    assert!(err.to_string().starts_with("Test ID does not allow this client"), "{err}");
    let google = DeviceError::NotAllowed { provider: "Google".into(), google: true };
    assert!(google.to_string().contains("TVs and Limited Input devices"), "{google}");
    assert_eq!(Error::Device(google).kind(), ErrorKind::Other);
}

#[tokio::test]
async fn cancelling_the_wait_stops_polling_at_once() {
    let t = TestDeck::new(true).await;
    t.provider.device_reply(code(600, Some(1)));
    let started = t.deck.start_device_login("test").await.unwrap();
    let handle = started.code.handle.clone();
    let session = SignInSession::device(&t.deck, started);
    let err = session.finish(None, std::future::ready(()), |_| {}).await.unwrap_err();
    assert!(matches!(err, Error::LoginCancelled), "{err:?}");
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(t.provider.requests_to("/token").is_empty());
    assert!(t.deck.wait_for_login(&handle, Utc::now()).await.is_err());
}

#[test]
fn the_schedule_follows_rfc_8628() {
    let now = Utc::now();
    let mut schedule = Schedule::new(None, now + chrono::TimeDelta::seconds(60));
    assert_eq!(schedule.interval(), DEFAULT_INTERVAL);
    schedule.slow_down();
    assert_eq!(schedule.interval(), Duration::from_secs(10));
    assert_eq!(Schedule::new(Some(0), now).interval(), Duration::from_secs(1));
    assert_eq!(schedule.wait(now + chrono::TimeDelta::seconds(57)), Some(Duration::from_secs(3)));
    assert_eq!(schedule.wait(now + chrono::TimeDelta::seconds(60)), None);
}
