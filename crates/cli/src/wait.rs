//! `authdeck login` waits for the sign-in answer on every route at once: the loopback
//! listener, an address pasted on standard input, and a completion by any other AuthDeck
//! process (`authdeck callback URL`, which the OS runs for the deep link, or the window).

use std::io::BufRead;

use authdeck_core::{AccountView, Deck, Result, SignInSession, StartedLogin};
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
