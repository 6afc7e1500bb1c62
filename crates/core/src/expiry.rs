//! Expiry and status as pure functions of token metadata and `now`.
//!
//! Nothing here reads the clock: callers pass `now`, so the rules are tested exactly and the
//! window, the CLI and the refresh timer all agree on what "expiring" means.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// An access token with less than this left is "expiring".
pub const EXPIRING_WITHIN: TimeDelta = TimeDelta::minutes(5);

/// `token` refreshes first when less than this is left (or the token is already expired).
pub const REFRESH_WITHIN: TimeDelta = TimeDelta::seconds(60);

/// The state of an account, as `accounts --json` and the window show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The access token is good for at least five more minutes, or its expiry is unknown.
    Valid,
    /// Less than five minutes left.
    Expiring,
    /// Past its expiry; a refresh token may still bring it back.
    Expired,
    /// The provider ended the sign-in (or the secrets are gone); the user must connect again.
    NeedsReconnect,
}

/// The status of an account whose access token expires at `expires_at` (`None`: unknown).
pub fn status(
    expires_at: Option<DateTime<Utc>>,
    needs_reconnect: bool,
    now: DateTime<Utc>,
) -> Status {
    if needs_reconnect {
        return Status::NeedsReconnect;
    }
    match expires_at {
        None => Status::Valid,
        Some(at) if at <= now => Status::Expired,
        Some(at) if at - now < EXPIRING_WITHIN => Status::Expiring,
        Some(_) => Status::Valid,
    }
}

/// Whether an access token should be refreshed before it is handed out to a caller that needs
/// it to stay good for `within` ([`REFRESH_WITHIN`] unless `authdeck token --min-valid` says):
/// refresh when no more than that is left. An unknown expiry is not refreshed pre-emptively:
/// there is nothing to base it on, and the provider will say.
pub fn needs_refresh_within(
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    within: TimeDelta,
) -> bool {
    expires_at.is_some_and(|at| at - now <= within)
}

/// When the expiry of a token issued by a request sent at `sent_at` falls. A missing
/// `expires_in` means unknown (never "never expires").
pub fn expires_at(sent_at: DateTime<Utc>, expires_in_secs: Option<u64>) -> Option<DateTime<Utc>> {
    let secs = i64::try_from(expires_in_secs?).ok()?;
    sent_at.checked_add_signed(TimeDelta::try_seconds(secs)?)
}

/// When automatic refresh should run: shortly before expiry, with a lead of a tenth of the
/// token's lifetime, between 10 seconds and 2 minutes. `None` when expiry is unknown.
pub fn auto_refresh_at(
    issued_at: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    let expires_at = expires_at?;
    let lifetime = (expires_at - issued_at).max(TimeDelta::zero());
    let lead = (lifetime / 10).clamp(TimeDelta::seconds(10), TimeDelta::minutes(2));
    Some(expires_at - lead)
}

/// When a refresh token stops working, from what a token answer sent at `sent_at` said: its
/// `refresh_expires_in` (0 means "no end", as Keycloak sends for offline tokens), else the
/// `jwt_exp` of a JWT refresh token. An answer that did not rotate the refresh token keeps
/// the `previous` end; a new opaque token with neither hint has no known end.
pub fn refresh_expires_at(
    sent_at: DateTime<Utc>,
    refresh_expires_in: Option<u64>,
    jwt_exp: Option<i64>,
    rotated: bool,
    previous: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    match refresh_expires_in {
        Some(0) => None,
        Some(secs) => expires_at(sent_at, Some(secs)),
        None if rotated => jwt_exp.and_then(|exp| DateTime::from_timestamp(exp, 0)),
        None => previous,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    #[test]
    fn status_boundaries() {
        let now = t(0);
        assert_eq!(status(None, false, now), Status::Valid);
        assert_eq!(status(Some(t(301)), false, now), Status::Valid);
        assert_eq!(status(Some(t(300)), false, now), Status::Valid);
        assert_eq!(status(Some(t(299)), false, now), Status::Expiring);
        assert_eq!(status(Some(t(1)), false, now), Status::Expiring);
        assert_eq!(status(Some(t(0)), false, now), Status::Expired);
        assert_eq!(status(Some(t(-50)), false, now), Status::Expired);
        assert_eq!(status(Some(t(9999)), true, now), Status::NeedsReconnect);
    }

    #[test]
    fn refresh_within_sixty_seconds_or_expired() {
        let now = t(0);
        let needs_refresh = |at| needs_refresh_within(at, now, REFRESH_WITHIN);
        assert!(!needs_refresh(None));
        assert!(!needs_refresh(Some(t(61))));
        assert!(needs_refresh(Some(t(60))));
        assert!(needs_refresh(Some(t(-10))));
        assert!(needs_refresh_within(Some(t(600)), now, TimeDelta::seconds(600)));
        assert!(!needs_refresh_within(Some(t(601)), now, TimeDelta::seconds(600)));
        assert!(!needs_refresh_within(None, now, TimeDelta::seconds(600)));
    }

    #[test]
    fn expiry_counts_from_the_request() {
        assert_eq!(expires_at(t(5), Some(3600)), Some(t(3605)));
        assert_eq!(expires_at(t(5), None), None);
        assert_eq!(expires_at(t(5), Some(u64::MAX)), None);
    }

    #[test]
    fn refresh_token_lapse_from_the_answer_the_jwt_or_the_previous_one() {
        let sent = t(0);
        assert_eq!(refresh_expires_at(sent, Some(1800), Some(99), true, None), Some(t(1800)));
        assert_eq!(refresh_expires_at(sent, Some(0), Some(99), true, Some(t(5))), None);
        let exp = t(7200).timestamp();
        assert_eq!(refresh_expires_at(sent, None, Some(exp), true, None), Some(t(7200)));
        assert_eq!(refresh_expires_at(sent, None, None, true, Some(t(5))), None);
        assert_eq!(refresh_expires_at(sent, None, None, false, Some(t(5))), Some(t(5)));
    }

    #[test]
    fn auto_refresh_lead_is_bounded() {
        assert_eq!(auto_refresh_at(t(0), Some(t(3600))), Some(t(3600 - 120)));
        assert_eq!(auto_refresh_at(t(0), Some(t(300))), Some(t(300 - 30)));
        assert_eq!(auto_refresh_at(t(0), Some(t(20))), Some(t(10)));
        assert_eq!(auto_refresh_at(t(0), None), None);
    }
}
