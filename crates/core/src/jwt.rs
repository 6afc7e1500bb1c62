//! Reads the header and claims of a JWT for display. No verification happens here: this is
//! for support staff inspecting a token, never for deciding whether to trust one (that is
//! [`id_token`](crate::id_token)'s job).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde_json::Value;

/// The readable parts of a JWT.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecodedJwt {
    pub header: Value,
    pub claims: Value,
}

/// Decodes a compact JWS (`header.claims.signature`); `None` for anything else (opaque
/// tokens, encrypted JWTs).
pub fn decode(token: &str) -> Option<DecodedJwt> {
    let mut parts = token.split('.');
    let (header, claims, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let json = |part: &str| -> Option<Value> {
        let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
        serde_json::from_slice::<Value>(&bytes).ok().filter(Value::is_object)
    };
    Some(DecodedJwt { header: json(header)?, claims: json(claims)? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_jws_and_rejects_the_rest() {
        let enc = |v: &str| URL_SAFE_NO_PAD.encode(v);
        let token = format!("{}.{}.sig", enc(r#"{"alg":"RS256"}"#), enc(r#"{"sub":"alice"}"#));
        let decoded = decode(&token).unwrap();
        assert_eq!(decoded.header["alg"], "RS256");
        assert_eq!(decoded.claims["sub"], "alice");
        assert!(decode("opaque-token").is_none());
        assert!(decode("a.b.c.d.e").is_none());
        assert!(decode(&format!("{}.{}.x", enc("[]"), enc("{}"))).is_none());
    }
}
