//! Sign-in answers come from anywhere (any web page can open the deep-link scheme), so reading
//! and checking them must never panic, whatever the bytes.
#![no_main]

use authdeck_core::internals::callback::{self, Expected};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for expected in [
        Expected {
            redirect_uri: "dev.authdeck.app:/oauth/callback",
            issuer: Some("http://127.0.0.1:4000"),
            iss_required: true,
            tenant_template: false,
        },
        Expected {
            redirect_uri: "http://127.0.0.1:5555/callback",
            issuer: Some("https://login.microsoftonline.com/{tenantid}/v2.0"),
            iss_required: false,
            tenant_template: true,
        },
    ] {
        if let Ok(answer) = callback::parse(text) {
            let _ = callback::check(answer, expected);
        }
    }
});
