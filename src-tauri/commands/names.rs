// Every IPC command AuthDeck defines, listed once. `with_commands!(m)` calls the macro `m`
// with all of them: build.rs (through `command_names!`) generates an `allow-<name>` permission
// for each, so each one is permission-gated; lib.rs collects them into the typed invoke
// handler and the TypeScript bindings; the tests check the capability and the bindings list
// exactly these.
macro_rules! with_commands {
    ($then:ident) => {
        $then![
            list_accounts,
            account_details,
            refresh_account,
            set_auto_refresh,
            disconnect_account,
            app_status,
            export_diagnostics,
            check_sign_in_links,
            ui_ready,
            list_providers,
            list_presets,
            describe_access,
            find_issuer,
            add_provider,
            remove_provider,
            start_login,
            reconnect_account,
            reopen_login,
            cancel_login,
            submit_callback,
            copy_token,
            begin_reveal,
            reveal_token,
        ]
    };
}

macro_rules! command_names {
    ($($name:ident),* $(,)?) => {
        &[$(stringify!($name)),*]
    };
}

/// The names of every IPC command.
pub const COMMANDS: &[&str] = with_commands!(command_names);
