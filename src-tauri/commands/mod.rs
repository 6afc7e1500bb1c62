//! IPC commands, one file per group. Each is a short call into [`Shell`](crate::shell::Shell)
//! or the core; none returns a token value except `reveal_token`.

pub mod accounts;
pub mod login;
pub mod tokens;

include!("names.rs");
