//! `authdeck-bench`: the in-process parts of AuthDeck's benchmarks. `bench/run.sh` drives it
//! (see bench/README.md); it needs the local OpenID provider (tests/provider) running.
//!
//! - `refresh`: time per refresh through the core (`Deck::refresh` with the OS keychain and
//!   with an in-memory store) against the raw HTTP round trip and requests-oauthlib, in
//!   interleaved rounds, plus what the non-HTTP parts of a refresh cost on this machine.
//! - `connect`: connects real accounts (each its own grant) in `$AUTHDECK_HOME` with the OS
//!   keychain, as the CLI would, for the CLI and bulk-refresh benchmarks.
//! - `keychain`, `read-secret`: the keychain's own costs.

mod browser;
mod connect;
mod costs;
mod keychain;
mod methods;
mod refresh;

use std::future::Future;

use clap::Parser;

/// Errors end the run with one line; a benchmark has no recovery to do.
type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

#[derive(Debug, Parser)]
#[command(name = "authdeck-bench", about = "AuthDeck benchmarks (driven by bench/run.sh)")]
enum Cli {
    /// Time refreshes: raw HTTP, the core's HTTP path, Deck (OS keychain, memory store),
    /// requests-oauthlib.
    Refresh(refresh::Args),
    /// Connect COUNT accounts (users PREFIX0000, PREFIX0001, ...) in $AUTHDECK_HOME.
    Connect(connect::Args),
    /// Time keychain reads and writes of an account's entry in $AUTHDECK_HOME.
    Keychain(keychain::Args),
    /// Read an account's keychain entry once and exit (the floor of `authdeck token`).
    ReadSecret { account: String },
}

fn block_on(task: impl Future<Output = Res<()>>) -> Res<()> {
    tokio::runtime::Runtime::new()?.block_on(task)
}

/// `AUTHDECK_BENCH_TRACE=FILE`: the core's debug trace (its `refresh phases` and `store phases`
/// lines) goes to FILE, to see where a refresh's time goes. Off by default: tracing costs time.
fn trace_to_file() {
    let Some(path) = std::env::var_os("AUTHDECK_BENCH_TRACE") else { return };
    let file = std::fs::File::create(&path).expect("AUTHDECK_BENCH_TRACE names a writable file");
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("authdeck_core=debug"))
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .init();
}

fn main() {
    trace_to_file();
    let outcome = match Cli::parse() {
        Cli::Refresh(args) => block_on(refresh::run(args)),
        Cli::Connect(args) => block_on(connect::run(args)),
        Cli::Keychain(args) => block_on(keychain::run(args)),
        Cli::ReadSecret { account } => keychain::read_secret(&account),
    };
    if let Err(e) = outcome {
        eprintln!("authdeck-bench: {e}");
        std::process::exit(1);
    }
}
