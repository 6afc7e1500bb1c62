//! [`Deck`]: the one entry point the CLI and the desktop shell call.
//!
//! It ties the data directory, the keychain, the HTTP client and the stores together. Its
//! operations live in modules named for what they do (`login`, `refresh`, `disconnect`,
//! `inspect`); this module holds construction, providers, listing and the helpers they share.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::account::{AccountRecord, AccountView};
use crate::account_store::{AccountStore, Snapshot};
use crate::activity::{ActivityEntry, ActivityKind, ActivityLog, HandOutKind};
use crate::config::DeckConfig;
use crate::error::{Error, Result};
use crate::home::Home;
use crate::http::Http;
use crate::id_token::KeyCache;
use crate::keychain::{Keychain, OsStore, SecretStore};
use crate::lock::{AccountLock, lock_account};
use crate::pending::PendingStore;
use crate::provider::{ClientSecretSource, ProviderConfig, ProviderStore};
use crate::secret::ClientSecret;
use crate::token_cache::TokenCache;
use crate::token_set::TokenSet;
use crate::unsaved::Unsaved;

/// AuthDeck's core. Cheap to clone; clones share caches.
#[derive(Debug, Clone)]
pub struct Deck {
    pub(crate) home: Home,
    pub(crate) http: Http,
    pub(crate) keychain: Keychain,
    pub(crate) keys: KeyCache,
    pub(crate) accounts: AccountStore,
    pub(crate) providers: ProviderStore,
    pub(crate) pending: PendingStore,
    pub(crate) activity: ActivityLog,
    pub(crate) config: Arc<DeckConfig>,
    pub(crate) unsaved: Unsaved,
    pub(crate) token_cache: TokenCache,
}

impl Deck {
    /// Opens the data directory from the environment with the OS keychain, configured by
    /// [`DeckConfig::from_env`].
    pub fn open() -> Result<Self> {
        Self::open_with(DeckConfig::from_env()?)
    }

    /// [`open`](Self::open) with a given configuration (the desktop app turns on
    /// [`DeckConfig::cache_tokens`]).
    pub fn open_with(config: DeckConfig) -> Result<Self> {
        let home = Home::from_env()?;
        let store = Arc::new(OsStore::new(home.vault()));
        Ok(Self::new(home, store, config, Http::with_timeout(config.http_timeout)))
    }

    /// Opens `home` with a given secret store (tests use [`MemoryStore`](crate::MemoryStore))
    /// and the default configuration.
    pub fn with_store(home: Home, store: Arc<dyn SecretStore>) -> Self {
        let config = DeckConfig::default();
        Self::new(home, store, config, Http::with_timeout(config.http_timeout))
    }

    /// A deck from its parts: the data directory, the secret store, the configuration and
    /// the HTTP client (unit tests give one over a scripted provider).
    pub fn new(home: Home, store: Arc<dyn SecretStore>, config: DeckConfig, http: Http) -> Self {
        Deck {
            http,
            config: Arc::new(config),
            unsaved: Unsaved::default(),
            token_cache: TokenCache::new(config.cache_tokens),
            keychain: Keychain::with_timeout(store, config.keychain_timeout),
            keys: KeyCache::default(),
            accounts: AccountStore::new(&home),
            providers: ProviderStore::new(&home),
            pending: PendingStore::new(&home),
            activity: ActivityLog::new(&home),
            home,
        }
    }

    pub fn home(&self) -> &Home {
        &self.home
    }

    /// Whether the keychain can be used; the error says why not, in plain words.
    pub async fn keychain_status(&self) -> Result<()> {
        self.keychain.check().await
    }

    // ----- providers -----

    pub fn providers(&self) -> Result<Vec<ProviderConfig>> {
        self.providers.list()
    }

    pub fn provider(&self, name: &str) -> Result<ProviderConfig> {
        self.providers.get(name)
    }

    /// Finds the issuer behind an address a person typed (`login.example.com`): see
    /// `find_issuer`. Nothing is added.
    pub async fn find_issuer(&self, address: &str) -> Result<crate::FoundIssuer> {
        crate::find_issuer::find_issuer(&self.http, address).await
    }

    /// Adds a provider. A client secret given here goes to the keychain. Without a client ID,
    /// AuthDeck registers itself with the provider first (see `registration`).
    pub async fn add_provider(
        &self,
        mut config: ProviderConfig,
        client_secret: Option<ClientSecret>,
    ) -> Result<ProviderConfig> {
        config.registered = None;
        if config.client_id.trim().is_empty() {
            if client_secret.is_some() {
                return Err(Error::Invalid(
                    "A client secret was given without its client ID. Give both.".into(),
                ));
            }
            config.validate_settings()?;
            if self.providers.list()?.iter().any(|p| p.name == config.name) {
                return Err(Error::ProviderExists(config.name));
            }
            self.register_client(&mut config).await?;
            return match self.save_new_provider(&config) {
                Ok(()) => Ok(config),
                Err(e) => {
                    self.unregister_client(&config).await;
                    Err(e)
                }
            };
        }
        if client_secret.is_some() {
            let registration: String =
                rand::random::<[u8; 16]>().iter().map(|b| format!("{b:02x}")).collect();
            config.client_secret =
                ClientSecretSource::Keychain { registration: Some(registration) };
        }
        config.validate()?;
        if self.providers.list()?.iter().any(|p| p.name == config.name) {
            return Err(Error::ProviderExists(config.name));
        }
        if let Some(secret) = client_secret {
            self.keychain
                .set(&client_secret_key(&config.name, &config.client_secret), secret.into_kind())
                .await?;
        }
        self.save_new_provider(&config)?;
        Ok(config)
    }

    fn save_new_provider(&self, config: &ProviderConfig) -> Result<()> {
        config.validate()?;
        self.providers.update(|list| {
            if list.iter().any(|p| p.name == config.name) {
                return Err(Error::ProviderExists(config.name.clone()));
            }
            list.push(config.clone());
            Ok(())
        })
    }

    /// Removes a provider. Connected accounts keep working: they carry their own settings.
    /// A client AuthDeck registered itself is deleted at the provider once no account uses
    /// it; when that fails, the returned sentence says so (the provider is removed anyway).
    pub async fn remove_provider(&self, name: &str) -> Result<Option<String>> {
        let removed = self.providers.update(|list| {
            let index = list
                .iter()
                .position(|p| p.name == name)
                .ok_or_else(|| Error::UnknownProvider(name.to_string()))?;
            Ok(list.remove(index))
        })?;
        // Accounts keep using the secret of the registration they were made with.
        let in_use = self.accounts.list()?.iter().any(|a| {
            a.client.client_secret == removed.client_secret
                && (a.provider == name
                    || matches!(
                        removed.client_secret,
                        ClientSecretSource::Keychain { registration: Some(_) }
                    ))
        });
        if matches!(removed.client_secret, ClientSecretSource::Keychain { .. }) && !in_use {
            self.keychain.delete(&client_secret_key(name, &removed.client_secret)).await?;
        }
        let registration_in_use =
            self.accounts.list()?.iter().any(|a| a.client.client_id == removed.client_id);
        if removed.registered.is_some() && registration_in_use {
            return Ok(Some(format!(
                "AuthDeck's registration at {} stays, because a connected account still uses it.",
                removed.label()
            )));
        }
        Ok(self.unregister_client(&removed).await)
    }

    // ----- accounts -----

    /// All accounts, most urgent first. Reads no secret.
    pub fn accounts(&self, now: DateTime<Utc>) -> Result<Vec<AccountView>> {
        Ok(self.accounts.list()?.iter().map(|a| a.view(now)).collect())
    }

    /// The account list read now, to be shown later by [`Deck::accounts_from`]: a window
    /// reads it while its web view starts, so its first list does not wait on the disk
    /// (about 16 µs an account). Reads no secret.
    pub fn read_ahead(&self) -> Result<Snapshot> {
        self.accounts.snapshot()
    }

    /// [`Deck::accounts`] from a list read ahead, if no account changed since; else read now.
    pub fn accounts_from(&self, ahead: Snapshot, now: DateTime<Utc>) -> Result<Vec<AccountView>> {
        Ok(self.accounts.current(ahead)?.iter().map(|a| a.view(now)).collect())
    }

    /// One account, by id or email. Reads no secret.
    pub fn account(&self, id_or_email: &str, now: DateTime<Utc>) -> Result<AccountView> {
        Ok(self.accounts.find(id_or_email)?.view(now))
    }

    /// The full record of an account (endpoints, identity), for details and diagnostics.
    pub fn account_record(&self, id_or_email: &str) -> Result<AccountRecord> {
        self.accounts.find(id_or_email)
    }

    /// An account's recent history, newest first.
    pub fn activity(&self, id_or_email: &str, limit: usize) -> Result<Vec<ActivityEntry>> {
        let account = self.accounts.find(id_or_email)?;
        Ok(self.activity.read(&account.id, limit))
    }

    /// Notes something the shell did with an account (copied, revealed).
    pub fn record_activity(&self, account_id: &str, kind: ActivityKind, detail: Option<String>) {
        self.activity.record(account_id, kind, detail, Utc::now());
    }

    /// Notes that an account's token was handed out, which way and to what program (a file
    /// name, or what the caller was told; never a token or a command line).
    pub fn record_hand_out(&self, account_id: &str, how: HandOutKind, program: &str) {
        self.activity.append(account_id, ActivityEntry::hand_out(how, program, Utc::now()));
    }

    /// Turns automatic refresh on or off for an account.
    pub async fn set_auto_refresh(&self, id_or_email: &str, on: bool) -> Result<AccountView> {
        let id = self.accounts.find(id_or_email)?.id;
        let _lock = self.lock(&id).await?;
        let mut account = self.accounts.get(&id)?;
        account.auto_refresh = on;
        self.accounts.save(&account)?;
        let kind = if on { ActivityKind::AutoRefreshOn } else { ActivityKind::AutoRefreshOff };
        self.activity.record(&id, kind, None, Utc::now());
        Ok(account.view(Utc::now()))
    }

    // ----- shared helpers -----

    pub(crate) async fn lock(&self, account_id: &str) -> Result<AccountLock> {
        lock_account(&self.home, account_id, self.config.lock_wait).await
    }

    /// An account's secrets, as `account` (its metadata, just read) describes them; missing
    /// secrets mean the account must be connected again. A renewed set the keychain has not
    /// taken yet comes first (see [`unsaved`](crate::unsaved)), then the set this process kept
    /// when the metadata shows the keychain unchanged since (see
    /// [`token_cache`](crate::token_cache)), else the keychain.
    pub(crate) async fn tokens(&self, account: &AccountRecord) -> Result<TokenSet> {
        if let Some((_, tokens)) = self.unsaved.get(&account.id) {
            return Ok(tokens);
        }
        if let Some(tokens) = self.token_cache.get(account) {
            return Ok(tokens);
        }
        let value = self.keychain.get(&TokenSet::key(&account.id)).await?;
        let tokens =
            value.as_ref().and_then(TokenSet::from_keychain).ok_or(Error::SecretsMissing)?;
        self.token_cache.keep(account, &tokens);
        Ok(tokens)
    }

    pub(crate) async fn client_secret(
        &self,
        provider: &str,
        source: &ClientSecretSource,
    ) -> Result<Option<ClientSecret>> {
        match source {
            ClientSecretSource::None => Ok(None),
            ClientSecretSource::Keychain { .. } => {
                let secret = self.keychain.get(&client_secret_key(provider, source)).await?;
                let missing = || Error::ClientSecretMissing { provider: provider.to_string() };
                secret.map(|stored| Some(stored.into_kind())).ok_or_else(missing)
            }
            ClientSecretSource::Env { var } => match std::env::var(var) {
                Ok(value) if !value.is_empty() => Ok(Some(ClientSecret::new(value))),
                _ => Err(Error::ClientSecretUnset {
                    provider: provider.to_string(),
                    var: var.to_string(),
                }),
            },
        }
    }
}

/// Keychain key of a client secret: its registration's, or for configurations written before
/// registrations, the provider name's.
fn client_secret_key(provider: &str, source: &ClientSecretSource) -> String {
    match source {
        ClientSecretSource::Keychain { registration: Some(registration) } => {
            format!("client-secret/registration/{registration}")
        }
        _ => format!("client-secret/{provider}"),
    }
}
