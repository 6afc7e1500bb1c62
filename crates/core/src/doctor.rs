//! `authdeck doctor`: can sign-ins work on this machine? Each check is one plain answer that
//! support staff can read out to a user, and the JSON form is what they ask for.
//!
//! Checked: the keychain (AuthDeck refuses to store sign-ins without one), the handler of
//! `dev.authdeck.app:` links (how a browser hands a sign-in back), whether a loopback listener
//! can be opened (the route that needs no registration), whether the data folder is private,
//! and the desktop app's last hand-back check (whether a test link actually came back).

use std::net::{Ipv4Addr, TcpListener};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::atomic;
use crate::deck::Deck;
use crate::desktop::{Handler, Install, PACKAGED_ENTRY};
use crate::provider::{ProviderConfig, Redirect};
use crate::views::ProviderView;

/// One check's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Check {
    pub ok: bool,
    /// One plain sentence.
    pub message: String,
}

impl Check {
    fn new(ok: bool, message: impl Into<String>) -> Self {
        Check { ok, message: message.into() }
    }
}

/// The handler check, with what the desktop reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SchemeCheck {
    pub ok: bool,
    pub message: String,
    pub handler: Option<Handler>,
    pub install: Install,
}

/// Which way sign-in answers come back to the desktop app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Route {
    /// By deep link (`dev.authdeck.app:`), the default.
    DeepLink,
    /// By the loopback address, because a test link did not come back.
    Loopback,
}

/// The desktop app's last hand-back check: it sent itself a test link through the system's
/// handler and waited for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HandBack {
    pub checked_at: DateTime<Utc>,
    pub arrived: bool,
    /// The route new sign-ins take as a result.
    pub route: Route,
}

impl HandBack {
    /// The decision: a link that arrived keeps deep links; one that never did switches new
    /// sign-ins to the loopback route, which needs no registration with the desktop.
    pub fn decide(arrived: bool, now: DateTime<Utc>) -> Self {
        let route = if arrived { Route::DeepLink } else { Route::Loopback };
        HandBack { checked_at: now, arrived, route }
    }

    /// What it means, in one sentence.
    pub fn message(&self) -> &'static str {
        if self.arrived {
            "A test sign-in link came back to AuthDeck, so sign-ins come back by deep link."
        } else {
            "A test sign-in link did not come back to AuthDeck, so new sign-ins use the loopback \
             address instead, which needs no setup."
        }
    }
}

/// Everything `authdeck doctor` reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DoctorReport {
    pub keychain: Check,
    pub scheme_handler: SchemeCheck,
    pub loopback: Check,
    pub data_folder_private: Check,
    /// Null until the desktop app has run its check.
    pub hand_back: Option<HandBack>,
    pub ok: bool,
}

const HAND_BACK_FILE: &str = "hand-back.json";

impl Deck {
    /// The desktop app's last hand-back check.
    pub fn hand_back(&self) -> Option<HandBack> {
        atomic::read_json(&self.home.root().join(HAND_BACK_FILE)).ok().flatten()
    }

    /// Records the result of a hand-back check.
    pub fn record_hand_back(&self, result: &HandBack) -> crate::Result<()> {
        let path = self.home.root().join(HAND_BACK_FILE);
        atomic::write_json(&path, result).map_err(|e| crate::Error::storage("save", path, e))
    }

    /// Whether the last hand-back check found that the app's links do not come back.
    fn links_lost(&self) -> bool {
        self.hand_back().is_some_and(|h| h.route == Route::Loopback)
    }

    /// The redirect a new sign-in with `config` uses: its own, except that the app's deep link
    /// gives way to the loopback route once a hand-back check found that links do not come back.
    pub(crate) fn redirect_for(&self, config: &ProviderConfig) -> Redirect {
        if self.links_lost() && config.redirect.uses_app_scheme() {
            Redirect::loopback()
        } else {
            config.redirect.clone()
        }
    }

    /// The provider as the window and `provider list --json` show it, with what this computer
    /// adds: "Sign in with a code" comes first (`code_first`) where the provider offers it and
    /// was set up for the app's link, which the last check found does not come back. Its
    /// loopback stand-in ([`redirect_for`](Self::redirect_for)) works only if the provider
    /// accepts that address too, and a code needs no answer from the browser at all.
    pub fn provider_view(&self, config: &ProviderConfig) -> ProviderView {
        let mut view = ProviderView::from(config);
        view.code_first =
            view.device_sign_in && config.redirect.uses_app_scheme() && self.links_lost();
        view
    }

    /// Runs every check. Sends nothing to any provider.
    pub async fn doctor(&self) -> DoctorReport {
        let keychain = match self.keychain_status().await {
            Ok(()) => Check::new(true, "The system keychain is available."),
            Err(e) => Check::new(false, e.to_string()),
        };
        let scheme_handler = scheme_check(Install::current(), Handler::query());
        let loopback = match TcpListener::bind((Ipv4Addr::LOCALHOST, 0)) {
            Ok(_) => Check::new(true, "AuthDeck can listen on 127.0.0.1 for sign-in answers."),
            Err(e) => Check::new(
                false,
                format!("AuthDeck cannot listen on 127.0.0.1 for sign-in answers ({e})."),
            ),
        };
        let data_folder_private = private_check(self.home.root());
        let hand_back = self.hand_back();
        let ok = keychain.ok
            && loopback.ok
            && data_folder_private.ok
            && (scheme_handler.ok || hand_back.as_ref().is_some_and(|h| h.arrived));
        DoctorReport { keychain, scheme_handler, loopback, data_folder_private, hand_back, ok }
    }
}

fn scheme_check(install: Install, handler: Option<Handler>) -> SchemeCheck {
    let (ok, message) = match &handler {
        None => (
            false,
            "No program is set to receive dev.authdeck.app: sign-in links; sign-ins use the \
             loopback address or a pasted address instead."
                .to_string(),
        ),
        Some(h) if h.entry == PACKAGED_ENTRY || h.entry.starts_with("authdeck") => {
            (true, format!("Sign-in links open AuthDeck ({}).", h.entry))
        }
        Some(h) => (
            false,
            format!(
                "Sign-in links open {} instead of AuthDeck; start AuthDeck once to fix it.",
                h.entry
            ),
        ),
    };
    SchemeCheck { ok, message, handler, install }
}

fn private_check(root: &std::path::Path) -> Check {
    match crate::private::is_private(root) {
        Ok(true) => {
            Check::new(true, format!("The data folder {} is private to you.", root.display()))
        }
        Ok(false) => Check::new(
            false,
            format!("Other users of this computer can open the data folder {}.", root.display()),
        ),
        Err(e) => {
            Check::new(false, format!("The data folder {} cannot be read ({e}).", root.display()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_that_never_arrives_switches_to_loopback() {
        let now = Utc::now();
        assert_eq!(HandBack::decide(true, now).route, Route::DeepLink);
        let missed = HandBack::decide(false, now);
        assert_eq!(missed.route, Route::Loopback);
        assert!(missed.message().contains("loopback"));
    }

    #[tokio::test]
    async fn sign_in_with_a_code_comes_first_once_links_are_found_not_to_come_back() {
        let t = crate::testing::TestDeck::new(true).await;
        let deep_link = crate::testing::TestDeck::config();
        let mut loopback = deep_link.clone();
        loopback.redirect = Redirect::loopback();
        let mut no_code = deep_link.clone();
        no_code.issuer = None;
        no_code.endpoints = Some(crate::provider::Endpoints {
            authorization: "https://id.example.test/auth".into(),
            token: "https://id.example.test/token".into(),
            revocation: None,
            userinfo: None,
        });
        let firsts = |deck: &Deck| {
            [&deep_link, &loopback, &no_code].map(|c| deck.provider_view(c).code_first)
        };
        assert_eq!(firsts(&t.deck), [false; 3], "no check yet: the browser first");
        t.deck.record_hand_back(&HandBack::decide(true, Utc::now())).unwrap();
        assert_eq!(firsts(&t.deck), [false; 3], "links come back");
        t.deck.record_hand_back(&HandBack::decide(false, Utc::now())).unwrap();
        // Only the provider set up for the lost link, and only where a code is offered.
        assert_eq!(firsts(&t.deck), [true, false, false]);
        assert!(!ProviderView::from(&deep_link).code_first, "the configuration alone says no");
    }

    #[test]
    fn the_handler_check_names_who_gets_the_links() {
        let none = scheme_check(Install::Package, None);
        assert!(!none.ok);
        let ours = Handler { entry: PACKAGED_ENTRY.into(), path: None, exec: None };
        assert!(scheme_check(Install::Package, Some(ours)).ok);
        let other = Handler { entry: "browser.desktop".into(), path: None, exec: None };
        let check = scheme_check(Install::Package, Some(other));
        assert!(!check.ok && check.message.contains("browser.desktop"), "{}", check.message);
    }

    #[cfg(unix)]
    #[test]
    fn an_open_data_folder_is_reported() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        assert!(private_check(dir.path()).ok);
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(!private_check(dir.path()).ok);
    }
}
