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
            check_with_provider,
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
            start_device_login,
            reconnect_account,
            reopen_login,
            cancel_login,
            submit_callback,
            provider_offer,
            accept_provider_offer,
            decline_provider_offer,
            copy_token,
            begin_reveal,
            reveal_token,
            background_settings,
            set_keep_running_when_closed,
            set_start_at_login,
            viewing_account,
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
