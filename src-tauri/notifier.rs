//! Desktop notifications (freedesktop Notifications over the session bus, through
//! `notify-rust`: Tauri's notification plugin reports no action clicks on desktop). The core's
//! lapse rule decides what to say; this file shows it, with a **Reconnect** action when the
//! server supports actions, and carries the click out through the window's sign-in path.
//! A notice never carries a token: its texts are the core's, naming provider and account.

use authdeck_core::{Notice, NoticeAction};
use tauri::{AppHandle, Wry};

use crate::window::{self, Focus};

const RECONNECT: &str = "reconnect";
const OPEN: &str = "default";

/// Shows `notice`; a click on its action opens the window on the account (and, for
/// Reconnect, starts the reconnect there). Off the calling thread: the server may be slow,
/// and waiting for the click holds a thread until the notice is closed.
pub fn show(app: &AppHandle<Wry>, notice: &Notice) {
    let (app, notice) = (app.clone(), notice.clone());
    std::thread::spawn(move || {
        #[cfg(target_os = "linux")]
        linux::show(&app, &notice);
        #[cfg(not(target_os = "linux"))]
        let _ = (app, notice);
    });
}

/// A plain notice with no action (the one-time "still running in the tray").
pub fn tell(summary: &str, body: &str) {
    let (summary, body) = (summary.to_string(), body.to_string());
    std::thread::spawn(move || {
        #[cfg(target_os = "linux")]
        if let Err(e) = notify_rust::Notification::new()
            .appname("AuthDeck")
            .icon(authdeck_core::APP_ID)
            .summary(&summary)
            .body(&body)
            .show()
        {
            tracing::warn!(error = %e, "could not show a notification");
        }
        #[cfg(not(target_os = "linux"))]
        let _ = (summary, body);
    });
}

/// What a click on `action` of a notice about `account_id` asks for.
fn focus_for(action: &str, account_id: &str) -> Option<Focus> {
    let reconnect = match action {
        RECONNECT => true,
        OPEN => false,
        _ => return None,
    };
    Some(Focus { account_id: account_id.to_string(), reconnect })
}

#[cfg(target_os = "linux")]
mod linux {
    use super::*;

    pub(super) fn show(app: &AppHandle<Wry>, notice: &Notice) {
        let actions = notify_rust::get_capabilities()
            .map(|caps| caps.iter().any(|c| c == "actions"))
            .unwrap_or(false);
        let mut notification = notify_rust::Notification::new();
        notification
            .appname("AuthDeck")
            .icon(authdeck_core::APP_ID)
            .summary(&notice.summary)
            .body(&notice.body);
        if actions {
            match notice.action {
                NoticeAction::Reconnect => notification.action(RECONNECT, "Reconnect"),
                NoticeAction::Open => notification.action(OPEN, "Open AuthDeck"),
            };
        }
        let handle = match notification.show() {
            Ok(handle) => handle,
            Err(e) => {
                tracing::warn!(error = %e, "could not show a notification");
                return;
            }
        };
        if !actions {
            return;
        }
        let account_id = notice.account_id.clone();
        handle.wait_for_action(|action| {
            if let Some(focus) = focus_for(action, &account_id) {
                tracing::info!(account = account_id, action, "notification action");
                window::open(app, Some(focus));
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_map_to_what_the_window_does() {
        let reconnect = focus_for("reconnect", "a").unwrap();
        assert_eq!(reconnect, Focus { account_id: "a".into(), reconnect: true });
        assert!(!focus_for("default", "a").unwrap().reconnect);
        // Closing the notice (notify-rust reports "__closed") does nothing.
        assert_eq!(focus_for("__closed", "a"), None);
    }
}
