//! The main window, made when it is wanted and dropped when it is closed: with no window
//! (`--hidden`, or after closing it with a tray) AuthDeck keeps no WebKit process busy.
//! [`open`] shows it (making it first when needed), optionally on one account; the UI reads
//! that account from its address at start, or from a [`ShowAccount`] event when it is open.

use tauri::{AppHandle, Manager, WebviewUrl, WebviewWindow, WebviewWindowBuilder, Wry};
use tauri_specta::Event;

use crate::events::ShowAccount;
use crate::page_start::PageStart;

/// An account to show in the window, and whether to start its reconnect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Focus {
    pub account_id: String,
    /// Start "Reconnect" (a notification's action); otherwise only focus its button.
    pub reconnect: bool,
}

/// The window's label.
pub const MAIN: &str = "main";

/// Builds the main window at `index.html`, with `focus` in its address, handing its page the
/// desktop's font (see [`crate::page_start`]). On the main thread.
fn build(app: &AppHandle<Wry>, focus: Option<&Focus>) -> tauri::Result<WebviewWindow<Wry>> {
    let mut page = "index.html".to_string();
    if let Some(focus) = focus {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("account", &focus.account_id)
            .append_pair("reconnect", if focus.reconnect { "1" } else { "0" })
            .finish();
        page = format!("{page}?{query}");
    }
    let mut builder = WebviewWindowBuilder::new(app, MAIN, WebviewUrl::App(page.into()));
    if let Some(script) = PageStart::of_desktop().script() {
        builder = builder.initialization_script(script);
    }
    let window = builder
        .title("AuthDeck")
        .inner_size(980.0, 700.0)
        .min_inner_size(640.0, 480.0)
        // Only the app's own pages: no remote content, no navigation away.
        .on_navigation(|url| {
            matches!(url.scheme(), "tauri") || url.host_str() == Some("tauri.localhost")
        })
        .on_new_window(|_, _| tauri::webview::NewWindowResponse::Deny)
        .build()?;
    crate::rendering::tune(&window);
    Ok(window)
}

/// Makes the main window at start (no account to show).
pub fn create(app: &AppHandle<Wry>) -> tauri::Result<()> {
    build(app, None).map(|_| ())
}

/// Shows the main window in front, on `focus` when given; makes it when there is none.
pub fn open(app: &AppHandle<Wry>, focus: Option<Focus>) {
    if let Some(window) = app.get_webview_window(MAIN) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
        if let Some(focus) = focus {
            let event = ShowAccount { account_id: focus.account_id, reconnect: focus.reconnect };
            if let Err(e) = event.emit(app) {
                tracing::warn!(error = %e, "could not show the account in the window");
            }
        }
        return;
    }
    // Windows are made on the main thread.
    let handle = app.clone();
    let made = app.run_on_main_thread(move || {
        if let Err(e) = build(&handle, focus.as_ref()) {
            tracing::warn!(error = %e, "could not open the window");
        }
    });
    if let Err(e) = made {
        tracing::warn!(error = %e, "could not open the window");
    }
}

/// Whether the main window is open, shown and focused.
pub fn focused(app: &AppHandle<Wry>) -> bool {
    app.get_webview_window(MAIN)
        .is_some_and(|w| w.is_visible().unwrap_or(false) && w.is_focused().unwrap_or(false))
}
