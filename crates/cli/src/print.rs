//! Human-readable output: tables and relative times. JSON output is the serde form of the
//! core types, printed as is (serde escapes control characters).
//!
//! Names, emails, subjects, claims and error texts come from providers. Printed raw, a control
//! sequence in one of them would act on the terminal (`ESC ] 52` writes the clipboard,
//! `ESC [ 2J` clears the screen, a bidi override reorders what is shown). So every human line
//! goes out through [`say!`], [`say_err!`] or [`say_lines`], which pass it through [`terminal_safe`], the one
//! place that decides what may reach a terminal; table cells and inspection values are escaped
//! whole, so they cannot add lines either.

use authdeck_core::TokenShape;
use authdeck_core::{AccountView, Inspection, ProviderConfig, ProviderView, STATUS_WORDS, Status};
use chrono::{DateTime, Local, Utc};
use serde_json::Value;

/// `println!` for human output: the formatted text goes through [`terminal_safe`].
macro_rules! say {
    ($($arg:tt)*) => { $crate::print::say_line(format!($($arg)*)) };
}

/// `eprintln!` for human output: the formatted text goes through [`terminal_safe`].
macro_rules! say_err {
    ($($arg:tt)*) => { $crate::print::say_err_line(format!($($arg)*)) };
}

pub(crate) use {say, say_err};

/// Prints one human line on stdout; a line break inside it is escaped too.
pub fn say_line(text: impl AsRef<str>) {
    println!("{}", terminal_safe(text.as_ref(), false));
}

/// Prints one human line on stderr; a line break inside it is escaped too.
pub fn say_err_line(text: impl AsRef<str>) {
    eprintln!("{}", terminal_safe(text.as_ref(), false));
}

/// Prints a table or a report built here, whose values are already escaped one by one.
pub fn say_lines(text: impl AsRef<str>) {
    println!("{}", terminal_safe(text.as_ref(), true));
}

/// Escapes what a terminal would act on instead of showing: C0 and C1 controls, DEL, bidi
/// overrides and isolates, line and paragraph separators. `keep_newlines` lets our own line
/// breaks through (the text is ours with values already escaped inside it).
pub fn terminal_safe(text: &str, keep_newlines: bool) -> String {
    let acts = |c: char| {
        c.is_control()
            || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}')
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    };
    if !text.chars().any(acts) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if acts(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A provider value inside a line: escaped whole.
fn value(text: &str) -> String {
    terminal_safe(text, false)
}

/// "in 4 min", "2 h ago", "in 3 days".
pub fn relative(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (at - now).num_seconds();
    let abs = secs.unsigned_abs();
    let amount = match abs {
        0..=59 => format!("{abs} s"),
        60..=3599 => format!("{} min", abs / 60),
        3600..=172_799 => format!("{} h {} min", abs / 3600, abs % 3600 / 60),
        _ => format!("{} days", abs / 86_400),
    };
    if secs >= 0 { format!("in {amount}") } else { format!("{amount} ago") }
}

/// The status in plain words, as the window shows it.
pub fn status_words(view: &AccountView, now: DateTime<Utc>) -> String {
    let words = STATUS_WORDS.of(view.status);
    match (view.status, view.expires_at) {
        (Status::Expiring, Some(at)) => format!("{words} {}", relative(at, now)),
        (Status::Valid, None) => format!("{words} (expiry unknown)"),
        _ => words.into(),
    }
}

/// RFC 3339 in UTC to the second, ending in `Z`, as programs that read AuthDeck expect.
fn utc(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn local(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local).format("%Y-%m-%d %H:%M:%S").to_string()
}

fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<String>> =
        rows.iter().map(|row| row.iter().map(|cell| value(cell)).collect()).collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> =
            cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        padded.join("  ").trim_end().to_string()
    };
    let mut out = vec![line(headers.to_vec())];
    out.extend(rows.iter().map(|r| line(r.iter().map(String::as_str).collect())));
    out.join("\n")
}

pub fn accounts(views: &[AccountView], now: DateTime<Utc>) -> String {
    if views.is_empty() {
        return "No accounts yet. Connect one with: authdeck login PROVIDER".into();
    }
    let rows: Vec<Vec<String>> = views
        .iter()
        .map(|v| {
            vec![
                v.id.clone(),
                v.provider_label.clone(),
                v.display_name.clone(),
                status_words(v, now),
                v.expires_at.map(|at| relative(at, now)).unwrap_or_else(|| "unknown".into()),
                v.scopes.join(" "),
            ]
        })
        .collect();
    table(&["ID", "PROVIDER", "ACCOUNT", "STATUS", "EXPIRES", "SCOPES"], &rows)
}

pub fn providers(list: &[ProviderConfig]) -> String {
    if list.is_empty() {
        return "No providers yet. Add one with: authdeck provider add NAME --preset google \
                --client-id ID"
            .into();
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|p| {
            let location = p
                .issuer
                .clone()
                .or_else(|| p.endpoints.as_ref().map(|e| e.authorization.clone()))
                .unwrap_or_default();
            vec![p.name.clone(), p.label(), location, p.client_id.clone(), p.redirect.display_uri()]
        })
        .collect();
    table(&["NAME", "LABEL", "ISSUER / AUTHORIZATION URL", "CLIENT ID", "REDIRECT URI"], &rows)
}

/// `provider list --json`: the same [`ProviderView`] the window lists (`view`, of `p`).
pub fn provider_json(view: ProviderView, p: &ProviderConfig) -> Value {
    let mut value = serde_json::to_value(view).expect("provider view serializes");
    // Whether AuthDeck registered this client itself (never the registration's token).
    value["registered"] = Value::Bool(p.registered.is_some());
    value
}

pub fn inspection(i: &Inspection, now: DateTime<Utc>) -> String {
    let a = &i.account;
    let mut out = vec![
        format!("Account      {} ({})", value(&a.display_name), value(&a.id)),
        format!("Provider     {} [{}]", value(&a.provider_label), value(&a.provider)),
        format!("Subject      {}", value(&a.subject)),
        format!("Status       {}", status_words(a, now)),
        match i.expires_at {
            Some(at) => format!("Expires      {} ({})", local(at), relative(at, now)),
            None => "Expires      unknown (the provider did not say)".into(),
        },
        format!("Issued       {}", local(i.issued_at)),
        format!("Token type   {}", value(&i.token_type)),
        format!("Scopes       {}", value(&i.scopes.join(" "))),
        format!("Access       {}", value(&a.access.join("; "))),
        format!("Refresh      {}", if i.has_refresh_token { "yes" } else { "no" }),
        format!(
            "Refreshed    {}",
            i.last_refreshed_at.map(|at| relative(at, now)).unwrap_or_else(|| "never".into())
        ),
    ];
    if let Some(error) = &i.last_error {
        out.push(format!("Last error   {}", value(error)));
    }
    out.push(format!("Access token {}", shape(&i.access_token)));
    if let Some(id) = &i.id_token {
        out.push(format!("ID token     {}", shape(id)));
    }
    let e = &i.endpoints;
    out.push(format!("Issuer       {}", value(e.issuer.as_deref().unwrap_or("-"))));
    out.push(format!("Token URL    {}", value(&e.token_endpoint)));
    out.push(format!("Revocation   {}", value(e.revocation_endpoint.as_deref().unwrap_or("-"))));
    out.push(format!("Client ID    {}", value(&e.client_id)));
    out.join("\n")
}

/// `inspect --remote`: what the provider said, in plain words first.
pub fn remote_check(check: &authdeck_core::RemoteCheck, now: DateTime<Utc>) -> String {
    let method = match check.method {
        authdeck_core::RemoteMethod::Introspection => "token introspection (RFC 7662)",
        authdeck_core::RemoteMethod::Userinfo => "user information endpoint",
        authdeck_core::RemoteMethod::Tokeninfo => "Google's token information endpoint",
    };
    let mut out = vec![
        value(&check.summary),
        format!("Asked by     {method}"),
        format!("Accepted     {}", if check.active { "yes" } else { "no" }),
    ];
    if let Some(subject) = &check.subject {
        out.push(format!("Subject      {}", value(subject)));
    }
    if let Some(scopes) = &check.scopes {
        out.push(format!("Scopes       {}", value(&scopes.join(" "))));
    }
    if let Some(at) = check.expires_at {
        out.push(format!("Expires      {} ({})", local(at), relative(at, now)));
    }
    if let Some(client) = &check.client_id {
        out.push(format!("Client ID    {}", value(client)));
    }
    out.join("\n")
}

/// `authdeck activity`: one line per entry, newest first, local time then plain words.
pub fn activity(entries: &[authdeck_core::ActivityEntry]) -> String {
    if entries.is_empty() {
        return "Nothing has happened with this account yet.".into();
    }
    let lines: Vec<String> =
        entries.iter().map(|e| format!("{}  {}", local(e.at), value(&e.words()))).collect();
    lines.join("\n")
}

fn shape(token: &TokenShape) -> String {
    match &token.claims {
        Some(claims) => {
            let header = token.header.as_ref().map(Value::to_string).unwrap_or_default();
            let (header, claims) = (value(&header), value(&claims.to_string()));
            format!("JWT, {} chars\n  header  {header}\n  claims  {claims}", token.length)
        }
        None => format!("opaque, {} chars", token.length),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times_read_naturally() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let at = |s: i64| now + chrono::TimeDelta::seconds(s);
        assert_eq!(relative(at(30), now), "in 30 s");
        assert_eq!(relative(at(240), now), "in 4 min");
        assert_eq!(relative(at(-7200), now), "2 h 0 min ago");
        assert_eq!(relative(at(86_400 * 3), now), "in 3 days");
    }

    const HOSTILE: &str = "eve\u{1b}]52;c;aGk=\u{7}\u{1b}[2J\u{9b}31m\u{202e}moc.live\nfake line";

    fn hostile_view(now: DateTime<Utc>) -> AccountView {
        AccountView {
            id: "peer-0a1b2c3d4e".into(),
            provider: "peer".into(),
            provider_label: HOSTILE.into(),
            preset: None,
            subject: HOSTILE.into(),
            email: Some(HOSTILE.into()),
            display_name: HOSTILE.into(),
            initials: HOSTILE.into(),
            scopes: vec![HOSTILE.into()],
            access: vec![HOSTILE.into()],
            status: Status::Valid,
            primary_action: authdeck_core::RowAction::Refresh,
            expires_at: Some(now),
            issued_at: now,
            has_refresh_token: false,
            refresh_expires_at: None,
            last_refreshed_at: None,
            last_error: Some(HOSTILE.into()),
            auto_refresh: false,
            auto_refresh_at: None,
            provider_rejected_at: None,
        }
    }

    fn assert_inert(text: &str) {
        for bad in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'] {
            assert!(!text.contains(bad), "{bad:?} reached the terminal: {text:?}");
        }
        assert!(!text.lines().any(|l| l.starts_with("fake line")), "{text}");
    }

    #[test]
    fn provider_strings_cannot_drive_the_terminal() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let table = accounts(&[hostile_view(now)], now);
        assert_inert(&terminal_safe(&table, true));
        assert!(table.contains("eve\\u{1b}]52;c;aGk=\\u{7}"), "{table}");
        assert!(table.contains("\\u{202e}moc.live\\nfake line"), "{table}");
        assert_eq!(table.lines().count(), 2);
        let line = terminal_safe(&format!("Connected {HOSTILE}."), false);
        assert_inert(&line);
        assert_eq!(line.lines().count(), 1);
        // Ordinary text, accents and emoji included, is left alone.
        assert_eq!(terminal_safe("José 🙂 <a@b.c>\n", true), "José 🙂 <a@b.c>\n");
    }

    #[test]
    fn provider_json_keeps_every_configuration_field() {
        let presets = [authdeck_core::Preset::Github, authdeck_core::Preset::Google];
        for preset in presets {
            let config = preset.config("p", "client", None, None).unwrap();
            let Value::Object(config_json) = serde_json::to_value(&config).unwrap() else {
                panic!("a provider config is an object")
            };
            let listed = provider_json(ProviderView::from(&config), &config);
            for (key, value) in &config_json {
                if key != "label" {
                    assert_eq!(&listed[key], value, "{key}");
                }
            }
            for key in ["label", "redirect_uri", "kind"] {
                assert!(listed[key].is_string(), "{key} in {listed}");
            }
        }
    }

    #[test]
    fn tables_align() {
        let text = table(&["A", "BB"], &[vec!["long".into(), "x".into()]]);
        assert_eq!(text, "A     BB\nlong  x");
    }
}

/// `authdeck token` in the asked format. The token itself is the explicit hand-out here.
pub fn token(handed: &authdeck_core::HandOut, format: crate::args::TokenFormat) -> String {
    use crate::args::TokenFormat;
    let token = handed.access_token.expose();
    match format {
        TokenFormat::Raw => token.to_string(),
        TokenFormat::Header => format!("Authorization: Bearer {token}"),
        TokenFormat::Json => serde_json::json!({
            "access_token": token,
            "token_type": handed.token_type,
            "expires_at": handed.expires_at.map(utc),
            "expires_at_unix": handed.expires_at.map(|at| at.timestamp()),
            "issuer": handed.issuer,
            "account": handed.account,
            "email": handed.email,
            "scopes": handed.scopes,
        })
        .to_string(),
        TokenFormat::Env => {
            let expires =
                handed.expires_at.map(|at| at.timestamp().to_string()).unwrap_or_default();
            format!("AUTHDECK_TOKEN={}\nAUTHDECK_TOKEN_EXPIRES_AT={expires}", shell_word(token))
        }
    }
}

/// `value` as one shell word: as it is when it holds only characters no shell acts on (every
/// token format in use), else single-quoted.
fn shell_word(value: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "._~+/=-:,@%".contains(c);
    if !value.is_empty() && value.chars().all(plain) {
        value.to_string()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

/// A Kubernetes `ExecCredential` (client.authentication.k8s.io/v1) carrying `token`.
pub fn exec_credential(token: &str, expires_at: Option<DateTime<Utc>>) -> String {
    let mut status = serde_json::json!({ "token": token });
    if let Some(at) = expires_at {
        status["expirationTimestamp"] = serde_json::json!(utc(at));
    }
    serde_json::json!({
        "apiVersion": "client.authentication.k8s.io/v1",
        "kind": "ExecCredential",
        "status": status,
    })
    .to_string()
}

#[cfg(test)]
mod token_tests {
    use super::shell_word;

    #[test]
    fn env_values_are_one_shell_word() {
        assert_eq!(shell_word("eyJ.a-b_c~d+e/f="), "eyJ.a-b_c~d+e/f=");
        assert_eq!(shell_word("a b"), "'a b'");
        assert_eq!(shell_word("$(rm -rf ~)"), "'$(rm -rf ~)'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word(""), "''");
    }
}
