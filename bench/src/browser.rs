//! The headless user who signs in: one long-running `node bench/browser.mjs`, which completes
//! the provider's login and consent pages and answers with the callback URL.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use crate::Res;

/// The repository root (the benchmarks run from a checkout).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[derive(Debug)]
pub struct Browser {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Browser {
    pub fn start() -> Res<Self> {
        let mut child = Command::new("node")
            .arg(repo().join("bench/browser.mjs"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run node bench/browser.mjs: {e}"))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
        Ok(Browser { child, stdin, stdout })
    }

    /// Signs in as `login` at `authorization_url`; returns the callback URL.
    pub fn sign_in(&mut self, authorization_url: &str, login: &str) -> Res<String> {
        writeln!(self.stdin, "{authorization_url} {login}")?;
        self.stdin.flush()?;
        let mut line = String::new();
        self.stdout.read_line(&mut line)?;
        let line = line.trim();
        match line.strip_prefix("error: ") {
            _ if line.is_empty() => Err("bench/browser.mjs stopped".into()),
            Some(why) => Err(format!("sign-in as {login} failed: {why}").into()),
            None => Ok(line.to_string()),
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
