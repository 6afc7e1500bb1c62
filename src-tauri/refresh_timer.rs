//! The scheduler: shortly before each account's access token expires (on by default,
//! switchable per account), refresh it; after every change, review the accounts for the
//! tray and the notifications. It runs with or without a window, and sleeps until the next
//! thing is due (a refresh, a retry, a notice; [`authdeck_core::next_refresh_due`]) instead
//! of waking on a fixed period; a change of accounts (this app, the CLI, another window: see
//! [`crate::watch`]) wakes it early. The core's single-flight lock makes sure this never
//! races a click, the CLI or another window; failures back off instead of hammering the
//! provider.

use std::collections::HashMap;
use std::time::Duration;

use authdeck_core::{next_refresh_due, sleep_until};
use chrono::{DateTime, TimeDelta, Utc};

use crate::shell::Shell;

/// When each failing account may be tried again, and how many times it failed in a row.
#[derive(Debug, Default)]
struct Backoff(HashMap<String, (DateTime<Utc>, u32)>);

impl Backoff {
    fn ready(&self, id: &str, now: DateTime<Utc>) -> bool {
        self.0.get(id).is_none_or(|(at, _)| *at <= now)
    }

    fn retry_at(&self, id: &str) -> Option<DateTime<Utc>> {
        self.0.get(id).map(|(at, _)| *at)
    }

    fn failed(&mut self, id: &str, now: DateTime<Utc>) {
        let failures = self.0.get(id).map_or(0, |(_, n)| *n) + 1;
        let wait = TimeDelta::seconds(30 * 2i64.pow(failures.min(4))).min(TimeDelta::minutes(10));
        self.0.insert(id.to_string(), (now + wait, failures));
    }

    fn succeeded(&mut self, id: &str) {
        self.0.remove(id);
    }
}

/// Runs forever.
pub async fn run(shell: Shell) {
    let mut backoff = Backoff::default();
    loop {
        // Renewed sign-ins a locked keychain refused are kept in memory until it takes them.
        let unsaved = shell.save_unsaved().await;
        if unsaved > 0 {
            tracing::info!("a renewed sign-in waits for the keychain to be unlocked");
        }
        let now = Utc::now();
        for account in shell.accounts_at(now) {
            let Some(due) = account.auto_refresh_at else { continue };
            if due <= now && backoff.ready(&account.id, now) {
                match shell.refresh(&account.id, true).await {
                    Ok(_) => backoff.succeeded(&account.id),
                    Err(e) => {
                        tracing::info!(
                            account = account.id,
                            error = e.message,
                            "automatic refresh failed"
                        );
                        backoff.failed(&account.id, Utc::now());
                    }
                }
            }
        }
        let now = Utc::now();
        let accounts = shell.accounts_at(now);
        shell.review(&accounts, now);
        let due = [
            next_refresh_due(&accounts, |id| backoff.retry_at(id)),
            shell.next_notice_due(&accounts, now),
        ]
        .into_iter()
        .flatten()
        .min();
        // A keychain that refused a save is asked again soon, not at the next refresh.
        let mut sleep = sleep_until(due, now);
        if unsaved > 0 {
            sleep = sleep.min(Duration::from_secs(30));
        }
        tokio::select! {
            _ = tokio::time::sleep(sleep.max(Duration::from_millis(200))) => {}
            _ = shell.changed() => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_resets() {
        let now = Utc::now();
        let mut backoff = Backoff::default();
        assert!(backoff.ready("a", now));
        backoff.failed("a", now);
        assert!(!backoff.ready("a", now + TimeDelta::seconds(59)));
        assert!(backoff.ready("a", now + TimeDelta::seconds(60)));
        for _ in 0..10 {
            backoff.failed("a", now);
        }
        assert!(backoff.ready("a", now + TimeDelta::minutes(10)));
        assert!(backoff.retry_at("a").is_some_and(|at| at > now));
        backoff.succeeded("a");
        assert!(backoff.ready("a", now));
        assert_eq!(backoff.retry_at("a"), None);
    }
}
