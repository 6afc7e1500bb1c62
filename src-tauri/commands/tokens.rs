//! Copying and revealing tokens: the only commands that touch a token value.

use authdeck_core::AccountRef;
use tauri::State;

use crate::error::IpcResult;
use crate::shell::{CopyReceipt, RevealGrant, Shell};

/// Copies the access token on the Rust side; the value never reaches the web UI.
#[tauri::command]
#[specta::specta]
pub async fn copy_token(shell: State<'_, Shell>, id: AccountRef) -> IpcResult<CopyReceipt> {
    shell.copy_token(&id).await
}

/// The click on "Reveal" in Details: a one-time, short-lived grant for `reveal_token`.
#[tauri::command]
#[specta::specta]
pub fn begin_reveal(shell: State<'_, Shell>, id: AccountRef) -> IpcResult<RevealGrant> {
    shell.begin_reveal(&id)
}

/// Returns the access token, for the explicit "Reveal" in Details; needs the fresh grant
/// of `begin_reveal`.
#[tauri::command]
#[specta::specta]
pub async fn reveal_token(
    shell: State<'_, Shell>,
    id: AccountRef,
    nonce: String,
) -> IpcResult<String> {
    shell.reveal_token(&id, &nonce).await
}
