//! The cache's rule, and refreshes that use it, against the scripted provider.

use chrono::Duration;
use serde_json::json;

use super::*;
use crate::testing::{Reply, TestDeck};

fn refresh_answer(access: &str, refresh: &str) -> Reply {
    Reply::json(
        200,
        json!({"access_token": access, "refresh_token": refresh, "token_type": "bearer",
               "expires_in": 3600}),
    )
}

async fn cached_deck() -> (TestDeck, String) {
    let t = TestDeck::with_config(true, |c| c.cache_tokens = true).await;
    let id = t.signed_in().await.id;
    (t, id)
}

fn sent_refresh_token(t: &TestDeck) -> String {
    let sent = t.provider.requests_to("/token");
    sent.last().unwrap().form["refresh_token"].clone()
}

#[tokio::test]
async fn the_rule_takes_the_cache_only_for_the_same_unmarked_state() {
    let (t, id) = cached_deck().await;
    let account = t.deck.account_record(&id).unwrap();
    let stamp = Stamp::of(&account);
    assert_eq!(source(Some(stamp), &account), Source::Cache);
    assert_eq!(source(None, &account), Source::Keychain);
    // Another writer's generation, or one that is marked (it may have died after its keychain
    // write), or the same generation of another sign-in: read.
    let newer = AccountRecord { generation: account.generation + 1, ..account.clone() };
    assert_eq!(source(Some(stamp), &newer), Source::Keychain);
    let marked =
        AccountRecord { writing_generation: Some(account.generation + 1), ..account.clone() };
    assert_eq!(source(Some(stamp), &marked), Source::Keychain);
    let again = AccountRecord {
        connected_at: account.connected_at + Duration::seconds(1),
        ..account.clone()
    };
    assert_eq!(source(Some(stamp), &again), Source::Keychain);
    let reissued = AccountRecord { issued_at: account.issued_at + Duration::seconds(1), ..account };
    assert_eq!(source(Some(stamp), &reissued), Source::Keychain);
}

#[tokio::test]
async fn a_warm_refresh_reads_no_keychain_and_writes_once() {
    let (t, id) = cached_deck().await;
    t.provider.reply(refresh_answer("at-1", "rt-1"));
    t.deck.refresh(&id).await.unwrap();
    let (reads, writes) = t.store.counts();
    t.provider.reply(refresh_answer("at-2", "rt-2"));
    t.deck.refresh(&id).await.unwrap();
    assert_eq!(t.store.counts(), (reads, writes + 1), "(reads, writes)");
    assert_eq!(sent_refresh_token(&t), "rt-1");
    // The hand-out is served from the cache too.
    assert_eq!(t.deck.access_token(&id).await.unwrap().expose(), "at-2");
    assert_eq!(t.store.counts().0, reads);
    let on_disk = t.deck.account_record(&id).unwrap();
    assert_eq!(on_disk.writing_generation, None);
}

#[tokio::test]
async fn without_the_cache_every_refresh_reads() {
    let t = TestDeck::new(true).await;
    let id = t.signed_in().await.id;
    for n in 1..=2 {
        let (reads, _) = t.store.counts();
        t.provider.reply(refresh_answer(&format!("at-{n}"), &format!("rt-{n}")));
        t.deck.refresh(&id).await.unwrap();
        assert_eq!(t.store.counts().0, reads + 1);
    }
    assert_eq!(t.deck.token_cache.len(), 0);
}

#[tokio::test]
async fn another_writer_since_makes_the_next_refresh_read_and_not_replay() {
    let (t, id) = cached_deck().await;
    t.provider.reply(refresh_answer("at-1", "rt-1"));
    t.deck.refresh(&id).await.unwrap();
    // Another process (no cache, same files and keychain) refreshes meanwhile.
    let other = t.other_process();
    t.provider.reply(refresh_answer("at-2", "rt-2"));
    other.refresh(&id).await.unwrap();
    let (reads, _) = t.store.counts();
    t.provider.reply(refresh_answer("at-3", "rt-3"));
    t.deck.refresh(&id).await.unwrap();
    assert_eq!(sent_refresh_token(&t), "rt-2", "the cached rt-1 was replayed");
    assert_eq!(t.store.counts().0, reads + 1);
}

#[tokio::test]
async fn a_writer_that_died_after_its_keychain_write_is_never_taken_for_no_change() {
    let (t, id) = cached_deck().await;
    t.provider.reply(refresh_answer("at-1", "rt-1"));
    t.deck.refresh(&id).await.unwrap();
    // What a writer that died between its keychain write and its metadata leaves behind: the
    // marker, the old generation, new tokens in the keychain.
    let mut on_disk = t.deck.account_record(&id).unwrap();
    on_disk.writing_generation = Some(on_disk.generation + 1);
    t.deck.accounts.save(&on_disk).unwrap();
    let written = crate::token_set::TokenSet {
        access_token: crate::secret::AccessToken::new("at-x"),
        refresh_token: Some(crate::secret::RefreshToken::new("rt-x")),
        id_token: None,
    };
    t.deck.keychain.set(&TokenSet::key(&id), written.to_keychain()).await.unwrap();
    // A hand-out reads the keychain and keeps nothing while the marker stands.
    assert_eq!(t.deck.access_token(&id).await.unwrap().expose(), "at-x");
    let (reads, _) = t.store.counts();
    t.provider.reply(refresh_answer("at-2", "rt-2"));
    t.deck.refresh(&id).await.unwrap();
    assert_eq!(sent_refresh_token(&t), "rt-x");
    assert_eq!(t.store.counts().0, reads + 1);
    // The refresh settled the marker with a generation above both.
    let settled = t.deck.account_record(&id).unwrap();
    assert_eq!((settled.writing_generation, settled.generation), (None, on_disk.generation + 2));
    // And the next refresh is warm again.
    t.provider.reply(refresh_answer("at-3", "rt-3"));
    t.deck.refresh(&id).await.unwrap();
    assert_eq!((sent_refresh_token(&t), t.store.counts().0), ("rt-2".into(), reads + 1));
}

#[tokio::test]
async fn a_failed_keychain_write_leaves_the_marker_and_drops_the_cached_set() {
    let (t, id) = cached_deck().await;
    t.provider.reply(refresh_answer("at-1", "rt-1"));
    t.deck.refresh(&id).await.unwrap();
    t.store.fail_writes.store(true, std::sync::atomic::Ordering::SeqCst);
    t.provider.reply(refresh_answer("at-2", "rt-2"));
    assert!(t.deck.refresh(&id).await.is_err());
    let on_disk = t.deck.account_record(&id).unwrap();
    assert_eq!(on_disk.writing_generation, Some(on_disk.generation + 1));
    assert_eq!(t.deck.token_cache.len(), 0);
}

#[tokio::test]
async fn disconnecting_forgets_the_cached_set() {
    let (t, id) = cached_deck().await;
    t.provider.reply(refresh_answer("at-1", "rt-1"));
    t.deck.refresh(&id).await.unwrap();
    assert_eq!(t.deck.token_cache.len(), 1);
    t.deck.disconnect(&id).await.unwrap();
    assert_eq!(t.deck.token_cache.len(), 0);
}

#[tokio::test]
async fn a_failed_token_request_clears_the_early_marker_and_keeps_the_cached_set() {
    // The marker goes down while the request is in flight; an answer that stores nothing
    // must not leave it behind, or every later refresh would read the keychain.
    let (t, id) = cached_deck().await;
    t.provider.reply(refresh_answer("at-1", "rt-1"));
    t.deck.refresh(&id).await.unwrap();
    let (reads, writes) = t.store.counts();
    t.provider.reply(Reply::json(503, json!({"error": "temporarily_unavailable"})));
    assert!(t.deck.refresh(&id).await.is_err());
    let on_disk = t.deck.account_record(&id).unwrap();
    assert_eq!(on_disk.writing_generation, None);
    assert_eq!(t.store.counts(), (reads, writes), "(reads, writes)");
    t.provider.reply(refresh_answer("at-2", "rt-2"));
    t.deck.refresh(&id).await.unwrap();
    assert_eq!(t.store.counts(), (reads, writes + 1), "(reads, writes)");
    assert_eq!(sent_refresh_token(&t), "rt-1");
}
