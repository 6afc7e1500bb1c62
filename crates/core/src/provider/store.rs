//! `providers.json`: the configured providers, shared by the CLI and the window. Changes take
//! an exclusive file lock and are written atomically, so two processes adding providers at
//! once cannot lose one.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::ProviderConfig;
use crate::atomic;
use crate::error::{Error, Result};
use crate::home::Home;

#[derive(Debug, Default, Serialize, Deserialize)]
struct ProvidersFile {
    providers: Vec<ProviderConfig>,
}

/// The provider list of one data directory.
#[derive(Debug, Clone)]
pub struct ProviderStore {
    path: PathBuf,
    lock: PathBuf,
}

impl ProviderStore {
    pub fn new(home: &Home) -> Self {
        ProviderStore { path: home.providers_file(), lock: home.locks_dir().join("providers.lock") }
    }

    pub fn list(&self) -> Result<Vec<ProviderConfig>> {
        let file: Option<ProvidersFile> =
            atomic::read_json(&self.path).map_err(|e| Error::storage("read", &self.path, e))?;
        Ok(file.unwrap_or_default().providers)
    }

    pub fn get(&self, name: &str) -> Result<ProviderConfig> {
        self.list()?
            .into_iter()
            .find(|p| p.name == name)
            .ok_or_else(|| Error::UnknownProvider(name.to_string()))
    }

    /// Applies `change` to the list under the lock and saves it.
    pub fn update<T>(
        &self,
        change: impl FnOnce(&mut Vec<ProviderConfig>) -> Result<T>,
    ) -> Result<T> {
        let lock = crate::private::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&self.lock)
            .map_err(|e| Error::storage("open", &self.lock, e))?;
        lock.lock().map_err(|e| Error::storage("lock", &self.lock, e))?;
        let mut providers = self.list()?;
        let out = change(&mut providers)?;
        atomic::write_json(&self.path, &ProvidersFile { providers })
            .map_err(|e| Error::storage("save", &self.path, e))?;
        Ok(out)
    }
}
