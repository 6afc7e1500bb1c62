// Every IPC command AuthDeck defines. Shared by build.rs (which generates an `allow-<name>`
// permission for each, so each one is permission-gated) and by the tests that check the
// capability and the generated bindings list exactly these.
pub const COMMANDS: &[&str] = &[
    "list_accounts",
    "account_details",
    "refresh_account",
    "set_auto_refresh",
    "disconnect_account",
    "app_status",
    "export_diagnostics",
    "ui_ready",
    "list_providers",
    "list_presets",
    "add_provider",
    "remove_provider",
    "start_login",
    "reconnect_account",
    "reopen_login",
    "cancel_login",
    "submit_callback",
    "copy_token",
    "reveal_token",
];
