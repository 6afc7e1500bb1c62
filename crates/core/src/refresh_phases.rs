//! Where one refresh spent its time, for the bulk benchmark (see [`refresh`](super)).

use std::time::{Duration, Instant};

/// Where one refresh spent its time, traced at `debug` (target `authdeck_core::refresh`, one
/// `refresh phases` line per stored refresh) so the bulk benchmark can say where the time goes:
/// waiting for the account lock, reading the keychain (tokens and client secret), the token
/// exchange with the ID token check, and storing (keychain write and metadata, split further
/// by `Deck::store_tokens`'s own `store phases` line).
#[derive(Debug)]
pub(super) struct Phases {
    last: Instant,
    pub lock: Duration,
    pub read: Duration,
    pub http: Duration,
    pub store: Duration,
}

impl Phases {
    pub fn start() -> Self {
        let zero = Duration::ZERO;
        Phases { last: Instant::now(), lock: zero, read: zero, http: zero, store: zero }
    }

    /// The time since the last lap.
    pub fn lap(&mut self) -> Duration {
        let now = Instant::now();
        now - std::mem::replace(&mut self.last, now)
    }

    pub fn trace(&self, id: &str) {
        let us = |d: Duration| d.as_micros() as u64;
        tracing::debug!(
            account = id,
            lock_us = us(self.lock),
            read_us = us(self.read),
            http_us = us(self.http),
            store_us = us(self.store),
            "refresh phases"
        );
    }
}
