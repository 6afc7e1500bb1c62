//! A start-up marker for the benchmarks: when `AUTHDECK_FIRST_PAINT_FILE` is set, the time
//! the UI reported its first render is written there (Unix milliseconds), so a harness can
//! measure from process start to the account list painted.

use std::sync::Once;

static ONCE: Once = Once::new();

pub fn first_paint() {
    ONCE.call_once(|| {
        let Some(path) = std::env::var_os("AUTHDECK_FIRST_PAINT_FILE") else { return };
        let now = chrono::Utc::now().timestamp_millis();
        if let Err(e) = std::fs::write(&path, format!("{now}\n")) {
            tracing::warn!(error = %e, "could not write the first-paint marker");
        }
    });
}
