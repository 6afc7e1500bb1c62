//! [`AppSettings`]: the desktop app's few switches, kept in the data folder
//! (`settings.json`) beside the accounts, so they follow the data folder (and a test's
//! `AUTHDECK_HOME`) rather than a second place on disk.

use serde::{Deserialize, Serialize};

use crate::atomic;
use crate::error::{Error, Result};
use crate::home::Home;

const FILE: &str = "settings.json";

/// The desktop app's settings. Unknown or missing fields take their defaults, so an older
/// file keeps working.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct AppSettings {
    /// Closing the window keeps AuthDeck running in the tray (where there is a tray).
    pub keep_running_when_closed: bool,
    /// The one-time notice "AuthDeck keeps running in the tray" was shown.
    pub close_notice_shown: bool,
}

impl Default for AppSettings {
    fn default() -> Self {
        AppSettings { keep_running_when_closed: true, close_notice_shown: false }
    }
}

impl AppSettings {
    /// The saved settings, or the defaults when there are none (or the file is unreadable:
    /// a switch is not worth refusing to start over).
    pub fn load(home: &Home) -> Self {
        match atomic::read_json(&home.root().join(FILE)) {
            Ok(settings) => settings.unwrap_or_default(),
            Err(e) => {
                tracing::warn!(error = %e, "unreadable settings; using the defaults");
                AppSettings::default()
            }
        }
    }

    pub fn save(&self, home: &Home) -> Result<()> {
        let path = home.root().join(FILE);
        atomic::write_json(&path, self).map_err(|e| Error::storage("save", path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_then_saved_values_and_old_files_still_read() {
        let home = Home::open(tempfile::tempdir().unwrap().keep()).unwrap();
        let settings = AppSettings::load(&home);
        assert!(settings.keep_running_when_closed && !settings.close_notice_shown);
        let changed = AppSettings { keep_running_when_closed: false, close_notice_shown: true };
        changed.save(&home).unwrap();
        assert_eq!(AppSettings::load(&home), changed);
        std::fs::write(home.root().join(FILE), r#"{"close_notice_shown":true}"#).unwrap();
        let partial = AppSettings::load(&home);
        assert!(partial.keep_running_when_closed && partial.close_notice_shown);
        std::fs::write(home.root().join(FILE), "garbage").unwrap();
        assert_eq!(AppSettings::load(&home), AppSettings::default());
    }
}
