//! Notices changes made by other AuthDeck processes (the CLI, a second window) so the list
//! updates without a restart. Every account save is a rename inside `accounts/`, which bumps
//! that directory's modification time, so one `stat` per second is enough.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use crate::shell::Shell;

fn stamp(paths: &[PathBuf]) -> Vec<Option<SystemTime>> {
    paths.iter().map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok()).collect()
}

/// Runs forever, telling the UI when the shared store changed.
pub async fn watch_store(shell: Shell) {
    let paths = shell.store_paths();
    let mut last = stamp(&paths);
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let now = stamp(&paths);
        if now != last {
            last = now;
            shell.accounts_changed();
        }
    }
}
