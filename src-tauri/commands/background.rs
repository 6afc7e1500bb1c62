//! The window's switches for working in the background, and what it shows.

use tauri::State;

use crate::error::IpcResult;
use crate::shell::{BackgroundSettings, Shell};

#[tauri::command]
#[specta::specta]
pub fn background_settings(shell: State<'_, Shell>) -> BackgroundSettings {
    shell.background_settings()
}

/// Closing the window keeps AuthDeck running in the tray (`on`), or quits it.
#[tauri::command]
#[specta::specta]
pub fn set_keep_running_when_closed(
    shell: State<'_, Shell>,
    on: bool,
) -> IpcResult<BackgroundSettings> {
    shell.set_keep_running_when_closed(on)
}

/// Starts AuthDeck in the tray at login (an XDG autostart entry running `--hidden`), or not.
#[tauri::command]
#[specta::specta]
pub fn set_start_at_login(shell: State<'_, Shell>, on: bool) -> IpcResult<BackgroundSettings> {
    shell.set_start_at_login(on)
}

/// The window shows this account's details (`None`: the list), so no notice about it is
/// needed while the window has the focus.
#[tauri::command]
#[specta::specta]
pub fn viewing_account(shell: State<'_, Shell>, id: Option<String>) {
    shell.set_viewing(id);
}
