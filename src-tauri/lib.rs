//! # AuthDeck desktop app
//!
//! A thin Tauri 2 shell over `authdeck-core`. The web UI (`ui/`) lists accounts and asks for
//! actions through typed IPC commands (`commands/`, bindings generated into
//! `ui/src/bindings.ts`); everything with a secret happens here in Rust. Sign-in answers
//! arriving by deep link are handled in Rust too: the single-instance plugin forwards a second
//! start of the app (which is how the OS delivers a link) to the running window.

pub mod autostart;
pub mod clipboard;
#[macro_use]
pub mod commands;
pub mod error;
pub mod events;
pub mod hand_back;
pub mod notifier;
pub mod page_start;
pub mod refresh_timer;
pub mod rendering;
pub mod scheme;
pub mod shell;
pub mod startup;
pub mod tray;
pub mod watch;
pub mod window;

use std::path::PathBuf;
use std::sync::Arc;

use authdeck_core::{AccountView, AppSettings, Deck, DeckConfig, Notice};
use tauri::{AppHandle, Manager, RunEvent, Runtime, Wry};
use tauri_plugin_deep_link::DeepLinkExt;
use tauri_plugin_opener::OpenerExt;
use tauri_specta::{Event, collect_commands, collect_events};

use crate::clipboard::SystemClipboard;
use crate::events::AppEvent;
use crate::shell::{Clipboard, Host, Shell};

/// The typed IPC surface: every command and event, for the invoke handler and for the
/// TypeScript bindings.
pub fn specta_builder<R: Runtime>() -> tauri_specta::Builder<R> {
    use commands::{accounts::*, background::*, login::*, tokens::*};
    tauri_specta::Builder::<R>::new()
        // IPC is JSON, so every integer reaches JavaScript as a number anyway; the ones that
        // cross (seconds, lengths, JWT claims) are far below 2^53.
        .dangerously_cast_bigints_to_number()
        // One TypeScript type per Rust type (ours serialize and deserialize alike).
        .disable_serde_phases()
        .commands(with_commands!(collect_commands))
        // Rules the window applies between listings, from their one definition in the core.
        .constant("ERROR_KINDS", authdeck_core::ERROR_KINDS)
        .constant("EXPIRING_WITHIN_SECONDS", authdeck_core::EXPIRING_WITHIN_SECONDS)
        .constant("PROVIDER_NAME_MAX_LEN", authdeck_core::PROVIDER_NAME_MAX_LEN)
        .constant("PROVIDER_NAME_PUNCTUATION", authdeck_core::PROVIDER_NAME_PUNCTUATION)
        .constant("STATUS_WORDS", authdeck_core::STATUS_WORDS)
        .constant("PRIMARY_ACTIONS", authdeck_core::PRIMARY_ACTIONS)
        .constant("OFFLINE_SCOPES", authdeck_core::OFFLINE_SCOPES)
        .constant("OTHER_ACCESS", authdeck_core::OTHER_ACCESS)
        .constant("START_GLOBAL", page_start::START_GLOBAL)
        .constant("FONT_NAME_MAX_LEN", page_start::FONT_NAME_MAX_LEN)
        .constant("FONT_NAME_PUNCTUATION", page_start::FONT_NAME_PUNCTUATION)
        .typ::<page_start::PageStart>()
        .events(collect_events![
            events::AccountsChanged,
            events::RefreshState,
            events::LoginFinished,
            events::CallbackHandled,
            events::ClipboardCleared,
            events::LinksChecked,
            events::ProviderOffered,
            events::ShowAccount,
        ])
}

/// Where "Export diagnostics" saves (`$AUTHDECK_EXPORT_DIR`, else Downloads, else home).
pub fn export_dir() -> PathBuf {
    std::env::var_os("AUTHDECK_EXPORT_DIR")
        .map(PathBuf::from)
        .or_else(dirs::download_dir)
        .or_else(dirs::home_dir)
        .unwrap_or_else(std::env::temp_dir)
}

/// The real app's [`Host`]: Tauri events, the opener plugin, the main window, arboard.
struct TauriHost {
    app: AppHandle<Wry>,
    clipboard: SystemClipboard,
}

impl Host for TauriHost {
    fn emit(&self, event: AppEvent) {
        let result = match event {
            AppEvent::AccountsChanged(e) => e.emit(&self.app),
            AppEvent::RefreshState(e) => e.emit(&self.app),
            AppEvent::LoginFinished(e) => e.emit(&self.app),
            AppEvent::CallbackHandled(e) => e.emit(&self.app),
            AppEvent::ClipboardCleared(e) => e.emit(&self.app),
            AppEvent::LinksChecked(e) => e.emit(&self.app),
            AppEvent::ProviderOffered(e) => e.emit(&self.app),
        };
        if let Err(e) = result {
            tracing::warn!(error = %e, "could not send an event to the window");
        }
    }

    fn open_browser(&self, url: &str) -> Result<(), String> {
        self.app.opener().open_url(url, None::<&str>).map_err(|e| e.to_string())
    }

    fn focus_window(&self) {
        window::open(&self.app, None);
    }

    fn clipboard(&self) -> &dyn Clipboard {
        &self.clipboard
    }

    fn notify(&self, notice: &Notice) {
        notifier::show(&self.app, notice);
    }

    fn show_state(&self, accounts: &[AccountView]) {
        if let Some(tray) = self.app.try_state::<tray::Tray>() {
            tray.show(&self.app, accounts);
        }
    }

    fn window_focused(&self) -> bool {
        window::focused(&self.app)
    }

    fn tray_available(&self) -> bool {
        tray::host_present()
    }

    fn start_at_login(&self) -> bool {
        autostart::enabled(&self.app)
    }

    fn set_start_at_login(&self, on: bool) -> Result<(), String> {
        autostart::set(&self.app, on)
    }
}

/// `authdeck-app --hidden`: start in the tray, with no window (checks outside this repository
/// rely on this flag).
pub const HIDDEN_FLAG: &str = "--hidden";

fn hidden_in(args: &[String]) -> bool {
    args.iter().skip(1).any(|a| a == HIDDEN_FLAG)
}

/// The last window closed: keep running in the tray when there is one and the setting says
/// so (telling the user the first time), else quit as before.
fn keep_running_after_close(app: &AppHandle<Wry>) -> bool {
    let shell = app.state::<Shell>();
    let settings = shell.settings();
    if !settings.keep_running_when_closed || !tray::host_present() {
        return false;
    }
    shell.set_viewing(None);
    if !settings.close_notice_shown {
        notifier::tell(
            "AuthDeck is still running",
            "AuthDeck keeps your sign-ins fresh from the tray. To stop it, choose Quit in its \
             tray menu.",
        );
        let shown = AppSettings { close_notice_shown: true, ..settings };
        if let Err(e) = shell.save_settings(&shown) {
            tracing::warn!(error = e.message, "could not save the settings");
        }
    }
    true
}

/// The sign-in answer in a command line, if it is one: the OS starts the app with the URL as
/// its only argument.
fn link_in_args(args: &[String]) -> Option<String> {
    match args {
        [_, url] if url.contains(':') && url.contains("state=") => Some(url.clone()),
        [_, url] if url.starts_with(&format!("{}:", authdeck_core::APP_ID)) => Some(url.clone()),
        // A provider file opened from the file manager (a path, or a file:// address).
        [_, arg] if shell::is_offer(arg) => Some(arg.clone()),
        _ => None,
    }
}

fn handle_link(app: &AppHandle<Wry>, url: String) {
    let shell = app.state::<Shell>().inner().clone();
    if shell.claim_test_link(&url) {
        return;
    }
    tauri::async_runtime::spawn(async move { shell.handle_link(&url).await });
}

/// Starts the desktop app.
pub fn run() {
    if let Ok(filter) = std::env::var("AUTHDECK_LOG").or_else(|_| std::env::var("RUST_LOG")) {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_writer(std::io::stderr)
            .init();
    }
    // A long-lived process: it keeps each account's tokens between refreshes (see DeckConfig).
    let deck = match DeckConfig::from_env().and_then(|c| Deck::open_with(c.long_lived())) {
        Ok(deck) => deck,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let specta = specta_builder::<Wry>();
    let app = tauri::Builder::default()
        // First: a second start of the app (how the OS delivers a deep link) hands its
        // arguments to this one and exits.
        .plugin(tauri_plugin_single_instance::init(|app, args, _cwd| match link_in_args(&args) {
            Some(url) => handle_link(app, url),
            // Starting it again at login while it runs already changes nothing.
            None if hidden_in(&args) => {}
            None => app.state::<Shell>().host_focus(),
        }))
        .plugin(autostart::plugin())
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_opener::init())
        .invoke_handler(specta.invoke_handler())
        .setup(move |app| {
            // A hand-back test link that reached no running window (it quit meanwhile) is
            // never a reason to open one: the check it belonged to has ended.
            if link_in_args(&std::env::args().collect::<Vec<_>>())
                .is_some_and(|u| hand_back::is_test_link(&u))
            {
                std::process::exit(0);
            }
            specta.mount_events(app);
            let host =
                TauriHost { app: app.handle().clone(), clipboard: SystemClipboard::default() };
            let shell = Shell::new(deck, Arc::new(host));
            app.manage(shell.clone());

            if !hidden_in(&std::env::args().collect::<Vec<_>>()) {
                shell.read_accounts_ahead();
                window::create(app.handle())?;
            }
            // Where no tray host runs, the icon waits for one (the panel may start later).
            match tray::build(app.handle()) {
                Ok(tray) => {
                    app.manage(tray);
                }
                Err(e) => tracing::warn!(error = %e, "no tray icon"),
            }

            // Links must reach this copy: a portable copy registers a per-user handler, an
            // installed package takes a stale one back (see `scheme`). Off the main thread,
            // so the window paints meanwhile.
            #[cfg(target_os = "linux")]
            {
                // At first start, once the handler is in place: does a test link come back?
                let shell = shell.clone();
                scheme::ensure_in_background(app.handle(), move || {
                    tauri::async_runtime::spawn(async move { shell.first_run_links_check().await });
                });
            }
            #[cfg(windows)]
            {
                let handle = app.handle().clone();
                std::thread::spawn(move || {
                    if let Err(e) = handle.deep_link().register_all() {
                        tracing::warn!(error = %e, "could not register the deep-link scheme");
                    }
                });
            }
            let handle = app.handle().clone();
            app.deep_link().on_open_url(move |event| {
                for url in event.urls() {
                    handle_link(&handle, url.to_string());
                }
            });
            // A link that started the app: the plugin's view (registered schemes), and the
            // command line itself (any redirect scheme a provider may be configured with).
            // The shell handles each link once.
            for url in app.deep_link().get_current().ok().flatten().unwrap_or_default() {
                handle_link(app.handle(), url.to_string());
            }
            let args: Vec<String> = std::env::args().collect();
            if let Some(url) = link_in_args(&args) {
                handle_link(app.handle(), url);
            }
            tauri::async_runtime::spawn(watch::watch_store(shell.clone()));
            tauri::async_runtime::spawn(refresh_timer::run(shell));
            Ok(())
        })
        .build(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("AuthDeck could not start: {e}");
            std::process::exit(1);
        });
    app.run(|app, event| match event {
        RunEvent::ExitRequested { code: None, api, .. } if keep_running_after_close(app) => {
            api.prevent_exit();
        }
        RunEvent::Exit => app.state::<Shell>().clear_clipboard_on_exit(),
        _ => {}
    });
}

#[cfg(test)]
mod tests;
