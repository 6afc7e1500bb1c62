//! Sign-in with a code: the OAuth 2.0 device authorization grant (RFC 8628).
//!
//! For machines whose browser's answer cannot come back (an SSH session, a kiosk, a desktop
//! that blocks custom URL schemes), [`Deck::start_device_login`] asks the provider's
//! `device_authorization_endpoint` for a code, and the person approves it on any device. The
//! sign-in is recorded as a pending sign-in like a browser one, so the same wait and cancel
//! ([`SignInSession`](crate::SignInSession), `cancel_login`) serve both; only its route
//! differs: instead of a listener, [`Deck::complete_device`] polls the token endpoint through
//! the one token-exchange path, on the schedule of RFC 8628 §3.5 ([`Schedule`]), and connects
//! the account through the same path a browser sign-in ends in. The clock and the sleep are a
//! [`Clock`], so the schedule is tested without waiting; dropping the future stops polling.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::account::AccountView;
use crate::deck::Deck;
use crate::discovery;
use crate::error::{Error, RemoteError, Result, tidy_remote_text};
use crate::exchange::{self, Exchanged, Grant, exchange};
use crate::http::{Http, host_of};
use crate::ids::LoginHandle;
use crate::login::{IdCheck, random_secret};
use crate::pending::PendingLogin;
use crate::provider::{Preset, check_url, quirks_of};
use crate::secret::DeviceCode;

/// The grant type of a device-code token request.
pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// The polling interval when the provider gives none (RFC 8628 §3.2).
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
/// How much slower each `slow_down` makes polling (RFC 8628 §3.5).
pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);
/// The longest wait between polls after connection failures.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// How a sign-in with a code can end other than with an account, and the two answers that
/// keep it waiting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeviceError {
    #[error("{provider} does not offer sign-in with a code. Sign in with the browser instead.")]
    Unsupported { provider: String },
    /// The provider refused to hand out a code for this client or these scopes.
    #[error("{}", not_allowed(.provider, *.google))]
    NotAllowed { provider: String, google: bool },
    #[error("The sign-in was declined on the provider's page. Nothing was connected.")]
    Denied,
    #[error("The code expired before the sign-in was approved. Start again to get a new code.")]
    Expired,
    /// `authorization_pending`: nobody has approved the code yet.
    #[error("The sign-in has not been approved yet.")]
    Pending,
    /// `slow_down`: poll less often.
    #[error("The provider asked AuthDeck to check less often.")]
    SlowDown,
}

fn not_allowed(provider: &str, google: bool) -> String {
    if google {
        "Google allows sign-in with a code only for some client types and scopes (a \"TVs and \
         Limited Input devices\" client with basic scopes); sign in with the browser instead."
            .into()
    } else {
        format!(
            "{provider} does not allow this client to sign in with a code; sign in with the \
             browser instead."
        )
    }
}

/// What the person needs to approve the sign-in: shown by the CLI and the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeviceCodeView {
    /// The sign-in, for `cancel_login` and the `LoginFinished` event.
    pub handle: LoginHandle,
    /// The code to type, e.g. `WDJB-MJHT`.
    pub user_code: String,
    pub verification_uri: String,
    /// The address with the code filled in, when the provider gives one.
    pub verification_uri_complete: Option<String>,
    /// The host of the address, to show prominently: device-code phishing relies on people
    /// not reading it.
    pub verification_host: String,
    pub expires_at: DateTime<Utc>,
    /// The provider's polling interval in seconds.
    pub interval_seconds: u32,
}

impl DeviceCodeView {
    /// The address to open: the complete one when there is one.
    pub fn address(&self) -> &str {
        self.verification_uri_complete.as_deref().unwrap_or(&self.verification_uri)
    }
}

/// A sign-in with a code, waiting for approval. Hand it to
/// [`SignInSession::device`](crate::SignInSession::device) to wait for it.
#[derive(Debug)]
pub struct StartedDeviceLogin {
    pub code: DeviceCodeView,
    pub(crate) poll: DevicePoll,
}

/// What the poller needs, kept in memory only.
#[derive(Debug)]
pub(crate) struct DevicePoll {
    pub handle: LoginHandle,
    pub login: PendingLogin,
    pub device_code: DeviceCode,
    pub schedule: Schedule,
}

/// The polling schedule of RFC 8628 §3.5: the provider's interval (5 s when none), 5 s slower
/// after each `slow_down`, doubled after a failed connection, never faster; nothing is sent
/// once the code has expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    interval: Duration,
    expires_at: DateTime<Utc>,
}

impl Schedule {
    pub fn new(interval_seconds: Option<u64>, expires_at: DateTime<Utc>) -> Self {
        let interval = interval_seconds.map_or(DEFAULT_INTERVAL, |s| Duration::from_secs(s.max(1)));
        Schedule { interval, expires_at }
    }

    pub fn interval(&self) -> Duration {
        self.interval
    }

    fn slow_down(&mut self) {
        self.interval += SLOW_DOWN_STEP;
    }

    fn back_off(&mut self) {
        self.interval = (self.interval * 2).min(MAX_BACKOFF).max(self.interval);
    }

    /// How long to wait before the next poll at `now`; `None` once the code has expired.
    fn wait(&self, now: DateTime<Utc>) -> Option<Duration> {
        let left = (self.expires_at - now).to_std().ok().filter(|d| !d.is_zero())?;
        Some(self.interval.min(left))
    }
}

/// The time and the sleep the poller uses; tests pass a fake one.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// Polls the token endpoint until the code is approved, refused or expired.
pub(crate) async fn poll(
    http: &Http,
    client: exchange::Client<'_>,
    device_code: &DeviceCode,
    mut schedule: Schedule,
    clock: &dyn Clock,
) -> Result<Exchanged> {
    loop {
        let wait = schedule.wait(clock.now()).ok_or(DeviceError::Expired)?;
        clock.sleep(wait).await;
        if schedule.wait(clock.now()).is_none() {
            return Err(DeviceError::Expired.into());
        }
        match exchange(http, client, Grant::DeviceCode { device_code }).await {
            Err(Error::Device(DeviceError::Pending)) => {}
            Err(Error::Device(DeviceError::SlowDown)) => schedule.slow_down(),
            // RFC 8628 §3.5: after a connection timeout, poll less often.
            Err(Error::Remote(
                RemoteError::Connect { .. }
                | RemoteError::Timeout { .. }
                | RemoteError::Interrupted { .. },
            )) => schedule.back_off(),
            other => return other,
        }
    }
}

/// The device authorization answer (RFC 8628 §3.2). Google names the address
/// `verification_url`.
#[derive(Deserialize)]
struct DeviceAnswer {
    device_code: String,
    user_code: String,
    #[serde(alias = "verification_url")]
    verification_uri: String,
    #[serde(default, alias = "verification_url_complete")]
    verification_uri_complete: Option<String>,
    #[serde(default, deserialize_with = "lenient_seconds")]
    expires_in: Option<u64>,
    #[serde(default, deserialize_with = "lenient_seconds")]
    interval: Option<u64>,
}

fn lenient_seconds<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// When the provider does not say how long a code lives.
const DEFAULT_EXPIRY: TimeDelta = TimeDelta::minutes(10);

impl Deck {
    /// Asks `provider` for a code to approve on another device. A provider that offers no
    /// sign-in with a code is refused before anything is asked of it.
    pub async fn start_device_login(&self, provider: &str) -> Result<StartedDeviceLogin> {
        let config = self.provider(provider)?;
        let label = config.label();
        let unsupported = || Error::Device(DeviceError::Unsupported { provider: label.clone() });
        // Configured by hand: whether it offers codes is known without asking anyone.
        if config.issuer.is_none() && config.device_authorization.is_none() {
            return Err(unsupported());
        }
        self.keychain.check().await?;
        let metadata = discovery::resolve(&self.http, &config).await?;
        let endpoint = metadata.device_authorization_endpoint.clone().ok_or_else(unsupported)?;
        let url = check_url("device authorization URL", &endpoint)?;
        let client_secret = self.client_secret(&config.name, &config.client_secret).await?;
        let scope = config.scopes.join(" ");
        let mut form = Vec::new();
        if !scope.is_empty() {
            form.push(("scope", scope.as_str()));
        }
        let basic = crate::http::client_auth(
            &mut form,
            &config.client_id,
            client_secret.as_ref(),
            quirks_of(config.preset).basic_client_auth,
        );
        let sent_at = Utc::now();
        let response =
            self.http.post_form(&url, &form, basic).await.map_err(|e| e.named(&label))?;
        let host = host_of(&url);
        let body = crate::http::json_object(&response)
            .map_err(|what| RemoteError::Unreadable { host: host.clone(), what }.named(&label));
        let answer = match response.status().as_u16() {
            200 => body?,
            400 | 401 | 403 => {
                let body = body?;
                let code = body.get("error").and_then(Value::as_str).unwrap_or_default();
                return Err(match code {
                    "unauthorized_client"
                    | "invalid_client"
                    | "invalid_scope"
                    | "restricted_client"
                    | "access_denied" => Error::Device(DeviceError::NotAllowed {
                        provider: label.clone(),
                        google: config.preset == Some(Preset::Google),
                    }),
                    _ => {
                        let description = body
                            .get("error_description")
                            .and_then(Value::as_str)
                            .filter(|d| !d.trim().is_empty())
                            .map(tidy_remote_text)
                            .unwrap_or_else(|| format!("{code}."));
                        RemoteError::Refused { host, description }.named(&label).into()
                    }
                });
            }
            status => return Err(RemoteError::Unavailable { host, status }.named(&label).into()),
        };
        let answer: DeviceAnswer = serde_json::from_value(Value::Object(answer)).map_err(|_| {
            RemoteError::Unreadable { host: host.clone(), what: "an incomplete code" }.named(&label)
        })?;
        // The address is shown to people and opened: it must be one the provider may use.
        check_url("verification address", &answer.verification_uri)?;
        if let Some(complete) = &answer.verification_uri_complete {
            check_url("verification address", complete)?;
        }
        let lifetime = answer
            .expires_in
            .and_then(|s| TimeDelta::try_seconds(i64::try_from(s).ok()?))
            .unwrap_or(DEFAULT_EXPIRY);
        let expires_at = sent_at + lifetime;
        let schedule = Schedule::new(answer.interval, expires_at);
        let verification_host = url::Url::parse(&answer.verification_uri)
            .ok()
            .and_then(|u| u.host_str().map(String::from))
            .unwrap_or_default();

        let login = PendingLogin {
            provider: config.name.clone(),
            provider_label: label,
            preset: config.preset,
            client_id: config.client_id.clone(),
            client_secret: config.client_secret.clone(),
            oidc: config.is_oidc(),
            metadata,
            redirect_uri: String::new(),
            scopes: config.scopes.clone(),
            created_at: sent_at,
            expires_at,
        };
        self.pending.sweep(&self.keychain, sent_at).await;
        let handle = self.pending.open(&random_secret(), &login)?;
        tracing::info!(provider, host = verification_host, "sign-in with a code started");
        let code = DeviceCodeView {
            handle: handle.clone(),
            user_code: answer.user_code,
            verification_uri: answer.verification_uri,
            verification_uri_complete: answer.verification_uri_complete,
            verification_host,
            expires_at,
            interval_seconds: u32::try_from(schedule.interval().as_secs()).unwrap_or(u32::MAX),
        };
        let device_code = DeviceCode::new(answer.device_code);
        Ok(StartedDeviceLogin { code, poll: DevicePoll { handle, login, device_code, schedule } })
    }

    /// Polls until the code is approved and connects the account, exactly as a browser
    /// sign-in does (without a nonce: the grant has none). The outcome reaches every waiter.
    pub(crate) async fn complete_device(
        &self,
        poll: DevicePoll,
        clock: &dyn Clock,
    ) -> Result<AccountView> {
        let DevicePoll { handle, login, device_code, schedule } = poll;
        let client_secret = self.client_secret(&login.provider, &login.client_secret).await?;
        let client = login.client(client_secret.as_ref());
        let polled = self::poll(&self.http, client, &device_code, schedule, clock).await;
        // Cancelled meanwhile (by this or another process): its outcome is already recorded.
        if self.pending.claim(&handle).is_err() {
            return Err(Error::LoginCancelled);
        }
        let result = match polled {
            Ok(exchanged) => self.connect(&login, exchanged, IdCheck::Device).await,
            Err(e) => Err(e),
        };
        self.settle(&handle, result).await
    }
}

#[cfg(test)]
#[path = "device_tests.rs"]
mod tests;
