use chrono::TimeDelta;

use super::*;
use crate::attention::tests::{t, view};

/// A fake clock: each call of `decide` at a later time, nothing else moving.
fn decide(notified: &mut Notified, accounts: &[AccountView], at: DateTime<Utc>) -> Vec<Notice> {
    notified.decide(accounts, at, |_| false).0
}

fn reconnect_needed(id: &str) -> AccountView {
    view(id, Status::NeedsReconnect, true)
}

#[test]
fn a_reconnect_needed_is_said_once_naming_provider_and_account() {
    let mut notified = Notified::default();
    let ok = view("alice", Status::Valid, true);
    assert!(decide(&mut notified, std::slice::from_ref(&ok), t(0)).is_empty());
    let broken = reconnect_needed("alice");
    let notices = decide(&mut notified, std::slice::from_ref(&broken), t(10));
    assert_eq!(notices.len(), 1);
    let n = &notices[0];
    assert_eq!((n.account_id.as_str(), n.action), ("alice", NoticeAction::Reconnect));
    assert!(n.summary.contains("Local demo provider"), "{}", n.summary);
    assert!(n.body.contains("alice@example.com") && n.body.contains("Reconnect"), "{}", n.body);
    // Still broken, later, many times (retries, listings): nothing more.
    for secs in [11, 60, 3600, 86_400] {
        assert!(decide(&mut notified, std::slice::from_ref(&broken), t(secs)).is_empty());
    }
    // Fixed, then broken again: a new change of state, a new notice.
    assert!(decide(&mut notified, std::slice::from_ref(&ok), t(90_000)).is_empty());
    assert_eq!(decide(&mut notified, &[broken], t(90_010)).len(), 1);
}

#[test]
fn what_was_said_survives_a_restart() {
    let home = Home::open(tempfile::tempdir().unwrap().keep()).unwrap();
    let broken = [reconnect_needed("alice")];
    let mut first = Notified::load(&home);
    let (notices, changed) = first.decide(&broken, t(0), |_| false);
    assert_eq!((notices.len(), changed), (1, true));
    first.save(&home).unwrap();
    let mut again = Notified::load(&home);
    assert_eq!(again, first);
    let (notices, changed) = again.decide(&broken, t(60), |_| false);
    assert!(notices.is_empty() && !changed);
    // The file holds states, never a token or an error text.
    let text = std::fs::read_to_string(home.root().join("notified.json")).unwrap();
    assert!(text.contains("reconnect_needed"), "{text}");
}

#[test]
fn one_failed_refresh_is_not_a_notice_but_half_an_hour_of_them_is() {
    let mut notified = Notified::default();
    let mut failing = view("bob", Status::Expiring, true);
    failing.last_error = Some("The provider could not be reached.".into());
    assert!(decide(&mut notified, std::slice::from_ref(&failing), t(0)).is_empty());
    // Retries every few minutes: still nothing before FAILING_FOR.
    for secs in (60..1800).step_by(120) {
        assert!(decide(&mut notified, std::slice::from_ref(&failing), t(secs)).is_empty());
    }
    assert_eq!(
        notified.next_due(std::slice::from_ref(&failing), t(1000)),
        Some(t(0) + FAILING_FOR)
    );
    let notices = decide(&mut notified, std::slice::from_ref(&failing), t(1800));
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].concern, Concern::RefreshFailing);
    assert_eq!(notices[0].action, NoticeAction::Open);
    assert!(notices[0].body.contains("bob@example.com"));
    assert!(decide(&mut notified, std::slice::from_ref(&failing), t(4000)).is_empty());
    // A success in between starts the count again.
    let mut healed = failing.clone();
    healed.last_error = None;
    assert!(decide(&mut notified, &[healed], t(4100)).is_empty());
    assert!(decide(&mut notified, std::slice::from_ref(&failing), t(4200)).is_empty());
    assert!(decide(&mut notified, std::slice::from_ref(&failing), t(4200 + 1799)).is_empty());
    assert_eq!(decide(&mut notified, &[failing], t(4200 + 1800)).len(), 1);
}

#[test]
fn a_token_without_refresh_is_announced_before_it_expires_once() {
    let mut notified = Notified::default();
    let mut account = view("carol", Status::Valid, false);
    account.expires_at = Some(t(3600));
    let accounts = std::slice::from_ref(&account);
    assert!(decide(&mut notified, accounts, t(0)).is_empty());
    assert_eq!(notified.next_due(accounts, t(0)), Some(t(3600) - EXPIRY_WARNING));
    assert!(decide(&mut notified, accounts, t(3600 - 601)).is_empty());
    let notices = decide(&mut notified, accounts, t(3600 - 600));
    assert_eq!(notices.len(), 1);
    assert!(notices[0].body.contains("ends in 10 minutes"), "{}", notices[0].body);
    // Expiring, then expired (same token, same state): no second notice.
    let mut expired = account.clone();
    expired.status = Status::Expired;
    assert!(decide(&mut notified, &[expired], t(3700)).is_empty());
    // A refresh token never gets this notice: refresh renews it.
    let mut renewable = view("dan", Status::Expiring, true);
    renewable.expires_at = Some(t(100));
    assert!(decide(&mut Notified::default(), &[renewable], t(0)).is_empty());
}

#[test]
fn a_known_refresh_token_end_is_announced_three_days_ahead() {
    let mut notified = Notified::default();
    let mut account = view("alice", Status::Valid, true);
    let end = t(10 * 86_400);
    account.refresh_expires_at = Some(end);
    let accounts = std::slice::from_ref(&account);
    assert!(decide(&mut notified, accounts, t(0)).is_empty());
    assert_eq!(notified.next_due(accounts, t(0)), Some(end - LAPSE_WARNING));
    assert!(
        decide(&mut notified, accounts, end - LAPSE_WARNING - TimeDelta::seconds(1)).is_empty()
    );
    let notices = decide(&mut notified, accounts, end - LAPSE_WARNING);
    assert_eq!(notices.len(), 1);
    assert_eq!(
        notices[0].body,
        "Your sign-in to Local demo provider for alice@example.com will stop working in 3 days. \
         Reconnect now to keep it."
    );
    assert_eq!(notices[0].action, NoticeAction::Reconnect);
    // Days pass: the same end, no repeat.
    assert!(decide(&mut notified, accounts, end - TimeDelta::days(1)).is_empty());
    // A reconnect moves the end later: quiet again, and a notice three days before the new one.
    let mut renewed = account.clone();
    renewed.refresh_expires_at = Some(end + TimeDelta::days(30));
    assert!(decide(&mut notified, std::slice::from_ref(&renewed), end).is_empty());
    let later = end + TimeDelta::days(27);
    assert_eq!(decide(&mut notified, &[renewed], later).len(), 1);
}

#[test]
fn nothing_about_an_account_the_user_is_looking_at() {
    let mut notified = Notified::default();
    let accounts = [reconnect_needed("alice"), reconnect_needed("bob")];
    let (notices, _) = notified.decide(&accounts, t(0), |id| id == "alice");
    let ids: Vec<_> = notices.iter().map(|n| n.account_id.as_str()).collect();
    assert_eq!(ids, ["bob"]);
    // Seen in the window counts as said: no notice once the window is closed either.
    let (notices, _) = notified.decide(&accounts, t(60), |_| false);
    assert!(notices.is_empty());
}

#[test]
fn removed_accounts_are_forgotten_and_quiet_ones_take_no_room() {
    let mut notified = Notified::default();
    decide(&mut notified, &[reconnect_needed("alice"), view("ok", Status::Valid, true)], t(0));
    assert_eq!(notified.accounts.keys().collect::<Vec<_>>(), ["alice"]);
    let (_, changed) = notified.decide(&[], t(10), |_| false);
    assert!(changed && notified.accounts.is_empty());
}

#[test]
fn no_notice_carries_a_secret_or_an_error_text() {
    let mut account = reconnect_needed("alice");
    account.last_error = Some("invalid_grant: token RT-SECRET revoked".into());
    for concern in [
        Concern::ReconnectNeeded,
        Concern::RefreshFailing,
        Concern::AccessExpiring { at: t(60) },
        Concern::SignInLapsing { at: t(86_400) },
    ] {
        let n = notice(&account, concern, t(0));
        for text in [&n.summary, &n.body] {
            assert!(!text.contains("RT-SECRET") && !text.contains("invalid_grant"), "{text}");
        }
    }
}

#[test]
fn time_left_in_the_unit_shown() {
    assert_eq!(time_left(TimeDelta::days(3)), "3 days");
    assert_eq!(time_left(TimeDelta::days(3) - TimeDelta::minutes(5)), "3 days");
    assert_eq!(time_left(TimeDelta::hours(23) + TimeDelta::minutes(40)), "1 day");
    assert_eq!(time_left(TimeDelta::hours(5)), "5 hours");
    assert_eq!(time_left(TimeDelta::minutes(1)), "1 minute");
    assert_eq!(time_left(TimeDelta::seconds(5)), "1 minute");
    assert_eq!(time_left(TimeDelta::minutes(10)), "10 minutes");
}

#[test]
fn many_notices_at_once_become_one_that_counts_them() {
    let mut notified = Notified::default();
    let few: Vec<AccountView> = ["a", "b", "c"].into_iter().map(reconnect_needed).collect();
    let notices = coalesce(decide(&mut notified, &few, t(0)));
    assert_eq!(notices.len(), SEPARATE_NOTICES, "a few stay separate");
    // A wiped keychain: every account at once.
    let mut notified = Notified::default();
    let mut many: Vec<AccountView> =
        (0..1000).map(|n| reconnect_needed(&format!("u{n}"))).collect();
    many[7].provider_label = "GitHub".into();
    let notices = coalesce(decide(&mut notified, &many, t(0)));
    assert_eq!(notices.len(), 1);
    let n = &notices[0];
    assert_eq!((n.account_id.as_str(), n.action), ("u0", NoticeAction::Open));
    assert_eq!(n.summary, "1000 of your sign-ins need you");
    assert!(n.body.contains("(Local demo provider and GitHub)"), "{}", n.body);
    // Said once: the next review says nothing more.
    assert!(coalesce(decide(&mut notified, &many, t(60))).is_empty());
}
