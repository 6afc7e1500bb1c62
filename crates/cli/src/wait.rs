//! `authdeck login` waits for the sign-in answer on every route at once: the loopback
//! listener, an address pasted on standard input, and a completion by any other AuthDeck
//! process (`authdeck callback URL`, which the OS runs for the deep link, or the window).

use std::io::BufRead;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use authdeck_core::{AccountView, Deck, Error, Result, StartedLogin};
use tokio::sync::mpsc;

/// Waits for `started` to finish by whichever route answers first.
pub async fn finish(deck: &Deck, started: StartedLogin) -> Result<AccountView> {
    let StartedLogin { handle, expires_at, loopback, .. } = started;
    let answering = loopback.as_ref().map_or_else(Arc::default, |l| l.answering());
    let listener = async {
        match loopback {
            Some(listener) => {
                listener.serve(|url| async move { deck.complete_callback(&url).await }).await
            }
            None => std::future::pending().await,
        }
    };
    let pasted = async {
        let mut lines = stdin_lines();
        while let Some(line) = lines.recv().await {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            match deck.complete_callback(line).await {
                Err(Error::Callback(e)) if !e.consumes_sign_in() => crate::print::say_err!("{e}"),
                other => return other,
            }
        }
        // Standard input closed (or was never there): keep waiting on the other routes.
        std::future::pending().await
    };
    let elsewhere = async {
        let result = deck.wait_for_login(&handle, expires_at).await;
        // Answered through our own loopback listener: let it finish sending its page.
        if answering.load(Ordering::SeqCst) {
            std::future::pending::<()>().await;
        }
        result
    };
    tokio::select! {
        result = listener => result,
        result = pasted => result,
        result = elsewhere => result,
        _ = tokio::signal::ctrl_c() => {
            deck.cancel_login(&handle).await;
            Err(Error::Invalid("The sign-in was cancelled.".into()))
        }
    }
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
