//! Account metadata files: one small JSON file per account under `accounts/`, written
//! atomically. One file per account means the CLI and the window can update different
//! accounts at once without a global lock, and listing needs no keychain access at all.

use std::fs;
use std::io;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use crate::account::AccountRecord;
use crate::atomic;
use crate::error::{Error, Result};
use crate::home::Home;

/// The account list as read at one moment, for a caller that reads it ahead of need (the
/// window reads it while its web view starts) and uses it only if nothing changed since
/// ([`AccountStore::current`]).
#[derive(Debug)]
pub struct Snapshot {
    records: Vec<AccountRecord>,
    /// The directory's modification time just before the read (`None`: no directory).
    stamp: Option<SystemTime>,
    read_from: SystemTime,
}

/// How long the directory must have been unchanged before a read for the read to be trusted
/// later: a change within the file system's timestamp granularity of the read could leave
/// the directory's time as it was.
const SETTLED: Duration = Duration::from_millis(50);

/// The account files of one data directory.
#[derive(Debug, Clone)]
pub struct AccountStore {
    dir: PathBuf,
}

impl AccountStore {
    pub fn new(home: &Home) -> Self {
        AccountStore { dir: home.accounts_dir() }
    }

    fn path(&self, id: &str) -> Result<PathBuf> {
        let safe = !id.is_empty()
            && id.len() <= 100
            && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && !id.starts_with('.');
        if !safe {
            return Err(Error::UnknownAccount(id.to_string()));
        }
        Ok(self.dir.join(format!("{id}.json")))
    }

    /// All accounts, most urgent first. A damaged file is skipped with a warning rather than
    /// hiding every other account.
    pub fn list(&self) -> Result<Vec<AccountRecord>> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::storage("read", &self.dir, e)),
        };
        let mut accounts = Vec::new();
        for entry in entries {
            let path = entry.map_err(|e| Error::storage("read", &self.dir, e))?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if atomic::is_temp_name(name) || !name.ends_with(".json") {
                continue;
            }
            match atomic::read_json::<AccountRecord>(&path) {
                Ok(Some(account)) => accounts.push(account),
                Ok(None) => {} // removed while listing
                Err(e) => {
                    tracing::warn!(path = %path.display(), error = %e, "skipping account file")
                }
            }
        }
        accounts.sort_by_key(AccountRecord::urgency_key);
        Ok(accounts)
    }

    /// [`AccountStore::list`], with what [`AccountStore::current`] needs to tell later
    /// whether it still holds. Every account save is a rename inside the directory, which
    /// changes the directory's modification time.
    pub fn snapshot(&self) -> Result<Snapshot> {
        let read_from = SystemTime::now();
        let stamp = self.stamp();
        Ok(Snapshot { records: self.list()?, stamp, read_from })
    }

    /// The records of `snapshot` if no account changed since it was read, else a new list.
    pub fn current(&self, snapshot: Snapshot) -> Result<Vec<AccountRecord>> {
        let settled = snapshot.stamp.is_none_or(|at| at + SETTLED <= snapshot.read_from);
        if settled && self.stamp() == snapshot.stamp {
            return Ok(snapshot.records);
        }
        self.list()
    }

    fn stamp(&self) -> Option<SystemTime> {
        fs::metadata(&self.dir).and_then(|m| m.modified()).ok()
    }

    pub fn load(&self, id: &str) -> Result<Option<AccountRecord>> {
        let path = self.path(id)?;
        atomic::read_json(&path).map_err(|e| Error::storage("read", path, e))
    }

    /// The account `id`, or an error naming it.
    pub fn get(&self, id: &str) -> Result<AccountRecord> {
        self.load(id)?.ok_or_else(|| Error::UnknownAccount(id.to_string()))
    }

    pub fn save(&self, account: &AccountRecord) -> Result<()> {
        let path = self.path(&account.id)?;
        atomic::write_json(&path, account).map_err(|e| Error::storage("save", path, e))
    }

    /// Writes and flushes `account` beside its file without putting it in place yet (see
    /// [`atomic::Prepared`]).
    pub fn prepare_save(&self, account: &AccountRecord) -> Result<atomic::Prepared> {
        let path = self.path(&account.id)?;
        atomic::prepare_json(&path, account).map_err(|e| Error::storage("save", path, e))
    }

    /// Puts a prepared record in place.
    pub fn commit(&self, prepared: atomic::Prepared, id: &str) -> Result<()> {
        let path = self.path(id)?;
        prepared.commit().map_err(|e| Error::storage("save", path, e))
    }

    /// Saves a record only live processes need to see (the keychain write marker, see
    /// `token_cache`): atomic, not flushed to disk.
    pub fn save_unflushed(&self, account: &AccountRecord) -> Result<()> {
        let path = self.path(&account.id)?;
        atomic::write_json_unflushed(&path, account).map_err(|e| Error::storage("save", path, e))
    }

    pub fn delete(&self, id: &str) -> Result<()> {
        let path = self.path(id)?;
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::storage("delete", path, e)),
        }
    }

    /// Finds an account by id, or by email when exactly one account has it.
    pub fn find(&self, id_or_email: &str) -> Result<AccountRecord> {
        if let Ok(Some(account)) = self.load(id_or_email) {
            return Ok(account);
        }
        let wanted = id_or_email.to_lowercase();
        let mut matches: Vec<AccountRecord> = self
            .list()?
            .into_iter()
            .filter(|a| a.email.as_deref().is_some_and(|e| e.to_lowercase() == wanted))
            .collect();
        match matches.len() {
            0 => Err(Error::UnknownAccount(id_or_email.to_string())),
            1 => Ok(matches.remove(0)),
            _ => {
                let ids: Vec<_> = matches.iter().map(|a| a.id.as_str()).collect();
                Err(Error::Invalid(format!(
                    "Several accounts use {id_or_email}; name one by its id: {}.",
                    ids.join(", ")
                )))
            }
        }
    }
}

#[cfg(test)]
#[path = "account_store_tests.rs"]
mod tests;
