//! The tray icon: its icon and tooltip show the worst state, its menu lists the accounts that
//! need attention, then **Open AuthDeck**, **Refresh all** and **Quit**. What it shows comes
//! from the core ([`authdeck_core::attention`], [`authdeck_core::tray_menu`]); this file only
//! turns that into Tauri menu items and carries out clicks. On Linux the icon is a
//! StatusNotifierItem (libayatana-appindicator), which needs a tray host on the session bus:
//! [`host_present`] tells whether closing the window may leave AuthDeck running there.
//! appindicator has no tooltip (tray-icon's `set_tooltip` does nothing on Linux, and its
//! `set_title` would print the words beside the icon in the panel), so there the worst state
//! is the icon's red dot and the menu's first line, the same words a tooltip shows elsewhere.

use std::sync::Mutex;

use authdeck_core::{AccountView, Attention, TrayItem, attention, tray_menu};
use tauri::image::Image;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Manager, Wry};

use crate::shell::Shell;
use crate::window::{self, Focus};

/// The tray icon and what it shows now.
pub struct Tray {
    icon: TrayIcon<Wry>,
    normal: Image<'static>,
    alert: Image<'static>,
    shown: Mutex<Option<(Attention, Vec<TrayItem>)>>,
}

impl std::fmt::Debug for Tray {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tray").field("shown", &self.shown).finish_non_exhaustive()
    }
}

/// Whether a tray host (a StatusNotifierWatcher) is on the session bus.
#[cfg(target_os = "linux")]
pub fn host_present() -> bool {
    let check = || -> zbus::Result<bool> {
        let connection = zbus::blocking::Connection::session()?;
        let bus = zbus::blocking::fdo::DBusProxy::new(&connection)?;
        let name = zbus::names::BusName::try_from("org.kde.StatusNotifierWatcher")?;
        Ok(bus.name_has_owner(name)?)
    };
    check().unwrap_or(false)
}

#[cfg(not(target_os = "linux"))]
pub fn host_present() -> bool {
    true
}

/// The app icon with a red dot in its lower right corner: something needs attention.
fn with_alert_dot(icon: &Image<'_>) -> Image<'static> {
    let (w, h) = (icon.width(), icon.height());
    let mut rgba = icon.rgba().to_vec();
    let radius = (w.min(h) as f32) * 0.22;
    let (cx, cy) = (w as f32 - radius - 1.0, h as f32 - radius - 1.0);
    for y in 0..h {
        for x in 0..w {
            let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
            let d = (dx * dx + dy * dy).sqrt();
            if d <= radius {
                let i = ((y * w + x) * 4) as usize;
                let rim = d > radius - (radius * 0.25);
                let color = if rim { [255, 255, 255, 255] } else { [215, 38, 56, 255] };
                rgba[i..i + 4].copy_from_slice(&color);
            }
        }
    }
    Image::new_owned(rgba, w, h)
}

/// Makes the tray icon (with an empty state until the first review).
pub fn build(app: &AppHandle<Wry>) -> tauri::Result<Tray> {
    let normal = app
        .default_window_icon()
        .cloned()
        .map(|i| i.to_owned())
        .unwrap_or_else(|| Image::new_owned(vec![0; 4], 1, 1));
    let alert = with_alert_dot(&normal);
    let items = tray_menu(&[]);
    let icon = TrayIconBuilder::with_id("main")
        .icon(normal.clone())
        .tooltip("AuthDeck")
        .menu(&menu(app, &items)?)
        .show_menu_on_left_click(true)
        .on_menu_event(|app, event| clicked(app, event.id().as_ref()))
        .build(app)?;
    Ok(Tray { icon, normal, alert, shown: Mutex::new(None) })
}

fn menu(app: &AppHandle<Wry>, items: &[TrayItem]) -> tauri::Result<Menu<Wry>> {
    let menu = Menu::new(app)?;
    for item in items {
        match item {
            TrayItem::Separator => menu.append(&PredefinedMenuItem::separator(app)?)?,
            item => menu.append(&MenuItem::with_id(
                app,
                item.menu_id(),
                item.label(),
                item.clickable(),
                None::<&str>,
            )?)?,
        }
    }
    Ok(menu)
}

impl Tray {
    /// Shows `accounts`' state; does nothing when it is what is shown already.
    pub fn show(&self, app: &AppHandle<Wry>, accounts: &[AccountView]) {
        let state = (attention(accounts), tray_menu(accounts));
        let mut shown = self.shown.lock().expect("tray state");
        if shown.as_ref() == Some(&state) {
            return;
        }
        let (summary, items) = (&state.0, &state.1);
        let icon = if summary.all_well() { &self.normal } else { &self.alert };
        let result = (|| {
            self.icon.set_icon(Some(icon.clone()))?;
            self.icon.set_tooltip(Some(&summary.summary))?;
            self.icon.set_menu(Some(menu(app, items)?))
        })();
        match result {
            Ok(()) => *shown = Some(state),
            Err(e) => tracing::warn!(error = %e, "could not update the tray icon"),
        }
    }

    /// The menu entries shown now.
    fn items(&self) -> Vec<TrayItem> {
        self.shown.lock().expect("tray state").as_ref().map(|s| s.1.clone()).unwrap_or_default()
    }
}

fn clicked(app: &AppHandle<Wry>, menu_id: &str) {
    let items = app.try_state::<Tray>().map(|t| t.items()).unwrap_or_else(|| tray_menu(&[]));
    let Some(item) = TrayItem::clicked(&items, menu_id) else { return };
    match item {
        TrayItem::Account { id, .. } => {
            window::open(app, Some(Focus { account_id: id.clone(), reconnect: false }))
        }
        TrayItem::Open => window::open(app, None),
        TrayItem::RefreshAll => {
            let shell = app.state::<Shell>().inner().clone();
            tauri::async_runtime::spawn(async move { shell.refresh_all().await });
        }
        TrayItem::Quit => app.exit(0),
        TrayItem::Summary(_) | TrayItem::Separator => {}
    }
}
