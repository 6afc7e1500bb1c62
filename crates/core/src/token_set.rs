//! An account's secrets, kept together as one keychain entry.
//!
//! One entry per account means a refresh is a single keychain write: the stored access,
//! refresh and ID tokens can never be half from one answer and half from another.

use serde_json::json;

use crate::secret::{AccessToken, IdToken, KeychainValue, RefreshToken};
use crate::token_response::IssuedTokens;

/// The secrets of one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSet {
    pub access_token: AccessToken,
    pub refresh_token: Option<RefreshToken>,
    pub id_token: Option<IdToken>,
}

impl TokenSet {
    /// The keychain key of an account's secrets.
    pub fn key(account_id: &str) -> String {
        format!("account/{account_id}")
    }

    /// The secrets after a token answer. A new refresh token replaces the old one (rotation);
    /// an answer without one keeps the previous (no rotation). The ID token is taken only when
    /// `id_token_ok` (it passed its checks); else the previous one stays.
    pub(crate) fn renewed(
        issued: &IssuedTokens,
        previous: Option<&TokenSet>,
        id_token_ok: bool,
    ) -> TokenSet {
        let previous_id = previous.and_then(|p| p.id_token.clone());
        TokenSet {
            access_token: issued.access_token.clone(),
            refresh_token: issued
                .refresh_token
                .clone()
                .or_else(|| previous.and_then(|p| p.refresh_token.clone())),
            id_token: match &issued.id_token {
                Some(id) if id_token_ok => Some(id.clone()),
                _ => previous_id,
            },
        }
    }

    /// The keychain value. Built field by field: secrets have no `Serialize`.
    pub fn to_keychain(&self) -> KeychainValue {
        let value = json!({
            "v": 1,
            "access_token": self.access_token.expose(),
            "refresh_token": self.refresh_token.as_ref().map(RefreshToken::expose),
            "id_token": self.id_token.as_ref().map(IdToken::expose),
        });
        KeychainValue::new(value.to_string())
    }

    /// Reads a keychain value; `None` if it is not one of ours.
    pub fn from_keychain(value: &KeychainValue) -> Option<Self> {
        let json: serde_json::Value = serde_json::from_str(value.expose()).ok()?;
        let text = |name: &str| json.get(name).and_then(|v| v.as_str());
        Some(TokenSet {
            access_token: AccessToken::new(text("access_token")?),
            refresh_token: text("refresh_token").map(RefreshToken::new),
            id_token: text("id_token").map(IdToken::new),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_the_keychain_format() {
        let set = TokenSet {
            access_token: AccessToken::new("at"),
            refresh_token: Some(RefreshToken::new("rt\"quoted")),
            id_token: None,
        };
        assert_eq!(TokenSet::from_keychain(&set.to_keychain()), Some(set));
        assert_eq!(TokenSet::from_keychain(&KeychainValue::new("garbage")), None);
    }
}
