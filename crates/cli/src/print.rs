//! Human-readable output: tables and relative times. JSON output is the serde form of the
//! core types, printed as is.

use authdeck_core::inspect::TokenShape;
use authdeck_core::{AccountView, Inspection, ProviderConfig, ProviderView, Status};
use chrono::{DateTime, Local, Utc};
use serde_json::Value;

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
    match (view.status, view.expires_at) {
        (Status::NeedsReconnect, _) => "Reconnect needed".into(),
        (Status::Expired, _) => "Expired".into(),
        (Status::Expiring, Some(at)) => format!("Expires {}", relative(at, now)),
        (_, None) => "Connected (expiry unknown)".into(),
        (_, Some(_)) => "Connected".into(),
    }
}

fn local(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local).format("%Y-%m-%d %H:%M:%S").to_string()
}

fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
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

/// `provider list --json`: the same [`ProviderView`] the window lists.
pub fn provider_json(p: &ProviderConfig) -> Value {
    serde_json::to_value(ProviderView::from(p)).expect("provider view serializes")
}

pub fn inspection(i: &Inspection, now: DateTime<Utc>) -> String {
    let a = &i.account;
    let mut out = vec![
        format!("Account      {} ({})", a.display_name, a.id),
        format!("Provider     {} [{}]", a.provider_label, a.provider),
        format!("Subject      {}", a.subject),
        format!("Status       {}", status_words(a, now)),
        match i.expires_at {
            Some(at) => format!("Expires      {} ({})", local(at), relative(at, now)),
            None => "Expires      unknown (the provider did not say)".into(),
        },
        format!("Issued       {}", local(i.issued_at)),
        format!("Token type   {}", i.token_type),
        format!("Scopes       {}", i.scopes.join(" ")),
        format!("Refresh      {}", if i.has_refresh_token { "yes" } else { "no" }),
        format!(
            "Refreshed    {}",
            i.last_refreshed_at.map(|at| relative(at, now)).unwrap_or_else(|| "never".into())
        ),
    ];
    if let Some(error) = &i.last_error {
        out.push(format!("Last error   {error}"));
    }
    out.push(format!("Access token {}", shape(&i.access_token)));
    if let Some(id) = &i.id_token {
        out.push(format!("ID token     {}", shape(id)));
    }
    let e = &i.endpoints;
    out.push(format!("Issuer       {}", e.issuer.as_deref().unwrap_or("-")));
    out.push(format!("Token URL    {}", e.token_endpoint));
    out.push(format!("Revocation   {}", e.revocation_endpoint.as_deref().unwrap_or("-")));
    out.push(format!("Client ID    {}", e.client_id));
    out.join("\n")
}

fn shape(token: &TokenShape) -> String {
    match &token.claims {
        Some(claims) => {
            let header = token.header.as_ref().map(Value::to_string).unwrap_or_default();
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

    #[test]
    fn provider_json_keeps_every_configuration_field() {
        let presets = [authdeck_core::Preset::Github, authdeck_core::Preset::Google];
        for preset in presets {
            let config = preset.config("p", "client", None, None).unwrap();
            let Value::Object(config_json) = serde_json::to_value(&config).unwrap() else {
                panic!("a provider config is an object")
            };
            let listed = provider_json(&config);
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
