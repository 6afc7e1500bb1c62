//! A provider offered by a `dev.authdeck.app:/provider?file=…` link or a provider file opened
//! from the file manager (docs/provider-file.md). Nothing is added when the offer arrives:
//! the window shows a confirmation (the label, the issuer's host in large type, the access
//! asked), and only **Add and connect** adds it, then starts the sign-in at once through the
//! same path as the chooser. Every check a provider file gets runs before the confirmation,
//! so a refused file never reaches it; refusals arrive as one sentence.

use std::io::Read;
use std::path::{Path, PathBuf};

use authdeck_core::{Error, MAX_FILE_BYTES, ProviderFile};
use serde::Serialize;
use url::Url;

use super::{LoginStarted, Shell};
use crate::error::{IpcError, IpcResult};
use crate::events::{AppEvent, ProviderOffered};

/// What the confirmation shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct ProviderOffer {
    /// Names this offer for Add and connect / Cancel.
    pub id: String,
    /// The provider name it will be added under (free now).
    pub name: String,
    pub label: String,
    /// The issuer's (or sign-in page's) host, shown in large type.
    pub host: String,
    /// What access is asked, in plain words ("Your email address", "Stay signed in").
    pub access: Vec<String>,
    /// The scopes asked for, by name (for Details).
    pub scopes: Vec<String>,
    /// AuthDeck will register itself with the provider (the file has no client ID).
    pub registers: bool,
}

/// The offer waiting for an answer, with its file.
#[derive(Debug, Default)]
pub struct Offers {
    pending: Option<(ProviderOffer, ProviderFile)>,
    /// The last offer or refusal, until the window has seen it (a cold start's link arrives
    /// before the page listens).
    unseen: Option<ProviderOffered>,
}

/// Whether an address or argument is a provider link or a provider file.
pub fn is_offer(arg: &str) -> bool {
    arg.starts_with(&format!("{}:/provider", authdeck_core::APP_ID)) || file_path(arg).is_some()
}

/// A provider file's path from a command-line argument or a `file://` address.
fn file_path(arg: &str) -> Option<PathBuf> {
    let named = arg.ends_with(".authdeck") || arg.ends_with(".authdeck.json");
    if !named {
        return None;
    }
    match Url::parse(arg) {
        Ok(url) if url.scheme() == "file" => url.to_file_path().ok(),
        Ok(_) => None,
        Err(_) => Some(PathBuf::from(arg)),
    }
}

fn read_capped(path: &Path) -> Result<Vec<u8>, Error> {
    let cannot = |_| Error::Invalid("AuthDeck could not open that provider file.".into());
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(cannot)?
        .take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    Ok(bytes)
}

impl Shell {
    /// A provider link or file arrived: check it and ask the window to confirm.
    pub fn offer_provider(&self, arg: &str) {
        let file = match file_path(arg) {
            Some(path) => read_capped(&path).and_then(|b| ProviderFile::parse(&b)),
            None => ProviderFile::from_link(arg),
        };
        let event = match file.and_then(|file| self.offer_of(file)) {
            Ok((offer, file)) => {
                self.offers.lock().expect("offers").pending = Some((offer.clone(), file));
                ProviderOffered { offer: Some(offer), error: None }
            }
            Err(e) => ProviderOffered { offer: None, error: Some(IpcError::from(e)) },
        };
        self.offers.lock().expect("offers").unseen = Some(event.clone());
        self.host.focus_window();
        self.host.emit(AppEvent::ProviderOffered(event));
    }

    fn offer_of(&self, file: ProviderFile) -> Result<(ProviderOffer, ProviderFile), Error> {
        let taken: Vec<String> = self.deck.providers()?.into_iter().map(|p| p.name).collect();
        let base = file.suggested_name();
        let name = std::iter::once(base.clone())
            .chain((2..100).map(|n| format!("{base}-{n}")))
            .find(|n| !taken.contains(n))
            .ok_or_else(|| Error::ProviderExists(base.clone()))?;
        // Every check of an import, before anything is shown.
        let config = file.to_config(&name)?;
        let place =
            config.issuer.clone().or(config.endpoints.as_ref().map(|e| e.authorization.clone()));
        let host = place
            .and_then(|u| Url::parse(&u).ok()?.host_str().map(String::from))
            .unwrap_or_default();
        let id: String = rand::random::<[u8; 8]>().iter().map(|b| format!("{b:02x}")).collect();
        let offer = ProviderOffer {
            id,
            name,
            label: config.label(),
            host,
            access: authdeck_core::access_words(&config.scopes),
            scopes: config.scopes.clone(),
            registers: file.register_on_import,
        };
        Ok((offer, file))
    }

    /// The offer or refusal the window has not seen yet (asked for once it listens).
    pub fn unseen_offer(&self) -> Option<ProviderOffered> {
        self.offers.lock().expect("offers").unseen.take()
    }

    /// Add and connect: adds the offered provider and starts its sign-in.
    pub async fn accept_offer(&self, id: &str) -> IpcResult<LoginStarted> {
        let taken = {
            let mut offers = self.offers.lock().expect("offers");
            offers.unseen = None;
            match &offers.pending {
                Some((offer, _)) if offer.id == id => offers.pending.take(),
                _ => None,
            }
        };
        let (offer, file) = taken.ok_or_else(|| {
            IpcError::other("That provider is no longer waiting to be added. Open its link again.")
        })?;
        self.deck.import_provider(&file, Some(&offer.name)).await?;
        self.accounts_changed();
        self.start_login(&offer.name, None).await
    }

    /// Cancel: forgets the offer; nothing was added.
    pub fn decline_offer(&self, id: &str) {
        let mut offers = self.offers.lock().expect("offers");
        offers.unseen = None;
        if offers.pending.as_ref().is_some_and(|(offer, _)| offer.id == id) {
            offers.pending = None;
        }
    }
}
