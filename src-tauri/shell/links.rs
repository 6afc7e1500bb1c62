//! Do sign-in links come back to the app? The first-run check and the one Diagnostics runs on
//! demand (see [`crate::hand_back`]); the UI hears the outcome as a `LinksChecked` event and
//! says in one sentence what it means when a link did not come back.

use super::Shell;
use crate::events::{AppEvent, LinksChecked};
use crate::hand_back;

impl Shell {
    /// Sends the app a test link through the system and waits for it; new sign-ins take the
    /// loopback route if it never arrives.
    pub async fn check_links(&self) -> LinksChecked {
        let host = self.host.clone();
        let result =
            self.hand_back.check(&self.deck, |link| host.open_browser(link), hand_back::WAIT).await;
        let checked = LinksChecked { arrived: result.arrived, message: result.message().into() };
        self.host.emit(AppEvent::LinksChecked(checked.clone()));
        checked
    }

    /// Whether `url` is a hand-back test link (then it is consumed, never seen as a sign-in).
    pub fn claim_test_link(&self, url: &str) -> bool {
        self.hand_back.claim(url)
    }

    /// At first start (no check recorded yet), runs [`check_links`](Self::check_links).
    pub async fn first_run_links_check(&self) {
        if self.deck.hand_back().is_none() {
            self.check_links().await;
        }
    }
}
