//! How the window is rendered on machines without a GPU.
//!
//! WebKitGTK composites pages with OpenGL. Without a GPU (virtual machines, remote desktops,
//! Xvfb) that is software GL, and every repaint of the ticking countdowns costs a large share
//! of a core even while nobody touches the window. There, AuthDeck asks WebKit not to use
//! accelerated compositing; with a GPU nothing changes.

use tauri::{Runtime, WebviewWindow};

/// Applies the rendering settings to the main window.
pub fn tune<R: Runtime>(window: &WebviewWindow<R>) {
    if has_gpu() {
        return;
    }
    tracing::debug!("no GPU render node: accelerated compositing off");
    #[cfg(target_os = "linux")]
    let _ = window.with_webview(|webview| {
        use webkit2gtk::{SettingsExt, WebViewExt};
        if let Some(settings) = webview.inner().settings() {
            settings
                .set_hardware_acceleration_policy(webkit2gtk::HardwareAccelerationPolicy::Never);
        }
    });
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}

/// Whether a GPU render node exists (Linux DRM). Other platforms always have a compositor.
fn has_gpu() -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    std::fs::read_dir("/dev/dri")
        .map(|nodes| {
            nodes.flatten().any(|n| n.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false)
}
