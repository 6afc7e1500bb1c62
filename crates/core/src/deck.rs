//! [`Deck`]: the one entry point the CLI and the desktop shell call.
//!
//! It ties the data directory, the keychain, the HTTP client and the stores together. Its
//! operations live in modules named for what they do (`login`, `refresh`, `disconnect`,
//! `inspect`); this module holds construction, providers, listing and the helpers they share.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use oauth2::basic::{
    BasicErrorResponse, BasicErrorResponseType, BasicRevocationErrorResponse,
    BasicTokenIntrospectionResponse,
};
use oauth2::{
    AuthType, AuthUrl, ClientId, ClientSecret, EndpointNotSet, EndpointSet, RequestTokenError,
    StandardRevocableToken, TokenUrl,
};

use crate::account::{AccountRecord, AccountView};
use crate::account_store::AccountStore;
use crate::activity::{ActivityEntry, ActivityKind, ActivityLog};
use crate::discovery::ProviderMetadata;
use crate::error::{Error, RemoteError, Result, tidy_remote_text};
use crate::home::Home;
use crate::http::Http;
use crate::id_token::KeyCache;
use crate::keychain::{Keychain, OsStore, SecretStore};
use crate::lock::{AccountLock, lock_account};
use crate::pending::PendingStore;
use crate::provider::{ClientSecretSource, ProviderConfig};
use crate::provider_store::ProviderStore;
use crate::secret::Secret;
use crate::token_response::TokenAnswer;
use crate::token_set::TokenSet;

/// How long to wait for another process's refresh of the same account: longer than one
/// refresh can take (the HTTP timeout), so a waiter normally gets the result rather than Busy.
const LOCK_WAIT: Duration = Duration::from_secs(75);

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
}

pub(crate) type OAuthClient = oauth2::Client<
    BasicErrorResponse,
    TokenAnswer,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

impl Deck {
    /// Opens the data directory from the environment with the OS keychain.
    pub fn open() -> Result<Self> {
        let home = Home::from_env()?;
        let store = Arc::new(OsStore::new(home.vault()));
        Ok(Self::with_store(home, store))
    }

    /// Opens `home` with a given secret store (tests use [`MemoryStore`](crate::MemoryStore)).
    pub fn with_store(home: Home, store: Arc<dyn SecretStore>) -> Self {
        Deck {
            http: Http::new(),
            keychain: Keychain::new(store),
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

    /// Adds a provider. A client secret given here goes to the keychain.
    pub async fn add_provider(
        &self,
        mut config: ProviderConfig,
        client_secret: Option<Secret>,
    ) -> Result<ProviderConfig> {
        if client_secret.is_some() {
            config.client_secret = ClientSecretSource::Keychain;
        }
        config.validate()?;
        if self.providers.list()?.iter().any(|p| p.name == config.name) {
            return Err(Error::ProviderExists(config.name));
        }
        if let Some(secret) = client_secret {
            self.keychain.set(&client_secret_key(&config.name), secret).await?;
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
        let in_use = self.accounts.list()?.iter().any(|a| a.provider == name);
        if removed.client_secret == ClientSecretSource::Keychain && !in_use {
            self.keychain.delete(&client_secret_key(name)).await?;
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
        lock_account(&self.home, account_id, LOCK_WAIT).await
    }

    /// An account's secrets; missing secrets mean the account must be connected again.
    pub(crate) async fn tokens(&self, account: &AccountRecord) -> Result<TokenSet> {
        let value = self.keychain.get(&TokenSet::key(&account.id)).await?;
        value.as_ref().and_then(TokenSet::from_keychain).ok_or(Error::SecretsMissing)
    }

    pub(crate) async fn client_secret(
        &self,
        provider: &str,
        source: &ClientSecretSource,
    ) -> Result<Option<Secret>> {
        match source {
            ClientSecretSource::None => Ok(None),
            ClientSecretSource::Keychain => {
                let secret = self.keychain.get(&client_secret_key(provider)).await?;
                secret.map(Some).ok_or_else(|| {
                    Error::Invalid(format!(
                        "The client secret for \"{provider}\" is missing from the keychain. \
                         Remove the provider and add it again with its secret."
                    ))
                })
            }
            ClientSecretSource::Env { var } => match std::env::var(var) {
                Ok(value) if !value.is_empty() => Ok(Some(Secret::new(value))),
                _ => Err(Error::Invalid(format!(
                    "The client secret for \"{provider}\" is read from the environment variable \
                     {var}, which is not set."
                ))),
            },
        }
    }
}

/// Keychain key of a provider's client secret.
fn client_secret_key(provider: &str) -> String {
    format!("client-secret/{provider}")
}

/// An `oauth2` client for a provider's endpoints. Client secrets go in the request body
/// (`client_secret_post`), which every preset provider accepts.
pub(crate) fn oauth_client(
    client_id: &str,
    client_secret: Option<&Secret>,
    metadata: &ProviderMetadata,
) -> Result<OAuthClient> {
    let invalid =
        |what: &str, url: &str| Error::Invalid(format!("The {what} \"{url}\" is not valid."));
    let auth = AuthUrl::new(metadata.authorization_endpoint.clone())
        .map_err(|_| invalid("authorization URL", &metadata.authorization_endpoint))?;
    let token = TokenUrl::new(metadata.token_endpoint.clone())
        .map_err(|_| invalid("token URL", &metadata.token_endpoint))?;
    let mut client: OAuthClient = oauth2::Client::new(ClientId::new(client_id.to_string()))
        .set_auth_uri(auth)
        .set_token_uri(token)
        .set_auth_type(AuthType::RequestBody);
    if let Some(secret) = client_secret {
        client = client.set_client_secret(ClientSecret::new(secret.expose().to_string()));
    }
    Ok(client)
}

/// Which grant a token request used; `invalid_grant` means different things for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Grant {
    Code,
    Refresh,
}

/// Turns a failed token request into one plain sentence.
pub(crate) fn token_error(
    error: RequestTokenError<RemoteError, BasicErrorResponse>,
    metadata: &ProviderMetadata,
    provider_label: &str,
    grant: Grant,
) -> Error {
    let host = url::Url::parse(&metadata.token_endpoint)
        .map(|u| crate::http::host_of(&u))
        .unwrap_or_else(|_| provider_label.to_string());
    let remote = |error: RemoteError| Error::Remote(error.named(provider_label));
    match error {
        RequestTokenError::ServerResponse(answer) => match answer.error() {
            BasicErrorResponseType::InvalidGrant if grant == Grant::Refresh => {
                Error::NeedsReconnect { provider: provider_label.to_string() }
            }
            BasicErrorResponseType::InvalidGrant => Error::Invalid(format!(
                "{provider_label} did not accept the sign-in answer: it had expired or was already \
                 used. Start the sign-in again."
            )),
            BasicErrorResponseType::InvalidClient | BasicErrorResponseType::UnauthorizedClient => {
                RemoteError::ClientRejected { host, code: answer.error().as_ref().to_string() }
                    .into()
            }
            other => {
                let text = answer
                    .error_description()
                    .filter(|d| !d.trim().is_empty())
                    .map(|d| tidy_remote_text(d))
                    .unwrap_or_else(|| format!("{}.", other.as_ref()));
                remote(RemoteError::Refused { host, description: text })
            }
        },
        RequestTokenError::Request(error) => remote(error),
        RequestTokenError::Parse(..) | RequestTokenError::Other(_) => {
            remote(RemoteError::Unreadable { host, what: "an answer AuthDeck could not read" })
        }
    }
}
