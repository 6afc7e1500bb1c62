//! Finding an issuer from a typed address, through the injected transport: which URLs are
//! tried in which order, what is found, and what is refused.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use oauth2::HttpRequest;
use oauth2::http::{self, header};
use serde_json::{Value, json};

use super::*;
use crate::http::{SendFuture, Transport};

/// Serves documents by exact URL, 404 elsewhere, and records what was asked.
#[derive(Default)]
struct Docs {
    docs: HashMap<String, Value>,
    seen: Mutex<Vec<String>>,
}

impl Docs {
    fn with(mut self, url: &str, doc: Value) -> Self {
        self.docs.insert(url.to_string(), doc);
        self
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

impl Transport for Docs {
    fn send<'a>(&'a self, request: HttpRequest, _host: &'a str) -> SendFuture<'a> {
        let url = request.uri().to_string();
        self.seen.lock().unwrap().push(url.clone());
        let doc = self.docs.get(&url).cloned();
        Box::pin(async move {
            Ok(http::Response::builder()
                .status(if doc.is_some() { 200 } else { 404 })
                .header(header::CONTENT_TYPE, "application/json")
                .body(doc.unwrap_or(json!({})).to_string().into_bytes())
                .unwrap())
        })
    }
}

fn oidc_doc(issuer: &str) -> Value {
    json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/auth"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "code_challenge_methods_supported": ["S256"],
    })
}

async fn find(docs: Docs, address: &str) -> (Result<FoundIssuer>, Vec<String>) {
    let docs = Arc::new(docs);
    let http = Http::with_transport(docs.clone());
    let found = find_issuer(&http, address).await;
    (found, docs.seen())
}

#[tokio::test]
async fn a_bare_host_is_an_https_issuer_found_by_discovery() {
    let docs = Docs::default().with(
        "https://login.example.com/.well-known/openid-configuration",
        oidc_doc("https://login.example.com"),
    );
    let (found, seen) = find(docs, "  login.example.com/ ").await;
    let found = found.unwrap();
    assert_eq!(found.issuer, "https://login.example.com");
    assert_eq!(found.host, "login.example.com");
    assert!(found.oidc);
    assert_eq!(found.name, None);
    assert_eq!(seen[0], "https://login.example.com/.well-known/openid-configuration");
    assert!(seen.iter().all(|u| u.starts_with("https://login.example.com/")), "{seen:?}");
}

#[tokio::test]
async fn an_address_with_a_path_is_tried_there_first_then_at_its_host() {
    // A Keycloak realm: the issuer has a path.
    let realm = Docs::default().with(
        "https://sso.example.com/realms/staff/.well-known/openid-configuration",
        oidc_doc("https://sso.example.com/realms/staff"),
    );
    let (found, _) = find(realm, "sso.example.com/realms/staff").await;
    assert_eq!(found.unwrap().issuer, "https://sso.example.com/realms/staff");

    // Published only at the host, in the RFC 8414 form, without signing keys: plain OAuth.
    let mut doc = oidc_doc("https://id.example.com");
    doc.as_object_mut().unwrap().remove("jwks_uri");
    doc["name"] = json!("Example <b>ID</b>");
    let host_only =
        Docs::default().with("https://id.example.com/.well-known/oauth-authorization-server", doc);
    let (found, seen) = find(host_only, "id.example.com/login").await;
    let found = found.unwrap();
    assert_eq!(found.issuer, "https://id.example.com");
    assert!(!found.oidc);
    assert_eq!(found.name.as_deref(), Some("Example ID"), "markup is dropped");
    assert_eq!(
        seen[..4],
        [
            "https://id.example.com/login/.well-known/openid-configuration",
            "https://id.example.com/.well-known/oauth-authorization-server/login",
            "https://id.example.com/.well-known/openid-configuration",
            "https://id.example.com/.well-known/oauth-authorization-server",
        ]
    );
}

#[tokio::test]
async fn a_loopback_address_may_use_http() {
    let docs = Docs::default().with(
        "http://127.0.0.1:4000/.well-known/openid-configuration",
        oidc_doc("http://127.0.0.1:4000"),
    );
    let (found, _) = find(docs, "127.0.0.1:4000").await;
    let found = found.unwrap();
    assert_eq!(found.issuer, "http://127.0.0.1:4000");
    assert_eq!(found.host, "127.0.0.1:4000");
}

#[tokio::test]
async fn an_issuer_on_another_host_is_refused() {
    let docs = Docs::default().with(
        "https://login.example.com/.well-known/openid-configuration",
        oidc_doc("https://evil.example.net"),
    );
    let (found, _) = find(docs, "login.example.com").await;
    let message = found.unwrap_err().to_string();
    assert!(
        message.contains("names another address as its issuer (evil.example.net)"),
        "{message}"
    );
}

#[tokio::test]
async fn nothing_found_is_one_plain_sentence() {
    let (found, seen) = find(Docs::default(), "nothing.example.com").await;
    assert_eq!(
        found.unwrap_err().to_string(),
        "No sign-in service was found at nothing.example.com. Check the address, or ask your \
         administrator for the issuer address."
    );
    assert_eq!(seen.len(), 2, "the address's two well-known places: {seen:?}");
}

#[test]
fn typed_addresses_become_urls() {
    let url = |a: &str| address_url(a).map(|u| u.to_string());
    assert_eq!(url("login.example.com").unwrap(), "https://login.example.com/");
    assert_eq!(url("https://login.example.com/").unwrap(), "https://login.example.com/");
    assert_eq!(
        url("https://login.example.com/.well-known/openid-configuration").unwrap(),
        "https://login.example.com/",
        "a pasted discovery address stands for its issuer"
    );
    assert_eq!(url("[::1]:8080/id").unwrap(), "http://[::1]:8080/id");
    assert!(url("").is_err());
    assert!(url("login").unwrap_err().to_string().contains("does not look like"));
    assert!(url("http://login.example.com").unwrap_err().to_string().contains("http://"));
    assert!(url("login.example.com?x=1").is_err());
}
