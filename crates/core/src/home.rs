//! The data directory shared by the CLI and the desktop app.
//!
//! It is the platform's app-data directory (`~/.local/share/dev.authdeck.app` on Linux, the
//! same place Tauri's `app_data_dir` points to), or `$AUTHDECK_HOME` when set. It holds only
//! metadata; secrets live in the keychain under a random vault id kept here, so two data
//! directories (two test runs, two profiles) never see each other's keychain entries.
//!
//! The folder is private (see [`private`](crate::private)): opening it tightens a folder or
//! files an older version, or a careless umask, left readable to others.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::private::{self, FolderError};

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
        let mut tightened = false;
        for dir in SUBDIRS {
            tightened |= private::ensure_dir(&root.join(dir)).map_err(|e| match e {
                FolderError::NotYours(_) => Error::Invalid(e.to_string()),
                FolderError::Io(e) => Error::storage("create the folder", root.join(dir), e),
            })?;
        }
        // Files written before the folder was private: tighten them once. The vault id is
        // the marker (every version writes it first), so a private folder costs one stat.
        let vault_file = root.join(VAULT_FILE);
        if tightened || vault_file.exists() && private::tighten_file(&vault_file).unwrap_or(false) {
            tighten_files(&root);
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

const SUBDIRS: [&str; 5] = ["", "accounts", "pending", "locks", "activity"];

/// Takes group and other permissions away from every file of the data folder.
fn tighten_files(root: &Path) {
    for dir in SUBDIRS {
        let Ok(entries) = fs::read_dir(root.join(dir)) else { continue };
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_file())
                && let Err(e) = private::tighten_file(&entry.path())
            {
                tracing::warn!(error = %e, path = %entry.path().display(), "could not tighten");
            }
        }
    }
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
    private::options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&tmp)?
        .write_all(id.as_bytes())?;
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

    #[cfg(unix)]
    #[test]
    fn the_folder_is_private_whatever_the_umask() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("home");
        let home = private::with_open_umask(|| Home::open(&root).unwrap());
        for sub in SUBDIRS {
            assert_eq!(private::mode_of(&root.join(sub)), 0o700, "{sub}");
        }
        assert_eq!(private::mode_of(&root.join(VAULT_FILE)), 0o600);
        assert!(home.vault().len() == 32);
    }

    #[cfg(unix)]
    #[test]
    fn an_open_folder_from_before_is_tightened_with_its_files() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let home = Home::open(dir.path()).unwrap();
        let open = |p: &Path, mode| fs::set_permissions(p, fs::Permissions::from_mode(mode));
        let account = home.accounts_dir().join("a.json");
        fs::write(&account, b"{}").unwrap();
        open(&account, 0o644).unwrap();
        open(&dir.path().join(VAULT_FILE), 0o644).unwrap();
        open(&home.pending_dir(), 0o777).unwrap();
        Home::open(dir.path()).unwrap();
        assert_eq!(private::mode_of(&home.pending_dir()), 0o700);
        assert_eq!(private::mode_of(&account), 0o600);
        assert_eq!(private::mode_of(&dir.path().join(VAULT_FILE)), 0o600);
        // A private folder whose vault id is private is not walked again.
        open(&account, 0o644).unwrap();
        Home::open(dir.path()).unwrap();
        assert_eq!(private::mode_of(&account), 0o644);
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_of_another_user_is_refused_in_one_sentence() {
        let dir = tempfile::tempdir().unwrap();
        let theirs = dir.path().join("theirs");
        fs::create_dir(&theirs).unwrap();
        if !rustix::process::geteuid().is_root() {
            return; // only root can hand a folder to someone else
        }
        std::os::unix::fs::chown(&theirs, Some(65534), Some(65534)).unwrap();
        let error = Home::open(&theirs).unwrap_err();
        assert!(error.to_string().contains("belongs to another user"), "{error}");
    }
}
