//! A short per-account history for support staff: what happened and when, never a secret.
//!
//! Stored as JSON lines in `activity/<id>.jsonl`. Each event is one small append, so the CLI
//! and the window can both write without coordination; the file is trimmed to the most recent
//! events when it grows.

use std::fs;
use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::atomic;
use crate::home::Home;

const KEEP: usize = 200;
const TRIM_AT_BYTES: u64 = 128 * 1024;

/// What happened to an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Connected,
    Refreshed,
    RefreshFailed,
    NeedsReconnect,
    Copied,
    Revealed,
    AutoRefreshOn,
    AutoRefreshOff,
    Disconnected,
    RevokeFailed,
}

/// One line of an account's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ActivityEntry {
    pub at: DateTime<Utc>,
    pub kind: ActivityKind,
    /// A plain sentence (an error message, "by the CLI"); never a token.
    pub detail: Option<String>,
}

/// The activity files of one data directory.
#[derive(Debug, Clone)]
pub struct ActivityLog {
    dir: PathBuf,
}

impl ActivityLog {
    pub fn new(home: &Home) -> Self {
        ActivityLog { dir: home.activity_dir() }
    }

    fn path(&self, account_id: &str) -> PathBuf {
        self.dir.join(format!("{account_id}.jsonl"))
    }

    /// Appends an event. Failing to log never fails the action itself.
    pub fn record(
        &self,
        account_id: &str,
        kind: ActivityKind,
        detail: Option<String>,
        now: DateTime<Utc>,
    ) {
        let entry = ActivityEntry { at: now, kind, detail };
        let path = self.path(account_id);
        let result = (|| {
            let mut line = serde_json::to_vec(&entry).map_err(std::io::Error::other)?;
            line.push(b'\n');
            let mut file = crate::private::options().create(true).append(true).open(&path)?;
            file.write_all(&line)?;
            if file.metadata()?.len() > TRIM_AT_BYTES {
                let recent = self.read(account_id, KEEP);
                let mut text = Vec::new();
                for entry in recent.iter().rev() {
                    text.extend(serde_json::to_vec(entry).map_err(std::io::Error::other)?);
                    text.push(b'\n');
                }
                atomic::write(&path, &text)?;
            }
            Ok::<(), std::io::Error>(())
        })();
        if let Err(e) = result {
            tracing::warn!(account_id, error = %e, "could not record activity");
        }
    }

    /// The most recent `limit` events, newest first.
    pub fn read(&self, account_id: &str, limit: usize) -> Vec<ActivityEntry> {
        let text = fs::read_to_string(self.path(account_id)).unwrap_or_default();
        let mut entries: Vec<ActivityEntry> =
            text.lines().filter_map(|line| serde_json::from_str(line).ok()).collect();
        entries.reverse();
        entries.truncate(limit);
        entries
    }

    pub fn delete(&self, account_id: &str) {
        let _ = fs::remove_file(self.path(account_id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_first_and_trimmed() {
        let dir = tempfile::tempdir().unwrap();
        let log = ActivityLog::new(&Home::open(dir.path()).unwrap());
        let now = Utc::now();
        for i in 0..3000 {
            log.record("a", ActivityKind::Refreshed, Some(format!("n{i}")), now);
        }
        let entries = log.read("a", 1000);
        assert!(entries.len() <= 2000, "{}", entries.len());
        assert_eq!(entries[0].detail.as_deref(), Some("n2999"));
        assert!(fs::metadata(log.path("a")).unwrap().len() <= TRIM_AT_BYTES + 1024);
    }

    #[cfg(unix)]
    #[test]
    fn appended_files_are_private_whatever_the_umask() {
        let dir = tempfile::tempdir().unwrap();
        let log = ActivityLog::new(&Home::open(dir.path()).unwrap());
        crate::private::with_open_umask(|| log.record("a", ActivityKind::Copied, None, Utc::now()));
        assert_eq!(crate::private::mode_of(&log.path("a")), 0o600);
    }
}
