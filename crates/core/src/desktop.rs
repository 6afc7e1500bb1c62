//! Where `dev.authdeck.app:` links go on this desktop, and what to do about it.
//!
//! A sign-in answered by deep link only comes back if the desktop hands the link to AuthDeck.
//! Two installs need different care (issue: "packages whose deep links work from the first
//! click"):
//!
//! - A **system package** (.deb, .rpm) ships its own desktop entry (`authdeck.desktop`, with
//!   `Exec=authdeck-app %u`) and the desktop database trigger registers it. Such a copy must not
//!   write a per-user handler: one written by an earlier build-tree run
//!   (`~/.local/share/applications/authdeck-app-handler.desktop`, whose quoted `Exec` xdg-open
//!   cannot run) would win over the package's entry. A packaged copy that finds such a stale
//!   handler takes the default back.
//! - A **portable** copy (a build tree, an AppImage) has no entry of its own, so it registers a
//!   per-user handler at start (the deep-link plugin's `register_all`).
//!
//! [`plan`] is the pure decision; [`Handler::query`] and [`apply`] talk to `xdg-mime`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Serialize;

use crate::home::APP_ID;

/// The desktop entry the packages install.
pub const PACKAGED_ENTRY: &str = "authdeck.desktop";

/// The MIME type of AuthDeck's links.
pub fn scheme_mime() -> String {
    format!("x-scheme-handler/{APP_ID}")
}

/// How this copy of AuthDeck was installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Install {
    /// Installed by the system package manager under /usr (or /opt).
    Package,
    /// A build tree, an AppImage, or a copy somewhere in the user's files.
    Portable,
}

impl Install {
    /// Judges an executable path (`$APPIMAGE` set means an AppImage, wherever it is mounted).
    pub fn of(exe: &Path, appimage: bool) -> Self {
        let system = exe.starts_with("/usr/") || exe.starts_with("/opt/");
        if system && !appimage { Install::Package } else { Install::Portable }
    }

    /// This process.
    pub fn current() -> Self {
        let exe = std::env::current_exe().unwrap_or_default();
        Self::of(&exe, std::env::var_os("APPIMAGE").is_some())
    }
}

/// The desktop entry that handles AuthDeck's links now, as the desktop reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Handler {
    /// The desktop file id, e.g. `authdeck.desktop`.
    pub entry: String,
    /// Where the entry was found.
    pub path: Option<String>,
    /// Its `Exec` line.
    pub exec: Option<String>,
}

impl Handler {
    /// Asks `xdg-mime` which entry handles the scheme; `None` when none does or the tool is
    /// missing.
    pub fn query() -> Option<Handler> {
        let out = Command::new("xdg-mime").args(["query", "default", &scheme_mime()]).output();
        let entry = String::from_utf8(out.ok()?.stdout).ok()?.trim().to_string();
        if entry.is_empty() {
            return None;
        }
        let path = find_entry(&entry);
        let exec = path.as_deref().and_then(read_exec);
        Some(Handler { entry, path: path.map(|p| p.display().to_string()), exec })
    }

    /// Whether this entry starts the executable `exe` (a bare program name is looked up on
    /// `PATH`, as the desktop does).
    fn runs(&self, exe: &Path) -> bool {
        let Some(exec) = self.exec.as_deref() else { return false };
        let program = exec.split_whitespace().next().unwrap_or("").trim_matches('"');
        let found = if program.contains('/') {
            Some(PathBuf::from(program))
        } else {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths).map(|d| d.join(program)).find(|p| p.is_file())
            })
        };
        let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        found.is_some_and(|found| canonical(&found) == canonical(exe))
    }
}

/// What to do about the handler at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Nothing: the links already come to this copy.
    Keep,
    /// Portable copy: write the per-user handler (the deep-link plugin's `register_all`).
    Register,
    /// Packaged copy: make the package's entry the default again, removing a stale per-user
    /// handler of ours (its path) if there is one.
    Reclaim { stale: Option<PathBuf> },
    /// Another program handles the scheme on purpose; leave it, and say so in Diagnostics.
    Foreign { entry: String },
}

/// Decides what to do, from how this copy was installed and what handles the links now.
pub fn plan(install: Install, exe: &Path, handler: Option<&Handler>) -> Plan {
    match (install, handler) {
        (Install::Portable, Some(h)) if h.runs(exe) => Plan::Keep,
        (Install::Portable, _) => Plan::Register,
        (Install::Package, Some(h)) if h.entry == PACKAGED_ENTRY => Plan::Keep,
        (Install::Package, Some(h)) if is_ours(&h.entry) => {
            Plan::Reclaim { stale: h.path.as_ref().map(PathBuf::from) }
        }
        (Install::Package, None) => Plan::Reclaim { stale: None },
        (Install::Package, Some(h)) => Plan::Foreign { entry: h.entry.clone() },
    }
}

/// Entries AuthDeck itself writes or ships.
fn is_ours(entry: &str) -> bool {
    entry == PACKAGED_ENTRY || (entry.starts_with("authdeck") && entry.ends_with(".desktop"))
}

/// Carries out [`Plan::Reclaim`]: removes the stale per-user entry (only one inside the user's
/// own applications folder) and makes the package's entry the default.
pub fn reclaim(stale: Option<&Path>) -> std::io::Result<()> {
    if let (Some(path), Some(user_apps)) = (stale, dirs::data_dir().map(|d| d.join("applications")))
        && path.starts_with(&user_apps)
    {
        let _ = std::fs::remove_file(path);
        let _ = Command::new("update-desktop-database").arg(&user_apps).status();
    }
    let status =
        Command::new("xdg-mime").args(["default", PACKAGED_ENTRY, &scheme_mime()]).status()?;
    if status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other(format!("xdg-mime default exited with {status}")))
    }
}

/// Finds a desktop entry in the XDG data directories (user first, as the desktop does).
fn find_entry(entry: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = dirs::data_dir().into_iter().collect();
    let system = std::env::var("XDG_DATA_DIRS")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "/usr/local/share:/usr/share".into());
    dirs.extend(system.split(':').map(PathBuf::from));
    dirs.into_iter().map(|d| d.join("applications").join(entry)).find(|p| p.is_file())
}

fn read_exec(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines().find_map(|l| l.strip_prefix("Exec=")).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handler(entry: &str, exec: &str) -> Handler {
        Handler {
            entry: entry.into(),
            path: Some(format!("/home/u/.local/share/applications/{entry}")),
            exec: Some(exec.into()),
        }
    }

    #[test]
    fn installs_are_told_apart() {
        assert_eq!(Install::of(Path::new("/usr/bin/authdeck-app"), false), Install::Package);
        assert_eq!(Install::of(Path::new("/opt/AuthDeck/authdeck-app"), false), Install::Package);
        assert_eq!(Install::of(Path::new("/usr/bin/authdeck-app"), true), Install::Portable);
        let tree = Path::new("/home/u/src/authdeck/target/release/authdeck-app");
        assert_eq!(Install::of(tree, false), Install::Portable);
    }

    #[test]
    fn a_package_takes_back_a_stale_build_tree_handler() {
        let exe = Path::new("/usr/bin/authdeck-app");
        let stale = handler(
            "authdeck-app-handler.desktop",
            "\"/home/u/src/authdeck/target/release/authdeck-app\" %u",
        );
        assert_eq!(
            plan(Install::Package, exe, Some(&stale)),
            Plan::Reclaim {
                stale: Some(
                    "/home/u/.local/share/applications/authdeck-app-handler.desktop".into()
                )
            }
        );
        assert_eq!(plan(Install::Package, exe, None), Plan::Reclaim { stale: None });
        let packaged = handler(PACKAGED_ENTRY, "authdeck-app %u");
        assert_eq!(plan(Install::Package, exe, Some(&packaged)), Plan::Keep);
        let other = handler("other-browser.desktop", "other %u");
        assert_eq!(
            plan(Install::Package, exe, Some(&other)),
            Plan::Foreign { entry: "other-browser.desktop".into() }
        );
    }

    #[test]
    fn a_portable_copy_registers_unless_links_already_reach_it() {
        let exe = Path::new("/home/u/src/authdeck/target/release/authdeck-app");
        let mine = handler(
            "authdeck-app-handler.desktop",
            "\"/home/u/src/authdeck/target/release/authdeck-app\" %u",
        );
        assert_eq!(plan(Install::Portable, exe, Some(&mine)), Plan::Keep);
        let packaged = handler(PACKAGED_ENTRY, "authdeck-app %u");
        assert_eq!(plan(Install::Portable, exe, Some(&packaged)), Plan::Register);
        assert_eq!(plan(Install::Portable, exe, None), Plan::Register);
    }
}
