//! What a background front end (the tray) shows, and when it must wake next, as pure
//! functions of the account views and `now`.
//!
//! One rule decides which accounts need attention, so the tray's icon, its tooltip and its
//! menu can never disagree with the window's badges: an account needs attention when only a
//! new sign-in helps (its status is "Reconnect needed", or its access token expired with no
//! refresh token to renew it). The tray shell only turns [`tray_menu`] into menu items.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use crate::account::AccountView;

/// The longest a background scheduler sleeps, even with nothing due: the wall clock can jump
/// (suspend, a changed clock) while a monotonic sleep does not notice.
pub const LONGEST_SLEEP: TimeDelta = TimeDelta::minutes(10);

/// Whether only a new sign-in brings `account` back: the accounts whose row offers Reconnect
/// first (one rule, [`PRIMARY_ACTIONS`](crate::views::PRIMARY_ACTIONS)).
pub fn needs_attention(account: &AccountView) -> bool {
    crate::views::PRIMARY_ACTIONS.of(account.status, account.has_refresh_token)
        == crate::views::RowAction::Reconnect
}

/// The worst state over all accounts, for the tray's icon and tooltip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Attention {
    /// How many accounts need attention.
    pub count: usize,
    /// "All accounts connected", "1 account needs attention", "3 accounts need attention".
    pub summary: String,
}

impl Attention {
    pub fn all_well(&self) -> bool {
        self.count == 0
    }
}

/// See [`Attention`].
pub fn attention(accounts: &[AccountView]) -> Attention {
    let count = accounts.iter().filter(|a| needs_attention(a)).count();
    let summary = match count {
        0 => "All accounts connected".to_string(),
        1 => "1 account needs attention".to_string(),
        n => format!("{n} accounts need attention"),
    };
    Attention { count, summary }
}

/// One entry of the tray's menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrayItem {
    /// The worst state in words, not clickable (Linux trays show no tooltip for these icons).
    Summary(String),
    /// An account needing attention: opens the window on it, with Reconnect focused.
    Account {
        id: String,
        label: String,
    },
    Separator,
    /// "Open AuthDeck".
    Open,
    /// "Refresh all".
    RefreshAll,
    /// "Quit".
    Quit,
}

/// The menu id prefix of [`TrayItem::Account`] entries.
const ACCOUNT_ID_PREFIX: &str = "account:";

impl TrayItem {
    /// The words on the menu entry.
    pub fn label(&self) -> String {
        match self {
            TrayItem::Summary(summary) => summary.clone(),
            TrayItem::Account { label, .. } => label.clone(),
            TrayItem::Separator => String::new(),
            TrayItem::Open => "Open AuthDeck".to_string(),
            TrayItem::RefreshAll => "Refresh all".to_string(),
            TrayItem::Quit => "Quit".to_string(),
        }
    }

    /// A stable id for the menu entry (what a click reports).
    pub fn menu_id(&self) -> String {
        match self {
            TrayItem::Summary(_) => "summary".to_string(),
            TrayItem::Account { id, .. } => format!("{ACCOUNT_ID_PREFIX}{id}"),
            TrayItem::Separator => "separator".to_string(),
            TrayItem::Open => "open".to_string(),
            TrayItem::RefreshAll => "refresh_all".to_string(),
            TrayItem::Quit => "quit".to_string(),
        }
    }

    /// The entry a click on `menu_id` meant, among `items`.
    pub fn clicked<'a>(items: &'a [TrayItem], menu_id: &str) -> Option<&'a TrayItem> {
        items.iter().find(|item| item.menu_id() == menu_id && item.clickable())
    }

    /// Whether choosing the entry does something.
    pub fn clickable(&self) -> bool {
        !matches!(self, TrayItem::Summary(_) | TrayItem::Separator)
    }
}

/// The tray's menu: the worst state in words, each account needing attention (most urgent
/// first, as listed), then **Open AuthDeck**, **Refresh all** and **Quit**.
pub fn tray_menu(accounts: &[AccountView]) -> Vec<TrayItem> {
    let mut items = vec![TrayItem::Summary(attention(accounts).summary), TrayItem::Separator];
    let len = items.len();
    items.extend(accounts.iter().filter(|a| needs_attention(a)).map(|a| TrayItem::Account {
        id: a.id.clone(),
        label: format!("Reconnect {} ({})", a.display_name, a.provider_label),
    }));
    if items.len() > len {
        items.push(TrayItem::Separator);
    }
    items.extend([TrayItem::Open, TrayItem::RefreshAll, TrayItem::Quit]);
    items
}

/// When the next automatic refresh is due: the earliest `auto_refresh_at`, each pushed back
/// to when `retry_at` lets a failing account be tried again. `None` when nothing is due ever
/// (no account refreshes automatically).
pub fn next_refresh_due(
    accounts: &[AccountView],
    retry_at: impl Fn(&str) -> Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    accounts
        .iter()
        .filter_map(|a| {
            let due = a.auto_refresh_at?;
            Some(retry_at(&a.id).map_or(due, |retry| retry.max(due)))
        })
        .min()
}

/// How long a scheduler sleeps at `now` until `due` (the earliest of what it waits for):
/// never negative, never longer than [`LONGEST_SLEEP`].
pub fn sleep_until(due: Option<DateTime<Utc>>, now: DateTime<Utc>) -> std::time::Duration {
    let wait = due.map_or(LONGEST_SLEEP, |at| (at - now).clamp(TimeDelta::zero(), LONGEST_SLEEP));
    wait.to_std().unwrap_or_default()
}

#[cfg(test)]
#[path = "attention_tests.rs"]
pub(crate) mod tests;
