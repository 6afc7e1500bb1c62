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
    /// A token left AuthDeck for another program (see [`HandOutKind`]); older entries of
    /// the window's copies and reveals use `Copied` and `Revealed`.
    HandedOut,
}

/// Which way a token was handed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum HandOutKind {
    /// `authdeck token`.
    Token,
    /// `authdeck exec`.
    Exec,
    /// `authdeck git-credential`.
    GitCredential,
    /// `authdeck kube-credential`.
    KubeCredential,
    /// Copied to the clipboard in the window.
    Copy,
    /// Shown in the window's Details.
    Reveal,
}

impl HandOutKind {
    /// How the token went, in the words of the history: "by authdeck exec".
    fn how(self) -> &'static str {
        match self {
            HandOutKind::Token => "by authdeck token",
            HandOutKind::Exec => "by authdeck exec",
            HandOutKind::GitCredential => "by authdeck git-credential",
            HandOutKind::KubeCredential => "by authdeck kube-credential",
            HandOutKind::Copy => "on the clipboard",
            HandOutKind::Reveal => "shown on screen",
        }
    }
}

/// The longest program name kept in the history.
const PROGRAM_MAX_CHARS: usize = 64;

/// A program name as the history keeps it: one line of printable text, at most
/// [`PROGRAM_MAX_CHARS`] characters, "an unknown program" when empty.
pub(crate) fn program_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !c.is_control())
        .take(PROGRAM_MAX_CHARS)
        .collect::<String>()
        .trim()
        .to_string();
    if clean.is_empty() { "an unknown program".into() } else { clean }
}

/// One line of an account's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ActivityEntry {
    pub at: DateTime<Utc>,
    pub kind: ActivityKind,
    /// A plain sentence (an error message, "by the CLI"); never a token.
    pub detail: Option<String>,
    /// For [`ActivityKind::HandedOut`]: which way the token went.
    #[serde(default)]
    pub hand_out: Option<HandOutKind>,
    /// For [`ActivityKind::HandedOut`]: the program that asked for it (a file name such as
    /// `curl`, or what `--for` said; `AuthDeck` for the window).
    #[serde(default)]
    pub program: Option<String>,
}

impl ActivityEntry {
    /// A hand-out of `how` to `program`, with its sentence as the detail.
    pub(crate) fn hand_out(how: HandOutKind, program: &str, now: DateTime<Utc>) -> Self {
        let program = program_name(program);
        let detail = match how {
            HandOutKind::Copy | HandOutKind::Reveal => {
                format!("Token {} in {program}", how.how())
            }
            _ => format!("Token handed to {program} {}", how.how()),
        };
        ActivityEntry {
            at: now,
            kind: ActivityKind::HandedOut,
            detail: Some(detail),
            hand_out: Some(how),
            program: Some(program),
        }
    }

    /// The entry in plain words, one line, as `authdeck activity` prints it.
    pub fn words(&self) -> String {
        let label = match self.kind {
            ActivityKind::Connected => "Connected",
            ActivityKind::Refreshed => "Refreshed",
            ActivityKind::RefreshFailed => "Refresh failed",
            ActivityKind::NeedsReconnect => "Sign-in ended, reconnect needed",
            ActivityKind::Copied => "Token copied",
            ActivityKind::Revealed => "Token revealed",
            ActivityKind::AutoRefreshOn => "Auto-refresh turned on",
            ActivityKind::AutoRefreshOff => "Auto-refresh turned off",
            ActivityKind::Disconnected => "Disconnected",
            ActivityKind::RevokeFailed => "Sign-out at the provider failed",
            ActivityKind::HandedOut => "Token handed out",
        };
        let detail = self.detail.as_deref().map(str::trim).unwrap_or_default();
        if detail.is_empty() {
            label.to_string()
        } else if detail.to_lowercase().starts_with(&label.to_lowercase())
            || self.kind == ActivityKind::HandedOut
        {
            detail.to_string()
        } else {
            format!("{label}: {detail}")
        }
    }
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
        self.append(
            account_id,
            ActivityEntry { at: now, kind, detail, hand_out: None, program: None },
        );
    }

    /// Appends an entry built by the caller (a hand-out). Failing to log never fails the
    /// action itself.
    pub(crate) fn append(&self, account_id: &str, entry: ActivityEntry) {
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

    #[test]
    fn hand_outs_name_the_program_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let log = ActivityLog::new(&Home::open(dir.path()).unwrap());
        let now = Utc::now();
        log.append("a", ActivityEntry::hand_out(HandOutKind::Exec, "curl", now));
        log.append("a", ActivityEntry::hand_out(HandOutKind::Copy, "AuthDeck", now));
        log.append("a", ActivityEntry::hand_out(HandOutKind::Token, "evil\u{1b}[2J\nname", now));
        log.append("a", ActivityEntry::hand_out(HandOutKind::GitCredential, " ", now));
        let entries = log.read("a", 10);
        let words: Vec<String> = entries.iter().map(ActivityEntry::words).collect();
        assert_eq!(
            words,
            [
                "Token handed to an unknown program by authdeck git-credential",
                "Token handed to evil[2Jname by authdeck token",
                "Token on the clipboard in AuthDeck",
                "Token handed to curl by authdeck exec",
            ]
        );
        assert_eq!(entries[3].hand_out, Some(HandOutKind::Exec));
        assert_eq!(entries[3].program.as_deref(), Some("curl"));
        let json = serde_json::to_value(&entries[3]).unwrap();
        assert_eq!(json["kind"], "handed_out");
        assert_eq!(json["hand_out"], "exec");
        assert_eq!(program_name(&"x".repeat(500)).len(), PROGRAM_MAX_CHARS);
    }

    #[test]
    fn entries_written_before_hand_outs_still_read() {
        let dir = tempfile::tempdir().unwrap();
        let log = ActivityLog::new(&Home::open(dir.path()).unwrap());
        let old =
            r#"{"at":"2026-11-01T10:00:00Z","kind":"revealed","detail":"Shown in the window"}"#;
        fs::write(log.path("a"), format!("{old}\n")).unwrap();
        let entries = log.read("a", 10);
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].hand_out, None);
        assert_eq!(entries[0].words(), "Token revealed: Shown in the window");
        assert_eq!(ActivityEntry { detail: None, ..entries[0].clone() }.words(), "Token revealed");
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
