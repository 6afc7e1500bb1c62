use chrono::{DateTime, TimeDelta, Utc};

use super::*;
use crate::expiry::Status;

pub(crate) fn t(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
}

/// A view with the given state; everything else plain.
pub(crate) fn view(id: &str, status: Status, has_refresh_token: bool) -> AccountView {
    let primary_action = crate::views::PRIMARY_ACTIONS.of(status, has_refresh_token);
    AccountView {
        id: id.to_string(),
        provider: "demo".into(),
        provider_label: "Local demo provider".into(),
        preset: None,
        subject: "sub".into(),
        email: Some(format!("{id}@example.com")),
        display_name: format!("{id}@example.com"),
        initials: id.chars().take(2).collect::<String>().to_uppercase(),
        scopes: vec!["openid".into()],
        access: vec!["Know who you are".into()],
        status,
        primary_action,
        expires_at: Some(t(3600)),
        issued_at: t(0),
        has_refresh_token,
        refresh_expires_at: None,
        last_refreshed_at: None,
        last_error: None,
        auto_refresh: true,
        auto_refresh_at: has_refresh_token.then(|| t(3480)),
        provider_rejected_at: None,
    }
}

#[test]
fn attention_counts_only_accounts_a_new_sign_in_fixes() {
    assert!(needs_attention(&view("a", Status::NeedsReconnect, true)));
    assert!(needs_attention(&view("a", Status::Expired, false)));
    // A refresh token may still bring an expired one back: not yet the user's problem.
    assert!(!needs_attention(&view("a", Status::Expired, true)));
    assert!(!needs_attention(&view("a", Status::Expiring, false)));
    assert!(!needs_attention(&view("a", Status::Valid, true)));
}

#[test]
fn summary_words_for_none_one_and_many() {
    assert_eq!(attention(&[]).summary, "All accounts connected");
    assert!(attention(&[]).all_well());
    let fine = view("ok", Status::Valid, true);
    assert_eq!(attention(std::slice::from_ref(&fine)).summary, "All accounts connected");
    let broken = |id| view(id, Status::NeedsReconnect, true);
    let one = attention(&[fine.clone(), broken("b")]);
    assert_eq!((one.count, one.summary.as_str()), (1, "1 account needs attention"));
    let three = attention(&[broken("a"), fine, broken("b"), view("c", Status::Expired, false)]);
    assert_eq!((three.count, three.summary.as_str()), (3, "3 accounts need attention"));
    assert!(!three.all_well());
}

#[test]
fn menu_lists_attention_accounts_then_the_three_fixed_entries() {
    let fine = view("ok", Status::Valid, true);
    let labels = |items: &[TrayItem]| items.iter().map(TrayItem::label).collect::<Vec<_>>();
    let calm = ["All accounts connected", "", "Open AuthDeck", "Refresh all", "Quit"];
    assert_eq!(labels(&tray_menu(std::slice::from_ref(&fine))), calm);
    let menu = tray_menu(&[view("alice", Status::NeedsReconnect, true), fine]);
    let expected = [
        "1 account needs attention",
        "",
        "Reconnect alice@example.com (Local demo provider)",
        "",
        "Open AuthDeck",
        "Refresh all",
        "Quit",
    ];
    assert_eq!(labels(&menu), expected);
    let label = "Reconnect alice@example.com (Local demo provider)".to_string();
    assert_eq!(menu[2], TrayItem::Account { id: "alice".into(), label });
    assert!(!menu[0].clickable() && !menu[1].clickable() && menu[2].clickable());
}

#[test]
fn menu_ids_map_clicks_back_to_entries() {
    let menu = tray_menu(&[view("alice", Status::NeedsReconnect, true)]);
    let ids: Vec<_> = menu.iter().map(TrayItem::menu_id).collect();
    assert_eq!(
        ids,
        ["summary", "separator", "account:alice", "separator", "open", "refresh_all", "quit"]
    );
    for item in &menu {
        let found = TrayItem::clicked(&menu, &item.menu_id());
        if !item.clickable() {
            assert_eq!(found, None);
        } else {
            assert_eq!(found, Some(item));
        }
    }
    assert_eq!(TrayItem::clicked(&menu, "account:bob"), None);
}

#[test]
fn next_refresh_is_the_earliest_due_after_backoff() {
    let mut a = view("a", Status::Valid, true);
    a.auto_refresh_at = Some(t(100));
    let mut b = view("b", Status::Valid, true);
    b.auto_refresh_at = Some(t(50));
    let never = view("c", Status::Valid, false);
    assert_eq!(never.auto_refresh_at, None);
    let accounts = [a, b, never];
    assert_eq!(next_refresh_due(&accounts, |_| None), Some(t(50)));
    // b failed and may be tried again at 200: a comes first.
    let retry = |id: &str| (id == "b").then(|| t(200));
    assert_eq!(next_refresh_due(&accounts, retry), Some(t(100)));
    // A retry time already past does not pull a refresh forward.
    let past = |id: &str| (id == "b").then(|| t(10));
    assert_eq!(next_refresh_due(&accounts, past), Some(t(50)));
    assert_eq!(next_refresh_due(&accounts[2..], |_| None), None);
    assert_eq!(next_refresh_due(&[], |_| None), None);
}

#[test]
fn sleeps_until_due_bounded_by_the_longest_sleep() {
    let now = t(0);
    assert_eq!(sleep_until(Some(t(42)), now).as_secs(), 42);
    assert_eq!(sleep_until(Some(t(-5)), now).as_secs(), 0);
    assert_eq!(sleep_until(None, now), LONGEST_SLEEP.to_std().unwrap());
    assert_eq!(sleep_until(Some(t(86_400)), now), LONGEST_SLEEP.to_std().unwrap());
    assert_eq!(LONGEST_SLEEP, TimeDelta::minutes(10));
}
