//! `authdeck git-credential`: git's credential-helper protocol (gitcredentials(7)) over the
//! one hand-out path, so git gets a fresh access token without it ever being pasted or stored
//! by git. It never prompts and never opens a browser: when the account cannot hand out a
//! token (it needs reconnecting, the keychain is locked), it exits non-zero with one sentence
//! and git falls through to its next helper.

use std::io::BufRead;

use authdeck_core::{Deck, HandOut, HandOutKind, Preset, REFRESH_WITHIN};

/// The attributes git sent, in order (`key=value` lines up to a blank line or the end).
pub fn read_request(input: impl BufRead) -> Vec<(String, String)> {
    input
        .lines()
        .map_while(|line| line.ok())
        .take_while(|line| !line.is_empty())
        .filter_map(|line| line.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
        .collect()
}

/// The user name to answer: the one git sent, else the provider's convention for tokens.
fn username(request: &[(String, String)], preset: Option<Preset>) -> String {
    match request.iter().find(|(k, _)| k == "username") {
        Some((_, name)) if !name.is_empty() => name.clone(),
        _ => match preset {
            Some(Preset::Github) => "x-access-token".into(),
            _ => "oauth2".into(),
        },
    }
}

/// The answer to `get`: `username`, `password` and, when known, `password_expiry_utc`.
pub fn answer(request: &[(String, String)], handed: &HandOut) -> String {
    let mut out = format!(
        "username={}\npassword={}\n",
        username(request, handed.preset),
        handed.access_token.expose()
    );
    if let Some(at) = handed.expires_at {
        out.push_str(&format!("password_expiry_utc={}\n", at.timestamp()));
    }
    out
}

/// Runs one operation; `get` prints its answer on stdout.
/// `for_program` is `--for NAME`; else the history names the program that ran the helper
/// (git).
pub async fn run(
    deck: &Deck,
    account: &str,
    operation: &str,
    for_program: Option<&str>,
) -> authdeck_core::Result<()> {
    let request = read_request(std::io::stdin().lock());
    if operation != "get" {
        // `store` and `erase` (and any operation git adds later) change nothing here: the
        // token lives in the keychain and AuthDeck renews it.
        return Ok(());
    }
    let handed = deck.hand_out(account, REFRESH_WITHIN).await?;
    let program = crate::caller::program(for_program, crate::caller::Parent::PastShell);
    crate::record_hand_out(deck, &handed.account, HandOutKind::GitCredential, &program);
    print!("{}", answer(&request, &handed));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(text: &str) -> Vec<(String, String)> {
        read_request(text.as_bytes())
    }

    #[test]
    fn reads_attributes_up_to_the_blank_line() {
        let r = request("protocol=https\nhost=example.com\nusername=me\n\nignored=1\n");
        assert_eq!(r.len(), 3);
        assert_eq!(r[2], ("username".into(), "me".into()));
        assert!(request("").is_empty());
    }

    #[test]
    fn the_user_name_git_sent_wins_else_the_preset_convention() {
        assert_eq!(username(&request("username=me\n"), Some(Preset::Github)), "me");
        assert_eq!(username(&request("host=github.com\n"), Some(Preset::Github)), "x-access-token");
        assert_eq!(username(&request("host=gitlab.com\n"), Some(Preset::Gitlab)), "oauth2");
        assert_eq!(username(&request("username=\n"), None), "oauth2");
    }
}
