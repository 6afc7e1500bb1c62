//! The ways of refreshing a token that the `refresh` benchmark compares. Each one has its own
//! grant: refresh tokens rotate, and a rotated one used twice revokes the grant.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use authdeck_core::internals::http::Http;
use authdeck_core::internals::keychain::{Keychain, OsStore, StoreError};
use authdeck_core::internals::token_set::TokenSet;
use authdeck_core::{Deck, DeckConfig, Home, KeychainValue, MemoryStore, SecretStore};
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::Res;
use crate::browser::Browser;
use crate::connect::{connect, ensure_provider};

const PROVIDER: &str = "demo";
const CLIENT_ID: &str = "authdeck";

/// A Deck on a fresh data directory with the account of `login` connected.
#[derive(Debug)]
pub struct Connected {
    pub deck: Deck,
    pub account: String,
    /// The OS keychain's calls, counted, when the Deck runs on it.
    pub counted: Option<Arc<CountingStore>>,
    _dir: TempDir,
}

impl Connected {
    pub async fn new(
        issuer: &str,
        login: &str,
        store: impl FnOnce(&Home) -> Arc<dyn SecretStore>,
        browser: &mut Browser,
    ) -> Res<Self> {
        let dir = tempfile::tempdir()?;
        let home = Home::open(dir.path())?;
        let deck = Deck::with_store(home.clone(), store(&home));
        ensure_provider(&deck, PROVIDER, issuer).await?;
        let account = connect(&deck, PROVIDER, login, browser).await?;
        Ok(Connected { deck, account, counted: None, _dir: dir })
    }

    /// A Deck on the OS keychain (its calls counted), configured as `config` says: the CLI's
    /// configuration, or the app's ([`DeckConfig::long_lived`]).
    pub async fn on_os_keychain(
        issuer: &str,
        login: &str,
        config: DeckConfig,
        browser: &mut Browser,
    ) -> Res<Self> {
        let dir = tempfile::tempdir()?;
        let home = Home::open(dir.path())?;
        let counted = Arc::new(CountingStore::new(OsStore::new(home.vault())));
        let http = Http::with_timeout(config.http_timeout);
        let deck = Deck::new(home, counted.clone(), config, http);
        ensure_provider(&deck, PROVIDER, issuer).await?;
        let account = connect(&deck, PROVIDER, login, browser).await?;
        Ok(Connected { deck, account, counted: Some(counted), _dir: dir })
    }
}

/// A secret store that counts the reads and writes it passes on.
#[derive(Debug)]
pub struct CountingStore {
    inner: OsStore,
    reads: AtomicU64,
    writes: AtomicU64,
}

impl CountingStore {
    fn new(inner: OsStore) -> Self {
        CountingStore { inner, reads: AtomicU64::new(0), writes: AtomicU64::new(0) }
    }

    /// Reads and writes so far.
    pub fn counts(&self) -> (u64, u64) {
        (self.reads.load(Ordering::SeqCst), self.writes.load(Ordering::SeqCst))
    }
}

impl SecretStore for CountingStore {
    fn get(&self, key: &str) -> Result<Option<KeychainValue>, StoreError> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        self.inner.get(key)
    }

    fn set(&self, key: &str, value: &KeychainValue) -> Result<(), StoreError> {
        self.writes.fetch_add(1, Ordering::SeqCst);
        self.inner.set(key, value)
    }

    fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.inner.delete(key)
    }

    fn status(&self) -> Result<(), StoreError> {
        self.inner.status()
    }
}

/// What the raw and Python baselines start from: a grant obtained through the core, whose
/// tokens are then taken out of its (in-memory) store and never used by the core again.
#[derive(Debug)]
pub struct Grant {
    pub token_url: String,
    pub tokens: TokenSet,
}

impl Grant {
    pub async fn new(issuer: &str, login: &str, browser: &mut Browser) -> Res<Self> {
        let store = Arc::new(MemoryStore::default());
        let shared: Arc<dyn SecretStore> = store.clone();
        let connected = Connected::new(issuer, login, |_| shared, browser).await?;
        let record = connected.deck.account_record(&connected.account)?;
        let value = store
            .get(&TokenSet::key(&connected.account))
            .map_err(|e| format!("memory store: {e:?}"))?
            .ok_or("the new account has no tokens")?;
        let tokens = TokenSet::from_keychain(&value).ok_or("unreadable token set")?;
        Ok(Grant { token_url: record.metadata.token_endpoint, tokens })
    }

    fn refresh_token(&self) -> Res<String> {
        Ok(self.tokens.refresh_token.as_ref().ok_or("no refresh token")?.expose().to_string())
    }
}

/// The limit: one POST on a kept-alive reqwest client, and the JSON answer parsed for the
/// rotated refresh token.
#[derive(Debug)]
pub struct Raw {
    client: reqwest::Client,
    token_url: String,
    refresh_token: String,
}

impl Raw {
    pub fn new(grant: &Grant) -> Res<Self> {
        let client = reqwest::Client::builder().build()?;
        Ok(Raw {
            client,
            token_url: grant.token_url.clone(),
            refresh_token: grant.refresh_token()?,
        })
    }

    /// One refresh; the provider's answer, for a caller that keeps it.
    async fn refresh(&mut self) -> Res<String> {
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", self.refresh_token.as_str()),
            ("client_id", CLIENT_ID),
        ];
        let response = self.client.post(&self.token_url).form(&form).send().await?;
        let status = response.status();
        let body = response.bytes().await?;
        if !status.is_success() {
            return Err(format!("raw refresh: {status} {}", String::from_utf8_lossy(&body)).into());
        }
        let answer: Value = serde_json::from_slice(&body)?;
        let rotated = answer["refresh_token"].as_str().ok_or("raw refresh: no refresh token")?;
        self.refresh_token = rotated.to_string();
        Ok(String::from_utf8(body.to_vec())?)
    }
}

/// The floor of a refresh that keeps what it gets: the raw round trip, then one write of the
/// answer to the OS keychain through the core's `Keychain`, timed as one sample. The two are
/// also measured apart (the raw method; the breakdown's keychain write), but each of those
/// runs back to back, so the provider and the keychain daemon are always busy and awake; in
/// a refresh each finds the other party idle since its last call, as here.
#[derive(Debug)]
pub struct RawThenWrite {
    raw: Raw,
    keychain: Keychain,
    key: String,
    _dir: TempDir,
}

impl RawThenWrite {
    pub fn new(grant: &Grant) -> Res<Self> {
        let dir = tempfile::tempdir()?;
        let home = Home::open(dir.path())?;
        let keychain = Keychain::new(os_store(&home));
        let key = TokenSet::key("bench-floor");
        Ok(RawThenWrite { raw: Raw::new(grant)?, keychain, key, _dir: dir })
    }

    async fn refresh(&mut self) -> Res<()> {
        let answer = self.raw.refresh().await?;
        Ok(self.keychain.set(&self.key, KeychainValue::new(answer)).await?)
    }
}

/// The core's HTTP path alone: an `oauth2` refresh request through AuthDeck's HTTP client
/// (timeouts, answer shaping), without locks, storage or the ID token check.
#[derive(Debug)]
pub struct CoreHttp {
    client: oauth2::basic::BasicClient<
        oauth2::EndpointNotSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointSet,
    >,
    http: Http,
    refresh_token: oauth2::RefreshToken,
}

impl CoreHttp {
    pub fn new(grant: &Grant) -> Res<Self> {
        let client = oauth2::basic::BasicClient::new(oauth2::ClientId::new(CLIENT_ID.into()))
            .set_auth_type(oauth2::AuthType::RequestBody)
            .set_token_uri(oauth2::TokenUrl::new(grant.token_url.clone())?);
        let refresh_token = oauth2::RefreshToken::new(grant.refresh_token()?);
        Ok(CoreHttp { client, http: Http::new(), refresh_token })
    }

    async fn refresh(&mut self) -> Res<()> {
        use oauth2::TokenResponse;
        let answer = self
            .client
            .exchange_refresh_token(&self.refresh_token)
            .request_async(&self.http)
            .await
            .map_err(|e| format!("core HTTP refresh: {e}"))?;
        let rotated = answer.refresh_token().ok_or("core HTTP refresh: no refresh token")?;
        self.refresh_token = rotated.clone();
        Ok(())
    }
}

/// requests-oauthlib in a child Python (bench/oauthlib_refresh.py); it times itself.
#[derive(Debug)]
pub struct OauthLib {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl OauthLib {
    pub fn new(python: &Path, grant: &Grant) -> Res<Self> {
        let mut child = Command::new(python)
            .arg(crate::browser::repo().join("bench/oauthlib_refresh.py"))
            .env("OAUTHLIB_INSECURE_TRANSPORT", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
        let mut lib = OauthLib { child, stdin, stdout };
        let token = json!({
            "access_token": grant.tokens.access_token.expose(),
            "refresh_token": grant.refresh_token()?,
            "token_type": "Bearer",
            "expires_in": 3600,
        });
        let setup = json!({ "token_url": grant.token_url, "client_id": CLIENT_ID, "token": token });
        if lib.exchange(&setup.to_string())? != "ready" {
            return Err("oauthlib_refresh.py did not start".into());
        }
        Ok(lib)
    }

    fn exchange(&mut self, line: &str) -> Res<String> {
        writeln!(self.stdin, "{line}")?;
        self.stdin.flush()?;
        let mut answer = String::new();
        self.stdout.read_line(&mut answer)?;
        if answer.is_empty() {
            return Err("oauthlib_refresh.py stopped (see its error above)".into());
        }
        Ok(answer.trim().to_string())
    }

    fn batch(&mut self, count: usize) -> Res<Vec<u64>> {
        Ok(serde_json::from_str(&self.exchange(&count.to_string())?)?)
    }
}

impl Drop for OauthLib {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One way of refreshing.
#[derive(Debug)]
pub enum Method {
    Raw(Raw),
    RawThenWrite(Box<RawThenWrite>),
    CoreHttp(Box<CoreHttp>),
    Deck(Box<Connected>),
    OauthLib(OauthLib),
}

impl Method {
    /// The keychain calls so far (reads, writes), for a Deck on the counted OS keychain.
    pub fn keychain_counts(&self) -> Option<(u64, u64)> {
        match self {
            Method::Deck(c) => c.counted.as_ref().map(|store| store.counts()),
            _ => None,
        }
    }

    /// `count` refreshes, each timed, in nanoseconds.
    pub async fn batch(&mut self, count: usize) -> Res<Vec<u64>> {
        match self {
            Method::Raw(raw) => timed(count, async || raw.refresh().await.map(drop)).await,
            Method::RawThenWrite(floor) => timed(count, async || floor.refresh().await).await,
            Method::CoreHttp(core) => timed(count, async || core.refresh().await).await,
            Method::Deck(c) => {
                timed(count, async || {
                    c.deck.refresh(&c.account).await?;
                    Ok(())
                })
                .await
            }
            Method::OauthLib(lib) => lib.batch(count),
        }
    }
}

/// Runs `step` `count` times; the duration of each run in nanoseconds.
pub async fn timed(count: usize, mut step: impl AsyncFnMut() -> Res<()>) -> Res<Vec<u64>> {
    let mut durations = Vec::with_capacity(count);
    for _ in 0..count {
        let started = Instant::now();
        step().await?;
        durations.push(u64::try_from(started.elapsed().as_nanos())?);
    }
    Ok(durations)
}

/// The OS keychain store for a data directory, as `Deck::open` builds it.
pub fn os_store(home: &Home) -> Arc<dyn SecretStore> {
    Arc::new(OsStore::new(home.vault()))
}

/// An in-memory store.
pub fn memory_store(_: &Home) -> Arc<dyn SecretStore> {
    Arc::new(MemoryStore::default())
}
