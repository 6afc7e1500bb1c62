//! The desktop binary's behaviour before any window exists. (Also makes `cargo test` build
//! `target/debug/authdeck-app`, which the GUI end-to-end test then drives.)

use std::process::Command;

#[test]
fn an_unusable_data_directory_is_one_plain_sentence_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-directory");
    std::fs::write(&file, "x").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_authdeck-app"))
        .env("AUTHDECK_HOME", &file)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("AuthDeck could not create the folder"), "{stderr}");
}
