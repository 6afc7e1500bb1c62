//! Making sure `dev.authdeck.app:` links reach this copy of the app, at start-up and off the
//! main thread (the desktop tools it runs take a moment). The decision is the core's
//! ([`authdeck_core::desktop::plan`]); this file carries it out with the deep-link plugin and
//! remembers what it found, for Diagnostics.

use std::sync::Mutex;

use authdeck_core::desktop::{self, Handler, Install, Plan};
use tauri::{AppHandle, Runtime};
use tauri_plugin_deep_link::DeepLinkExt;

/// What start-up found and did, shown in Diagnostics.
#[derive(Debug, Clone, serde::Serialize, specta::Type)]
pub struct SchemeReport {
    pub install: Install,
    /// The entry that handles the links after start-up.
    pub handler: Option<Handler>,
    /// A plain sentence when the links may not come back to this copy.
    pub note: Option<String>,
}

static REPORT: Mutex<Option<SchemeReport>> = Mutex::new(None);

/// The last report, if start-up has finished checking.
pub fn report() -> Option<SchemeReport> {
    REPORT.lock().expect("scheme report").clone()
}

/// Checks (and where needed repairs) the link handler in the background, then runs `then`.
pub fn ensure_in_background<R: Runtime>(app: &AppHandle<R>, then: impl FnOnce() + Send + 'static) {
    let app = app.clone();
    std::thread::spawn(move || {
        let report = ensure(&app);
        if let Some(note) = &report.note {
            tracing::warn!(note, "deep-link handler");
        }
        *REPORT.lock().expect("scheme report") = Some(report);
        then();
    });
}

fn ensure<R: Runtime>(app: &AppHandle<R>) -> SchemeReport {
    let install = Install::current();
    let exe = std::env::current_exe().unwrap_or_default();
    let before = Handler::query();
    let note = match desktop::plan(install, &exe, before.as_ref()) {
        Plan::Keep => None,
        Plan::Register => app
            .deep_link()
            .register_all()
            .err()
            .map(|e| format!("AuthDeck could not register itself for sign-in links ({e}).")),
        Plan::Reclaim { stale } => desktop::reclaim(stale.as_deref()).err().map(|e| {
            format!("AuthDeck could not make itself the handler of its sign-in links ({e}).")
        }),
        Plan::Foreign { entry } => Some(format!(
            "Sign-in links are set to open with {entry}, not AuthDeck, so AuthDeck uses its \
             loopback address for sign-ins."
        )),
    };
    SchemeReport { install, handler: Handler::query(), note }
}
