//! Providers as the window manages them: list, presets, add, remove.
//!
//! The window may only give a client secret typed by the person (it goes straight to the
//! keychain). Naming an environment variable as the secret's source is a command-line-only
//! choice: a page that could pick any variable name could send `AWS_SECRET_ACCESS_KEY` to a
//! token endpoint of its own.

use authdeck_core::{ClientSecret, FoundIssuer, PresetView, ProviderInput, ProviderView};

use super::Shell;
use crate::error::{IpcError, IpcResult};

/// Why the window refuses an environment-variable client secret.
pub const ENV_SECRET_REFUSED: &str = "A client secret can be read from an environment variable \
     only from the command line; type the secret in the form instead.";

impl Shell {
    pub fn providers(&self) -> IpcResult<Vec<ProviderView>> {
        Ok(self.deck.providers()?.iter().map(|p| self.deck.provider_view(p)).collect())
    }

    pub fn presets() -> Vec<PresetView> {
        PresetView::all()
    }

    /// The issuer behind a typed address, for the window to show before adding.
    pub async fn find_issuer(&self, address: &str) -> IpcResult<FoundIssuer> {
        Ok(self.deck.find_issuer(address).await?)
    }

    pub async fn add_provider(
        &self,
        input: ProviderInput,
        client_secret: Option<String>,
    ) -> IpcResult<ProviderView> {
        if input.client_secret_env.is_some() {
            return Err(IpcError::other(ENV_SECRET_REFUSED));
        }
        let config = input.build()?;
        let secret = client_secret.filter(|s| !s.trim().is_empty()).map(ClientSecret::new);
        let config = self.deck.add_provider(config, secret).await?;
        self.accounts_changed();
        Ok(self.deck.provider_view(&config))
    }

    pub async fn remove_provider(&self, name: &str) -> IpcResult<()> {
        self.deck.remove_provider(name).await?;
        self.accounts_changed();
        Ok(())
    }
}
