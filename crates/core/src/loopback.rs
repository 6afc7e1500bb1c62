//! The loopback redirect listener (RFC 8252 §7.3).
//!
//! Binds 127.0.0.1 only, on an ephemeral port unless one is configured. It answers requests
//! for the exact callback path and nothing else, with static pages that echo nothing from the
//! request, and stops after the first genuine answer (success or failure); a forged request
//! gets a refusal page and leaves the sign-in waiting. Dropping the listener closes the port.
//!
//! Requests are read concurrently (up to [`MAX_CONNECTIONS`] at once, each with a 5 s read
//! deadline), so a local program that opens connections and sends nothing cannot hold the
//! browser's answer back; answers for the callback path are then completed one at a time.

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::account::AccountView;
use crate::error::{Error, Result};

const MAX_HEAD: usize = 16 * 1024;
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// Connections whose requests are read at the same time; more wait in the accept queue.
pub const MAX_CONNECTIONS: usize = 16;

/// A bound loopback listener waiting for one sign-in answer.
#[derive(Debug)]
pub struct LoopbackListener {
    listener: TcpListener,
    port: u16,
    path: String,
    answering: Arc<AtomicBool>,
}

impl LoopbackListener {
    /// Binds `127.0.0.1:<port>` (ephemeral when `None`).
    pub async fn bind(port: Option<u16>, path: &str) -> Result<Self> {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port.unwrap_or(0)));
        let listener = TcpListener::bind(addr).await.map_err(|e| {
            Error::Invalid(format!(
                "AuthDeck could not listen on 127.0.0.1:{} for the sign-in answer ({e}).",
                port.unwrap_or(0)
            ))
        })?;
        let port = listener.local_addr().map_err(|e| Error::Invalid(e.to_string()))?.port();
        Ok(LoopbackListener { listener, port, path: path.to_string(), answering: Arc::default() })
    }

    /// True while the listener is completing a sign-in and has not yet sent its page. Whoever
    /// waits for the sign-in's outcome by another route must then let the listener finish,
    /// or the browser gets a reset connection instead of the page.
    pub fn answering(&self) -> Arc<AtomicBool> {
        self.answering.clone()
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The exact redirect URI to send in the authorization request.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}{}", self.port, self.path)
    }

    /// Serves until `complete` accepts an answer or fails after consuming the sign-in.
    /// `complete` receives the full callback URL.
    pub async fn serve<F, Fut>(self, mut complete: F) -> Result<AccountView>
    where
        F: FnMut(String) -> Fut,
        Fut: Future<Output = Result<AccountView>>,
    {
        let mut reading = JoinSet::new();
        loop {
            let read = tokio::select! {
                accepted = self.listener.accept(), if reading.len() < MAX_CONNECTIONS => {
                    match accepted {
                        Ok((stream, _)) => {
                            reading.spawn(read_request(stream, self.path.clone()));
                        }
                        Err(e) => tracing::debug!(error = %e, "loopback accept failed"),
                    }
                    continue;
                }
                Some(read) = reading.join_next() => read,
            };
            // A reader that panicked (it cannot) or was refused has answered already.
            let Ok(Some((mut stream, target))) = read else { continue };
            let url = format!("http://127.0.0.1:{}{target}", self.port);
            self.answering.store(true, Ordering::SeqCst);
            match complete(url).await {
                Ok(account) => {
                    respond(&mut stream, 200, PAGE_DONE).await;
                    return Ok(account);
                }
                Err(Error::Callback(e)) if !e.consumes_sign_in() => {
                    respond(&mut stream, 400, PAGE_INVALID).await;
                    self.answering.store(false, Ordering::SeqCst);
                }
                Err(e) => {
                    respond(&mut stream, 200, PAGE_FAILED).await;
                    return Err(e);
                }
            }
        }
    }
}

/// Reads one request; answers it at once unless it is for the callback path, which is
/// returned with its request target for the sign-in to check.
async fn read_request(mut stream: TcpStream, path: String) -> Option<(TcpStream, String)> {
    let target = match tokio::time::timeout(READ_TIMEOUT, read_target(&mut stream)).await {
        Ok(Some(target)) => target,
        _ => {
            respond(&mut stream, 400, PAGE_INVALID).await;
            return None;
        }
    };
    if target.split('?').next().unwrap_or_default() != path {
        respond(&mut stream, 404, PAGE_NOT_FOUND).await;
        return None;
    }
    Some((stream, target))
}

/// Reads the request head and returns the request target of a GET.
async fn read_target(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 || head.len() + n > MAX_HEAD {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let line = std::str::from_utf8(&head).ok()?.lines().next()?.to_string();
    let mut parts = line.split(' ');
    let (method, target) = (parts.next()?, parts.next()?);
    (method == "GET" && target.starts_with('/')).then(|| target.to_string())
}

async fn respond(stream: &mut TcpStream, status: u16, body: &str) {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Bad Request",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\n\
         Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n\
         X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body.as_bytes()).await;
    let _ = stream.shutdown().await;
}

macro_rules! page {
    ($title:literal, $text:literal) => {
        concat!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">",
            "<meta name=\"viewport\" content=\"width=device-width\"><title>",
            $title,
            " — AuthDeck</title><style>body{font:16px system-ui,sans-serif;margin:15vh auto;",
            "max-width:32em;padding:0 1em;color:#1b1f24}@media(prefers-color-scheme:dark){body{",
            "background:#15181c;color:#e6e8eb}}</style></head><body><h1>",
            $title,
            "</h1><p>",
            $text,
            "</p></body></html>"
        )
    };
}

const PAGE_DONE: &str =
    page!("You're signed in", "You can close this tab and go back to AuthDeck.");
const PAGE_FAILED: &str =
    page!("The sign-in did not finish", "Go back to AuthDeck to see what happened and try again.");
const PAGE_INVALID: &str = page!(
    "This sign-in link is not valid",
    "It does not match a sign-in in progress. Go back to AuthDeck and start again."
);
const PAGE_NOT_FOUND: &str = page!("Nothing here", "This address is not used by AuthDeck.");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::CallbackError;

    async fn get(port: u16, target: &str) -> std::io::Result<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
        stream.write_all(format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes()).await?;
        let mut text = String::new();
        stream.read_to_string(&mut text).await?;
        Ok(text)
    }

    #[tokio::test]
    async fn answers_only_its_path_then_closes() {
        let listener = LoopbackListener::bind(None, "/callback").await.unwrap();
        let port = listener.port();
        assert!(listener.redirect_uri().starts_with("http://127.0.0.1:"));
        let server = tokio::spawn(listener.serve(|url| async move {
            if url.contains("state=good") {
                Err(Error::Callback(CallbackError::Denied))
            } else {
                Err(Error::Callback(CallbackError::UnknownState))
            }
        }));
        let not_found = get(port, "/other?code=<script>").await.unwrap();
        assert!(not_found.starts_with("HTTP/1.1 404"), "{not_found}");
        assert!(!not_found.contains("<script>"));
        let forged = get(port, "/callback?code=x&state=forged").await.unwrap();
        assert!(forged.starts_with("HTTP/1.1 400"), "{forged}");
        let genuine = get(port, "/callback?error=access_denied&state=good").await.unwrap();
        assert!(genuine.contains("did not finish"), "{genuine}");
        assert!(!genuine.contains("access_denied"));
        let result = server.await.unwrap();
        assert!(matches!(result, Err(Error::Callback(CallbackError::Denied))));
        // The port is closed afterwards.
        assert!(get(port, "/callback?state=good").await.is_err());
    }

    #[tokio::test]
    async fn idle_connections_do_not_delay_the_real_answer() {
        let listener = LoopbackListener::bind(None, "/callback").await.unwrap();
        let port = listener.port();
        let server = tokio::spawn(listener.serve(|_| async move {
            Err::<AccountView, _>(Error::Callback(CallbackError::Denied))
        }));
        let mut idle = Vec::new();
        for _ in 0..3 {
            idle.push(TcpStream::connect(("127.0.0.1", port)).await.unwrap());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        let started = std::time::Instant::now();
        let page = get(port, "/callback?error=access_denied&state=good").await.unwrap();
        let waited = started.elapsed();
        assert!(page.contains("did not finish"), "{page}");
        assert!(waited < Duration::from_secs(1), "the answer waited {waited:?}");
        assert!(server.await.unwrap().is_err());
        drop(idle);
    }

    #[tokio::test]
    async fn connections_beyond_the_bound_wait_their_turn() {
        let listener = LoopbackListener::bind(None, "/callback").await.unwrap();
        let port = listener.port();
        let server = tokio::spawn(listener.serve(|_| async move {
            Err::<AccountView, _>(Error::Callback(CallbackError::Denied))
        }));
        let mut idle = Vec::new();
        for _ in 0..MAX_CONNECTIONS {
            idle.push(TcpStream::connect(("127.0.0.1", port)).await.unwrap());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        // The listener is full: a new request is not read until an idle one goes away.
        let answer = tokio::spawn(get(port, "/callback?error=access_denied&state=good"));
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(!answer.is_finished());
        idle.pop();
        let page = tokio::time::timeout(Duration::from_secs(2), answer).await.unwrap().unwrap();
        assert!(page.unwrap().contains("did not finish"));
        assert!(server.await.unwrap().is_err());
    }
}
