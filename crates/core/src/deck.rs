//! [`Deck`]: the one entry point the CLI and the desktop shell call.
//!
//! It ties the data directory, the keychain, the HTTP client and the stores together. Its
//! operations live in modules named for what they do (`login`, `refresh`, `disconnect`,
//! `inspect`); this module holds construction, providers, listing and the helpers they share.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::account::{AccountRecord, AccountView};
use crate::account_store::AccountStore;
use crate::activity::{ActivityEntry, ActivityKind, ActivityLog};
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
}

impl Deck {
    /// Opens the data directory from the environment with the OS keychain, configured by
    /// [`DeckConfig::from_env`].
    pub fn open() -> Result<Self> {
        let config = DeckConfig::from_env()?;
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

    /// Adds a provider. A client secret given here goes to the keychain.
    pub async fn add_provider(
        &self,
        mut config: ProviderConfig,
        client_secret: Option<ClientSecret>,
    ) -> Result<ProviderConfig> {
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
        self.providers.update(|list| {
            if list.iter().any(|p| p.name == config.name) {
                return Err(Error::ProviderExists(config.name.clone()));
            }
            list.push(config.clone());
            Ok(())
        })?;
        Ok(config)
    }

    /// Removes a provider. Connected accounts keep working: they carry their own settings.
    pub async fn remove_provider(&self, name: &str) -> Result<()> {
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
        Ok(())
    }

    // ----- accounts -----

    /// All accounts, most urgent first. Reads no secret.
    pub fn accounts(&self, now: DateTime<Utc>) -> Result<Vec<AccountView>> {
        Ok(self.accounts.list()?.iter().map(|a| a.view(now)).collect())
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

    /// An account's secrets; missing secrets mean the account must be connected again.
    /// A renewed set the keychain has not taken yet comes first (see [`unsaved`](crate::unsaved)).
    pub(crate) async fn tokens(&self, account: &AccountRecord) -> Result<TokenSet> {
        if let Some((_, tokens)) = self.unsaved.get(&account.id) {
            return Ok(tokens);
        }
        let value = self.keychain.get(&TokenSet::key(&account.id)).await?;
        value.as_ref().and_then(TokenSet::from_keychain).ok_or(Error::SecretsMissing)
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
