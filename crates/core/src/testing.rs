//! A scripted OpenID Connect provider behind the [`Transport`] seam, for unit tests of the
//! sign-in, refresh and disconnect rules without a network, a Node provider or D-Bus.
//!
//! It serves discovery, a JWKS for a fixed test RSA key, userinfo and revocation, and answers
//! token requests from a queue the test fills. Every request is recorded so a test can say
//! what was (and was not) sent.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use chrono::Utc;
use oauth2::HttpRequest;
use oauth2::http::{self, header};
use openidconnect::core::{CoreJwsSigningAlgorithm, CoreRsaPrivateSigningKey};
use openidconnect::{JsonWebKeyId, PrivateSigningKey};
use serde_json::{Value, json};

use crate::account::AccountView;
use crate::config::DeckConfig;
use crate::deck::Deck;
use crate::error::{RemoteError, Result};
use crate::home::Home;
use crate::http::{Http, SendFuture, Transport};
use crate::keychain::MemoryStore;
use crate::login::LoginOptions;
use crate::provider::{ClientSecretSource, ProviderConfig, Redirect};

pub const ISSUER: &str = "https://id.test";
pub const CLIENT_ID: &str = "client-1";

/// A fixed 1024-bit test key: small so debug builds sign quickly; never used outside tests.
pub const TEST_KEY: &str = include_str!("testing_key.pem");

/// One scripted token-endpoint answer.
#[derive(Debug, Clone)]
pub enum Reply {
    /// An HTTP answer.
    Http { status: u16, content_type: &'static str, body: String },
    /// The connection broke after the request was sent (it may have reached the provider).
    Interrupted,
    /// The connection was never made.
    Refused,
}

impl Reply {
    pub fn json(status: u16, body: Value) -> Self {
        Reply::Http { status, content_type: "application/json", body: body.to_string() }
    }
}

/// A request the provider saw.
#[derive(Debug, Clone)]
pub struct Seen {
    /// `https://host` the request went to.
    pub origin: String,
    pub path: String,
    /// Form fields of a POST.
    pub form: HashMap<String, String>,
    /// The query string, if any.
    pub query: Option<String>,
    pub method: String,
    /// The raw body (JSON for registration).
    pub body: String,
    /// The `Authorization` header, if any.
    pub authorization: Option<String>,
}

/// The scripted provider.
pub struct FakeProvider {
    key: CoreRsaPrivateSigningKey,
    token_replies: Mutex<VecDeque<Reply>>,
    /// Answers of the device authorization endpoint (`/device/auth`), published in discovery
    /// while `device` is true.
    device_replies: Mutex<VecDeque<Reply>>,
    pub device: Mutex<bool>,
    pub seen: Mutex<Vec<Seen>>,
    pub revocation: bool,
    pub userinfo: Mutex<Value>,
    pub revoke_status: Mutex<u16>,
    /// When set, discovery publishes `/introspect`, which answers with this status and body.
    pub introspection: Mutex<Option<(u16, Value)>>,
    /// The status `/userinfo` answers with (200 by default).
    pub userinfo_status: Mutex<u16>,
    /// The `sub` of the ID tokens [`FakeProvider::tokens`] issues.
    pub subject: Mutex<String>,
    /// With an answer here, discovery lists `/reg` and registration gets this answer.
    pub registration: Mutex<Option<Reply>>,
    /// The status of `DELETE /reg/...` (RFC 7592).
    pub unregister_status: Mutex<u16>,
}

impl FakeProvider {
    pub fn new(revocation: bool) -> Self {
        FakeProvider {
            key: CoreRsaPrivateSigningKey::from_pem(TEST_KEY, Some(JsonWebKeyId::new("k1".into())))
                .expect("the test key parses"),
            token_replies: Mutex::default(),
            device_replies: Mutex::default(),
            device: Mutex::new(true),
            seen: Mutex::default(),
            revocation,
            userinfo: Mutex::new(json!({})),
            revoke_status: Mutex::new(200),
            introspection: Mutex::default(),
            userinfo_status: Mutex::new(200),
            subject: Mutex::new("user-1".into()),
            registration: Mutex::default(),
            unregister_status: Mutex::new(204),
        }
    }

    /// Queues the next device-authorization answer.
    pub fn device_reply(&self, reply: Reply) {
        self.device_replies.lock().unwrap().push_back(reply);
    }

    /// Queues the next token-endpoint answer.
    pub fn reply(&self, reply: Reply) {
        self.token_replies.lock().unwrap().push_back(reply);
    }

    /// A signed ID token with `claims` over the usual ones (`iss`, `aud`, `sub`, `iat`, `exp`).
    pub fn id_token(&self, claims: Value) -> String {
        let now = Utc::now().timestamp();
        let mut payload = json!({
            "iss": ISSUER, "aud": CLIENT_ID, "sub": *self.subject.lock().unwrap(),
            "iat": now, "exp": now + 600,
        });
        for (k, v) in claims.as_object().expect("claims are an object") {
            payload[k] = v.clone();
        }
        let b64 = |v: &Value| {
            use base64::Engine;
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
        };
        let input = format!("{}.{}", b64(&json!({"alg": "RS256", "kid": "k1"})), b64(&payload));
        let signature = self
            .key
            .sign(&CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256, input.as_bytes())
            .expect("the test key signs");
        use base64::Engine;
        format!("{input}.{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(signature))
    }

    /// A token answer: access token `access`, optional refresh token, optional ID token claims.
    pub fn tokens(&self, access: &str, refresh: Option<&str>, id: Option<Value>) -> Reply {
        let mut body = json!({"access_token": access, "token_type": "Bearer", "expires_in": 3600});
        if let Some(refresh) = refresh {
            body["refresh_token"] = json!(refresh);
        }
        if let Some(claims) = id {
            body["id_token"] = json!(self.id_token(claims));
        }
        Reply::json(200, body)
    }

    /// The requests sent to `path`.
    pub fn requests_to(&self, path: &str) -> Vec<Seen> {
        self.seen.lock().unwrap().iter().filter(|s| s.path == path).cloned().collect()
    }

    fn answer(&self, request: &HttpRequest) -> Reply {
        let path = request.uri().path().to_string();
        let origin = format!("https://{}", request.uri().host().unwrap_or_default());
        let form: HashMap<String, String> = url::form_urlencoded::parse(request.body())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let seen = Seen {
            origin: origin.clone(),
            path: path.clone(),
            form,
            query: request.uri().query().map(String::from),
            method: request.method().to_string(),
            body: String::from_utf8_lossy(request.body()).into_owned(),
            authorization: request
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .map(String::from),
        };
        self.seen.lock().unwrap().push(seen);
        let registration = self.registration.lock().unwrap().clone();
        match path.as_str() {
            "/.well-known/openid-configuration" => {
                // Every host is an issuer of its own, with the same signing key.
                let mut doc = json!({
                    "issuer": origin,
                    "authorization_endpoint": format!("{origin}/auth"),
                    "token_endpoint": format!("{origin}/token"),
                    "userinfo_endpoint": format!("{origin}/userinfo"),
                    "jwks_uri": format!("{origin}/jwks"),
                    "code_challenge_methods_supported": ["S256"],
                });
                if self.revocation {
                    doc["revocation_endpoint"] = json!(format!("{origin}/revoke"));
                }
                if self.introspection.lock().unwrap().is_some() {
                    doc["introspection_endpoint"] = json!(format!("{origin}/introspect"));
                }
                if *self.device.lock().unwrap() {
                    doc["device_authorization_endpoint"] = json!(format!("{origin}/device/auth"));
                }
                if registration.is_some() {
                    doc["registration_endpoint"] = json!(format!("{origin}/reg"));
                }
                Reply::json(200, doc)
            }
            "/jwks" => {
                let key = self.key.as_verification_key();
                Reply::json(200, json!({"keys": [serde_json::to_value(key).unwrap()]}))
            }
            // Google's tokeninfo answers like userinfo here, from the same script.
            "/userinfo" | "/tokeninfo" => Reply::json(
                *self.userinfo_status.lock().unwrap(),
                self.userinfo.lock().unwrap().clone(),
            ),
            "/introspect" => match self.introspection.lock().unwrap().clone() {
                Some((status, body)) => Reply::json(status, body),
                None => {
                    Reply::Http { status: 404, content_type: "text/plain", body: String::new() }
                }
            },
            "/revoke" => Reply::json(*self.revoke_status.lock().unwrap(), json!({})),
            "/device/auth" => {
                self.device_replies.lock().unwrap().pop_front().unwrap_or(Reply::json(
                    400,
                    json!({"error": "invalid_request", "error_description": "unscripted"}),
                ))
            }
            "/reg" if registration.is_some() => registration.unwrap(),
            p if p.starts_with("/reg/") => Reply::Http {
                status: *self.unregister_status.lock().unwrap(),
                content_type: "text/plain",
                body: String::new(),
            },
            "/token" => self.token_replies.lock().unwrap().pop_front().unwrap_or(Reply::json(
                400,
                json!({"error": "invalid_request", "error_description": "unscripted"}),
            )),
            _ => Reply::Http { status: 404, content_type: "text/plain", body: String::new() },
        }
    }
}

impl Transport for FakeProvider {
    fn send<'a>(&'a self, request: HttpRequest, host: &'a str) -> SendFuture<'a> {
        let reply = self.answer(&request);
        Box::pin(async move {
            match reply {
                Reply::Http { status, content_type, body } => Ok(http::Response::builder()
                    .status(status)
                    .header(header::CONTENT_TYPE, content_type)
                    .body(body.into_bytes())
                    .expect("a valid scripted answer")),
                Reply::Interrupted => Err(RemoteError::Interrupted { host: host.to_string() }),
                Reply::Refused => Err(RemoteError::Connect { host: host.to_string() }),
            }
        })
    }
}

/// A deck over a temporary data directory, a [`MemoryStore`] and a [`FakeProvider`], with the
/// provider `test` (OpenID Connect, deep-link redirect) added.
pub struct TestDeck {
    pub deck: Deck,
    pub provider: Arc<FakeProvider>,
    pub store: Arc<MemoryStore>,
    _dir: tempfile::TempDir,
}

impl TestDeck {
    pub async fn new(revocation: bool) -> Self {
        Self::with_config(revocation, |_| {}).await
    }

    /// [`new`](Self::new) with the configuration adjusted by `adjust`.
    pub async fn with_config(revocation: bool, adjust: impl FnOnce(&mut DeckConfig)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::open(dir.path()).unwrap();
        let provider = Arc::new(FakeProvider::new(revocation));
        let store = Arc::new(MemoryStore::default());
        let mut config =
            DeckConfig { save_retry: std::time::Duration::from_millis(300), ..Default::default() };
        adjust(&mut config);
        let deck = Deck::new(home, store.clone(), config, Http::with_transport(provider.clone()));
        deck.add_provider(Self::config(), None).await.unwrap();
        TestDeck { deck, provider, store, _dir: dir }
    }

    /// Another process on the same data directory and keychain, as the CLI opens it (no token
    /// cache).
    pub fn other_process(&self) -> Deck {
        let home = self.deck.home.clone();
        Deck::new(home, self.store.clone(), DeckConfig::default(), self.deck.http.clone())
    }

    pub fn config() -> ProviderConfig {
        Self::config_for(ISSUER)
    }

    /// The provider `test` for another issuer.
    pub fn config_for(issuer: &str) -> ProviderConfig {
        ProviderConfig {
            name: "test".into(),
            label: Some("Test ID".into()),
            preset: None,
            issuer: Some(issuer.into()),
            endpoints: None,
            client_id: CLIENT_ID.into(),
            client_secret: ClientSecretSource::None,
            scopes: vec!["openid".into(), "email".into(), "offline_access".into()],
            redirect: Redirect::default(),
            device_authorization: None,
            registered: None,
        }
    }

    /// Starts a sign-in, lets `answer` script the token endpoint (it gets the sign-in's
    /// nonce), and delivers the provider's answer by deep link.
    pub async fn sign_in(
        &self,
        answer: impl FnOnce(&FakeProvider, &str) -> Reply,
    ) -> Result<AccountView> {
        let started = self.deck.start_login("test", LoginOptions::default()).await?;
        let url = url::Url::parse(&started.authorization_url).unwrap();
        let param = |name: &str| {
            url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned()).unwrap()
        };
        let reply = answer(&self.provider, &param("nonce"));
        self.provider.reply(reply);
        let state = param("state");
        self.deck
            .complete_callback(&format!(
                "dev.authdeck.app:/oauth/callback?code=code-1&state={state}"
            ))
            .await
    }

    /// Signs in with access `at-0`, refresh `rt-0` and a good ID token for `user-1`.
    pub async fn signed_in(&self) -> AccountView {
        self.sign_in(|p, nonce| {
            p.tokens("at-0", Some("rt-0"), Some(json!({"nonce": nonce, "email": "u@id.test"})))
        })
        .await
        .expect("the sign-in succeeds")
    }
}
