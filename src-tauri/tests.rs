//! Shell tests that need no window: the IPC commands run through Tauri's mock runtime against
//! a real data directory and an in-memory keychain, and the generated TypeScript bindings and
//! the capability are checked against the Rust definitions.

use std::sync::{Arc, Mutex};

use authdeck_core::{AccessToken, Deck, Home, KeychainValue, MemoryStore, SecretStore};
use serde_json::{Value, json};
use tauri::WebviewWindowBuilder;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{
    INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context, noop_assets,
};
use tauri::webview::InvokeRequest;

use crate::commands::COMMANDS;
use crate::events::AppEvent;
use crate::shell::{Clipboard, Host, Shell, ShellConfig};

#[derive(Default)]
struct TestHost {
    events: Mutex<Vec<String>>,
    clipboard: TestClipboard,
    /// Notices shown: (account id, summary, body).
    notices: Mutex<Vec<(String, String, String)>>,
    /// How many accounts needed attention, at each tray update.
    tray: Mutex<Vec<usize>>,
    focused: std::sync::atomic::AtomicBool,
}

#[derive(Default)]
struct TestClipboard(Mutex<Option<String>>);

impl Clipboard for TestClipboard {
    fn put_secret(&self, text: &AccessToken) -> Result<(), String> {
        *self.0.lock().unwrap() = Some(text.expose().to_string());
        Ok(())
    }
    fn read_text(&self) -> Option<String> {
        self.0.lock().unwrap().clone()
    }
    fn clear(&self) -> Result<(), String> {
        *self.0.lock().unwrap() = None;
        Ok(())
    }
}

impl Host for TestHost {
    fn emit(&self, event: AppEvent) {
        self.events.lock().unwrap().push(format!("{event:?}"));
    }
    fn open_browser(&self, _url: &str) -> Result<(), String> {
        Err("no browser in tests".into())
    }
    fn focus_window(&self) {}
    fn clipboard(&self) -> &dyn Clipboard {
        &self.clipboard
    }
    fn notify(&self, notice: &authdeck_core::Notice) {
        let shown = (notice.account_id.clone(), notice.summary.clone(), notice.body.clone());
        self.notices.lock().unwrap().push(shown);
    }
    fn show_state(&self, accounts: &[authdeck_core::AccountView]) {
        self.tray.lock().unwrap().push(authdeck_core::attention(accounts).count);
    }
    fn window_focused(&self) -> bool {
        self.focused.load(std::sync::atomic::Ordering::SeqCst)
    }
}

struct App {
    _dir: tempfile::TempDir,
    _app: tauri::App<MockRuntime>,
    webview: tauri::WebviewWindow<MockRuntime>,
    host: Arc<TestHost>,
    home: Home,
    store: Arc<MemoryStore>,
}

fn app() -> App {
    app_with(ShellConfig::default())
}

fn app_with(config: ShellConfig) -> App {
    let dir = tempfile::tempdir().unwrap();
    let home = Home::open(dir.path()).unwrap();
    let store = Arc::new(MemoryStore::default());
    let deck = Deck::with_store(home.clone(), store.clone());
    let host = Arc::new(TestHost::default());
    let shell = Shell::with_config(deck, host.clone(), config);
    let builder = crate::specta_builder::<MockRuntime>();
    let app = mock_builder()
        .manage(shell)
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            Ok(())
        })
        .build(mock_context(noop_assets()))
        .unwrap();
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    App { _dir: dir, _app: app, webview, host, home, store }
}

fn invoke(app: &App, cmd: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(&app.webview, request).map(|body| body.deserialize::<Value>().unwrap())
}

#[test]
fn commands_run_without_a_window() {
    let app = app();
    assert_eq!(invoke(&app, "list_accounts", json!({})).unwrap(), json!([]));
    let presets = invoke(&app, "list_presets", json!({})).unwrap();
    assert_eq!(presets.as_array().unwrap().len(), 6);
    let x = presets.as_array().unwrap().iter().find(|p| p["id"] == "x").unwrap();
    assert_eq!(x["label"], "X");
    assert_eq!(x["redirect_uri"], "http://127.0.0.1:8734/callback");
    assert_eq!(presets[0]["access"][1], "Your email address");
    let access =
        invoke(&app, "describe_access", json!({ "scopes": ["email", "admin:org"] })).unwrap();
    assert_eq!(
        access,
        json!([
            { "scope": "email", "words": "Your email address", "known": true },
            { "scope": "admin:org", "words": "Other access: admin:org", "known": false },
        ])
    );

    let input = json!({
        "name": "demo",
        "label": "Local demo provider",
        "issuer": "http://127.0.0.1:9",
        "client_id": "authdeck",
    });
    let added =
        invoke(&app, "add_provider", json!({ "input": input, "clientSecret": null })).unwrap();
    assert_eq!(added["label"], "Local demo provider");
    assert_eq!(added["redirect_uri"], "dev.authdeck.app:/oauth/callback");
    let providers = invoke(&app, "list_providers", json!({})).unwrap();
    assert_eq!(providers[0]["name"], "demo");
    assert!(app.host.events.lock().unwrap().iter().any(|e| e.contains("AccountsChanged")));

    // Errors cross as {kind, message}, with a plain sentence.
    let error = invoke(&app, "account_details", json!({ "id": "nobody" })).unwrap_err();
    assert_eq!(error["kind"], "not_found");
    assert_eq!(error["message"], "There is no connected account \"nobody\".");
    let error = invoke(
        &app,
        "submit_callback",
        json!({ "url": "dev.authdeck.app:/oauth/callback?code=x&state=forged" }),
    )
    .unwrap_err();
    assert_eq!(error["kind"], "invalid_callback");
    let insecure = json!({ "name": "bad", "issuer": "http://example.com", "client_id": "c" });
    let error = invoke(&app, "add_provider", json!({ "input": insecure, "clientSecret": null }))
        .unwrap_err();
    assert!(error["message"].as_str().unwrap().contains("http://"), "{error}");

    let status = invoke(&app, "app_status", json!({})).unwrap();
    assert_eq!(status["keychain_available"], true);
}

#[test]
fn bindings_are_fresh() {
    let generated =
        std::env::temp_dir().join(format!("authdeck-bindings-{}.ts", std::process::id()));
    crate::specta_builder::<tauri::Wry>()
        .export(specta_typescript::Typescript::default().header("// Generated from the Rust IPC definitions by `cargo test -p authdeck-app bindings` (UPDATE_BINDINGS=1). Do not edit."), &generated)
        .unwrap();
    let generated_text = std::fs::read_to_string(&generated).unwrap();
    let _ = std::fs::remove_file(&generated);
    let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/bindings.ts");
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&committed, &generated_text).unwrap();
    }
    let committed_text = std::fs::read_to_string(&committed).unwrap_or_default();
    assert!(
        committed_text == generated_text,
        "ui/src/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p authdeck-app bindings`"
    );
    for command in COMMANDS {
        assert!(
            generated_text.contains(&format!("\"{command}\"")),
            "{command} missing from bindings"
        );
    }
}

#[test]
fn capability_grants_exactly_our_commands() {
    let config: Value = serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
    let capability = &config["app"]["security"]["capabilities"][0];
    let granted: Vec<&str> =
        capability["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    let mut expected: Vec<String> =
        COMMANDS.iter().map(|c| format!("allow-{}", c.replace('_', "-"))).collect();
    expected.extend(["core:event:allow-listen".into(), "core:event:allow-unlisten".into()]);
    let mut granted_sorted: Vec<String> = granted.iter().map(|s| s.to_string()).collect();
    granted_sorted.sort();
    expected.sort();
    assert_eq!(granted_sorted, expected);
    let csp = config["app"]["security"]["csp"].to_string();
    assert!(!csp.contains("unsafe-eval") && !csp.contains("unsafe-inline"), "{csp}");
}

/// A connected account with a valid access token, written as the core stores it.
fn connected_account(app: &App, token: &str) -> String {
    let in_an_hour = chrono::Utc::now() + chrono::TimeDelta::hours(1);
    seed_account(app, "demo-0123456789", Some(in_an_hour), false, token)
}

/// An account record and its token set, as the core stores them.
fn seed_account(
    app: &App,
    id: &str,
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
    needs_reconnect: bool,
    token: &str,
) -> String {
    let now = chrono::Utc::now();
    let record = json!({
        "id": id,
        "provider": "demo",
        "provider_label": "Local demo provider",
        "subject": id,
        "email": format!("{id}@example.com"),
        "scopes": ["openid"],
        "token_type": "Bearer",
        "issued_at": now,
        "expires_at": expires_at,
        "has_refresh_token": false,
        "needs_reconnect": needs_reconnect,
        "connected_at": now,
        "client": { "client_id": "authdeck" },
        "metadata": {
            "issuer": "http://127.0.0.1:9",
            "authorization_endpoint": "http://127.0.0.1:9/auth",
            "token_endpoint": "http://127.0.0.1:9/token",
        },
    });
    let path = app.home.accounts_dir().join(format!("{id}.json"));
    std::fs::write(path, record.to_string()).unwrap();
    let tokens = json!({ "v": 1, "access_token": token, "refresh_token": null, "id_token": null });
    app.store.set(&format!("account/{id}"), &KeychainValue::new(tokens.to_string())).unwrap();
    id.to_string()
}

#[test]
fn accounts_arrive_most_urgent_first_the_one_sort_the_window_keeps() {
    let app = app();
    let at = |secs: i64| Some(chrono::Utc::now() + chrono::TimeDelta::seconds(secs));
    let two_hours = at(7200);
    seed_account(&app, "later", two_hours, false, "t");
    seed_account(&app, "unknown", None, false, "t");
    seed_account(&app, "expired", at(-60), false, "t");
    seed_account(&app, "reconnect", at(9000), true, "t");
    seed_account(&app, "soon", at(120), false, "t");
    seed_account(&app, "b-tie", two_hours, false, "t");
    let listed = invoke(&app, "list_accounts", json!({})).unwrap();
    let ids: Vec<&str> =
        listed.as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
    // Reconnect first, then the soonest expiry (expired ones first), unknown expiry last; a
    // tie by id.
    assert_eq!(ids, ["reconnect", "expired", "soon", "b-tie", "later", "unknown"]);
}

#[test]
fn the_list_read_ahead_at_start_shows_what_changed_while_the_window_started() {
    use tauri::Manager;
    let app = app();
    seed_account(&app, "first", None, false, "t");
    app._app.state::<Shell>().read_accounts_ahead();
    seed_account(&app, "second", None, false, "t");
    for _ in 0..2 {
        let listed = invoke(&app, "list_accounts", json!({})).unwrap();
        let mut ids: Vec<&str> =
            listed.as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
        ids.sort();
        assert_eq!(ids, ["first", "second"]);
    }
}

#[test]
fn reveal_needs_the_fresh_grant_of_a_click() {
    let app = app();
    let id = connected_account(&app, "at-secret-1");
    let refused = |result: Result<Value, Value>| {
        let error = result.unwrap_err();
        assert_eq!(error["message"], crate::shell::REVEAL_REFUSED, "{error}");
        assert!(!error.to_string().contains("at-secret-1"), "{error}");
    };
    // No grant at all (a script calling the command directly), and a missing nonce.
    refused(invoke(&app, "reveal_token", json!({ "id": id, "nonce": "" })));
    assert!(invoke(&app, "reveal_token", json!({ "id": id })).is_err());
    // The grant of a click works once, for its account only.
    let grant = invoke(&app, "begin_reveal", json!({ "id": id })).unwrap();
    assert_eq!(grant["expires_in_seconds"], crate::shell::REVEAL_GRANT_SECONDS);
    let nonce = grant["nonce"].as_str().unwrap().to_string();
    let token = invoke(&app, "reveal_token", json!({ "id": id, "nonce": nonce })).unwrap();
    assert_eq!(token, "at-secret-1");
    refused(invoke(&app, "reveal_token", json!({ "id": id, "nonce": nonce })));
    // A guessed nonce is refused and spends the outstanding grant.
    let grant = invoke(&app, "begin_reveal", json!({ "id": id })).unwrap();
    refused(invoke(&app, "reveal_token", json!({ "id": id, "nonce": "00" })));
    refused(invoke(&app, "reveal_token", json!({ "id": id, "nonce": grant["nonce"] })));
}

#[test]
fn an_expired_reveal_grant_is_refused() {
    let app = app_with(ShellConfig { reveal_grant: std::time::Duration::from_millis(50) });
    let id = connected_account(&app, "at-secret-2");
    let grant = invoke(&app, "begin_reveal", json!({ "id": id })).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(120));
    let error =
        invoke(&app, "reveal_token", json!({ "id": id, "nonce": grant["nonce"] })).unwrap_err();
    assert_eq!(error["message"], crate::shell::REVEAL_REFUSED);
}

#[test]
fn the_window_cannot_name_an_environment_variable_as_a_client_secret() {
    let app = app();
    let input = json!({
        "name": "evil",
        "issuer": "http://127.0.0.1:9",
        "client_id": "c",
        "client_secret_env": "AWS_SECRET_ACCESS_KEY",
    });
    let error =
        invoke(&app, "add_provider", json!({ "input": input, "clientSecret": null })).unwrap_err();
    assert_eq!(error["message"], crate::shell::ENV_SECRET_REFUSED);
    assert_eq!(invoke(&app, "list_providers", json!({})).unwrap(), json!([]));
}

#[test]
fn sign_in_with_a_code_is_refused_in_one_sentence_where_it_is_not_offered() {
    let app = app();
    let input = json!({
        "name": "byhand",
        "label": "By hand",
        "endpoints": { "authorization": "http://127.0.0.1:9/auth", "token": "http://127.0.0.1:9/token" },
        "client_id": "c",
    });
    let added =
        invoke(&app, "add_provider", json!({ "input": input, "clientSecret": null })).unwrap();
    assert_eq!(added["device_sign_in"], false);
    let error = invoke(&app, "start_device_login", json!({ "provider": "byhand" })).unwrap_err();
    assert_eq!(error["kind"], "other");
    assert_eq!(
        error["message"],
        "By hand does not offer sign-in with a code. Sign in with the browser instead."
    );
    // Nothing is left waiting: no pending sign-in was recorded.
    let pending = app.home.pending_dir();
    assert!(std::fs::read_dir(&pending).map(|mut d| d.next().is_none()).unwrap_or(true));
}

#[test]
fn arguments_that_are_paths_are_refused_and_touch_no_file() {
    let app = app();
    let input = json!({ "name": "demo", "issuer": "http://127.0.0.1:9", "client_id": "c" });
    invoke(&app, "add_provider", json!({ "input": input, "clientSecret": null })).unwrap();
    let providers = app._dir.path().join("providers.json");
    let before = std::fs::read(&providers).unwrap();
    let outside = app._dir.path().join("providers");
    for evil in ["../providers", outside.to_str().unwrap()] {
        for (cmd, args) in [
            ("cancel_login", json!({ "handle": evil })),
            ("reopen_login", json!({ "handle": evil })),
            ("account_details", json!({ "id": evil })),
            ("disconnect_account", json!({ "id": evil })),
            ("set_auto_refresh", json!({ "id": evil, "on": true })),
            ("copy_token", json!({ "id": evil })),
            ("reveal_token", json!({ "id": evil })),
            ("reconnect_account", json!({ "id": evil })),
            ("remove_provider", json!({ "name": evil })),
            ("start_login", json!({ "provider": evil })),
        ] {
            assert!(invoke(&app, cmd, args).is_err(), "{cmd}({evil}) was accepted");
        }
    }
    assert_eq!(std::fs::read(&providers).unwrap(), before, "providers.json changed");
    let names: Vec<String> = std::fs::read_dir(app._dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names.iter().any(|n| n.starts_with("providers.") && n != "providers.json"),
        "{names:?}"
    );
    let listed = invoke(&app, "list_providers", json!({})).unwrap();
    assert_eq!(listed[0]["name"], "demo");
}

#[test]
fn a_provider_link_or_file_is_only_offered_until_add_and_connect() {
    use tauri::Manager;
    let app = app();
    let shell = app._app.state::<Shell>().inner().clone();
    let file = authdeck_core::ProviderFile::parse(
        json!({
            "version": 1, "label": "Work", "issuer": "http://127.0.0.1:9", "client_id": "c",
            "scopes": ["openid", "email"], "redirect_uri": "dev.authdeck.app:/oauth/callback",
        })
        .to_string()
        .as_bytes(),
    )
    .unwrap();
    let offered = || -> Value {
        let offer = invoke(&app, "provider_offer", json!({})).unwrap();
        assert!(offer["error"].is_null(), "{offer}");
        offer["offer"].clone()
    };

    // A link: offered, nothing added; Cancel keeps it that way.
    tauri::async_runtime::block_on(shell.handle_link(&file.to_link()));
    let offer = offered();
    assert_eq!(offer["label"], "Work");
    assert_eq!(offer["host"], "127.0.0.1");
    assert_eq!(offer["scopes"], json!(["openid", "email"]));
    assert_eq!(offer["access"], json!(["Know who you are", "Your email address"]));
    assert!(app.host.events.lock().unwrap().iter().any(|e| e.contains("ProviderOffered")));
    assert_eq!(invoke(&app, "list_providers", json!({})).unwrap(), json!([]));
    invoke(&app, "decline_provider_offer", json!({ "id": offer["id"] })).unwrap();
    assert!(invoke(&app, "accept_provider_offer", json!({ "id": offer["id"] })).is_err());
    assert_eq!(invoke(&app, "list_providers", json!({})).unwrap(), json!([]));

    // A file opened from the file manager (a path or a file:// address): Add and connect adds
    // it and starts the sign-in (which cannot reach 127.0.0.1:9 here).
    let path = app._dir.path().join("work.authdeck.json");
    std::fs::write(&path, file.to_json()).unwrap();
    let address = url::Url::from_file_path(&path).unwrap().to_string();
    for arg in [path.to_str().unwrap(), address.as_str()] {
        assert!(crate::shell::is_offer(arg), "{arg}");
        tauri::async_runtime::block_on(shell.handle_link(arg));
        let again = offered();
        assert_ne!(again["id"], offer["id"]);
    }
    let offer = offered_after(&app, &shell, &file.to_link());
    let _ = invoke(&app, "accept_provider_offer", json!({ "id": offer["id"] }));
    let providers = invoke(&app, "list_providers", json!({})).unwrap();
    assert_eq!(providers[0]["name"], "work");
    assert_eq!(providers[0]["issuer"], "http://127.0.0.1:9");

    // A refused link (damaged): one sentence, no offer, nothing added.
    tauri::async_runtime::block_on(shell.handle_link("dev.authdeck.app:/provider?file=x"));
    let refused = invoke(&app, "provider_offer", json!({})).unwrap();
    assert!(refused["offer"].is_null());
    assert!(refused["error"]["message"].as_str().unwrap().ends_with("nothing was added."));
    assert_eq!(invoke(&app, "list_providers", json!({})).unwrap().as_array().unwrap().len(), 1);
}

/// Offers `link` again (the shell skips a link it handled in the last minute, so this one
/// differs by a harmless padding character) and returns the offer.
fn offered_after(app: &App, shell: &Shell, link: &str) -> Value {
    let padded = format!("{link}=");
    tauri::async_runtime::block_on(shell.handle_link(&padded));
    let offer = invoke(app, "provider_offer", json!({})).unwrap();
    assert!(offer["error"].is_null(), "{offer}");
    offer["offer"].clone()
}

#[test]
#[ignore = "writes the session's autostart folder: run inside tests/session.sh (CI does)"]
fn start_at_login_writes_and_removes_an_autostart_entry_running_hidden() {
    let config = dirs::config_dir().expect("a config folder");
    assert!(
        std::env::var_os("AUTHDECK_TEST_SESSION").is_some(),
        "run inside tests/session.sh, not against {}",
        config.display()
    );
    let app = mock_builder()
        .plugin(crate::autostart::plugin())
        .build(mock_context(noop_assets()))
        .expect("mock app");
    let entries = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(config.join("autostart"))
            .map(|dir| dir.flatten().map(|e| e.path()).collect())
            .unwrap_or_default()
    };
    assert!(!crate::autostart::enabled(app.handle()), "off by default");
    crate::autostart::set(app.handle(), true).unwrap();
    assert!(crate::autostart::enabled(app.handle()));
    let written = entries();
    assert_eq!(written.len(), 1, "{written:?}");
    assert!(written[0].extension().is_some_and(|e| e == "desktop"));
    let text = std::fs::read_to_string(&written[0]).unwrap();
    let exec = text.lines().find(|l| l.starts_with("Exec=")).expect("an Exec line");
    assert!(exec.ends_with(" --hidden"), "{exec}");
    crate::autostart::set(app.handle(), false).unwrap();
    assert!(!crate::autostart::enabled(app.handle()));
    assert!(entries().is_empty());
}

#[test]
fn a_review_with_many_new_concerns_shows_one_notice_that_counts_them() {
    use tauri::Manager;
    let app = app();
    let later = Some(chrono::Utc::now() + chrono::TimeDelta::hours(2));
    for n in 0..40 {
        seed_account(&app, &format!("wiped-{n:02}"), later, true, "t");
    }
    let shell = app._app.state::<Shell>().inner().clone();
    let now = chrono::Utc::now();
    shell.review(&shell.accounts_at(now), now);
    let notices = app.host.notices.lock().unwrap().clone();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0].1, "40 of your sign-ins need you");
    assert_eq!(*app.host.tray.lock().unwrap(), [40]);
}

#[test]
fn reviews_show_the_tray_state_and_say_each_new_concern_once_but_not_while_viewed() {
    use tauri::Manager;
    let app = app();
    let later = Some(chrono::Utc::now() + chrono::TimeDelta::hours(2));
    seed_account(&app, "fine", later, false, "t");
    seed_account(&app, "broken", later, true, "t");
    let shell = app._app.state::<Shell>().inner().clone();
    let review = || {
        let now = chrono::Utc::now();
        shell.review(&shell.accounts_at(now), now);
    };
    review();
    review();
    let notices = app.host.notices.lock().unwrap().clone();
    assert_eq!(notices.len(), 1, "{notices:?}");
    let (id, summary, body) = &notices[0];
    assert_eq!(id, "broken");
    assert!(summary.contains("Local demo provider") && body.contains("broken@example.com"));
    assert_eq!(*app.host.tray.lock().unwrap(), [1, 1]);

    // The window shows "seen" and has the focus: no notice about it, but about the others.
    app.host.focused.store(true, std::sync::atomic::Ordering::SeqCst);
    invoke(&app, "viewing_account", json!({ "id": "seen" })).unwrap();
    seed_account(&app, "seen", later, true, "t");
    seed_account(&app, "other", later, true, "t");
    review();
    let ids: Vec<_> = app.host.notices.lock().unwrap().iter().map(|n| n.0.clone()).collect();
    assert_eq!(ids, ["broken", "other"]);
    assert_eq!(app.host.tray.lock().unwrap().last(), Some(&3));

    // What was said is kept in the data folder: a restarted app says nothing again.
    let host = Arc::new(TestHost::default());
    let again = Shell::new(Deck::with_store(app.home.clone(), app.store.clone()), host.clone());
    let now = chrono::Utc::now();
    again.review(&again.accounts_at(now), now);
    assert!(host.notices.lock().unwrap().is_empty());
    assert_eq!(*host.tray.lock().unwrap(), [3]);
}
