//! Provider files and links come from anyone (a chat message, an email, a web page opening
//! the deep-link scheme), so reading and checking them must never panic, whatever the bytes.
#![no_main]

use authdeck_core::ProviderFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(file) = ProviderFile::parse(data) {
        let _ = file.to_config(&file.suggested_name());
        let _ = ProviderFile::from_link(&file.to_link()).expect("a file's own link reads back");
    }
    let _ = ProviderFile::from_link(&String::from_utf8_lossy(data));
});
