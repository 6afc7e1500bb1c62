//! `authdeck login` waits for the sign-in answer on every route at once: the loopback
//! listener, an address pasted on standard input, and a completion by any other AuthDeck
//! process (`authdeck callback URL`, which the OS runs for the deep link, or the window).
//! `login --device` waits through the same session, with the poller as its one route.

use std::io::BufRead;

use authdeck_core::{AccountView, Deck, Result, SignInSession, StartedDeviceLogin, StartedLogin};
use tokio::sync::mpsc;

/// Waits for `started` to finish by whichever route answers first; Ctrl-C abandons it.
pub async fn finish(deck: &Deck, started: StartedLogin) -> Result<AccountView> {
    let cancel = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    SignInSession::new(deck, started)
        .finish(Some(stdin_lines()), cancel, |e| crate::print::say_err!("{}", e.report()))
        .await
}

/// Waits for a sign-in with a code to be approved; Ctrl-C stops polling at once.
pub async fn finish_device(deck: &Deck, started: StartedDeviceLogin) -> Result<AccountView> {
    let cancel = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    SignInSession::device(deck, started).finish(None, cancel, |_| {}).await
}

/// Lines of standard input, read on a plain thread (it must not keep the process alive).
fn stdin_lines() -> mpsc::UnboundedReceiver<String> {
    let (tx, rx) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}
