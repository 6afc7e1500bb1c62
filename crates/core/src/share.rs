//! Handing a provider over: [`Deck::export_provider`] writes what support sends (a
//! [`ProviderFile`], or its link), [`Deck::import_provider`] adds what a person received.
//!
//! Import goes through the same path as adding a provider by hand ([`Deck::add_provider`]),
//! so a "register on import" file registers this computer's own client, and nothing is
//! added when any check fails.

use crate::deck::Deck;
use crate::error::{Error, Result};
use crate::provider::{ProviderConfig, ProviderFile, validate_name};

impl Deck {
    /// The provider file for `name`: never a secret, and a registration of this computer's
    /// own becomes "register on import".
    pub fn export_provider(&self, name: &str) -> Result<ProviderFile> {
        Ok(ProviderFile::from_config(&self.providers.get(name)?))
    }

    /// Adds the provider `file` describes, as `name` or the name it suggests. A name in use
    /// is [`Error::ProviderExists`]; nothing is overwritten.
    pub async fn import_provider(
        &self,
        file: &ProviderFile,
        name: Option<&str>,
    ) -> Result<ProviderConfig> {
        let name = name.map(str::to_string).unwrap_or_else(|| file.suggested_name());
        validate_name(&name)?;
        if self.providers.list()?.iter().any(|p| p.name == name) {
            return Err(Error::ProviderExists(name));
        }
        let config = file.to_config(&name)?;
        self.add_provider(config, None).await
    }
}
