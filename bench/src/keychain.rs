//! The keychain alone: what one read and one write of an account's entry cost (`keychain`),
//! and a process that does nothing but read one entry (`read-secret`, the floor of
//! `authdeck token`).

use std::sync::Arc;

use authdeck_core::internals::keychain::{Keychain, OsStore};
use authdeck_core::internals::token_set::TokenSet;
use authdeck_core::{Home, SecretStore};
use serde_json::json;

use crate::Res;
use crate::methods::timed;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A real account of $AUTHDECK_HOME (its entry is read and written back unchanged).
    #[arg(long)]
    account: String,
    /// Repetitions of each operation.
    #[arg(long, default_value_t = 50)]
    reps: usize,
}

/// `keychain`: prints {"read_ns": [...], "write_ns": [...]}.
pub async fn run(args: Args) -> Res<()> {
    let home = Home::from_env()?;
    let keychain = Keychain::new(Arc::new(OsStore::new(home.vault())));
    let key = TokenSet::key(&args.account);
    let value = keychain.get(&key).await?.ok_or("the account has no keychain entry")?;
    let read = timed(args.reps, async || {
        keychain.get(&key).await?;
        Ok(())
    })
    .await?;
    let write = timed(args.reps, async || Ok(keychain.set(&key, value.clone()).await?)).await?;
    println!("{}", json!({ "read_ns": read, "write_ns": write }));
    Ok(())
}

/// `read-secret ACCOUNT`: one read of the account's entry from $AUTHDECK_HOME's vault, with no
/// async runtime: the least a process that prints a token must do.
pub fn read_secret(account: &str) -> Res<()> {
    let home = Home::from_env()?;
    let store = OsStore::new(home.vault());
    let value = store.get(&TokenSet::key(account)).map_err(|e| format!("keychain: {e:?}"))?;
    value.ok_or("the account has no keychain entry")?;
    Ok(())
}
