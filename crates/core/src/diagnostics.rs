//! "Export diagnostics": one JSON bundle a user can send to support, with account states,
//! provider settings and metadata, and recent activity, and no secret in it (the types it is
//! built from hold none: secrets live only in the keychain).

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::deck::Deck;
use crate::error::Result;

impl Deck {
    /// Builds the diagnostics bundle. `keychain` is the keychain status as the caller saw it.
    pub fn diagnostics(
        &self,
        keychain: std::result::Result<(), String>,
        now: DateTime<Utc>,
    ) -> Result<Value> {
        let accounts = self.accounts.list()?;
        let providers = self.providers()?;
        let accounts: Vec<Value> = accounts
            .iter()
            .map(|record| {
                json!({
                    "view": record.view(now),
                    "connected_at": record.connected_at,
                    "last_error_at": record.last_error_at,
                    "token_type": record.token_type,
                    "has_id_token": record.has_id_token,
                    "identity": record.identity,
                    "client": record.client,
                    "provider_metadata": record.metadata,
                    "recent_activity": self.activity.read(&record.id, 50),
                })
            })
            .collect();
        Ok(json!({
            "generated_at": now,
            "authdeck_version": env!("CARGO_PKG_VERSION"),
            "os": std::env::consts::OS,
            "data_dir": self.home.root(),
            "keychain": match keychain {
                Ok(()) => json!({ "available": true }),
                Err(message) => json!({ "available": false, "message": message }),
            },
            "providers": providers,
            "accounts": accounts,
        }))
    }
}
