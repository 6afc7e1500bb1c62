//! Automatic refresh: shortly before each account's access token expires (on by default,
//! switchable per account), refresh it. The core's single-flight lock makes sure this never
//! races a click, the CLI or another window; failures back off instead of hammering the
//! provider.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::shell::Shell;

const MAX_SLEEP: Duration = Duration::from_secs(30);

/// When each failing account may be tried again, and how many times it failed in a row.
#[derive(Debug, Default)]
struct Backoff(HashMap<String, (DateTime<Utc>, u32)>);

impl Backoff {
    fn ready(&self, id: &str, now: DateTime<Utc>) -> bool {
        self.0.get(id).is_none_or(|(at, _)| *at <= now)
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
        if shell.save_unsaved().await > 0 {
            tracing::info!("a renewed sign-in waits for the keychain to be unlocked");
        }
        let now = Utc::now();
        let mut sleep = MAX_SLEEP;
        for account in shell.accounts_at(now) {
            let Some(due) = account.auto_refresh_at else { continue };
            if due > now {
                sleep = sleep.min((due - now).to_std().unwrap_or_default());
            } else if backoff.ready(&account.id, now) {
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
        backoff.succeeded("a");
        assert!(backoff.ready("a", now));
    }
}
