//! The lapse rule: which accounts deserve a desktop notification, said once per change of
//! state, as pure functions of the account views, what was said before, and `now`.
//!
//! GNOME users complain about notices they cannot act on, so a notice is only sent when the
//! user has something to do (or should know the app cannot fix it alone): a sign-in the
//! provider ended, automatic refresh failing for [`FAILING_FOR`] (not one transient network
//! error), an access token with no refresh token about to expire, and a refresh token whose
//! own end ([`AccountView::refresh_expires_at`]) is [`LAPSE_WARNING`] away. What was said is
//! kept in the data folder ([`Notified`], `notified.json`), so a restart repeats nothing and
//! a retry never adds a notice. Texts name the provider and the account, never a token.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::account::AccountView;
use crate::atomic;
use crate::error::{Error, Result};
use crate::expiry::Status;
use crate::home::Home;

/// Automatic refresh failing this long (with retries meanwhile) is worth a notice.
pub const FAILING_FOR: TimeDelta = TimeDelta::minutes(30);
/// An access token that cannot be renewed is announced this long before it expires.
pub const EXPIRY_WARNING: TimeDelta = TimeDelta::minutes(10);
/// A refresh token's own end is announced this long before it.
pub const LAPSE_WARNING: TimeDelta = TimeDelta::days(3);

const FILE: &str = "notified.json";

/// What is wrong with an account, as far as a notice goes. The times make a new lapse (after
/// a reconnect, a later one) a new state worth a new notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Concern {
    /// The provider ended the sign-in.
    ReconnectNeeded,
    /// Automatic refresh has failed for at least [`FAILING_FOR`].
    RefreshFailing,
    /// The access token (with no refresh token) expires at `at`.
    AccessExpiring { at: DateTime<Utc> },
    /// The refresh token stops working at `at`.
    SignInLapsing { at: DateTime<Utc> },
}

/// What a notice offers to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeAction {
    /// Sign in again (with the account as `login_hint`).
    Reconnect,
    /// Open the window on the account.
    Open,
}

/// One notification to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub account_id: String,
    pub concern: Concern,
    /// Names the provider.
    pub summary: String,
    /// Names the account and says what to do.
    pub body: String,
    pub action: NoticeAction,
    /// The provider's label (for [`coalesce`]).
    pub provider: String,
}

/// What was last said about one account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Said {
    /// The concern last notified (or seen by the user in the window), if it still holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concern: Option<Concern>,
    /// Since when automatic refresh has been failing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failing_since: Option<DateTime<Utc>>,
}

/// What was said about every account; kept in `notified.json` in the data folder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notified {
    #[serde(default)]
    pub accounts: BTreeMap<String, Said>,
}

/// Whether automatic refresh of `account` is failing now (a reconnect is a concern of its own).
fn failing(account: &AccountView) -> bool {
    account.last_error.is_some()
        && account.status != Status::NeedsReconnect
        && account.auto_refresh
        && account.has_refresh_token
}

/// The concern about `account` at `now`, given since when its refresh has been failing.
pub fn concern(
    account: &AccountView,
    failing_since: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<Concern> {
    if account.status == Status::NeedsReconnect {
        return Some(Concern::ReconnectNeeded);
    }
    if failing(account) && failing_since.is_some_and(|since| now - since >= FAILING_FOR) {
        return Some(Concern::RefreshFailing);
    }
    if let Some(at) = account.refresh_expires_at.filter(|_| account.has_refresh_token)
        && at - now <= LAPSE_WARNING
    {
        return Some(Concern::SignInLapsing { at });
    }
    if let Some(at) = account.expires_at.filter(|_| !account.has_refresh_token)
        && at - now <= EXPIRY_WARNING
    {
        return Some(Concern::AccessExpiring { at });
    }
    None
}

/// "3 days", "1 day", "5 hours", "1 minute": a time left, rounded to the nearest unit shown.
pub fn time_left(left: TimeDelta) -> String {
    let secs = left.num_seconds().max(0);
    let (n, unit) = if secs >= 86_400 - 1_800 {
        ((secs + 43_200) / 86_400, "day")
    } else if secs >= 3_600 - 30 {
        ((secs + 1_800) / 3_600, "hour")
    } else {
        (((secs + 30) / 60).max(1), "minute")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// The notice for `concern` about `account` at `now`.
pub fn notice(account: &AccountView, concern: Concern, now: DateTime<Utc>) -> Notice {
    let (provider, who) = (&account.provider_label, &account.display_name);
    let (summary, body, action) = match &concern {
        Concern::ReconnectNeeded => (
            format!("{provider} signed you out"),
            format!("The sign-in for {who} has ended. Choose Reconnect to sign in again."),
            NoticeAction::Reconnect,
        ),
        Concern::RefreshFailing => (
            format!("AuthDeck cannot renew your sign-in to {provider}"),
            format!(
                "Renewing the sign-in for {who} has failed for a while; AuthDeck keeps trying. \
                 Open AuthDeck to see why."
            ),
            NoticeAction::Open,
        ),
        Concern::AccessExpiring { at } if *at <= now => (
            format!("Your sign-in to {provider} has ended"),
            format!("The sign-in for {who} cannot be renewed. Choose Reconnect to sign in again."),
            NoticeAction::Reconnect,
        ),
        Concern::AccessExpiring { at } => (
            format!("Your sign-in to {provider} ends soon"),
            format!(
                "The sign-in for {who} ends in {} and cannot be renewed by itself. Reconnect \
                 now to keep it.",
                time_left(*at - now)
            ),
            NoticeAction::Reconnect,
        ),
        Concern::SignInLapsing { at } => (
            format!("Your sign-in to {provider} ends soon"),
            if *at <= now {
                format!("Your sign-in to {provider} for {who} has stopped working. Reconnect now.")
            } else {
                format!(
                    "Your sign-in to {provider} for {who} will stop working in {}. Reconnect \
                     now to keep it.",
                    time_left(*at - now)
                )
            },
            NoticeAction::Reconnect,
        ),
    };
    let provider = provider.clone();
    Notice { account_id: account.id.clone(), concern, summary, body, action, provider }
}

/// More notices than this at once become one ([`coalesce`]).
pub const SEPARATE_NOTICES: usize = 3;

/// The notices to show for one review: each on its own, or, when more than
/// [`SEPARATE_NOTICES`] came due together (a wiped keychain, a provider that ended every
/// sign-in), one that counts them and opens the window on the first (the most urgent: the
/// accounts come in Rust's order). A desktop full of notices helps nobody.
pub fn coalesce(notices: Vec<Notice>) -> Vec<Notice> {
    if notices.len() <= SEPARATE_NOTICES {
        return notices;
    }
    let mut providers: Vec<&str> = Vec::new();
    for notice in &notices {
        if !providers.contains(&notice.provider.as_str()) {
            providers.push(&notice.provider);
        }
    }
    let providers = match providers.as_slice() {
        [one] => one.to_string(),
        [one, two] => format!("{one} and {two}"),
        [one, two, rest @ ..] => format!("{one}, {two} and {} more", rest.len()),
        [] => "your providers".to_string(),
    };
    let first = &notices[0];
    vec![Notice {
        account_id: first.account_id.clone(),
        concern: first.concern.clone(),
        summary: format!("{} of your sign-ins need you", notices.len()),
        body: format!(
            "AuthDeck cannot keep them working by itself ({providers}). Open AuthDeck to see \
             which, and reconnect them."
        ),
        action: NoticeAction::Open,
        provider: first.provider.clone(),
    }]
}

impl Notified {
    /// Reads `notified.json` (nothing said yet when it is missing or unreadable).
    pub fn load(home: &Home) -> Self {
        atomic::read_json(&home.root().join(FILE)).ok().flatten().unwrap_or_default()
    }

    pub fn save(&self, home: &Home) -> Result<()> {
        let path = home.root().join(FILE);
        atomic::write_json(&path, self).map_err(|e| Error::storage("save", path, e))
    }

    /// The notices due at `now`, one per account whose concern changed since the last call;
    /// updates what was said. An account `watched(id)` (open in the focused window) gets no
    /// notice: the user sees it, so its concern counts as said. Returns whether anything
    /// changed, for the caller to save.
    pub fn decide(
        &mut self,
        accounts: &[AccountView],
        now: DateTime<Utc>,
        watched: impl Fn(&str) -> bool,
    ) -> (Vec<Notice>, bool) {
        let before = self.clone();
        self.accounts.retain(|id, _| accounts.iter().any(|a| &a.id == id));
        let mut notices = Vec::new();
        for account in accounts {
            let said = self.accounts.entry(account.id.clone()).or_default();
            said.failing_since = failing(account).then(|| said.failing_since.unwrap_or(now));
            let current = concern(account, said.failing_since, now);
            if current != said.concern {
                if let Some(current) = current.clone()
                    && !watched(&account.id)
                {
                    notices.push(notice(account, current, now));
                }
                said.concern = current;
            }
        }
        self.accounts.retain(|_, said| *said != Said::default());
        let changed = *self != before;
        (notices, changed)
    }

    /// When a concern may next begin with no account changing (a warning time reached, a
    /// failure lasting long enough), for a scheduler to wake then.
    pub fn next_due(&self, accounts: &[AccountView], now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        accounts
            .iter()
            .flat_map(|a| {
                let since = self.accounts.get(&a.id).and_then(|s| s.failing_since);
                [
                    since.filter(|_| failing(a)).map(|s| s + FAILING_FOR),
                    a.refresh_expires_at
                        .filter(|_| a.has_refresh_token)
                        .map(|at| at - LAPSE_WARNING),
                    a.expires_at.filter(|_| !a.has_refresh_token).map(|at| at - EXPIRY_WARNING),
                ]
            })
            .flatten()
            .filter(|at| *at > now)
            .min()
    }
}

#[cfg(test)]
#[path = "lapse_tests.rs"]
mod tests;
