//! Single-flight for an account's refresh, inside one process and across processes.
//!
//! A refresh token that rotates may be used once: if two refreshes race, the provider sees the
//! old token twice and revokes the whole grant. So every refresh of an account holds this lock:
//! an async mutex per account for the tasks of this process (window clicks, the timer,
//! `token`), and an OS file lock on `locks/<id>.lock` for every other AuthDeck process.
//! The file lock is released by the OS if the process dies.

use std::collections::HashMap;
use std::fs::{File, TryLockError};
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::OwnedMutexGuard;

use crate::error::{Error, Result};
use crate::home::Home;

type LocalLocks = Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>;

static LOCAL: LazyLock<LocalLocks> = LazyLock::new(Default::default);

/// Held while an account's tokens are being changed.
#[derive(Debug)]
pub struct AccountLock {
    _file: File,
    _local: OwnedMutexGuard<()>,
}

/// Waits (up to `wait`) for exclusive access to the account `id`.
pub async fn lock_account(home: &Home, id: &str, wait: Duration) -> Result<AccountLock> {
    let path = home.locks_dir().join(format!("{id}.lock"));
    let local = LOCAL.lock().expect("local lock map").entry(path.clone()).or_default().clone();
    let local = tokio::time::timeout(wait, local.lock_owned()).await.map_err(|_| Error::Busy)?;
    let file = crate::private::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::storage("open", &path, e))?;
    let started = Instant::now();
    let mut pause = Duration::from_millis(2);
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(AccountLock { _file: file, _local: local }),
            Err(TryLockError::WouldBlock) if started.elapsed() < wait => {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(TryLockError::WouldBlock) => return Err(Error::Busy),
            Err(TryLockError::Error(e)) => return Err(Error::storage("lock", &path, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_holder_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::open(dir.path()).unwrap();
        let held = lock_account(&home, "a", Duration::from_secs(1)).await.unwrap();
        let busy = lock_account(&home, "a", Duration::from_millis(50)).await.unwrap_err();
        assert!(matches!(busy, Error::Busy));
        // Other accounts are independent.
        lock_account(&home, "b", Duration::from_millis(50)).await.unwrap();
        drop(held);
        lock_account(&home, "a", Duration::from_millis(50)).await.unwrap();
    }

    #[tokio::test]
    async fn file_lock_excludes_other_handles() {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::open(dir.path()).unwrap();
        // Another process is modelled by a second open file description holding the lock.
        let other = File::create(home.locks_dir().join("a.lock")).unwrap();
        other.lock().unwrap();
        let busy = lock_account(&home, "a", Duration::from_millis(60)).await.unwrap_err();
        assert!(matches!(busy, Error::Busy));
        other.unlock().unwrap();
        lock_account(&home, "a", Duration::from_millis(60)).await.unwrap();
    }
}
