//! `authdeck provider export` and `provider import`: a provider handed over as a file or a
//! `dev.authdeck.app:` link (docs/provider-file.md). The rules live in the core
//! (`ProviderFile`, `Deck::import_provider`); this reads and writes the bytes.

use std::io::Read;
use std::path::Path;

use authdeck_core::{ClientSecretSource, Deck, Error, MAX_FILE_BYTES, ProviderFile, Result};

use crate::print;

/// Prints (or writes to `output`) the provider file, or its link.
pub fn export(deck: &Deck, name: &str, output: Option<&Path>, link: bool) -> Result<()> {
    let file = deck.export_provider(name)?;
    let text = if link { file.to_link() } else { file.to_json() };
    match output {
        Some(path) => {
            std::fs::write(path, format!("{text}\n")).map_err(|e| {
                Error::Invalid(format!("Could not write {} ({e}).", path.display()))
            })?;
            print::say_err!("Wrote the provider file for {name} to {}.", path.display());
        }
        None => println!("{text}"),
    }
    if deck.provider(name)?.client_secret != ClientSecretSource::None {
        print::say_err!(
            "This provider uses a client secret, which is never put in a provider file: whoever \
             imports it needs that secret from its administrator too."
        );
    }
    Ok(())
}

/// Adds the provider from a file path or a link.
pub async fn import(deck: &Deck, source: &str, name: Option<&str>) -> Result<()> {
    let file = if ProviderFile::is_link(source) {
        ProviderFile::from_link(source)?
    } else {
        ProviderFile::parse(&read_capped(Path::new(source))?)?
    };
    let config = deck.import_provider(&file, name).await.map_err(|e| match e {
        Error::ProviderExists(taken) => Error::Invalid(format!(
            "A provider called \"{taken}\" already exists, so nothing was added; import it under \
             another name with --name NAME."
        )),
        other => other,
    })?;
    let how = if config.registered.is_some() { "; AuthDeck registered itself with it" } else { "" };
    print::say!("Added provider {} ({}){how}.", config.name, config.label());
    Ok(())
}

/// Reads at most one byte more than a provider file may hold, so the size rule can speak.
fn read_capped(path: &Path) -> Result<Vec<u8>> {
    let cannot = |e: std::io::Error| {
        Error::Invalid(format!("Could not read the provider file {} ({e}).", path.display()))
    };
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(cannot)?;
    Ok(bytes)
}
