//! Connecting accounts through the core, as a person would: sign-in URL, provider pages,
//! callback, code exchange, ID token check, tokens into the keychain.

use authdeck_core::{Deck, Error, LoginOptions, ProviderInput};

use crate::Res;
use crate::browser::Browser;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The provider's issuer URL.
    #[arg(long)]
    issuer: String,
    /// The provider's name in AuthDeck (added if missing).
    #[arg(long, default_value = "demo")]
    provider: String,
    /// How many accounts to connect.
    #[arg(long)]
    count: usize,
    /// User names are PREFIX0000, PREFIX0001, ...
    #[arg(long, default_value = "user")]
    prefix: String,
}

/// Adds the public client `authdeck` of the provider at `issuer`, unless it is there.
pub async fn ensure_provider(deck: &Deck, name: &str, issuer: &str) -> Res<()> {
    let input = ProviderInput {
        name: name.into(),
        issuer: Some(issuer.into()),
        client_id: "authdeck".into(),
        ..Default::default()
    };
    match deck.add_provider(input.build()?, None).await {
        Ok(_) | Err(Error::ProviderExists(_)) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Signs in as `login`; returns the account id.
pub async fn connect(
    deck: &Deck,
    provider: &str,
    login: &str,
    browser: &mut Browser,
) -> Res<String> {
    let started = deck.start_login(provider, LoginOptions::default()).await?;
    let callback = browser.sign_in(&started.authorization_url, login)?;
    Ok(deck.complete_callback(&callback).await?.id)
}

/// `connect`: prints one account id per line.
pub async fn run(args: Args) -> Res<()> {
    let deck = Deck::open()?;
    ensure_provider(&deck, &args.provider, &args.issuer).await?;
    let mut browser = Browser::start()?;
    for n in 0..args.count {
        let login = format!("{}{n:04}", args.prefix);
        println!("{}", connect(&deck, &args.provider, &login, &mut browser).await?);
    }
    Ok(())
}
