//! The one error shape that crosses IPC: `{kind, message}` (and `details` for Details).
//!
//! `message` is the core error's plain sentence; `kind` is only what the UI branches on
//! (reconnect, keychain badge, invalid sign-in answer), everything else is `other`.

use authdeck_core::{Error, ErrorKind};
use serde::Serialize;

/// An error as the web UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct IpcError {
    pub kind: ErrorKind,
    pub message: String,
    /// What support staff need beside the sentence ("HTTP 502 Bad Gateway"), for Details.
    pub details: Option<String>,
}

impl From<Error> for IpcError {
    fn from(error: Error) -> Self {
        IpcError { kind: error.kind(), message: error.to_string(), details: error.details() }
    }
}

impl IpcError {
    pub fn other(message: impl Into<String>) -> Self {
        IpcError { kind: ErrorKind::Other, message: message.into(), details: None }
    }
}

/// Result of every command.
pub type IpcResult<T> = Result<T, IpcError>;
