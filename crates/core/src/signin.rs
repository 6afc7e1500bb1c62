//! Waiting for a sign-in's answer, by every route at once: the one place that does it.
//!
//! A sign-in started here may be answered through its loopback listener, by an address the
//! user pastes, or by any other AuthDeck process (`authdeck callback`, the deep link, the
//! window). [`SignInSession::finish`] races those routes and resolves the one subtle case the
//! same way for every caller: when the outcome is seen on disk while this session's own
//! listener is still sending its page to the browser, it lets the listener finish (for up to
//! [`PAGE_GRACE`]) instead of resetting the browser's connection. A sign-in with a code
//! ([`SignInSession::device`]) waits here too: its poller takes the listener's place, so
//! cancelling, a cancel from another process and the outcome work the same for both.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;

use crate::account::AccountView;
use crate::deck::Deck;
use crate::device::{DevicePoll, StartedDeviceLogin, SystemClock};
use crate::error::{Error, Result};
use crate::ids::LoginHandle;
use crate::login::StartedLogin;
use crate::loopback::LoopbackListener;

/// How long the listener may take to send its page once the sign-in has ended.
pub const PAGE_GRACE: Duration = Duration::from_secs(5);

/// A started sign-in and the routes its answer may take.
#[derive(Debug)]
pub struct SignInSession {
    deck: Deck,
    handle: LoginHandle,
    expires_at: DateTime<Utc>,
    loopback: Option<LoopbackListener>,
    device: Option<DevicePoll>,
}

impl SignInSession {
    /// Takes over a sign-in started by [`Deck::start_login`] (its listener included).
    pub fn new(deck: &Deck, started: StartedLogin) -> Self {
        SignInSession {
            deck: deck.clone(),
            handle: started.handle,
            expires_at: started.expires_at,
            loopback: started.loopback,
            device: None,
        }
    }

    /// Takes over a sign-in with a code started by [`Deck::start_device_login`]: its route is
    /// polling the provider until the code is approved.
    pub fn device(deck: &Deck, started: StartedDeviceLogin) -> Self {
        SignInSession {
            deck: deck.clone(),
            handle: started.poll.handle.clone(),
            expires_at: started.code.expires_at,
            loopback: None,
            device: Some(started.poll),
        }
    }

    /// Waits until the sign-in ends by any route and returns its account.
    ///
    /// `pasted` carries addresses the user pastes (closed or absent: that route stays quiet);
    /// one that answers no sign-in is handed to `rejected` and the wait goes on. When `cancel`
    /// resolves, the sign-in is abandoned and "cancelled" is returned.
    pub async fn finish(
        self,
        pasted: Option<mpsc::UnboundedReceiver<String>>,
        cancel: impl Future<Output = ()>,
        mut rejected: impl FnMut(&Error),
    ) -> Result<AccountView> {
        let SignInSession { deck, handle, expires_at, loopback, device } = self;
        let answering = loopback.as_ref().map_or_else(Arc::default, LoopbackListener::answering);
        let listener = serve(&deck, loopback, device);
        tokio::pin!(listener);
        let pasted = async {
            let Some(mut pasted) = pasted else { return std::future::pending().await };
            while let Some(line) = pasted.recv().await {
                let line = line.trim();
                if line.is_empty() {
                    continue;
                }
                match deck.complete_callback(line).await {
                    Err(Error::Callback(e)) if !e.consumes_sign_in() => {
                        rejected(&Error::Callback(e));
                    }
                    other => return other,
                }
            }
            // The paste route closed: keep waiting on the others.
            std::future::pending().await
        };
        let elsewhere = deck.wait_for_login(&handle, expires_at);
        let result = tokio::select! {
            result = &mut listener => return result,
            result = pasted => result,
            result = elsewhere => result,
            () = cancel => {
                deck.cancel_login(&handle).await;
                return Err(Error::LoginCancelled);
            }
        };
        let_the_page_go_out(&answering, listener).await;
        result
    }
}

/// The loopback route, or the poller of a sign-in with a code; never resolves when there is
/// neither.
async fn serve(
    deck: &Deck,
    loopback: Option<LoopbackListener>,
    device: Option<DevicePoll>,
) -> Result<AccountView> {
    match (loopback, device) {
        (Some(listener), _) => {
            listener.serve(|url| async move { deck.complete_callback(&url).await }).await
        }
        (None, Some(poll)) => deck.complete_device(poll, &SystemClock).await,
        (None, None) => std::future::pending().await,
    }
}

/// The sign-in ended by another route while our listener was completing it: the listener
/// holds the browser's connection, so give it time to send its page.
async fn let_the_page_go_out(
    answering: &AtomicBool,
    listener: impl Future<Output = Result<AccountView>>,
) {
    if answering.load(Ordering::SeqCst) {
        let _ = tokio::time::timeout(PAGE_GRACE, listener).await;
    }
}

#[cfg(test)]
mod tests;
