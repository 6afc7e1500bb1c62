//! A list read ahead is used only while no account changed since (the window's first list).

use std::fs::File;
use std::time::{Duration, SystemTime};

use chrono::Utc;

use super::*;
use crate::testing::TestDeck;

/// Another account: a copy of `account` under a new id.
fn copy(store: &AccountStore, account: &AccountRecord, id: &str) {
    store.save(&AccountRecord { id: id.into(), ..account.clone() }).unwrap();
}

/// Sets the accounts directory's modification time, as if nothing had changed since `at`.
fn set_dir_time(store: &AccountStore, at: SystemTime) {
    File::open(&store.dir).unwrap().set_modified(at).unwrap();
}

fn ids(records: &[AccountRecord]) -> Vec<String> {
    let mut ids: Vec<String> = records.iter().map(|a| a.id.clone()).collect();
    ids.sort();
    ids
}

async fn one_account() -> (TestDeck, AccountRecord) {
    let t = TestDeck::new(true).await;
    let id = t.signed_in().await.id;
    let account = t.deck.account_record(&id).unwrap();
    (t, account)
}

#[tokio::test]
async fn a_snapshot_is_used_while_the_directory_is_unchanged() {
    let (t, account) = one_account().await;
    let store = &t.deck.accounts;
    let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
    set_dir_time(store, an_hour_ago);
    let snapshot = store.snapshot().unwrap();
    // A change the directory's time does not show is not seen: proof the snapshot is used.
    copy(store, &account, "hidden-copy");
    set_dir_time(store, an_hour_ago);
    assert_eq!(ids(&store.current(snapshot).unwrap()), vec![account.id.clone()]);
}

#[tokio::test]
async fn a_change_since_the_snapshot_reads_again() {
    let (t, account) = one_account().await;
    let store = &t.deck.accounts;
    set_dir_time(store, SystemTime::now() - Duration::from_secs(3600));
    let snapshot = store.snapshot().unwrap();
    copy(store, &account, "new-copy");
    let listed = ids(&store.current(snapshot).unwrap());
    assert_eq!(listed, ids(&[account.clone(), AccountRecord { id: "new-copy".into(), ..account }]));
}

#[tokio::test]
async fn a_snapshot_taken_just_after_a_change_is_not_trusted() {
    // The directory changed within the timestamp granularity before the read: a later change
    // might leave the same time, so the list is read again.
    let (t, account) = one_account().await;
    let store = &t.deck.accounts;
    let just_now = SystemTime::now();
    set_dir_time(store, just_now);
    let snapshot = store.snapshot().unwrap();
    copy(store, &account, "late-copy");
    set_dir_time(store, just_now);
    assert_eq!(store.current(snapshot).unwrap().len(), 2);
}

#[tokio::test]
async fn the_deck_shows_a_list_read_ahead_as_views_of_now() {
    let (t, account) = one_account().await;
    let ahead = t.deck.read_ahead().unwrap();
    let now = Utc::now();
    let views = t.deck.accounts_from(ahead, now).unwrap();
    assert_eq!(views, t.deck.accounts(now).unwrap());
    assert_eq!(views[0].id, account.id);
}

#[tokio::test]
async fn an_empty_list_read_ahead_is_not_kept_once_an_account_arrives() {
    let t = TestDeck::new(true).await;
    let snapshot = t.deck.accounts.snapshot().unwrap();
    assert!(snapshot.records.is_empty());
    let id = t.signed_in().await.id;
    let listed = t.deck.accounts.current(snapshot).unwrap();
    assert_eq!(ids(&listed), vec![id]);
}
