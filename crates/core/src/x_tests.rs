//! The X (Twitter) preset end to end through the injected transport, against answers shaped
//! like X's documented ones (`tests/fixtures/x`): the authorize request, the token request
//! (HTTP Basic client authentication with a secret, the client ID in the body without one),
//! identity from `/2/users/me`, and revocation.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use base64::Engine;
use chrono::Utc;
use oauth2::HttpRequest;
use oauth2::http::{self, header};

use crate::config::DeckConfig;
use crate::deck::Deck;
use crate::home::Home;
use crate::http::{Http, SendFuture, Transport};
use crate::keychain::MemoryStore;
use crate::login::LoginOptions;
use crate::provider::{Preset, Redirect};
use crate::secret::ClientSecret;

const TOKEN: &str = include_str!("../tests/fixtures/x/token.json");
const USERS_ME: &str = include_str!("../tests/fixtures/x/users-me.json");
const REVOKE: &str = include_str!("../tests/fixtures/x/revoke.json");

/// A request X saw.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    url: String,
    authorization: Option<String>,
    form: HashMap<String, String>,
}

/// api.twitter.com, answering from the recorded fixtures.
#[derive(Default)]
struct FakeX {
    seen: Mutex<Vec<Seen>>,
}

impl FakeX {
    fn to(&self, path: &str) -> Vec<Seen> {
        self.seen.lock().unwrap().iter().filter(|s| s.url.ends_with(path)).cloned().collect()
    }
}

impl Transport for FakeX {
    fn send<'a>(&'a self, request: HttpRequest, _host: &'a str) -> SendFuture<'a> {
        let form = url::form_urlencoded::parse(request.body())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let authorization =
            request.headers().get(header::AUTHORIZATION).map(|v| v.to_str().unwrap().to_string());
        let url = request.uri().to_string();
        self.seen.lock().unwrap().push(Seen {
            method: request.method().to_string(),
            url: url.clone(),
            authorization,
            form,
        });
        let body = match url.as_str() {
            "https://api.twitter.com/2/oauth2/token" => Some(TOKEN),
            "https://api.twitter.com/2/users/me" => Some(USERS_ME),
            "https://api.twitter.com/2/oauth2/revoke" => Some(REVOKE),
            _ => None,
        };
        Box::pin(async move {
            Ok(http::Response::builder()
                .status(if body.is_some() { 200 } else { 404 })
                .header(header::CONTENT_TYPE, "application/json")
                .body(body.unwrap_or("{}").as_bytes().to_vec())
                .unwrap())
        })
    }
}

struct XDeck {
    deck: Deck,
    x: Arc<FakeX>,
    _dir: tempfile::TempDir,
}

async fn x_deck(secret: Option<&str>) -> XDeck {
    let dir = tempfile::tempdir().unwrap();
    let x = Arc::new(FakeX::default());
    let deck = Deck::new(
        Home::open(dir.path()).unwrap(),
        Arc::new(MemoryStore::default()),
        DeckConfig::default(),
        Http::with_transport(x.clone()),
    );
    let mut config = Preset::X.config("x", "x-client-id", None, None).unwrap();
    // The preset's fixed loopback port would be bound by every test at once; the request
    // shape does not depend on the redirect kind.
    config.redirect = Redirect::default();
    deck.add_provider(config, secret.map(ClientSecret::new)).await.unwrap();
    XDeck { deck, x, _dir: dir }
}

/// Signs in: checks the authorize request, then answers it by deep link.
async fn sign_in(t: &XDeck) -> crate::AccountView {
    let started = t.deck.start_login("x", LoginOptions::default()).await.unwrap();
    let url = url::Url::parse(&started.authorization_url).unwrap();
    assert_eq!(url.origin().ascii_serialization(), "https://twitter.com");
    assert_eq!(url.path(), "/i/oauth2/authorize");
    let query: HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["client_id"], "x-client-id");
    assert_eq!(query["scope"], "tweet.read users.read offline.access");
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["code_challenge"].len(), 43, "a SHA-256 challenge, base64url");
    assert_eq!(query["redirect_uri"], "dev.authdeck.app:/oauth/callback");
    for absent in ["nonce", "prompt", "access_type"] {
        assert!(!query.contains_key(absent), "X is not OpenID Connect: no {absent}");
    }
    let state = &query["state"];
    t.deck
        .complete_callback(&format!("dev.authdeck.app:/oauth/callback?code=x-code&state={state}"))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_public_x_client_sends_its_id_in_the_body_and_no_authorization_header() {
    let t = x_deck(None).await;
    let account = sign_in(&t).await;
    let tokens = t.x.to("/2/oauth2/token");
    assert_eq!(tokens.len(), 1);
    let token = &tokens[0];
    assert_eq!(token.method, "POST");
    assert_eq!(token.authorization, None);
    assert_eq!(token.form["grant_type"], "authorization_code");
    assert_eq!(token.form["code"], "x-code");
    assert_eq!(token.form["client_id"], "x-client-id");
    assert_eq!(token.form["redirect_uri"], "dev.authdeck.app:/oauth/callback");
    assert_eq!(token.form["code_verifier"].len(), 43);
    assert!(!token.form.contains_key("client_secret"));
    // offline.access gave a refresh token: this account stays signed in.
    assert!(account.has_refresh_token);
    assert_eq!(account.access.last().map(String::as_str), Some("Stay signed in"));
}

#[tokio::test]
async fn a_confidential_x_client_authenticates_with_http_basic() {
    let t = x_deck(Some("s3cret/+=")).await;
    sign_in(&t).await;
    let token = &t.x.to("/2/oauth2/token")[0];
    let expected = base64::engine::general_purpose::STANDARD.encode("x-client-id:s3cret%2F%2B%3D");
    assert_eq!(token.authorization.as_deref(), Some(format!("Basic {expected}").as_str()));
    assert!(!token.form.contains_key("client_secret"), "never in the body as well");
    assert!(!token.form.contains_key("client_id"));

    // Refresh and revoke authenticate the same way.
    let id = t.deck.accounts(Utc::now()).unwrap()[0].id.clone();
    t.deck.refresh(&id).await.unwrap();
    let refresh = &t.x.to("/2/oauth2/token")[1];
    assert_eq!(refresh.form["grant_type"], "refresh_token");
    assert_eq!(refresh.authorization, token.authorization);
    let report = t.deck.disconnect(&id).await.unwrap();
    assert!(report.revoked, "{report:?}");
    let revoke = &t.x.to("/2/oauth2/revoke")[0];
    assert_eq!(revoke.authorization, token.authorization);
    assert_eq!(revoke.form["token_type_hint"], "refresh_token");
    assert!(!revoke.form.contains_key("client_secret"));
}

#[tokio::test]
async fn the_x_identity_comes_from_users_me() {
    let t = x_deck(None).await;
    let account = sign_in(&t).await;
    let me = &t.x.to("/2/users/me")[0];
    assert_eq!(me.method, "GET");
    let bearer = me.authorization.as_deref().unwrap();
    assert!(bearer.starts_with("Bearer VGNibzFWSWRE"), "the access token from the answer");
    assert_eq!(account.subject, "2244994945");
    assert_eq!(account.display_name, "X Dev");
    assert_eq!(account.initials, "XD");
    assert_eq!(account.email, None);
    assert_eq!(account.preset.as_deref(), Some("x"));
}

#[test]
fn x_users_me_answers_are_read_from_their_data_envelope() {
    let parse = |text: &str| crate::userinfo::parse(&serde_json::from_str(text).unwrap());
    let me = parse(USERS_ME);
    assert_eq!(me.subject.as_deref(), Some("2244994945"));
    assert_eq!(me.name.as_deref(), Some("X Dev"));
    // Without a display name, the handle.
    let handle = parse(r#"{"data": {"id": "1", "username": "TwitterDev"}}"#);
    assert_eq!(handle.name.as_deref(), Some("@TwitterDev"));
    // An OpenID Connect answer that happens to carry a `data` claim is read as it is.
    let oidc = parse(r#"{"sub": "s", "name": "N", "data": {"id": "x"}}"#);
    assert_eq!(oidc.subject.as_deref(), Some("s"));
}
