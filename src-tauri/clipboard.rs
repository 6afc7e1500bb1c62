//! The system clipboard via `arboard`, which (unlike the official clipboard plugin) can mark
//! the token to be kept out of clipboard history and managers: `x-kde-passwordManagerHint` on
//! Linux, the concealed/transient types on macOS, and the history/cloud exclusions on Windows.

use std::sync::Mutex;

use authdeck_core::AccessToken;

use crate::shell::Clipboard;

/// The system clipboard. Created on first use (there may be no display at start-up) and kept
/// alive, because on X11 the clipboard content is served by the process that set it.
#[derive(Default)]
pub struct SystemClipboard {
    inner: Mutex<Option<arboard::Clipboard>>,
}

impl std::fmt::Debug for SystemClipboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SystemClipboard")
    }
}

impl SystemClipboard {
    fn with<T>(
        &self,
        f: impl FnOnce(&mut arboard::Clipboard) -> Result<T, arboard::Error>,
    ) -> Result<T, String> {
        let mut guard = self.inner.lock().map_err(|_| "clipboard lock poisoned".to_string())?;
        if guard.is_none() {
            *guard = Some(arboard::Clipboard::new().map_err(|e| e.to_string())?);
        }
        f(guard.as_mut().expect("set above")).map_err(|e| e.to_string())
    }
}

impl Clipboard for SystemClipboard {
    fn put_secret(&self, text: &AccessToken) -> Result<(), String> {
        self.with(|clipboard| {
            let set = clipboard.set();
            #[cfg(all(
                unix,
                not(any(target_os = "macos", target_os = "android", target_os = "ios"))
            ))]
            let set = {
                use arboard::SetExtLinux;
                set.exclude_from_history()
            };
            #[cfg(target_os = "macos")]
            let set = {
                use arboard::SetExtApple;
                set.exclude_from_history()
            };
            #[cfg(windows)]
            let set = {
                use arboard::SetExtWindows;
                set.exclude_from_history().exclude_from_cloud().exclude_from_monitoring()
            };
            set.text(text.expose())
        })
    }

    fn read_text(&self) -> Option<String> {
        self.with(|clipboard| clipboard.get_text()).ok()
    }

    fn clear(&self) -> Result<(), String> {
        self.with(|clipboard| clipboard.clear())
    }
}
