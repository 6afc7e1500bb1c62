//! Start at login, off by default: an XDG autostart entry (`~/.config/autostart/*.desktop`,
//! through `tauri-plugin-autostart`) that runs `authdeck-app --hidden`, so AuthDeck comes up
//! in the tray with no window.

use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Runtime};
use tauri_plugin_autostart::ManagerExt;

/// The plugin, set up to start the app with [`crate::HIDDEN_FLAG`].
pub fn plugin<R: Runtime>() -> TauriPlugin<R> {
    tauri_plugin_autostart::init(
        tauri_plugin_autostart::MacosLauncher::LaunchAgent,
        Some(vec![crate::HIDDEN_FLAG]),
    )
}

/// Whether the entry is there.
pub fn enabled<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.autolaunch().is_enabled().unwrap_or(false)
}

/// Writes (`on`) or removes the entry.
pub fn set<R: Runtime>(app: &AppHandle<R>, on: bool) -> Result<(), String> {
    let launcher = app.autolaunch();
    if on { launcher.enable() } else { launcher.disable() }.map_err(|e| e.to_string())
}
