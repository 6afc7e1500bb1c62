//! Tests of the core against the real OpenID provider (tests/provider, oidc-provider on
//! loopback, with refresh-token rotation and reuse detection on). They need Node.js and the
//! fixture's packages, so they are ignored by a bare `cargo test`; `scripts/test.sh` runs them
//! with `--include-ignored`.

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use authdeck_core::internals::discovery;
use authdeck_core::internals::http::Http;
use authdeck_core::internals::id_token::{self, Audience, Expect, Identity, KeyCache};
use authdeck_core::internals::token_set::TokenSet;
use authdeck_core::{Deck, Error, Home, IdToken, MemoryStore, Nonce, ProviderInput, SecretStore};
use chrono::Utc;
use serde_json::Value;

mod support;
use support::{Provider, provider};

fn control(provider: &Provider, method: &str, path: &str) -> Value {
    let url = format!("{}{path}", provider.control.as_ref().unwrap());
    let out = Command::new("curl").args(["-s", "-X", method, &url]).output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

fn token_requests(provider: &Provider) -> u64 {
    control(provider, "GET", "/counts").get("/token").and_then(Value::as_u64).unwrap_or(0)
}

struct Setup {
    _dir: tempfile::TempDir,
    deck: Deck,
    store: Arc<MemoryStore>,
    account: String,
}

async fn connect(issuer: &str) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::default());
    let deck = Deck::with_store(Home::open(dir.path()).unwrap(), store.clone());
    let account = support::connect_alice(&deck, issuer).await;
    assert_eq!(account.email.as_deref(), Some("alice@example.test"));
    assert!(account.has_refresh_token);
    Setup { _dir: dir, deck, store, account: account.id }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs node and tests/provider; run by scripts/test.sh"]
async fn twenty_concurrent_refreshes_send_one_request_and_keep_the_grant() {
    let op = provider(&["--proxy"]);
    let setup = connect(&op.issuer).await;
    control(&op, "POST", "/counts/reset");

    // Tasks on the shared runtime...
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let deck = setup.deck.clone();
            let id = setup.account.clone();
            tokio::spawn(async move { deck.refresh(&id).await.map(|a| a.id) })
        })
        .collect();
    // ...and plain threads, each with its own runtime.
    let threads: Vec<_> = (0..10)
        .map(|_| {
            let deck = setup.deck.clone();
            let id = setup.account.clone();
            std::thread::spawn(move || {
                let rt =
                    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(deck.refresh(&id)).map(|a| a.id)
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().expect("every concurrent refresh succeeds");
    }
    for thread in threads {
        thread.join().unwrap().expect("every concurrent refresh succeeds");
    }
    let sent = token_requests(&op);
    assert!((1..=20).contains(&sent), "{sent} token requests");
    // Waiters that saw another refresh finish used its result instead of refreshing again.
    assert!(sent < 20, "single-flight coalesced some refreshes ({sent} requests for 20 calls)");
    // The grant is intact: no rotated refresh token was replayed.
    setup.deck.refresh(&setup.account).await.expect("the account is still usable");
    assert!(setup.deck.access_token(&setup.account).await.is_ok());
}

#[tokio::test]
#[ignore = "needs node and tests/provider; run by scripts/test.sh"]
async fn a_failed_keychain_write_keeps_the_renewed_set_in_memory_and_the_files_alone() {
    let op = provider(&[]);
    let setup = connect(&op.issuer).await;
    let before = setup.deck.account_record(&setup.account).unwrap();
    let stored_before = setup.store.get(&TokenSet::key(&setup.account)).unwrap();
    setup.store.fail_writes.store(true, Ordering::SeqCst);
    let error = setup.deck.refresh(&setup.account).await.unwrap_err();
    assert!(matches!(error, Error::UnsavedSignIn), "{error:?}");
    assert_eq!(error.to_string(), "Unlock your keychain to save the renewed sign-in.");
    let after = setup.deck.account_record(&setup.account).unwrap();
    // Only the marker of the write that did not land (readers must read the keychain).
    assert_eq!(after.writing_generation, Some(before.generation + 1));
    let after = authdeck_core::AccountRecord { writing_generation: None, ..after };
    assert_eq!(after, before, "metadata on disk untouched");
    assert_eq!(setup.store.get(&TokenSet::key(&setup.account)).unwrap(), stored_before);
    // The rotated set lives on in this process and is written once the keychain takes it.
    setup.store.fail_writes.store(false, Ordering::SeqCst);
    assert_eq!(setup.deck.save_unsaved().await, 0);
    setup.deck.refresh(&setup.account).await.expect("the grant survived");
}

#[tokio::test]
#[ignore = "needs node and tests/provider; run by scripts/test.sh"]
async fn id_tokens_are_checked_for_nonce_audience_signature_and_identity() {
    let op = provider(&[]);
    let setup = connect(&op.issuer).await;
    let record = setup.deck.account_record(&setup.account).unwrap();
    let tokens =
        TokenSet::from_keychain(&setup.store.get(&TokenSet::key(&setup.account)).unwrap().unwrap())
            .unwrap();
    let raw = tokens.id_token.unwrap();
    let http = Http::new();
    let keys = KeyCache::default();
    let audience =
        Audience { metadata: &record.metadata, client_id: "authdeck", tenant_template: false };
    let identity = record.identity.clone().unwrap();
    let now = Utc::now();

    // The token is good as a refreshed token for the same user (no nonce needed).
    let ok = id_token::verify(
        &http,
        &keys,
        audience,
        &raw,
        Expect::Refresh { previous: &identity },
        now,
    )
    .await
    .unwrap();
    assert_eq!(ok.subject, "alice");

    let wrong_nonce = Nonce::new("not-the-nonce");
    let error = check(&http, &keys, audience, &raw, Expect::SignIn { nonce: &wrong_nonce }).await;
    assert!(error.to_string().contains("does not belong to this sign-in"), "{error}");

    let other_app = Audience { client_id: "someone-else", ..audience };
    let error = check(&http, &keys, other_app, &raw, Expect::Refresh { previous: &identity }).await;
    assert!(error.to_string().contains("another app"), "{error}");

    let bob = Identity { subject: "bob".into(), ..identity.clone() };
    let error = check(&http, &keys, audience, &raw, Expect::Refresh { previous: &bob }).await;
    assert!(error.to_string().contains("different user"), "{error}");

    let mut parts: Vec<String> = raw.expose().split('.').map(String::from).collect();
    let payload = parts[1].replace('A', "B");
    parts[1] = payload;
    let tampered = IdToken::new(parts.join("."));
    let error =
        check(&http, &keys, audience, &tampered, Expect::Refresh { previous: &identity }).await;
    assert!(matches!(error, Error::IdToken(_)), "{error:?}");

    let later = now + chrono::TimeDelta::days(2);
    let error = id_token::verify(
        &http,
        &keys,
        audience,
        &raw,
        Expect::Refresh { previous: &identity },
        later,
    )
    .await
    .unwrap_err();
    assert!(error.to_string().contains("expired"), "{error}");
}

async fn check(
    http: &Http,
    keys: &KeyCache,
    audience: Audience<'_>,
    raw: &IdToken,
    expect: Expect<'_>,
) -> Error {
    id_token::verify(http, keys, audience, raw, expect, Utc::now()).await.unwrap_err()
}

#[tokio::test]
#[ignore = "needs node and tests/provider; run by scripts/test.sh"]
async fn discovery_refuses_an_issuer_mix_up_and_reads_issuers_with_a_path() {
    let op = provider(&["--issuer-path", "/realms/demo"]);
    let http = Http::new();
    let config = |issuer: &str| {
        ProviderInput {
            name: "p".into(),
            issuer: Some(issuer.into()),
            client_id: "authdeck".into(),
            ..Default::default()
        }
        .build()
        .unwrap()
    };
    let metadata = discovery::resolve(&http, &config(&op.issuer)).await.unwrap();
    assert_eq!(metadata.issuer.as_deref(), Some(op.issuer.as_str()));
    assert!(metadata.token_endpoint.starts_with(&op.issuer));
    assert!(metadata.iss_parameter_supported);
    assert!(metadata.revocation_endpoint.is_some());

    // Same server under another spelling (a trailing slash): its metadata names a different
    // issuer. (`localhost` is no longer accepted for http at all.)
    let alias = format!("{}/", op.issuer);
    let error = discovery::resolve(&http, &config(&alias)).await.unwrap_err();
    assert!(error.to_string().contains("says its issuer is"), "{error}");

    let without_path = op.issuer.trim_end_matches("/realms/demo");
    let error = discovery::resolve(&http, &config(without_path)).await.unwrap_err();
    assert!(error.to_string().contains("No OpenID Connect configuration"), "{error}");
}
