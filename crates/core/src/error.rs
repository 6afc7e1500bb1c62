//! Errors, each of which reads as one plain sentence a non-technical person can act on.
//!
//! The `Display` text of every variant is what the CLI prints and what the window shows, so it
//! never contains a secret, a stack trace or a provider's raw HTML. [`Error::kind`] is the small
//! machine-readable part the desktop UI branches on; everything else is just a message.

use std::io;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Result with the core [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in AuthDeck, worded for the person using it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Something typed or configured is not usable; the text says what and how to fix it.
    #[error("{0}")]
    Invalid(String),
    #[error("There is no provider called \"{0}\". Add it first, or pick one from the list.")]
    UnknownProvider(String),
    #[error("A provider called \"{0}\" already exists. Pick another name or remove it first.")]
    ProviderExists(String),
    /// No client ID was given and the provider does not let AuthDeck register itself.
    #[error(
        "This provider needs a client ID from its administrator, because it does not let \
         AuthDeck register itself."
    )]
    NeedsClientId,
    #[error("There is no connected account \"{0}\".")]
    UnknownAccount(String),
    #[error(
        "The system keychain is not available, so AuthDeck will not store or read sign-ins. {0}"
    )]
    KeychainUnavailable(String),
    #[error("The system keychain did not answer within {0} seconds. Unlock it and try again.")]
    KeychainTimeout(u64),
    #[error("The system keychain could not {0} a saved sign-in. Unlock it and try again.")]
    Keychain(&'static str),
    /// A renewed sign-in is held in memory because the keychain would not take it.
    #[error("Unlock your keychain to save the renewed sign-in.")]
    UnsavedSignIn,
    #[error(
        "This account's saved sign-in is missing from the keychain. Connect the account again."
    )]
    SecretsMissing,
    #[error("Your {provider} sign-in has ended. Connect the account again to keep using it.")]
    NeedsReconnect { provider: String },
    /// The access token has expired and there is no refresh token: only signing in again helps.
    #[error(
        "The access token of {account} has expired and the account has no refresh token. \
         Connect it again."
    )]
    ExpiredWithoutRefresh { account: String },
    #[error(
        "This account has no refresh token, so it cannot be refreshed. Connect it again when it \
         expires."
    )]
    NoRefreshToken,
    #[error(transparent)]
    Remote(#[from] RemoteError),
    #[error(transparent)]
    Callback(#[from] CallbackError),
    /// A sign-in with a code that cannot go on (declined, expired, not offered).
    #[error(transparent)]
    Device(#[from] crate::device::DeviceError),
    #[error("The sign-in was not finished within 10 minutes. Start it again.")]
    LoginTimedOut,
    /// The person cancelled the sign-in on this side (closed the waiting screen, Ctrl-C).
    #[error("The sign-in was cancelled.")]
    LoginCancelled,
    /// A handle that names no sign-in in progress: finished, cancelled, expired or forged.
    #[error("That sign-in is no longer waiting.")]
    LoginNotWaiting,
    /// The provider's client secret should be in the keychain and is not.
    #[error(
        "The client secret for \"{provider}\" is missing from the keychain. Remove the provider \
         and add it again with its secret."
    )]
    ClientSecretMissing { provider: String },
    /// The provider's client secret is read from an environment variable that is not set.
    #[error(
        "The client secret for \"{provider}\" is read from the environment variable {var}, \
         which is not set."
    )]
    ClientSecretUnset { provider: String, var: String },
    #[error("The sign-in answer could not be trusted: {0}. Nothing was saved.")]
    IdToken(String),
    /// A message reported by another AuthDeck process (for example the outcome of a sign-in
    /// completed elsewhere), already worded for people.
    #[error("{message}")]
    Reported { message: String, kind: ErrorKind, details: Option<String> },
    #[error(
        "Another AuthDeck window or command is still refreshing this account. Try again in a \
         moment."
    )]
    Busy,
    #[error("AuthDeck could not {action} {}: {source}.", path.display())]
    Storage {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// A failure talking to a provider. The host is named so the user knows who failed.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error("Could not connect to {host}. Check your internet connection and try again.")]
    Connect { host: String },
    #[error("{host} did not answer in time. Nothing was changed; try again in a moment.")]
    Timeout { host: String },
    #[error("The connection to {host} broke before it answered. Nothing was changed; try again.")]
    Interrupted { host: String },
    #[error("{}", unavailable(.host, *.status))]
    Unavailable { host: String, status: u16 },
    #[error("{host} sent {what} instead of the expected answer. Nothing was changed.")]
    Unreadable { host: String, what: &'static str },
    #[error(
        "{host} rejected AuthDeck's client settings ({code}). Check the client ID and secret \
         configured for this provider."
    )]
    ClientRejected { host: String, code: String },
    #[error("{host} refused the request: {description}")]
    Refused { host: String, description: String },
}

impl RemoteError {
    /// Names the provider as people know it, keeping the host for support staff:
    /// "Google (oauth2.googleapis.com) had a problem…".
    pub fn named(self, label: &str) -> Self {
        let name = |host: String| {
            if label.is_empty() || host == label { host } else { format!("{label} ({host})") }
        };
        match self {
            RemoteError::Connect { host } => RemoteError::Connect { host: name(host) },
            RemoteError::Timeout { host } => RemoteError::Timeout { host: name(host) },
            RemoteError::Interrupted { host } => RemoteError::Interrupted { host: name(host) },
            RemoteError::Unavailable { host, status } => {
                RemoteError::Unavailable { host: name(host), status }
            }
            RemoteError::Unreadable { host, what } => {
                RemoteError::Unreadable { host: name(host), what }
            }
            RemoteError::ClientRejected { host, code } => {
                RemoteError::ClientRejected { host: name(host), code }
            }
            RemoteError::Refused { host, description } => {
                RemoteError::Refused { host: name(host), description }
            }
        }
    }
}

/// A provider's HTTP failure as people read it: that it is unavailable (or busy) right now,
/// with the status code left to [`Error::details`], never in the sentence itself.
fn unavailable(host: &str, status: u16) -> String {
    match status {
        429 => format!(
            "{host} is busy right now and asked AuthDeck to slow down. Nothing was changed; try \
             again in a few minutes."
        ),
        500..=599 => format!(
            "{host} is unavailable right now. Nothing was changed; try again in a few minutes."
        ),
        _ => format!(
            "{host} could not handle the request right now. Nothing was changed; try again in a \
             few minutes."
        ),
    }
}

/// Why a sign-in answer (the callback URL) was not accepted or did not lead to an account.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    #[error("That address is not a sign-in answer AuthDeck can read.")]
    Malformed,
    #[error("That address is too long to be a sign-in answer.")]
    TooLong,
    #[error(
        "That address does not answer any sign-in in progress. Start the sign-in again from \
         AuthDeck."
    )]
    UnknownState,
    #[error("That sign-in answer was already used. Start a new sign-in if you need one.")]
    AlreadyUsed,
    #[error("That sign-in was started more than 10 minutes ago and has expired. Start it again.")]
    Expired,
    #[error("That sign-in answer did not come from the provider the sign-in was sent to.")]
    WrongIssuer,
    #[error("That sign-in answer arrived at a different address than the sign-in asked for.")]
    WrongRedirect,
    #[error("That sign-in answer has no authorization code.")]
    MissingCode,
    #[error("The sign-in was cancelled at the provider. Nothing was connected.")]
    Denied,
    #[error("The provider could not complete the sign-in: {0}")]
    ProviderError(String),
}

/// What the desktop UI branches on. Anything not listed is shown as a plain message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The account must be connected again (offer "Reconnect").
    NeedsReconnect,
    /// No keychain: show the badge, refuse to store.
    KeychainUnavailable,
    /// A forged, stale or cancelled sign-in answer: show it, change nothing.
    InvalidCallback,
    /// The account or provider no longer exists (removed by the CLI or another window):
    /// close whatever shows it.
    NotFound,
    /// Everything else.
    Other,
}

impl CallbackError {
    /// Whether this is a genuine answer that used up its sign-in (the provider refused), as
    /// opposed to an address that does not answer the sign-in at all and changes nothing.
    pub fn consumes_sign_in(&self) -> bool {
        matches!(self, CallbackError::Denied | CallbackError::ProviderError(_))
    }
}

impl Error {
    /// The branchable part of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::NeedsReconnect { .. }
            | Error::SecretsMissing
            | Error::ExpiredWithoutRefresh { .. } => ErrorKind::NeedsReconnect,
            Error::KeychainUnavailable(_) => ErrorKind::KeychainUnavailable,
            Error::Callback(_) => ErrorKind::InvalidCallback,
            Error::UnknownAccount(_) | Error::UnknownProvider(_) => ErrorKind::NotFound,
            Error::Reported { kind, .. } => *kind,
            _ => ErrorKind::Other,
        }
    }

    /// What support staff need beside the plain sentence ("HTTP 502"): shown under Details in
    /// the window, and kept in the activity log and the CLI's output by [`Error::report`].
    pub fn details(&self) -> Option<String> {
        match self {
            Error::Remote(RemoteError::Unavailable { status, .. }) => Some(format!(
                "HTTP {status}{}",
                oauth2::http::StatusCode::from_u16(*status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .map(|r| format!(" {r}"))
                    .unwrap_or_default()
            )),
            Error::Reported { details, .. } => details.clone(),
            _ => None,
        }
    }

    /// The plain sentence followed by its [`details`](Error::details), if any, on one line:
    /// what the activity log, an account's last error and the CLI keep.
    pub fn report(&self) -> String {
        match self.details() {
            Some(details) => format!("{self} Details: {details}."),
            None => self.to_string(),
        }
    }

    /// A provider's error names the provider (see [`RemoteError::named`]); others pass through.
    pub(crate) fn named(self, label: &str) -> Self {
        match self {
            Error::Remote(remote) => Error::Remote(remote.named(label)),
            other => other,
        }
    }

    pub(crate) fn storage(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: io::Error,
    ) -> Self {
        Error::Storage { action, path: path.into(), source }
    }
}

/// Trims text that came from a provider to one short line without control characters, so a
/// hostile or broken server cannot flood the terminal or inject escape sequences.
pub(crate) fn tidy_remote_text(text: &str) -> String {
    // Drop anything that looks like markup: a provider's HTML must not reach a terminal or the
    // window as if it were ours.
    let mut plain = String::with_capacity(text.len());
    let mut in_tag = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // Terminal escape sequences (ESC [ ... final byte) are dropped whole.
            '\u{1b}' => {
                if chars.next_if_eq(&'[').is_some() {
                    while chars.next_if(|c| !('@'..='~').contains(c)).is_some() {}
                    chars.next();
                }
            }
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                plain.push(' ');
            }
            '>' => {}
            _ if in_tag => {}
            c if c.is_control() => plain.push(' '),
            c => plain.push(c),
        }
    }
    let words: Vec<&str> = plain.split_whitespace().collect();
    let joined = words.join(" ");
    let mut out: String = joined.chars().take(200).collect();
    if joined.chars().count() > 200 {
        out.push('…');
    }
    if !out.is_empty() && !out.ends_with(['.', '!', '?', '…']) {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_text_is_one_short_line_without_markup() {
        assert_eq!(tidy_remote_text("bad\nthing\u{1b}[31m red\u{1b}[0m"), "bad thing red.");
        assert_eq!(
            tidy_remote_text("<html><body><h1>Bad</h1> gateway</body></html>"),
            "Bad gateway."
        );
        assert_eq!(
            tidy_remote_text("<script>alert(1)</script> Please <b>retry</b>"),
            "alert(1) Please retry."
        );
        assert_eq!(tidy_remote_text("a > b"), "a b.");
        assert_eq!(tidy_remote_text("<br>"), "");
    }

    #[test]
    fn remote_errors_name_the_provider_and_the_host() {
        let error = RemoteError::Unavailable { host: "oauth2.googleapis.com".into(), status: 502 };
        assert_eq!(
            error.named("Google").to_string(),
            "Google (oauth2.googleapis.com) is unavailable right now. Nothing was changed; try \
             again in a few minutes."
        );
        let error = RemoteError::Timeout { host: "id.example".into() };
        assert!(error.named("").to_string().starts_with("id.example did not"));
        let long = "x".repeat(500);
        assert_eq!(tidy_remote_text(&long).chars().count(), 201);
    }

    #[test]
    fn an_http_failure_is_a_plain_sentence_with_the_status_code_in_the_details() {
        let remote =
            |status| Error::Remote(RemoteError::Unavailable { host: "id.example".into(), status });
        let error = remote(502);
        assert_eq!(
            error.to_string(),
            "id.example is unavailable right now. Nothing was changed; try again in a few minutes."
        );
        assert!(!error.to_string().contains("502"), "the code is for Details only");
        assert_eq!(error.details().as_deref(), Some("HTTP 502 Bad Gateway"));
        assert_eq!(
            error.report(),
            "id.example is unavailable right now. Nothing was changed; try again in a few \
             minutes. Details: HTTP 502 Bad Gateway."
        );
        assert!(remote(429).to_string().contains("busy right now"));
        assert_eq!(remote(429).details().as_deref(), Some("HTTP 429 Too Many Requests"));
        assert!(remote(404).to_string().contains("could not handle the request"));
        assert_eq!(remote(599).details().as_deref(), Some("HTTP 599"));
        assert_eq!(Error::Busy.details(), None);
        assert_eq!(Error::Busy.report(), Error::Busy.to_string());
    }

    #[test]
    fn kinds_only_where_the_ui_branches() {
        assert_eq!(
            Error::NeedsReconnect { provider: "Google".into() }.kind(),
            ErrorKind::NeedsReconnect
        );
        assert_eq!(Error::Callback(CallbackError::UnknownState).kind(), ErrorKind::InvalidCallback);
        assert_eq!(Error::UnknownAccount("x".into()).kind(), ErrorKind::NotFound);
        assert_eq!(Error::Busy.kind(), ErrorKind::Other);
    }
}
