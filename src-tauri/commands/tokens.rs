//! Copying and revealing tokens: the only commands that touch a token value.

use authdeck_core::AccountRef;
use tauri::State;

use crate::error::IpcResult;
use crate::shell::{CopyReceipt, Shell};

/// Copies the access token on the Rust side; the value never reaches the web UI.
#[tauri::command]
#[specta::specta]
pub async fn copy_token(shell: State<'_, Shell>, id: AccountRef) -> IpcResult<CopyReceipt> {
    shell.copy_token(&id).await
}

/// Returns the access token, for the explicit "Reveal" in Details.
#[tauri::command]
#[specta::specta]
pub async fn reveal_token(shell: State<'_, Shell>, id: AccountRef) -> IpcResult<String> {
    shell.reveal_token(&id).await
}
