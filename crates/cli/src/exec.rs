//! `authdeck exec ACCOUNT -- CMD`: runs a program with a fresh access token in its
//! environment, so the token is never pasted, never in shell history and never in AuthDeck's
//! own output. What the program prints passes through with the token masked (as `op run`
//! does) unless `--no-mask`; standard input is the program's; AuthDeck exits as the program
//! did (128 + N for a signal, as shells report it) and passes on the signals a terminal or a
//! supervisor sends it (interrupt, terminate, hang-up).

use std::io::{Read, Write};
use std::process::{Command, ExitStatus, Stdio};

use authdeck_core::{Deck, Error, Result};

/// What replaces the token in the program's output.
pub const MASK: &[u8] = b"[redacted]";

/// What `exec` was asked to do.
#[derive(Debug)]
pub struct Exec<'a> {
    pub account: &'a str,
    pub env: &'a str,
    pub min_valid: chrono::TimeDelta,
    pub mask: bool,
    /// `--for NAME`: the program the history names; else CMD's file name.
    pub for_program: Option<&'a str>,
    pub command: &'a [String],
}

/// Runs the program; returns the exit code AuthDeck should end with.
pub async fn run(deck: &Deck, exec: Exec<'_>) -> Result<i32> {
    check_env_name(exec.env)?;
    let Some((program, args)) = exec.command.split_first() else {
        return Err(Error::Invalid(
            "Name the program to run after `--`, for example: authdeck exec ACCOUNT -- curl …"
                .into(),
        ));
    };
    let handed = deck.hand_out(exec.account, exec.min_valid).await?;
    // The program that gets the token is CMD, not whatever ran authdeck.
    let to = exec.for_program.map_or_else(|| program_name(program), str::to_string);
    crate::record_hand_out(deck, &handed.account, authdeck_core::HandOutKind::Exec, &to);
    let token = handed.access_token.expose().as_bytes().to_vec();
    let piped = |yes: bool| if yes { Stdio::piped() } else { Stdio::inherit() };
    let mut child = Command::new(program)
        .args(args)
        .env(exec.env, handed.access_token.expose())
        .stdin(Stdio::inherit())
        .stdout(piped(exec.mask))
        .stderr(piped(exec.mask))
        .spawn()
        .map_err(|e| {
            Error::Invalid(format!("Could not run \"{}\" ({e}).", program_name(program)))
        })?;
    drop(handed);
    let pumps = [
        child.stdout.take().map(|out| pump(out, std::io::stdout(), token.clone())),
        child.stderr.take().map(|err| pump(err, std::io::stderr(), token.clone())),
    ];
    drop(token);
    let pid = rustix::process::Pid::from_child(&child);
    let waited = tokio::task::spawn_blocking(move || child.wait());
    let status = pass_signals_until(pid, waited).await?;
    for pump in pumps.into_iter().flatten() {
        let _ = pump.join();
    }
    Ok(exit_code(status))
}

/// Forwards interrupt, terminate and hang-up to the program until it ends.
async fn pass_signals_until(
    pid: rustix::process::Pid,
    mut waited: tokio::task::JoinHandle<std::io::Result<ExitStatus>>,
) -> Result<ExitStatus> {
    use rustix::process::Signal;
    use tokio::signal::unix::{SignalKind, signal};
    let listen = |kind| signal(kind).map_err(|e| Error::Invalid(format!("{e}")));
    let mut int = listen(SignalKind::interrupt())?;
    let mut term = listen(SignalKind::terminate())?;
    let mut hup = listen(SignalKind::hangup())?;
    loop {
        let sig = tokio::select! {
            done = &mut waited => {
                let lost = |e: &dyn std::fmt::Display| {
                    Error::Invalid(format!("The program could not be waited for ({e})."))
                };
                return done.map_err(|e| lost(&e))?.map_err(|e| lost(&e));
            }
            _ = int.recv() => Signal::INT,
            _ = term.recv() => Signal::TERM,
            _ = hup.recv() => Signal::HUP,
        };
        let _ = rustix::process::kill_process(pid, sig);
    }
}

/// 128 + N for a program ended by signal N, as shells report it.
fn exit_code(status: ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status.code().or_else(|| status.signal().map(|n| 128 + n)).unwrap_or(1)
}

/// The program's file name, for the activity log and messages (never its arguments, which
/// may hold anything).
fn program_name(program: &str) -> String {
    std::path::Path::new(program)
        .file_name()
        .map_or_else(|| program.to_string(), |n| n.to_string_lossy().into_owned())
}

/// An environment variable name a shell can read back.
fn check_env_name(name: &str) -> Result<()> {
    let mut chars = name.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "\"{name}\" cannot be an environment variable name. Use letters, digits and '_', \
             starting with a letter or '_'."
        )))
    }
}

/// Copies `from` to `to` on a thread of its own, masking the token.
fn pump(
    mut from: impl Read + Send + 'static,
    mut to: impl Write + Send + 'static,
    token: Vec<u8>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut masker = Masker::new(token);
        let mut chunk = [0u8; 8192];
        loop {
            match from.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let out = masker.push(&chunk[..n]);
                    if to.write_all(&out).and_then(|()| to.flush()).is_err() {
                        break;
                    }
                }
            }
        }
        let _ = to.write_all(&masker.finish()).and_then(|()| to.flush());
    })
}

/// Replaces every occurrence of the token in a byte stream, also across chunk boundaries: an
/// end of the output that could be the start of the token is held back until more arrives
/// (and only that, so a prompt such as `Password: ` shows at once).
pub struct Masker {
    token: zeroize::Zeroizing<Vec<u8>>,
    held: Vec<u8>,
}

impl Masker {
    pub fn new(token: Vec<u8>) -> Self {
        Masker { token: zeroize::Zeroizing::new(token), held: Vec::new() }
    }

    /// The bytes that can be written now.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<u8> {
        self.held.extend_from_slice(chunk);
        let masked = replace_all(&self.held, &self.token);
        let longest = self.token.len().saturating_sub(1).min(masked.len());
        let keep = (1..=longest).rev().find(|&k| masked.ends_with(&self.token[..k])).unwrap_or(0);
        let (ready, rest) = masked.split_at(masked.len() - keep);
        let ready = ready.to_vec();
        self.held = rest.to_vec();
        ready
    }

    /// What is left at the end of the stream.
    pub fn finish(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.held)
    }
}

impl std::fmt::Debug for Masker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Masker([redacted])")
    }
}

fn replace_all(haystack: &[u8], token: &[u8]) -> Vec<u8> {
    if token.is_empty() {
        return haystack.to_vec();
    }
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(token) {
            out.extend_from_slice(MASK);
            i += token.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(token: &str, chunks: &[&str]) -> String {
        let mut m = Masker::new(token.as_bytes().to_vec());
        let mut out: Vec<u8> = chunks.iter().flat_map(|c| m.push(c.as_bytes())).collect();
        out.extend(m.finish());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_token_is_masked_wherever_the_chunks_split_it() {
        let text = "before SECRET-TOKEN middle SECRET-TOKEN after";
        let want = "before [redacted] middle [redacted] after";
        assert_eq!(masked("SECRET-TOKEN", &[text]), want);
        for cut in 0..text.len() {
            assert_eq!(masked("SECRET-TOKEN", &[&text[..cut], &text[cut..]]), want, "cut {cut}");
        }
        let bytes: Vec<String> = text.chars().map(String::from).collect();
        let refs: Vec<&str> = bytes.iter().map(String::as_str).collect();
        assert_eq!(masked("SECRET-TOKEN", &refs), want);
    }

    #[test]
    fn output_that_cannot_start_the_token_is_not_held_back() {
        let mut m = Masker::new(b"SECRET-TOKEN".to_vec());
        assert_eq!(m.push(b"Password: "), b"Password: ");
        assert_eq!(m.push(b"ok SEC"), b"ok ");
        assert_eq!(m.push(b"OND"), b"SECOND");
    }

    #[test]
    fn other_output_passes_unchanged() {
        assert_eq!(
            masked("SECRET-TOKEN", &["SECRET-TOKE", "n\n", "SECRET"]),
            "SECRET-TOKEn\nSECRET"
        );
        assert_eq!(masked("x", &["xax"]), "[redacted]a[redacted]");
    }

    #[test]
    fn names_and_codes() {
        assert!(check_env_name("AUTHDECK_TOKEN").is_ok());
        assert!(check_env_name("_t1").is_ok());
        for bad in ["", "1A", "A-B", "A B", "A=B"] {
            assert!(check_env_name(bad).is_err(), "{bad}");
        }
        assert_eq!(program_name("/usr/bin/curl"), "curl");
    }
}
