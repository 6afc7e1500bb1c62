//! A minimal StatusNotifierWatcher for tests: the tray host a desktop panel provides, which
//! Debian ships no headless copy of. It owns `org.kde.StatusNotifierWatcher` on the session
//! bus, says a host is registered, and prints each item that registers (`bus-name/path`, one
//! a line) so a test can read the item's tooltip and its `com.canonical.dbusmenu` menu.
//!
//!   cargo build -p authdeck-app --example sni-watcher

use std::io::Write;
use std::sync::{Arc, Mutex};

struct Watcher {
    items: Arc<Mutex<Vec<String>>>,
}

#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    fn register_status_notifier_item(
        &self,
        service: &str,
        #[zbus(header)] header: zbus::message::Header<'_>,
    ) {
        let sender = header.sender().map(|s| s.to_string()).unwrap_or_default();
        // Ayatana sends its object path; others send a bus name.
        let item = if service.starts_with('/') {
            format!("{sender}{service}")
        } else {
            format!("{service}/StatusNotifierItem")
        };
        println!("{item}");
        let _ = std::io::stdout().flush();
        self.items.lock().unwrap().push(item);
    }

    fn register_status_notifier_host(&self, _service: &str) {}

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        self.items.lock().unwrap().clone()
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }
}

fn main() -> zbus::Result<()> {
    let watcher = Watcher { items: Arc::default() };
    let _connection = zbus::blocking::connection::Builder::session()?
        .name("org.kde.StatusNotifierWatcher")?
        .serve_at("/StatusNotifierWatcher", watcher)?
        .build()?;
    eprintln!("watching");
    loop {
        std::thread::park();
    }
}
