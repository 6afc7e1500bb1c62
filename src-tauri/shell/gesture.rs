//! What only a person should do: reveal a token in the window.
//!
//! Any script running in the web view can call any command the window may call, so "the user
//! clicked Reveal" cannot be taken from the page's word alone. The shell therefore splits the
//! reveal in two: `begin_reveal`, called from the Reveal button's click handler, issues a
//! one-time grant for that one account that expires after a few seconds; `reveal_token` needs
//! it and spends it. A stray or injected call without a fresh grant is refused, a grant is
//! never usable twice or for another account, and only the latest grant counts.
//!
//! Copy needs no grant: `copy_token` never returns the value to the page. Rust puts it on the
//! system clipboard itself; the window's capability grants no clipboard permission, and the
//! web view cannot read the clipboard without a paste the person makes. Each copy is recorded
//! in the account's activity, and the token is cleared after 30 seconds.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use authdeck_core::Error;

use crate::error::{IpcError, IpcResult};

/// How long a Reveal click's grant stays usable, by default.
pub const REVEAL_GRANT_SECONDS: u64 = 20;

/// What the window is told when a reveal comes without a fresh click.
pub const REVEAL_REFUSED: &str = "To see the token, click Reveal in the account's details again.";

/// The outstanding grant (at most one).
#[derive(Debug)]
pub(super) struct Gestures {
    lifetime: Duration,
    grant: Mutex<Option<Grant>>,
}

#[derive(Debug)]
struct Grant {
    account_id: String,
    nonce: String,
    issued: Instant,
}

impl Gestures {
    pub(super) fn new(lifetime: Duration) -> Self {
        Gestures { lifetime, grant: Mutex::default() }
    }

    pub(super) fn lifetime(&self) -> Duration {
        self.lifetime
    }

    /// A new grant for `account_id` at `now`, replacing any earlier one. Returns its nonce.
    pub(super) fn issue(&self, account_id: &str, now: Instant) -> String {
        let nonce: String = rand::random::<[u8; 16]>().iter().map(|b| format!("{b:02x}")).collect();
        let grant = Grant { account_id: account_id.to_string(), nonce: nonce.clone(), issued: now };
        *self.grant.lock().expect("gesture grant") = Some(grant);
        nonce
    }

    /// Spends the grant if `nonce` is the fresh one for `account_id`. Any attempt spends the
    /// outstanding grant, so a guess costs the guesser the grant as well.
    pub(super) fn consume(&self, account_id: &str, nonce: &str, now: Instant) -> IpcResult<()> {
        let grant = self.grant.lock().expect("gesture grant").take();
        let fresh = grant.is_some_and(|g| {
            g.account_id == account_id
                && same(&g.nonce, nonce)
                && now.saturating_duration_since(g.issued) < self.lifetime
        });
        if fresh { Ok(()) } else { Err(IpcError::from(Error::Invalid(REVEAL_REFUSED.into()))) }
    }
}

/// Compares in time independent of where the strings differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gestures() -> Gestures {
        Gestures::new(Duration::from_secs(20))
    }

    #[test]
    fn a_grant_is_spent_once() {
        let (g, now) = (gestures(), Instant::now());
        let nonce = g.issue("a", now);
        assert!(g.consume("a", &nonce, now).is_ok());
        assert!(g.consume("a", &nonce, now).is_err());
    }

    #[test]
    fn a_grant_expires() {
        let (g, now) = (gestures(), Instant::now());
        let nonce = g.issue("a", now);
        assert!(g.consume("a", &nonce, now + Duration::from_secs(20)).is_err());
        let nonce = g.issue("a", now);
        assert!(g.consume("a", &nonce, now + Duration::from_secs(19)).is_ok());
    }

    #[test]
    fn a_grant_is_for_one_account_and_only_the_latest_counts() {
        let (g, now) = (gestures(), Instant::now());
        let nonce = g.issue("a", now);
        assert!(g.consume("b", &nonce, now).is_err());
        assert!(g.consume("a", &nonce, now).is_err(), "the failed try spent it");
        let first = g.issue("a", now);
        let second = g.issue("a", now);
        assert!(g.consume("a", &first, now).is_err());
        let _ = second;
    }

    #[test]
    fn a_wrong_nonce_is_refused_with_a_plain_sentence() {
        let (g, now) = (gestures(), Instant::now());
        g.issue("a", now);
        let error = g.consume("a", "guess", now).unwrap_err();
        assert_eq!(error.message, REVEAL_REFUSED);
    }
}
