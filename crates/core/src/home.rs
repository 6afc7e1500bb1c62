//! The data directory shared by the CLI and the desktop app.
//!
//! It is the platform's app-data directory (`~/.local/share/dev.authdeck.app` on Linux, the
//! same place Tauri's `app_data_dir` points to), or `$AUTHDECK_HOME` when set. It holds only
//! metadata; secrets live in the keychain under a random vault id kept here, so two data
//! directories (two test runs, two profiles) never see each other's keychain entries.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Identifier of the app: Tauri bundle identifier, keychain service, deep-link scheme.
pub const APP_ID: &str = "dev.authdeck.app";

/// Environment variable that overrides the data directory.
pub const HOME_ENV: &str = "AUTHDECK_HOME";

const VAULT_FILE: &str = "vault-id";

/// An opened data directory. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Home {
    root: PathBuf,
    vault: String,
}

impl Home {
    /// Opens `$AUTHDECK_HOME`, or the platform's app-data directory.
    pub fn from_env() -> Result<Self> {
        let root = match std::env::var_os(HOME_ENV).filter(|v| !v.is_empty()) {
            Some(dir) => PathBuf::from(dir),
            None => dirs::data_dir()
                .ok_or_else(|| {
                    Error::Invalid(format!(
                        "This system has no app-data directory. Set {HOME_ENV} to a folder \
                         AuthDeck may use."
                    ))
                })?
                .join(APP_ID),
        };
        Self::open(root)
    }

    /// Opens (creating if needed) the data directory at `root`.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self> {
        let root = root.into();
        for dir in ["", "accounts", "pending", "locks", "activity"] {
            create_private_dir(&root.join(dir))
                .map_err(|e| Error::storage("create the folder", root.join(dir), e))?;
        }
        let vault = read_or_create_vault_id(&root)
            .map_err(|e| Error::storage("set up", root.join(VAULT_FILE), e))?;
        Ok(Home { root, vault })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Random id that namespaces this directory's keychain entries.
    pub fn vault(&self) -> &str {
        &self.vault
    }

    pub fn providers_file(&self) -> PathBuf {
        self.root.join("providers.json")
    }

    pub fn accounts_dir(&self) -> PathBuf {
        self.root.join("accounts")
    }

    pub fn pending_dir(&self) -> PathBuf {
        self.root.join("pending")
    }

    pub fn locks_dir(&self) -> PathBuf {
        self.root.join("locks")
    }

    pub fn activity_dir(&self) -> PathBuf {
        self.root.join("activity")
    }
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

fn read_or_create_vault_id(root: &Path) -> io::Result<String> {
    let path = root.join(VAULT_FILE);
    if let Ok(id) = fs::read_to_string(&path) {
        return Ok(id.trim().to_string());
    }
    // Create-if-absent without a torn read: write a temp file, then hard-link it into place.
    // If another process won the race, the link fails and we read its id.
    let id: String = rand::random::<[u8; 16]>().iter().map(|b| format!("{b:02x}")).collect();
    let tmp = root.join(format!(".{VAULT_FILE}.{}.tmp", std::process::id()));
    fs::write(&tmp, &id)?;
    let linked = fs::hard_link(&tmp, &path);
    let _ = fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(id),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            Ok(fs::read_to_string(&path)?.trim().to_string())
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vault_id_is_stable_and_per_directory() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let first = Home::open(a.path()).unwrap();
        assert_eq!(first.vault(), Home::open(a.path()).unwrap().vault());
        assert_ne!(first.vault(), Home::open(b.path()).unwrap().vault());
        assert_eq!(first.vault().len(), 32);
        assert!(first.accounts_dir().is_dir());
    }
}
