//! Providers and sign-in.

use authdeck_core::{
    AccountRef, AccountView, FoundIssuer, LoginHandle, PresetView, ProviderInput, ProviderName,
    ProviderView, ScopeWords,
};
use tauri::State;

use crate::error::IpcResult;
use crate::events::ProviderOffered;
use crate::shell::{DeviceStarted, LoginStarted, Shell};

#[tauri::command]
#[specta::specta]
pub fn list_providers(shell: State<'_, Shell>) -> IpcResult<Vec<ProviderView>> {
    shell.providers()
}

#[tauri::command]
#[specta::specta]
pub fn list_presets() -> Vec<PresetView> {
    Shell::presets()
}

/// What `scopes` mean in plain words, one line per scope with its raw name (for a
/// confirmation before adding a provider, and for Details).
#[tauri::command]
#[specta::specta]
pub fn describe_access(scopes: Vec<String>) -> Vec<ScopeWords> {
    authdeck_core::scopes_words(&scopes)
}

/// Finds the issuer behind an address typed in "Other (OpenID Connect)" (`login.example.com`);
/// adds nothing.
#[tauri::command]
#[specta::specta]
pub async fn find_issuer(shell: State<'_, Shell>, address: String) -> IpcResult<FoundIssuer> {
    shell.find_issuer(&address).await
}

/// Adds a provider; a client secret given here goes straight to the keychain. An
/// environment-variable secret (`client_secret_env`) is refused: that is for the CLI only.
#[tauri::command]
#[specta::specta]
pub async fn add_provider(
    shell: State<'_, Shell>,
    input: ProviderInput,
    client_secret: Option<String>,
) -> IpcResult<ProviderView> {
    shell.add_provider(input, client_secret).await
}

#[tauri::command]
#[specta::specta]
pub async fn remove_provider(shell: State<'_, Shell>, name: ProviderName) -> IpcResult<()> {
    shell.remove_provider(&name).await
}

/// Opens the system browser on the provider's sign-in page; `LoginFinished` follows.
#[tauri::command]
#[specta::specta]
pub async fn start_login(
    shell: State<'_, Shell>,
    provider: ProviderName,
) -> IpcResult<LoginStarted> {
    shell.start_login(&provider, None).await
}

/// Asks the provider for a code to approve on another device ("Sign in with a code");
/// `LoginFinished` follows, as for a browser sign-in.
#[tauri::command]
#[specta::specta]
pub async fn start_device_login(
    shell: State<'_, Shell>,
    provider: ProviderName,
) -> IpcResult<DeviceStarted> {
    shell.start_device_login(&provider).await
}

/// Signs in again to an account that needs it, hinting the same user.
#[tauri::command]
#[specta::specta]
pub async fn reconnect_account(shell: State<'_, Shell>, id: AccountRef) -> IpcResult<LoginStarted> {
    shell.reconnect(&id).await
}

/// Opens the sign-in page again in the browser (the user closed it).
#[tauri::command]
#[specta::specta]
pub fn reopen_login(shell: State<'_, Shell>, handle: LoginHandle) -> IpcResult<()> {
    shell.reopen_login(&handle)
}

#[tauri::command]
#[specta::specta]
pub async fn cancel_login(shell: State<'_, Shell>, handle: LoginHandle) -> IpcResult<()> {
    shell.cancel_login(&handle).await;
    Ok(())
}

/// Completes a sign-in with the address the browser was sent back to (pasted by the user).
#[tauri::command]
#[specta::specta]
pub async fn submit_callback(shell: State<'_, Shell>, url: String) -> IpcResult<AccountView> {
    shell.submit_callback(&url).await
}

/// The provider link or file that arrived before the window listened (a cold start), or
/// `None`; `ProviderOffered` events bring later ones.
#[tauri::command]
#[specta::specta]
pub fn provider_offer(shell: State<'_, Shell>) -> Option<ProviderOffered> {
    shell.unseen_offer()
}

/// "Add and connect" on an offered provider: adds it and opens its sign-in; `LoginFinished`
/// follows.
#[tauri::command]
#[specta::specta]
pub async fn accept_provider_offer(shell: State<'_, Shell>, id: String) -> IpcResult<LoginStarted> {
    shell.accept_offer(&id).await
}

/// "Cancel" on an offered provider: nothing is added.
#[tauri::command]
#[specta::specta]
pub fn decline_provider_offer(shell: State<'_, Shell>, id: String) {
    shell.decline_offer(&id);
}
