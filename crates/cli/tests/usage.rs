//! The CLI's output contract where no provider or keychain is needed: usage errors and
//! refusals are one plain sentence on stderr with a non-zero exit, listing an empty data
//! directory prints an empty JSON array (and touches no keychain).

use std::process::{Command, Output};

fn authdeck(home: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_authdeck"))
        .args(args)
        .env("AUTHDECK_HOME", home)
        // No session bus: any keychain access would fail loudly.
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .env_remove("AUTHDECK_LOG")
        .env_remove("RUST_LOG")
        .output()
        .unwrap()
}

fn one_sentence(output: &Output) -> String {
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    let lines: Vec<_> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line on stderr: {stderr:?}");
    assert!(!stderr.contains("panicked") && !stderr.contains('<'), "{stderr}");
    lines[0].to_string()
}

#[test]
fn empty_listing_needs_no_keychain() {
    let home = tempfile::tempdir().unwrap();
    let out = authdeck(home.path(), &["accounts", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), "[]");
    let out = authdeck(home.path(), &["provider", "list", "--json"]);
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), "[]");
}

#[test]
fn failures_are_one_sentence() {
    let home = tempfile::tempdir().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["frobnicate"], "authdeck --help"),
        (&["refresh"], "authdeck --help"),
        (&["token", "nobody@example.com"], "There is no connected account"),
        (&["logout", "nobody"], "There is no connected account"),
        (&["login", "missing", "--no-browser"], "There is no provider called"),
        (
            &["provider", "add", "x", "--issuer", "http://example.com", "--client-id", "c"],
            "only allowed for this computer",
        ),
        (
            &[
                "provider",
                "add",
                "x",
                "--issuer",
                "https://id.example.com",
                "--client-id",
                "c",
                "--redirect-uri",
                "myapp:/cb",
            ],
            "reverse-domain",
        ),
        (&["callback", "dev.authdeck.app:/oauth/callback?code=x&state=forged"], "does not answer"),
        (&["callback", "not a url"], "not a sign-in answer"),
    ];
    for (args, expected) in cases {
        let out = authdeck(home.path(), args);
        assert!(!out.status.success(), "{args:?} should fail");
        let line = one_sentence(&out);
        assert!(line.contains(expected), "{args:?}: {line}");
        assert!(out.stdout.is_empty(), "{args:?} printed to stdout");
    }
}

#[test]
fn help_and_version_succeed() {
    let home = tempfile::tempdir().unwrap();
    for args in [&["--help"][..], &["--version"], &["provider", "add", "--help"]] {
        let out = authdeck(home.path(), args);
        assert!(out.status.success(), "{args:?}");
        assert!(!out.stdout.is_empty());
    }
}

#[test]
fn odd_timeouts_are_one_sentence_not_a_panic() {
    let home = tempfile::tempdir().unwrap();
    for var in ["AUTHDECK_HTTP_TIMEOUT_SECS", "AUTHDECK_KEYCHAIN_TIMEOUT_SECS"] {
        for value in ["inf", "nan", "-1", "1e30", "0", "soon"] {
            let out = Command::new(env!("CARGO_BIN_EXE_authdeck"))
                .args(["accounts", "--json"])
                .env("AUTHDECK_HOME", home.path())
                .env(var, value)
                .env_remove("AUTHDECK_LOG")
                .env_remove("RUST_LOG")
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(1), "{var}={value}");
            let sentence = one_sentence(&out);
            assert!(sentence.starts_with(var), "{var}={value}: {sentence}");
        }
        // Empty counts as unset.
        let out = Command::new(env!("CARGO_BIN_EXE_authdeck"))
            .args(["accounts", "--json"])
            .env("AUTHDECK_HOME", home.path())
            .env(var, "")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn absurd_concurrency_is_bounded_not_a_panic() {
    let home = tempfile::tempdir().unwrap();
    for n in ["0", "1000000000000", "18446744073709551615"] {
        let out = authdeck(home.path(), &["refresh", "--all", "--concurrency", n]);
        assert!(out.status.success(), "{n}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let out = authdeck(home.path(), &["refresh", "--all", "--concurrency", "-3"]);
    assert_eq!(out.status.code(), Some(2));
    one_sentence(&out);
}
