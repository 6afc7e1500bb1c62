//! What the window's page gets from Rust before its own script runs, in one initialization
//! script (`window.__AUTHDECK_START__`, read by `ui/src/ipc.ts`).
//!
//! Both parts are about the first frame on Linux, where WebKitGTK's first paint of the list
//! was measured against a bare WebKitGTK window (`bench/`):
//! - **The account list**, read while the web process starts: the first list call's answer
//!   would reach the page only after a frame without the accounts. The page still asks right
//!   after its first frame, which brings anything changed since.
//! - **The desktop's UI font by name.** With only generic families (`system-ui`,
//!   `sans-serif`), WebKitGTK resolved them through fontconfig while laying out the first
//!   frame, which cost about 20 to 30 ms there; a named family first avoids it. GTK's own
//!   setting names the font the desktop uses for its windows, so this is also the right font.
//!   Other platforms name none and the stylesheet's generic families apply.
//!
//! The object goes in as a JSON text inside a string literal and comes out through
//! `JSON.parse`: data, never code, whatever a provider or a hostile file put in a name.
//! Account views hold no secret (the list command sends the same).

use authdeck_core::AccountView;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Where the page finds what this module hands it.
pub const START_GLOBAL: &str = "__AUTHDECK_START__";

/// The longest font family name handed over.
const FONT_NAME_MAX_LEN: usize = 64;

/// What the page finds in [`START_GLOBAL`].
#[derive(Debug, Serialize, specta::Type)]
pub struct PageStart<'a> {
    /// When this was made (Unix ms): a page loaded again later ignores the listing.
    pub made_at_ms: i64,
    /// The account list read at start, most urgent first (none for a window opened later).
    pub accounts: Option<&'a [AccountView]>,
    /// The desktop's UI font family, to name ahead of the generic ones.
    pub ui_font: Option<String>,
}

/// The initialization script for `start`.
pub fn script(start: &PageStart<'_>) -> Option<String> {
    let json = serde_json::to_string(start).ok()?;
    let literal = serde_json::to_string(&json).ok()?;
    Some(format!("window.{START_GLOBAL} = JSON.parse({literal});"))
}

/// [`PageStart`] at `now`, with the desktop's UI font. Call on the main thread (GTK).
pub fn now<'a>(accounts: Option<&'a [AccountView]>, now: DateTime<Utc>) -> PageStart<'a> {
    PageStart { made_at_ms: now.timestamp_millis(), accounts, ui_font: desktop_font() }
}

/// The family of GTK's `gtk-font-name` ("Cantarell 11" → "Cantarell"), if it is a plain
/// name (letters, digits, spaces, `-`, `_`): it ends up in a CSS font list.
#[cfg(target_os = "linux")]
fn desktop_font() -> Option<String> {
    use gtk::prelude::GtkSettingsExt;
    let name = gtk::Settings::default()?.gtk_font_name()?;
    let family = pango::FontDescription::from_string(&name).family()?;
    let plain = plain_family(family.as_str());
    tracing::debug!(setting = %name, font = ?plain, "the desktop's font for the window");
    plain
}

#[cfg(not(target_os = "linux"))]
fn desktop_font() -> Option<String> {
    None
}

/// `family` if it can go into a CSS font list as a quoted name without escaping.
fn plain_family(family: &str) -> Option<String> {
    let family = family.trim();
    let plain = !family.is_empty()
        && family.len() <= FONT_NAME_MAX_LEN
        && family.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_'));
    plain.then(|| family.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_hands_over_data_that_json_parse_reads_back_whole() {
        let start = PageStart {
            made_at_ms: 1_700_000_000_123,
            accounts: Some(&[]),
            ui_font: Some("Noto Sans".into()),
        };
        let script = script(&start).unwrap();
        let literal = script
            .strip_prefix(&format!("window.{START_GLOBAL} = JSON.parse("))
            .and_then(|s| s.strip_suffix(");"))
            .unwrap();
        // One string literal (what JSON.parse gets), holding exactly the serialized start.
        let text: String = serde_json::from_str(literal).unwrap();
        assert_eq!(text, serde_json::to_string(&start).unwrap());
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["made_at_ms"], 1_700_000_000_123_i64);
        assert_eq!(value["ui_font"], "Noto Sans");
    }

    #[test]
    fn only_plain_font_names_are_handed_over() {
        assert_eq!(plain_family(" DejaVu Sans "), Some("DejaVu Sans".into()));
        assert_eq!(plain_family("Noto_Sans-UI 2"), Some("Noto_Sans-UI 2".into()));
        for hostile in ["", "a\"b", "x'); }", "Sans;color:red", "ä", &"a".repeat(65)] {
            assert_eq!(plain_family(hostile), None, "{hostile}");
        }
    }
}
