//! [`DeckConfig`]: the few numbers a [`Deck`](crate::Deck) runs with, read from the environment
//! in one place.
//!
//! Constructors never read the environment: the CLI and the desktop shell call
//! [`DeckConfig::from_env`] once (through [`Deck::open`](crate::Deck::open)), and tests pass
//! the values they want. A value that makes no sense (`inf`, `nan`, `-1`, `1e30`, words) is
//! refused with one plain sentence instead of panicking deep inside a timer.

use std::time::Duration;

use crate::error::{Error, Result};

/// Environment variable overriding the total HTTP request timeout in seconds (default 30).
pub const HTTP_TIMEOUT_ENV: &str = "AUTHDECK_HTTP_TIMEOUT_SECS";
/// Environment variable overriding the keychain timeout in seconds (default 30).
pub const KEYCHAIN_TIMEOUT_ENV: &str = "AUTHDECK_KEYCHAIN_TIMEOUT_SECS";

/// The longest timeout accepted from the environment: one day.
const MAX_SECS: f64 = 86_400.0;

/// How a [`Deck`](crate::Deck) behaves in time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DeckConfig {
    /// Total time for one HTTP request (connecting is capped at 10 s of it).
    pub http_timeout: Duration,
    /// Time for one keychain call.
    pub keychain_timeout: Duration,
    /// How long to wait for another refresh of the same account; longer than one refresh can
    /// take, so a waiter normally gets the result rather than Busy.
    pub lock_wait: Duration,
    /// How long a refresh keeps retrying to save rotated tokens to a keychain that refuses
    /// them, holding the account lock, before it reports the keychain as locked.
    pub save_retry: Duration,
    /// Whether this process keeps each account's token set between refreshes and reuses it
    /// while the metadata shows the keychain unchanged (see `token_cache`): on for a
    /// long-lived process (the desktop app), off for one that reads once (the CLI).
    pub cache_tokens: bool,
}

impl Default for DeckConfig {
    fn default() -> Self {
        DeckConfig {
            http_timeout: Duration::from_secs(30),
            keychain_timeout: Duration::from_secs(30),
            lock_wait: Duration::from_secs(100),
            save_retry: Duration::from_secs(10),
            cache_tokens: false,
        }
    }
}

impl DeckConfig {
    /// The defaults, overridden by `AUTHDECK_HTTP_TIMEOUT_SECS` and
    /// `AUTHDECK_KEYCHAIN_TIMEOUT_SECS`. An empty variable counts as unset.
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// This configuration for a long-lived process (the desktop app): token sets are kept
    /// between refreshes ([`cache_tokens`](Self::cache_tokens)).
    pub fn long_lived(self) -> Self {
        DeckConfig { cache_tokens: true, ..self }
    }

    /// [`from_env`](Self::from_env) with the environment given as a function (for tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let mut config = DeckConfig::default();
        if let Some(value) = lookup(HTTP_TIMEOUT_ENV) {
            config.http_timeout = seconds(HTTP_TIMEOUT_ENV, &value)?.unwrap_or(config.http_timeout);
        }
        if let Some(value) = lookup(KEYCHAIN_TIMEOUT_ENV) {
            config.keychain_timeout =
                seconds(KEYCHAIN_TIMEOUT_ENV, &value)?.unwrap_or(config.keychain_timeout);
        }
        // A waiter must outlast one whole refresh: the request plus two keychain calls and
        // the bounded save retry.
        config.lock_wait = config
            .lock_wait
            .max(config.http_timeout + config.keychain_timeout * 2 + config.save_retry);
        Ok(config)
    }
}

/// Parses a positive, finite number of seconds of at most a day; `None` for an empty value.
fn seconds(name: &str, value: &str) -> Result<Option<Duration>> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    match value.parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs > 0.0 && secs <= MAX_SECS => {
            Ok(Some(Duration::from_secs_f64(secs)))
        }
        _ => Err(Error::Invalid(format!(
            "{name} must be a number of seconds between 0 and 86400, such as 30; unset it to use \
             the default."
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(name: &'static str, value: &'static str) -> Result<DeckConfig> {
        DeckConfig::from_lookup(move |n| (n == name).then(|| value.to_string()))
    }

    #[test]
    fn odd_values_are_one_sentence_not_a_panic() {
        for name in [HTTP_TIMEOUT_ENV, KEYCHAIN_TIMEOUT_ENV] {
            for bad in ["inf", "-inf", "nan", "NaN", "-1", "0", "1e30", "soon", "30s"] {
                let message = with(name, bad).unwrap_err().to_string();
                assert!(message.starts_with(name), "{bad}: {message}");
                assert!(message.ends_with("default."), "{bad}: {message}");
            }
        }
    }

    #[test]
    fn good_and_empty_values() {
        assert_eq!(
            with(HTTP_TIMEOUT_ENV, "2.5").unwrap().http_timeout,
            Duration::from_millis(2500)
        );
        assert_eq!(with(KEYCHAIN_TIMEOUT_ENV, " 7 ").unwrap().keychain_timeout.as_secs(), 7);
        assert_eq!(with(HTTP_TIMEOUT_ENV, "").unwrap(), DeckConfig::default());
        assert_eq!(DeckConfig::from_lookup(|_| None).unwrap(), DeckConfig::default());
        // The lock wait outlasts a long refresh.
        let slow = with(HTTP_TIMEOUT_ENV, "600").unwrap();
        assert!(slow.lock_wait > Duration::from_secs(600));
    }
}
