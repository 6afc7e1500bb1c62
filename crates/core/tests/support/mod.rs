//! What the tests against the real provider share: starting it, and its headless browser.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use authdeck_core::{AccountView, Deck, LoginOptions, ProviderInput};
use serde_json::Value;

pub struct Provider {
    child: Child,
    pub issuer: String,
    pub control: Option<String>,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn provider(args: &[&str]) -> Provider {
    let mut child = Command::new("node")
        .arg(repo().join("tests/provider/server.mjs"))
        .args(["--port", "0"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node runs (install the fixture with `npm ci --prefix tests/provider`)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let info: Value = serde_json::from_str(&line).expect("the provider prints its JSON line");
    Provider {
        child,
        issuer: info["issuer"].as_str().unwrap().to_string(),
        control: info["control"].as_str().map(String::from),
    }
}

pub fn browser(url: &str, login: &str) -> String {
    let out = Command::new("node")
        .arg(repo().join("tests/provider/browser.mjs"))
        .args([url, "--login", login])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Adds the fixture at `issuer` to `deck` as provider "demo" and signs alice in through the
/// headless browser.
pub async fn connect_alice(deck: &Deck, issuer: &str) -> AccountView {
    let input = ProviderInput {
        name: "demo".into(),
        issuer: Some(issuer.into()),
        client_id: "authdeck".into(),
        ..Default::default()
    };
    deck.add_provider(input.build().unwrap(), None).await.unwrap();
    let started = deck.start_login("demo", LoginOptions::default()).await.unwrap();
    let url = started.authorization_url.clone();
    let callback = tokio::task::spawn_blocking(move || browser(&url, "alice")).await.unwrap();
    deck.complete_callback(&callback).await.unwrap()
}
