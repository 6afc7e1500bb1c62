//! The one HTTP client AuthDeck talks to providers with.
//!
//! It follows no redirects (an authorization server that redirects a token request is broken
//! or hostile), has connect and total timeouts, caps answer sizes, and turns every failure into
//! a [`RemoteError`] that names the host. Retries are bounded and only where they are safe:
//! GET requests (discovery, keys, userinfo) and revocation retry on connection failures and
//! 429/502/503/504; token requests retry only when the connection was never made, because
//! replaying a rotated refresh token makes the provider revoke the whole grant.
//!
//! Token-endpoint answers are shaped here before `oauth2` parses them: HTML pages, empty or
//! damaged bodies and 5xx answers become plain errors, GitHub's form-encoded answers and its
//! errors sent with status 200 become standard JSON.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use oauth2::http::{self, HeaderMap, HeaderValue, StatusCode, header};
use oauth2::{HttpRequest, HttpResponse};
use serde_json::{Map, Value};
use url::Url;

use crate::config::DeckConfig;
use crate::error::RemoteError;
use crate::secret::AccessToken;

const MAX_BODY: usize = 1024 * 1024;
const USER_AGENT: &str = concat!("AuthDeck/", env!("CARGO_PKG_VERSION"));

/// The future a [`Transport`] returns.
pub type SendFuture<'a> =
    Pin<Box<dyn Future<Output = Result<HttpResponse, RemoteError>> + Send + 'a>>;

/// Sends one HTTP request and reads its whole answer, once, with no retry and no redirect.
/// [`Http`] adds AuthDeck's rules (retries, shaping) on top; the real implementation is
/// reqwest, and unit tests script a fake provider with it.
pub trait Transport: Send + Sync + 'static {
    /// Fails with [`RemoteError::Connect`] only when the request cannot have reached the
    /// server, so that it may be retried.
    fn send<'a>(&'a self, request: HttpRequest, host: &'a str) -> SendFuture<'a>;
}

/// HTTP client with AuthDeck's rules. Cheap to clone.
#[derive(Clone)]
pub struct Http {
    transport: Arc<dyn Transport>,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http").finish_non_exhaustive()
    }
}

impl Http {
    /// The real client with the default 30 s timeout.
    pub fn new() -> Self {
        Self::with_timeout(DeckConfig::default().http_timeout)
    }

    /// The real client: no redirects, `total` per request (connecting at most 10 s of it).
    pub fn with_timeout(total: Duration) -> Self {
        Self::with_transport(Arc::new(Reqwest::new(total)))
    }

    /// A client over another transport (tests use a scripted provider).
    pub fn with_transport(transport: Arc<dyn Transport>) -> Self {
        Http { transport }
    }

    /// Sends one request; `retry_safe` allows retries after a failed answer, not only after a
    /// failed connection.
    async fn send(
        &self,
        request: HttpRequest,
        retry_safe: bool,
    ) -> Result<HttpResponse, RemoteError> {
        let host = host_of_str(&request.uri().to_string());
        let attempts = if retry_safe { 3 } else { 2 };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let outcome = self.send_once(clone_request(&request), &host).await;
            let retry_after = match &outcome {
                Err(RemoteError::Connect { .. }) => Some(None),
                Ok(resp) if retry_safe && is_transient(resp.status()) => {
                    Some(retry_after(resp.headers()))
                }
                _ => None,
            };
            match retry_after {
                Some(wait) if attempt < attempts => {
                    let backoff = Duration::from_millis(200 * (1 << attempt));
                    let wait = wait.unwrap_or(backoff).min(Duration::from_secs(3));
                    tracing::debug!(host, attempt, ?wait, "retrying");
                    tokio::time::sleep(wait).await;
                }
                _ => return outcome,
            }
        }
    }

    async fn send_once(
        &self,
        request: HttpRequest,
        host: &str,
    ) -> Result<HttpResponse, RemoteError> {
        self.transport.send(request, host).await
    }

    /// GET a JSON object. `Ok(None)` on 404, for discovery documents a provider may not publish.
    pub(crate) async fn get_json(
        &self,
        url: &Url,
        bearer: Option<&AccessToken>,
    ) -> Result<Option<Map<String, Value>>, RemoteError> {
        let response = self.get(url, bearer).await?;
        let host = host_of(url);
        match response.status() {
            StatusCode::OK => answer_object(&host, &response).map(Some),
            StatusCode::NOT_FOUND => Ok(None),
            status => Err(RemoteError::Unavailable { host, status: status.as_u16() }),
        }
    }

    /// GET with an optional bearer token. Returns the raw answer for the caller to judge (a
    /// token check reads 401 as "not accepted", not as a failure).
    pub(crate) async fn get(
        &self,
        url: &Url,
        bearer: Option<&AccessToken>,
    ) -> Result<HttpResponse, RemoteError> {
        let mut request = http::Request::get(url.as_str())
            .header(header::ACCEPT, "application/json")
            .body(Vec::new())
            .expect("a parsed URL is a valid URI");
        if let Some(token) = bearer {
            let value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
                .map_err(|_| RemoteError::Connect { host: host_of(url) })?;
            request.headers_mut().insert(header::AUTHORIZATION, value);
        }
        self.send(request, true).await
    }

    /// POST a form (revocation), with HTTP Basic credentials when `basic` is given. Returns
    /// the raw answer for the caller to judge.
    pub(crate) async fn post_form(
        &self,
        url: &Url,
        form: &[(&str, &str)],
        basic: Option<(&str, &str)>,
    ) -> Result<HttpResponse, RemoteError> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish()
            .into_bytes();
        let mut request = http::Request::post(url.as_str())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .body(body)
            .expect("a parsed URL is a valid URI");
        if let Some((user, password)) = basic {
            request
                .headers_mut()
                .insert(header::AUTHORIZATION, basic_authorization(user, password));
        }
        self.send(request, true).await
    }

    /// POST a JSON document (client registration, RFC 7591). Not retried after an answer: a
    /// second registration would leave a stray client behind.
    pub(crate) async fn post_json(
        &self,
        url: &Url,
        body: &Value,
    ) -> Result<HttpResponse, RemoteError> {
        let request = http::Request::post(url.as_str())
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json")
            .body(body.to_string().into_bytes())
            .expect("a parsed URL is a valid URI");
        self.send(request, false).await
    }

    /// DELETE with a bearer credential (RFC 7592 client deletion). `bearer` is exposed by the
    /// caller, where the secret is named.
    pub(crate) async fn delete(
        &self,
        url: &Url,
        bearer: &str,
    ) -> Result<HttpResponse, RemoteError> {
        let value = HeaderValue::from_str(&format!("Bearer {bearer}"))
            .map_err(|_| RemoteError::Connect { host: host_of(url) })?;
        let request = http::Request::delete(url.as_str())
            .header(header::AUTHORIZATION, value)
            .body(Vec::new())
            .expect("a parsed URL is a valid URI");
        self.send(request, true).await
    }
}

impl Default for Http {
    fn default() -> Self {
        Self::new()
    }
}

/// How a client authenticates a form post (RFC 6749 §2.3.1), one rule for every endpoint
/// (revocation, introspection, device authorization): a secret goes in a Basic header where the
/// provider wants one (`basic`, X), else in the body beside the client ID; a public client
/// sends its ID alone. Returns the Basic pair for [`Http::post_form`].
pub(crate) fn client_auth<'a>(
    form: &mut Vec<(&'a str, &'a str)>,
    client_id: &'a str,
    secret: Option<&'a crate::secret::ClientSecret>,
    basic: bool,
) -> Option<(&'a str, &'a str)> {
    match secret {
        Some(secret) if basic => return Some((client_id, secret.expose())),
        Some(secret) => form.extend([("client_id", client_id), ("client_secret", secret.expose())]),
        None => form.push(("client_id", client_id)),
    }
    None
}

/// `Authorization: Basic …` as RFC 6749 §2.3.1 has it: both parts form-urlencoded first (the
/// same encoding `oauth2` uses for the token endpoint). Marked sensitive, so it is never logged.
pub(crate) fn basic_authorization(user: &str, password: &str) -> HeaderValue {
    use base64::Engine;
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let pair = format!("{}:{}", encode(user), encode(password));
    let b64 = base64::engine::general_purpose::STANDARD.encode(pair);
    let mut value =
        HeaderValue::from_str(&format!("Basic {b64}")).expect("base64 is a valid header value");
    value.set_sensitive(true);
    value
}

/// How long an unused connection is kept for the next request.
const IDLE_CONNECTION: Duration = Duration::from_secs(4);

/// The real transport.
struct Reqwest {
    client: reqwest::Client,
}

impl Reqwest {
    fn new(total: Duration) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(total.min(Duration::from_secs(10)))
            .timeout(total)
            // Many servers (Apache, Node) close an idle connection after 5 s. A request sent on
            // one just as the server closes it fails halfway, and a sign-in with a code polling
            // every 5-6 s would then back off for nothing: drop idle connections sooner.
            .pool_idle_timeout(IDLE_CONNECTION)
            .user_agent(USER_AGENT)
            .build()
            .expect("the TLS backend initializes");
        Reqwest { client }
    }

    async fn execute(&self, request: HttpRequest, host: &str) -> Result<HttpResponse, RemoteError> {
        let request = reqwest::Request::try_from(request)
            .map_err(|_| RemoteError::Connect { host: host.to_string() })?;
        let map_err = |e: reqwest::Error| {
            tracing::debug!(host, error = %e, "request failed");
            if e.is_timeout() {
                RemoteError::Timeout { host: host.to_string() }
            } else if e.is_connect() {
                // The connection was never made, so the request never reached the provider.
                RemoteError::Connect { host: host.to_string() }
            } else {
                // It may have reached the provider: never retried.
                RemoteError::Interrupted { host: host.to_string() }
            }
        };
        let mut response = self.client.execute(request).await.map_err(map_err)?;
        let mut builder = http::Response::builder().status(response.status());
        if let Some(headers) = builder.headers_mut() {
            *headers = std::mem::take(response.headers_mut());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(map_err)? {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(RemoteError::Unreadable {
                    host: host.to_string(),
                    what: "an oversized answer",
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(builder.body(body).expect("status and headers came from a valid response"))
    }
}

impl Transport for Reqwest {
    fn send<'a>(&'a self, request: HttpRequest, host: &'a str) -> SendFuture<'a> {
        Box::pin(self.execute(request, host))
    }
}

/// `oauth2` sends token requests (code exchange, refresh) through this.
impl<'c> oauth2::AsyncHttpClient<'c> for Http {
    type Error = RemoteError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, RemoteError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let host = host_of_str(&request.uri().to_string());
            let response = self.send(request, false).await?;
            shape_token_answer(&host, response)
        })
    }
}

/// Turns a token-endpoint answer into either a standard JSON answer for `oauth2` to parse, or
/// a plain error. Pure, so every odd answer is unit-tested.
pub fn shape_token_answer(host: &str, response: HttpResponse) -> Result<HttpResponse, RemoteError> {
    let status = response.status();
    let unreadable = |what| RemoteError::Unreadable { host: host.to_string(), what };
    let parsed = json_object(&response);
    let rebuilt = |status: StatusCode, object: Map<String, Value>| {
        http::Response::builder()
            .status(status)
            .header(header::CONTENT_TYPE, "application/json")
            .body(serde_json::to_vec(&object).expect("a JSON map serializes"))
            .expect("static headers are valid")
    };
    match status {
        StatusCode::OK => match parsed {
            Ok(object) if object.contains_key("access_token") => Ok(rebuilt(status, object)),
            // GitHub reports errors with status 200.
            Ok(object) if object.contains_key("error") => {
                Ok(rebuilt(StatusCode::BAD_REQUEST, object))
            }
            Ok(_) => Err(unreadable("an answer without an access token")),
            Err(what) => Err(unreadable(what)),
        },
        StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            match parsed {
                Ok(object) if object.get("error").is_some_and(Value::is_string) => {
                    Ok(rebuilt(status, object))
                }
                _ => Err(RemoteError::Unavailable {
                    host: host.to_string(),
                    status: status.as_u16(),
                }),
            }
        }
        s if s.is_redirection() => Err(unreadable("a redirect")),
        s => Err(RemoteError::Unavailable { host: host.to_string(), status: s.as_u16() }),
    }
}

/// An answer's body as a JSON object, or the plain error naming `host`.
pub(crate) fn answer_object(
    host: &str,
    response: &HttpResponse,
) -> Result<Map<String, Value>, RemoteError> {
    json_object(response).map_err(|what| RemoteError::Unreadable { host: host.to_string(), what })
}

/// Reads a body as a JSON object (or a form-encoded one, as GitHub may send); on failure,
/// says what it was instead.
pub(crate) fn json_object(response: &HttpResponse) -> Result<Map<String, Value>, &'static str> {
    let body = response.body();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err("an empty answer");
    }
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let object: Map<String, Value> = url::form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
        return if object.is_empty() { Err("an empty answer") } else { Ok(object) };
    }
    if content_type.contains("html") || trimmed.starts_with('<') {
        return Err("a web page");
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) => Ok(object),
        _ => Err("a damaged answer"),
    }
}

fn is_transient(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let secs: u64 = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim().parse().ok()?;
    Some(Duration::from_secs(secs))
}

fn clone_request(request: &HttpRequest) -> HttpRequest {
    let mut copy = http::Request::builder()
        .method(request.method().clone())
        .uri(request.uri().clone())
        .body(request.body().clone())
        .expect("copied from a valid request");
    *copy.headers_mut() = request.headers().clone();
    copy
}

/// `host[:port]` of a URL, to name who failed in messages.
pub fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_string(),
        _ => "the provider".to_string(),
    }
}

fn host_of_str(url: &str) -> String {
    Url::parse(url).map(|u| host_of(&u)).unwrap_or_else(|_| "the provider".into())
}

#[cfg(test)]
#[path = "http_tests.rs"]
mod tests;
