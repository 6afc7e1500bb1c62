//! Reading and checking a sign-in answer (the redirect back from the provider).
//!
//! [`parse`] only reads the URL; [`check`] decides whether it is a genuine answer to a given
//! pending sign-in: it arrived at the redirect URI that sign-in used, its `iss` names the
//! expected issuer (RFC 9207: required when the provider advertises it, compared whenever
//! present, and refused from a provider configured without an issuer, whose answers cannot
//! carry one honestly: RFC 9207 §2.4), and it carries either a code or an error. Anything that fails these checks is not
//! an answer to that sign-in and changes nothing; a genuine answer consumes it.

use std::collections::HashSet;

use url::Url;

use crate::discovery::issuer_matches;
use crate::error::{CallbackError, tidy_remote_text};
use crate::secret::AuthorizationCode;

/// Callback URLs longer than this are refused before parsing.
pub const MAX_LEN: usize = 8 * 1024;

/// The parameters of a sign-in answer.
#[derive(Debug)]
pub struct Answer {
    /// The URL without its query: `scheme://host:port/path` or `scheme:/path`.
    pub target: Target,
    pub state: Option<String>,
    pub code: Option<AuthorizationCode>,
    pub iss: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// Where an answer was sent, compared without the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    scheme: String,
    host: Option<String>,
    port: Option<u16>,
    path: String,
}

impl Target {
    fn of(url: &Url) -> Self {
        Target {
            scheme: url.scheme().to_string(),
            host: url.host_str().map(str::to_ascii_lowercase),
            port: url.port_or_known_default(),
            path: url.path().to_string(),
        }
    }

    /// The target of a redirect URI.
    pub fn of_uri(uri: &str) -> Option<Self> {
        Url::parse(uri).ok().map(|u| Self::of(&u))
    }
}

/// Reads a callback URL. Refuses oversized input, unparsable URLs and repeated parameters
/// (RFC 6749 §3.1 forbids them; a repeated `state` or `code` is a classic injection).
pub fn parse(raw: &str) -> Result<Answer, CallbackError> {
    let raw = raw.trim();
    if raw.len() > MAX_LEN {
        return Err(CallbackError::TooLong);
    }
    let url = Url::parse(raw).map_err(|_| CallbackError::Malformed)?;
    if url.cannot_be_a_base() && !url.path().starts_with('/') {
        return Err(CallbackError::Malformed);
    }
    let mut seen = HashSet::new();
    let mut answer = Answer {
        target: Target::of(&url),
        state: None,
        code: None,
        iss: None,
        error: None,
        error_description: None,
    };
    for (key, value) in url.query_pairs() {
        if !seen.insert(key.to_string()) {
            return Err(CallbackError::Malformed);
        }
        let value = value.into_owned();
        match key.as_ref() {
            "state" => answer.state = Some(value),
            "code" => answer.code = Some(AuthorizationCode::new(value)),
            "iss" => answer.iss = Some(value),
            "error" => answer.error = Some(value),
            "error_description" => answer.error_description = Some(value),
            _ => {}
        }
    }
    if answer.state.as_deref().is_none_or(str::is_empty) {
        return Err(CallbackError::UnknownState);
    }
    Ok(answer)
}

/// What a genuine answer says.
#[derive(Debug)]
pub enum Verdict {
    Code(AuthorizationCode),
    /// The provider answered with an error (RFC 6749 §4.1.2.1).
    Refused(CallbackError),
}

/// What an answer is checked against (from the pending sign-in).
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    pub redirect_uri: &'a str,
    pub issuer: Option<&'a str>,
    pub iss_required: bool,
    pub tenant_template: bool,
}

/// Decides whether `answer` genuinely answers the sign-in described by `expected`.
pub fn check(answer: Answer, expected: Expected<'_>) -> Result<Verdict, CallbackError> {
    if Target::of_uri(expected.redirect_uri).as_ref() != Some(&answer.target) {
        return Err(CallbackError::WrongRedirect);
    }
    match (&answer.iss, expected.issuer) {
        (Some(iss), Some(issuer)) if !issuer_matches(issuer, iss, false) => {
            // Entra ID multi-tenant: the published issuer is a template and `iss` names the
            // user's tenant.
            let templated = expected.tenant_template
                && issuer.contains("{tenantid}")
                && issuer_matches(iss, issuer, true);
            if !templated {
                return Err(CallbackError::WrongIssuer);
            }
        }
        (None, Some(_)) if expected.iss_required => return Err(CallbackError::WrongIssuer),
        // Explicit endpoints, no issuer: an `iss` names some other server (a mix-up).
        (Some(_), None) => return Err(CallbackError::WrongIssuer),
        _ => {}
    }
    if let Some(error) = answer.error {
        return Ok(Verdict::Refused(match error.as_str() {
            "access_denied" => CallbackError::Denied,
            _ => {
                let text =
                    answer.error_description.filter(|d| !d.trim().is_empty()).unwrap_or(error);
                CallbackError::ProviderError(tidy_remote_text(&text))
            }
        }));
    }
    match answer.code {
        Some(code) if !code.expose().is_empty() => Ok(Verdict::Code(code)),
        _ => Err(CallbackError::MissingCode),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEEP: &str = "dev.authdeck.app:/oauth/callback";
    const ISSUER: &str = "http://127.0.0.1:4000";

    fn expected(iss_required: bool) -> Expected<'static> {
        Expected { redirect_uri: DEEP, issuer: Some(ISSUER), iss_required, tenant_template: false }
    }

    fn verdict(url: &str, iss_required: bool) -> Result<Verdict, CallbackError> {
        check(parse(url)?, expected(iss_required))
    }

    #[test]
    fn accepts_a_genuine_answer() {
        let url = format!("{DEEP}?code=abc&state=s1&iss={}", "http%3A%2F%2F127.0.0.1%3A4000");
        match verdict(&url, true).unwrap() {
            Verdict::Code(code) => assert_eq!(code.expose(), "abc"),
            other => panic!("{other:?}"),
        }
        // iss absent is fine when the provider does not advertise it.
        assert!(matches!(
            verdict(&format!("{DEEP}?code=abc&state=s1"), false),
            Ok(Verdict::Code(_))
        ));
    }

    #[test]
    fn rejects_forgeries_without_consuming() {
        let cases = [
            (
                format!("{DEEP}?code=abc&state=s1&iss=https%3A%2F%2Fevil.example"),
                CallbackError::WrongIssuer,
            ),
            (format!("{DEEP}?code=abc&state=s1"), CallbackError::WrongIssuer),
            (
                format!("{DEEP}?state=s1&iss=http%3A%2F%2F127.0.0.1%3A4000"),
                CallbackError::MissingCode,
            ),
            (
                format!("{DEEP}?code=&state=s1&iss=http%3A%2F%2F127.0.0.1%3A4000"),
                CallbackError::MissingCode,
            ),
            ("dev.authdeck.app:/other?code=a&state=s1".to_string(), CallbackError::WrongRedirect),
            ("evil.app:/oauth/callback?code=a&state=s1".to_string(), CallbackError::WrongRedirect),
            (format!("{DEEP}?code=a&code=b&state=s1"), CallbackError::Malformed),
            (format!("{DEEP}?code=a&state=s1&state=s2"), CallbackError::Malformed),
            (format!("{DEEP}?code=a"), CallbackError::UnknownState),
            ("not a url".to_string(), CallbackError::Malformed),
            (format!("{DEEP}?code={}&state=s", "a".repeat(MAX_LEN)), CallbackError::TooLong),
        ];
        for (url, want) in cases {
            assert_eq!(verdict(&url, true).unwrap_err(), want, "{url}");
        }
    }

    #[test]
    fn provider_errors_become_plain_refusals() {
        let iss = "iss=http%3A%2F%2F127.0.0.1%3A4000";
        match verdict(&format!("{DEEP}?error=access_denied&state=s1&{iss}"), true).unwrap() {
            Verdict::Refused(CallbackError::Denied) => {}
            other => panic!("{other:?}"),
        }
        let url = format!("{DEEP}?error=server_error&error_description=Try%0Alater&state=s1&{iss}");
        match verdict(&url, true).unwrap() {
            Verdict::Refused(CallbackError::ProviderError(text)) => assert_eq!(text, "Try later."),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn loopback_answers_must_hit_the_same_port_and_path() {
        let expected = Expected {
            redirect_uri: "http://127.0.0.1:5555/callback",
            issuer: None,
            iss_required: false,
            tenant_template: false,
        };
        let check_url = |url: &str| check(parse(url).unwrap(), expected).map(|_| ());
        assert!(check_url("http://127.0.0.1:5555/callback?code=a&state=s").is_ok());
        assert_eq!(
            check_url("http://127.0.0.1:5556/callback?code=a&state=s"),
            Err(CallbackError::WrongRedirect)
        );
        assert_eq!(
            check_url("http://127.0.0.1:5555/callbackx?code=a&state=s"),
            Err(CallbackError::WrongRedirect)
        );
    }

    #[test]
    fn an_issuer_from_a_provider_without_one_is_a_mix_up() {
        let expected = Expected {
            redirect_uri: "http://127.0.0.1:5555/callback",
            issuer: None,
            iss_required: false,
            tenant_template: false,
        };
        let url = "http://127.0.0.1:5555/callback?code=a&state=s&iss=https%3A%2F%2Fother.example";
        assert_eq!(check(parse(url).unwrap(), expected).unwrap_err(), CallbackError::WrongIssuer);
        // Not consumed: the genuine answer can still arrive.
        assert!(!CallbackError::WrongIssuer.consumes_sign_in());
    }

    #[test]
    fn tenant_template_issuers() {
        let expected = Expected {
            redirect_uri: DEEP,
            issuer: Some("https://login.microsoftonline.com/{tenantid}/v2.0"),
            iss_required: false,
            tenant_template: true,
        };
        let url = format!(
            "{DEEP}?code=a&state=s&iss={}",
            "https%3A%2F%2Flogin.microsoftonline.com%2F1234%2Fv2.0"
        );
        assert!(check(parse(&url).unwrap(), expected).is_ok());
        let url =
            format!("{DEEP}?code=a&state=s&iss={}", "https%3A%2F%2Fevil.example%2F1234%2Fv2.0");
        assert_eq!(check(parse(&url).unwrap(), expected).unwrap_err(), CallbackError::WrongIssuer);
    }
}
