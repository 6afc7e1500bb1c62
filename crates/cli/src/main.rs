//! `authdeck`: the command-line face of authdeck-core, for support staff and scripts.
//!
//! Every command is a short call into [`Deck`]. Output contracts: `login` prints the
//! authorization URL alone as the first line of stdout and the account id alone as the last;
//! `token` prints the access token alone; no other command prints a secret; every failure
//! exits non-zero with one plain sentence on stderr.

mod args;
mod caller;
mod completions;
mod doctor;
mod exec;
mod git_credential;
mod print;
mod share;
mod wait;

use std::io::{Read, Write};

use authdeck_core::{
    ClientSecret, Deck, Endpoints, Error, HandOutKind, LoginOptions, ProviderConfig, ProviderInput,
    Result, Status,
};
use chrono::Utc;
use clap::Parser;
use clap::error::ErrorKind as ClapKind;

use crate::args::{Cli, Command, ProviderAdd, ProviderCommand, TokenFormat};

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => usage_error(e),
    };
    init_logging();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("the async runtime starts");
    let code = runtime.block_on(async {
        match run(cli.command).await {
            Ok(()) => 0,
            Err(e) => {
                print::say_err!("{}", e.report());
                1
            }
        }
    });
    let _ = std::io::stdout().flush();
    // Exit without waiting for a keychain call that timed out or a stdin reader thread.
    std::process::exit(code);
}

/// Help and version go to stdout as clap prints them; usage errors become one sentence.
fn usage_error(error: clap::Error) -> ! {
    match error.kind() {
        ClapKind::DisplayHelp | ClapKind::DisplayVersion => {
            let _ = error.print();
            std::process::exit(0);
        }
        _ => {
            let rendered = error.render().to_string();
            let mut lines = rendered.lines();
            let mut first = lines.next().unwrap_or("invalid arguments").to_string();
            // "…were not provided:" names them on the lines below.
            if first.ends_with(':') {
                let named: Vec<&str> =
                    lines.take_while(|l| !l.trim().is_empty()).map(str::trim).collect();
                first = format!("{} {}", first, named.join(", "));
            }
            // Value names in brackets (`--format <FORMAT>`) read as markup in one sentence.
            let text =
                first.trim_start_matches("error: ").trim_end_matches('.').replace(['<', '>'], "");
            let mut chars = text.chars();
            let text: String =
                chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
            let choices = rendered.lines().find_map(|line| {
                line.trim().strip_prefix("[possible values: ")?.strip_suffix(']').map(str::to_owned)
            });
            let text = match choices {
                Some(choices) => format!("{text} (use one of: {choices})"),
                None => text,
            };
            print::say_err!("{text}. Run `authdeck --help` to see how to use it.");
            std::process::exit(2);
        }
    }
}

/// Logs go to stderr, and only when asked for (`AUTHDECK_LOG=debug`, or `RUST_LOG`).
fn init_logging() {
    let filter = std::env::var("AUTHDECK_LOG").or_else(|_| std::env::var("RUST_LOG"));
    if let Ok(filter) = filter {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .with_writer(std::io::stderr)
            .init();
    }
}

fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).expect("output types serialize")
}

async fn run(command: Command) -> Result<()> {
    // Generated from the command line alone: no data folder, no keychain.
    match command {
        Command::Completions { shell } => {
            completions::completions(shell);
            return Ok(());
        }
        Command::Manpage => {
            return completions::manpage()
                .map_err(|e| Error::Invalid(format!("Could not print the manual page ({e}).")));
        }
        _ => {}
    }
    let deck = Deck::open()?;
    let now = Utc::now();
    match command {
        Command::Provider(ProviderCommand::Add(mut add)) => {
            let name = add.name.clone();
            // An address rather than a URL (`login.example.com`): find the issuer behind it.
            if let Some(address) = add.issuer.clone().filter(|i| !i.contains("://")) {
                let found = deck.find_issuer(&address).await?;
                print::say!(
                    "Found the sign-in service at {}: issuer {}.",
                    found.host,
                    found.issuer
                );
                add.issuer = Some(found.issuer);
            }
            let (config, secret) = provider_config(*add)?;
            let config = deck.add_provider(config, secret).await?;
            if config.registered.is_some() {
                print::say!(
                    "Added provider {name}; AuthDeck registered itself with the provider, so there \
                     is nothing to register."
                );
            } else {
                print::say!(
                    "Added provider {name}. Register this redirect URI with the provider: {}",
                    config.redirect.display_uri()
                );
            }
        }
        Command::Provider(ProviderCommand::Export { name, output, link }) => {
            share::export(&deck, &name, output.as_deref(), link)?;
        }
        Command::Provider(ProviderCommand::Import { source, name }) => {
            share::import(&deck, &source, name.as_deref()).await?;
        }
        Command::Provider(ProviderCommand::List { json: as_json }) => {
            let list = deck.providers()?;
            if as_json {
                let values: Vec<_> =
                    list.iter().map(|p| print::provider_json(deck.provider_view(p), p)).collect();
                println!("{}", json(&values));
            } else {
                print::say_lines(print::providers(&list));
            }
        }
        Command::Provider(ProviderCommand::Remove { name }) => {
            let warning = deck.remove_provider(&name).await?;
            print::say!("Removed provider {name}.");
            if let Some(warning) = warning {
                print::say_err!("{warning}");
            }
        }
        Command::Login { provider, device: true, .. } => {
            let started = deck.start_device_login(&provider).await?;
            let code = started.code.clone();
            print::say!("{}", code.address());
            print::say!("Code: {}", code.user_code);
            let _ = std::io::stdout().flush();
            if std::io::IsTerminal::is_terminal(&std::io::stderr())
                && let Some(qr) = authdeck_core::qr_terminal(code.address())
            {
                // Ours, made here: its line breaks stay.
                eprintln!("{}", print::terminal_safe(&qr, true));
            }
            print::say_err!(
                "Open the address above on any device (check that it is {}), enter the code if                  asked, and approve the sign-in. Waiting…",
                code.verification_host
            );
            let account = wait::finish_device(&deck, started).await?;
            print::say_err!("Connected {}.", account.display_name);
            print::say!("{}", account.id);
        }
        Command::Login { provider, no_browser, hint, .. } => {
            let started = deck.start_login(&provider, LoginOptions { login_hint: hint }).await?;
            print::say!("{}", started.authorization_url);
            let _ = std::io::stdout().flush();
            if !no_browser && let Err(e) = open::that_detached(&started.authorization_url) {
                print::say_err!(
                    "Could not open the browser ({e}); open the address above yourself."
                );
            }
            print::say_err!(
                "Finish signing in in your browser. Waiting… (or paste here the address the \
                 browser was sent back to)"
            );
            let account = wait::finish(&deck, started).await?;
            print::say_err!("Connected {}.", account.display_name);
            print::say!("{}", account.id);
        }
        Command::Callback { url } => {
            let account = deck.complete_callback(&url).await?;
            print::say!("Connected {} ({}).", account.display_name, account.id);
        }
        Command::Accounts { json: as_json } => {
            let views = deck.accounts(now)?;
            if as_json {
                println!("{}", json(&views));
            } else {
                print::say_lines(print::accounts(&views, now));
            }
        }
        Command::Refresh { account: Some(account), .. } => {
            let view = deck.refresh(&account).await?;
            print::say!("Refreshed {} ({}); {}.", view.display_name, view.id, expiry_words(&view));
        }
        Command::Refresh { account: None, concurrency, .. } => {
            let skipped: Vec<_> = deck
                .accounts(now)?
                .into_iter()
                .filter(|a| a.status == Status::NeedsReconnect)
                .collect();
            let results = deck.refresh_all(concurrency).await?;
            if results.is_empty() && skipped.is_empty() {
                print::say!("No accounts to refresh.");
            }
            // One line per account on stdout; one summary sentence on stderr if any failed.
            let mut failed = 0;
            for item in &results {
                match &item.result {
                    Ok(view) => print::say!(
                        "Refreshed {} ({}); {}.",
                        view.display_name,
                        view.id,
                        expiry_words(view)
                    ),
                    Err(e) => {
                        failed += 1;
                        print::say!("Could not refresh {}: {}", item.account_id, e.report());
                    }
                }
            }
            for account in &skipped {
                print::say!(
                    "Skipped {} ({}): it must be connected again.",
                    account.display_name,
                    account.id
                );
            }
            if failed > 0 {
                return Err(Error::Invalid(format!(
                    "{failed} of {} accounts could not be refreshed; see the lines above.",
                    results.len()
                )));
            }
        }
        Command::Exec { account, env, min_valid, no_mask, for_program, command } => {
            let asked = exec::Exec {
                account: &account,
                env: &env,
                min_valid: min_valid_of(min_valid),
                mask: !no_mask,
                for_program: for_program.as_deref(),
                command: &command,
            };
            let code = exec::run(&deck, asked).await?;
            let _ = std::io::stdout().flush();
            let _ = std::io::stderr().flush();
            std::process::exit(code);
        }
        Command::Token { account, min_valid, format, for_program } => {
            let min_valid = min_valid_of(min_valid);
            let handed = deck.hand_out(&account, min_valid).await?;
            let program = caller::program(for_program.as_deref(), caller::Parent::Direct);
            record_hand_out(&deck, &handed.account, HandOutKind::Token, &program);
            match format {
                TokenFormat::Raw | TokenFormat::Header => {
                    print::say!("{}", print::token(&handed, format));
                }
                TokenFormat::Json | TokenFormat::Env => {
                    print::say_lines(print::token(&handed, format))
                }
            }
        }
        Command::KubeCredential { account, access_token, for_program } => {
            // Never interactive (KUBERNETES_EXEC_INFO may say so; nothing here prompts).
            let within = authdeck_core::REFRESH_WITHIN;
            let (credential, id) = if access_token {
                let handed = deck.hand_out(&account, within).await?;
                (
                    print::exec_credential(handed.access_token.expose(), handed.expires_at),
                    handed.account,
                )
            } else {
                let handed = deck.hand_out_id_token(&account, within).await?;
                (
                    print::exec_credential(handed.id_token.expose(), handed.expires_at),
                    handed.account,
                )
            };
            let program = caller::program(for_program.as_deref(), caller::Parent::Direct);
            record_hand_out(&deck, &id, HandOutKind::KubeCredential, &program);
            println!("{credential}");
        }
        Command::GitCredential { account, operation, for_program } => {
            git_credential::run(&deck, &account, &operation, for_program.as_deref()).await?;
        }
        Command::Activity { account, json: as_json } => {
            let entries = deck.activity(&account, usize::MAX)?;
            if as_json {
                println!("{}", json(&entries));
            } else {
                print::say_lines(print::activity(&entries));
            }
        }
        Command::Inspect { account, json: as_json, remote } => {
            // Asked first, so the status shown already knows the provider's answer.
            let check = if remote { Some(deck.check_with_provider(&account).await?) } else { None };
            let inspection = deck.inspect(&account).await?;
            if as_json {
                let mut value = serde_json::to_value(&inspection).expect("inspections serialize");
                if let Some(check) = &check {
                    value["remote"] = serde_json::to_value(check).expect("checks serialize");
                }
                println!("{}", json(&value));
            } else {
                let mut text = print::inspection(&inspection, now);
                if let Some(check) = &check {
                    text = format!("{text}\n\n{}", print::remote_check(check, now));
                }
                print::say_lines(text);
            }
        }
        Command::Doctor { json: as_json } => {
            let report = deck.doctor().await;
            if as_json {
                println!("{}", json(&report));
            } else {
                println!("{}", doctor::human(&report));
            }
        }
        Command::Completions { .. } | Command::Manpage => {} // handled above
        Command::Logout { account } => {
            let report = deck.disconnect(&account).await?;
            print::say!("Disconnected {}.", report.account_id);
            if let Some(warning) = report.warning {
                match report.details {
                    Some(details) => print::say_err!("{warning} Details: {details}."),
                    None => print::say_err!("{warning}"),
                }
            }
        }
    }
    Ok(())
}

fn expiry_words(view: &authdeck_core::AccountView) -> String {
    match view.expires_at {
        Some(at) => format!("the new token expires {}", print::relative(at, Utc::now())),
        None => "the provider did not say when the new token expires".into(),
    }
}

/// Builds a provider from `provider add` flags.
fn provider_config(add: ProviderAdd) -> Result<(ProviderConfig, Option<ClientSecret>)> {
    // Absent means "register"; given but blank is a mistake.
    if add.client_id.as_deref().is_some_and(|id| id.trim().is_empty()) {
        return Err(Error::Invalid(
            "The client ID is empty. Give one, or leave out --client-id to let AuthDeck register \
             itself with the provider."
                .into(),
        ));
    }
    let endpoints = add.auth_url.map(|authorization| Endpoints {
        authorization,
        token: add.token_url.unwrap_or_default(),
        revocation: add.revoke_url,
        userinfo: add.userinfo_url,
    });
    let config = ProviderInput {
        name: add.name,
        label: add.label,
        preset: add.preset,
        issuer: add.issuer,
        endpoints,
        client_id: add.client_id.unwrap_or_default(),
        scopes: (!add.scope.is_empty()).then_some(add.scope),
        redirect_uri: add.redirect_uri,
        loopback: add.loopback,
        tenant: add.tenant,
        client_secret_env: add.client_secret_env,
        device_authorization_url: add.device_auth_url,
    }
    .build()?;
    let secret = if add.client_secret_stdin {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| {
            Error::Invalid(format!("Could not read the client secret from standard input ({e})."))
        })?;
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::Invalid("No client secret was given on standard input.".into()));
        }
        Some(ClientSecret::new(text))
    } else {
        None
    };
    Ok((config, secret))
}

/// `--min-valid` as a duration; without it, the rule every hand-out uses (60 s).
fn min_valid_of(seconds: Option<u32>) -> chrono::TimeDelta {
    seconds.map_or(authdeck_core::REFRESH_WITHIN, |s| chrono::TimeDelta::seconds(i64::from(s)))
}

/// Notes in the account's activity that its token left AuthDeck, which way and for what
/// program (never the token).
pub fn record_hand_out(deck: &Deck, account: &str, how: HandOutKind, program: &str) {
    deck.record_hand_out(account, how, program);
}
