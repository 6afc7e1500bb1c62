//! What the window's page gets from Rust before its own script runs, in one initialization
//! script (`window.__AUTHDECK_START__`, read by `ui/src/ipc.ts`): the desktop's UI font, by
//! name.
//!
//! With only generic families (`system-ui`, `sans-serif`) in its stylesheet, WebKitGTK
//! resolved them through fontconfig while laying out the first frame, which cost about 20 to
//! 40 ms there (`bench/README.md`); a named family ahead of them avoids it. GTK's own setting
//! names the font the desktop draws its windows with, so it is also the right font. Other
//! platforms name none and the stylesheet's generic families apply.
//!
//! The object goes in as a JSON text inside a string literal and comes out through
//! `JSON.parse`: data, never code. Only plain family names are handed over (they end up in a
//! CSS font list); the page checks that again.

use serde::Serialize;

/// Where the page finds what this module hands it.
pub const START_GLOBAL: &str = "__AUTHDECK_START__";

/// The longest font family name handed over (the page checks it again, from the bindings).
pub const FONT_NAME_MAX_LEN: usize = 64;

/// What a font family name handed over may hold besides ASCII letters and digits.
pub const FONT_NAME_PUNCTUATION: &str = " -_";

/// What the page finds in [`START_GLOBAL`].
#[derive(Debug, Serialize, specta::Type)]
pub struct PageStart {
    /// The desktop's UI font family, to name ahead of the generic ones.
    pub ui_font: Option<String>,
}

impl PageStart {
    /// What this desktop hands its windows. Call on the main thread (GTK).
    pub fn of_desktop() -> Self {
        PageStart { ui_font: desktop_font() }
    }

    /// The initialization script that hands this to the page.
    pub fn script(&self) -> Option<String> {
        let json = serde_json::to_string(self).ok()?;
        let literal = serde_json::to_string(&json).ok()?;
        Some(format!("window.{START_GLOBAL} = JSON.parse({literal});"))
    }
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
        && family.chars().all(|c| c.is_ascii_alphanumeric() || FONT_NAME_PUNCTUATION.contains(c));
    plain.then(|| family.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text `JSON.parse` gets from `script`, checking that it is one string literal.
    fn parsed(script: &str) -> String {
        let literal = script
            .strip_prefix(&format!("window.{START_GLOBAL} = JSON.parse("))
            .and_then(|s| s.strip_suffix(");"))
            .unwrap();
        serde_json::from_str(literal).unwrap()
    }

    #[test]
    fn the_script_hands_over_data_that_json_parse_reads_back_whole() {
        let named = PageStart { ui_font: Some("Noto Sans".into()) };
        assert_eq!(parsed(&named.script().unwrap()), r#"{"ui_font":"Noto Sans"}"#);
        let none = PageStart { ui_font: None };
        assert_eq!(parsed(&none.script().unwrap()), r#"{"ui_font":null}"#);
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
