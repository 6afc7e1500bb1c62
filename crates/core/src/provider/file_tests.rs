//! Tests of provider files and links, including hostile ones.

use serde_json::json;

use super::*;
use crate::provider::{ClientSecretSource, Registration};

fn config() -> ProviderConfig {
    ProviderInput {
        name: "work".into(),
        label: Some("Work sign-in".into()),
        issuer: Some("https://login.example.com/realms/work".into()),
        client_id: "authdeck-client".into(),
        ..Default::default()
    }
    .build()
    .unwrap()
}

fn parse(value: serde_json::Value) -> Result<ProviderFile> {
    ProviderFile::parse(value.to_string().as_bytes())
}

fn import(value: serde_json::Value) -> Result<ProviderConfig> {
    parse(value)?.to_config("imported")
}

fn base() -> serde_json::Value {
    json!({
        "version": 1,
        "label": "Work sign-in",
        "issuer": "https://login.example.com",
        "client_id": "c",
        "scopes": ["openid", "email"],
        "redirect_uri": "dev.authdeck.app:/oauth/callback",
    })
}

fn with(changes: serde_json::Value) -> serde_json::Value {
    let mut value = base();
    for (k, v) in changes.as_object().unwrap() {
        if v.is_null() {
            value.as_object_mut().unwrap().remove(k);
        } else {
            value[k] = v.clone();
        }
    }
    value
}

fn refusal(value: serde_json::Value) -> String {
    let message = import(value).unwrap_err().to_string();
    assert!(message.ends_with("nothing was added."), "{message}");
    assert_eq!(message.matches(". ").count(), 0, "one sentence: {message}");
    message
}

#[test]
fn round_trips_through_file_and_link() {
    let config = config();
    let file = ProviderFile::from_config(&config);
    let back = ProviderFile::parse(file.to_json().as_bytes()).unwrap();
    assert_eq!(back, file);
    let link = file.to_link();
    assert!(link.starts_with("dev.authdeck.app:/provider?file="), "{link}");
    assert!(ProviderFile::is_link(&link));
    assert_eq!(ProviderFile::from_link(&link).unwrap(), file);
    let imported = back.to_config("work").unwrap();
    assert_eq!(imported, config);
}

#[test]
fn every_preset_round_trips() {
    for preset in Preset::ALL {
        let issuer = (preset == Preset::Oidc).then(|| "https://id.example.com".to_string());
        let config = preset.config("p", "client", issuer, Some("contoso.onmicrosoft.com")).unwrap();
        let file = ProviderFile::from_config(&config);
        let imported = ProviderFile::from_link(&file.to_link()).unwrap().to_config("p").unwrap();
        assert_eq!(imported, config, "{preset}");
    }
}

#[test]
fn links_stay_well_under_two_kilobytes() {
    // A large but real provider: a long label, a long issuer path, many scopes.
    let config = ProviderInput {
        name: "big".into(),
        label: Some("Example Corporation single sign-on for the engineering team".into()),
        issuer: Some(
            "https://login.example-corporation.com/realms/engineering-team/protocol".into(),
        ),
        client_id: "0f3c9a52-7a1e-4bd7-9d0b-5e2c1a8f6b3d".into(),
        scopes: Some(vec![
            "openid email profile offline_access api://engineering/read api://engineering/write \
             https://graph.example.com/User.Read groups"
                .into(),
        ]),
        loopback: true,
        ..Default::default()
    }
    .build()
    .unwrap();
    let link = ProviderFile::from_config(&config).to_link();
    assert!(link.len() < 1024, "{} bytes: {link}", link.len());
}

#[test]
fn a_registered_provider_exports_as_register_on_import() {
    let mut config = config();
    config.client_id = "issued-to-this-computer".into();
    config.registered = Some(Registration {
        registration_client_uri: Some("https://login.example.com/reg/x".into()),
        token_key: "k".into(),
    });
    config.client_secret = ClientSecretSource::Keychain { registration: Some("r".into()) };
    let file = ProviderFile::from_config(&config);
    let text = file.to_json();
    assert!(!text.contains("issued-to-this-computer"), "{text}");
    assert!(!text.contains("/reg/"), "{text}");
    assert!(text.contains("\"register_on_import\": true"), "{text}");
    let imported = file.to_config("again").unwrap();
    assert_eq!(imported.client_id, "");
    assert_eq!(imported.registered, None);
    assert_eq!(imported.client_secret, ClientSecretSource::None);
}

#[test]
fn refuses_secrets_anywhere() {
    for name in [
        "client_secret",
        "registration_access_token",
        "access_token",
        "refresh_token",
        "id_token",
        "password",
        "clientSecret",
        "Client-Secret",
        "api_key",
        "private_key",
        "code",
        "jwks",
    ] {
        let message = refusal(with(json!({ name: "x" })));
        assert!(message.contains("carries a secret"), "{name}: {message}");
    }
    // Nested, and inside arrays.
    let nested = with(json!({"endpoints": {"authorization": "https://a", "token": "https://a",
        "client_secret": "x"}}));
    assert!(refusal(nested).contains("client_secret"));
    let listed = with(json!({"extra": [{"deep": {"refresh_token": "x"}}]}));
    assert!(refusal(listed).contains("refresh_token"));
}

#[test]
fn refuses_unknown_fields_versions_and_bulk() {
    assert!(refusal(with(json!({"surprise": 1}))).contains("not a provider file"));
    assert!(refusal(with(json!({"version": 2}))).contains("version 2"));
    assert!(refusal(with(json!({"version": "1"}))).contains("not a provider file"));
    assert!(refusal(with(json!({"version": null}))).contains("not a provider file"));
    let big = with(json!({"label": "x".repeat(MAX_FILE_BYTES)}));
    assert!(refusal(big).contains("larger than 16 KB"));
    for junk in ["", "null", "[]", "{", "\"x\"", "{\"version\":1}"] {
        let message = ProviderFile::parse(junk.as_bytes()).unwrap_err().to_string();
        assert!(message.contains("not a provider file"), "{junk}: {message}");
    }
    assert!(refusal(with(json!({"label": "a\u{7}b"}))).contains("not a provider file"));
    assert!(refusal(with(json!({"scopes": ["a b"]}))).contains("not a provider file"));
    // Neither a client ID nor register-on-import, or both.
    assert!(refusal(with(json!({"client_id": null}))).contains("not a provider file"));
    assert!(refusal(with(json!({"register_on_import": true}))).contains("not a provider file"));
}

#[test]
fn refuses_presets_that_point_elsewhere() {
    let evil = "https://accounts.goog1e.example";
    let message = refusal(with(json!({"preset": "google", "issuer": evil})));
    assert!(message.contains("for Google but points to accounts.goog1e.example"), "{message}");
    // A label that borrows a preset's name.
    for label in ["Google", "google ", "Microsoft", "GitHub"] {
        let message = refusal(with(json!({"label": label, "issuer": evil})));
        assert!(message.contains("says it is for"), "{label}: {message}");
    }
    let endpoints =
        json!({"authorization": "https://github.evil/auth", "token": "https://github.evil/t"});
    let message =
        refusal(with(json!({"preset": "github", "issuer": null, "endpoints": endpoints})));
    assert!(message.contains("for GitHub but points to github.evil"), "{message}");
    // A preset named and another one's label.
    assert!(
        refusal(with(json!({"preset": "gitlab", "label": "Google", "issuer": null})))
            .contains("for Google")
    );
    // The real ones are fine, Microsoft with any tenant, GitLab self-managed under its own name.
    import(with(json!({"label": "Google", "issuer": "https://accounts.google.com"}))).unwrap();
    import(with(json!({"preset": "google", "issuer": null}))).unwrap();
    let tenant = "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0";
    import(with(json!({"preset": "microsoft", "issuer": tenant}))).unwrap();
    let ms = "https://login.microsoftonline.com.evil/x/v2.0";
    refusal(with(json!({"preset": "microsoft", "issuer": ms})));
    let own = with(
        json!({"preset": "gitlab", "label": "Acme GitLab", "issuer": "https://git.acme.test"}),
    );
    import(own).unwrap();
    refusal(with(json!({"preset": "gitlab", "label": null, "issuer": "https://git.acme.test"})));
}

#[test]
fn refuses_plain_http_off_this_computer_and_foreign_redirects() {
    let message = import(with(json!({"issuer": "http://login.example.com"}))).unwrap_err();
    assert!(message.to_string().contains("http://"), "{message}");
    import(with(json!({"issuer": "http://127.0.0.1:4390"}))).unwrap();
    let endpoints =
        json!({"authorization": "https://a.example/auth", "token": "http://a.example/t"});
    assert!(import(with(json!({"issuer": null, "endpoints": endpoints}))).is_err());
    let message = refusal(with(json!({"redirect_uri": "com.evil.app:/cb"})));
    assert!(message.contains("not AuthDeck"), "{message}");
    import(with(json!({"redirect_uri": "http://127.0.0.1/callback"}))).unwrap();
    assert!(import(with(json!({"redirect_uri": "https://evil.example/cb"}))).is_err());
}

#[test]
fn refuses_damaged_links() {
    let link = ProviderFile::parse(base().to_string().as_bytes()).unwrap().to_link();
    for bad in [
        "dev.authdeck.app:/oauth/callback?code=x&state=y".to_string(),
        "dev.authdeck.app:/provider?file=%%%".to_string(),
        link[..link.len() - 7].to_string(),
        format!("dev.authdeck.app:/provider?file={}", "A".repeat(40_000)),
        "https://example.com/provider?file=e30".to_string(),
    ] {
        let message = ProviderFile::from_link(&bad).unwrap_err().to_string();
        assert!(message.ends_with("nothing was added."), "{bad}: {message}");
    }
    // A link carrying a secret is refused like a file.
    let secret = with(json!({"client_secret": "hunter2"}));
    let link = format!("dev.authdeck.app:/provider?file={}", BASE64URL.encode(secret.to_string()));
    let message = ProviderFile::from_link(&link).unwrap_err().to_string();
    assert!(message.contains("carries a secret") && !message.contains("hunter2"), "{message}");
}

#[test]
fn suggests_names_people_recognise() {
    assert_eq!(parse(base()).unwrap().suggested_name(), "work-sign-in");
    assert_eq!(parse(with(json!({"label": null}))).unwrap().suggested_name(), "login-example-com");
    assert_eq!(parse(with(json!({"label": "!!!"}))).unwrap().suggested_name(), "imported");
}

/// Arbitrary bytes never panic (what the fuzz target `provider_file` does at scale).
#[test]
fn hostile_bytes_never_panic() {
    let seed = base().to_string().into_bytes();
    let mut state = 0x2545_f491_u32;
    for round in 0..2000 {
        let mut bytes = seed.clone();
        for _ in 0..(round % 8 + 1) {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let at = state as usize % bytes.len();
            bytes[at] = (state >> 8) as u8;
        }
        if let Ok(file) = ProviderFile::parse(&bytes) {
            let _ = file.to_config("x");
            let _ = file.suggested_name();
        }
        let _ = ProviderFile::from_link(&String::from_utf8_lossy(&bytes));
    }
}
