//! Listing, refreshing and removing accounts.

use authdeck_core::{AccountRef, AccountView, DisconnectReport, RemoteCheck};
use tauri::State;

use crate::error::IpcResult;
use crate::events::LinksChecked;
use crate::shell::{AccountDetails, AppStatus, Shell};

/// All accounts, most urgent first. Reads no secret.
#[tauri::command]
#[specta::specta]
pub async fn list_accounts(shell: State<'_, Shell>) -> IpcResult<Vec<AccountView>> {
    shell.accounts().await
}

/// Status, scopes, decoded claims, endpoints and history of one account. No token values.
#[tauri::command]
#[specta::specta]
pub async fn account_details(shell: State<'_, Shell>, id: AccountRef) -> IpcResult<AccountDetails> {
    shell.details(&id).await
}

/// "Check with provider" in Details: whether the provider still accepts the access token.
#[tauri::command]
#[specta::specta]
pub async fn check_with_provider(
    shell: State<'_, Shell>,
    id: AccountRef,
) -> IpcResult<RemoteCheck> {
    shell.check_with_provider(&id).await
}

#[tauri::command]
#[specta::specta]
pub async fn refresh_account(
    shell: State<'_, Shell>,
    id: AccountRef,
) -> IpcResult<Option<AccountView>> {
    shell.refresh(&id, false).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_auto_refresh(
    shell: State<'_, Shell>,
    id: AccountRef,
    on: bool,
) -> IpcResult<AccountView> {
    shell.set_auto_refresh(&id, on).await
}

/// Revokes at the provider, then removes the account and its secrets.
#[tauri::command]
#[specta::specta]
pub async fn disconnect_account(
    shell: State<'_, Shell>,
    id: AccountRef,
) -> IpcResult<DisconnectReport> {
    shell.disconnect(&id).await
}

#[tauri::command]
#[specta::specta]
pub async fn app_status(shell: State<'_, Shell>) -> IpcResult<AppStatus> {
    Ok(shell.status().await)
}

/// Saves a diagnostics bundle (no secrets) to the Downloads folder; returns its path.
#[tauri::command]
#[specta::specta]
pub async fn export_diagnostics(shell: State<'_, Shell>) -> IpcResult<String> {
    shell.export_diagnostics(&crate::export_dir()).await
}

/// Sends the app a test sign-in link through the system and reports whether it came back
/// (new sign-ins take the loopback route when it does not).
#[tauri::command]
#[specta::specta]
pub async fn check_sign_in_links(shell: State<'_, Shell>) -> IpcResult<LinksChecked> {
    Ok(shell.check_links().await)
}

/// The UI calls this after its first render (start-up benchmark marker).
#[tauri::command]
#[specta::specta]
pub fn ui_ready() {
    crate::startup::first_paint();
}
