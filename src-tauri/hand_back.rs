//! The hand-back check: does a `dev.authdeck.app:` link opened through the system actually come
//! back to this app? At first start (and from Diagnostics on demand) the app opens a harmless
//! test link (`dev.authdeck.app:/hand-back?check=<nonce>`) with the system's handler and waits a
//! few seconds for it. If it never arrives (no handler, a sandboxed browser, a desktop without a
//! desktop database), the core records that new sign-ins take the loopback route, which needs no
//! registration; pasting the address stays possible either way.
//!
//! Test links are recognised and swallowed in [`Checks::claim`] before anything treats them as
//! a sign-in answer, so they never show an error or touch a pending sign-in. The check in
//! progress lives in the shell's state (one [`Checks`] per app), not in a process-wide static.

use std::sync::Mutex;
use std::time::Duration;

use authdeck_core::HandBack;
use authdeck_core::{APP_ID, Deck};
use chrono::Utc;
use tokio::sync::oneshot;

/// How long a test link may take to come back.
pub const WAIT: Duration = Duration::from_secs(8);

const PATH: &str = "/hand-back";

/// The check in progress, if any: its nonce and who waits for it.
#[derive(Debug, Default)]
pub struct Checks {
    pending: Mutex<Option<(String, oneshot::Sender<()>)>>,
}

/// The test link for `nonce`.
pub fn test_link(nonce: &str) -> String {
    format!("{APP_ID}:{PATH}?check={nonce}")
}

/// Whether `url` is a hand-back test link.
pub fn is_test_link(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|u| u.scheme() == APP_ID && u.path() == PATH)
}

impl Checks {
    /// Whether `url` is a hand-back test link (then it is consumed here). A test link whose
    /// nonce matches the check in progress completes it; any other is ignored.
    pub fn claim(&self, url: &str) -> bool {
        if !is_test_link(url) {
            return false;
        }
        let Ok(parsed) = url::Url::parse(url) else { return false };
        let nonce = parsed.query_pairs().find(|(k, _)| k == "check").map(|(_, v)| v.into_owned());
        let mut pending = self.pending.lock().expect("hand-back check");
        if pending.as_ref().is_some_and(|(expected, _)| Some(expected) == nonce.as_ref())
            && let Some((_, done)) = pending.take()
        {
            let _ = done.send(());
        }
        true
    }

    /// Runs one check: `open` hands the test link to the system; the result is recorded with
    /// the deck (and so seen by `authdeck doctor` and by the next sign-in).
    pub async fn check(
        &self,
        deck: &Deck,
        open: impl FnOnce(&str) -> Result<(), String>,
        wait: Duration,
    ) -> HandBack {
        let nonce: String = rand::random::<[u8; 16]>().iter().map(|b| format!("{b:02x}")).collect();
        let (done, arrived) = oneshot::channel();
        *self.pending.lock().expect("hand-back check") = Some((nonce.clone(), done));
        let arrived = match open(&test_link(&nonce)) {
            Ok(()) => tokio::time::timeout(wait, arrived).await.is_ok_and(|r| r.is_ok()),
            Err(why) => {
                tracing::info!(why, "the system could not open the test link");
                false
            }
        };
        self.pending.lock().expect("hand-back check").take();
        let result = HandBack::decide(arrived, Utc::now());
        if let Err(e) = deck.record_hand_back(&result) {
            tracing::warn!(error = %e, "could not record the hand-back check");
        }
        tracing::info!(arrived, "hand-back check");
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deck() -> (tempfile::TempDir, Deck) {
        let dir = tempfile::tempdir().unwrap();
        let home = authdeck_core::Home::open(dir.path()).unwrap();
        let deck =
            Deck::with_store(home, std::sync::Arc::new(authdeck_core::MemoryStore::default()));
        (dir, deck)
    }

    #[tokio::test]
    async fn a_link_that_comes_back_keeps_deep_links() {
        let (_dir, deck) = deck();
        let checks = std::sync::Arc::new(Checks::default());
        let claimer = checks.clone();
        let result = checks
            .check(
                &deck,
                |link| {
                    let link = link.to_string();
                    std::thread::spawn(move || assert!(claimer.claim(&link)));
                    Ok(())
                },
                Duration::from_secs(5),
            )
            .await;
        assert!(result.arrived);
        assert_eq!(deck.hand_back(), Some(result));
    }

    #[tokio::test]
    async fn a_link_that_never_comes_back_switches_to_loopback() {
        let (_dir, deck) = deck();
        let checks = Checks::default();
        let result = checks.check(&deck, |_| Ok(()), Duration::from_millis(200)).await;
        assert!(!result.arrived);
        assert_eq!(result.route, authdeck_core::HandBackRoute::Loopback);
        let failed =
            checks.check(&deck, |_| Err("no handler".into()), Duration::from_secs(5)).await;
        assert!(!failed.arrived);
    }

    #[test]
    fn only_test_links_are_claimed() {
        let checks = Checks::default();
        assert!(checks.claim("dev.authdeck.app:/hand-back?check=stale"));
        assert!(!checks.claim("dev.authdeck.app:/oauth/callback?code=a&state=b"));
        assert!(!checks.claim("not a url"));
    }
}
