//! IPC commands, one file per group. Each is a short call into [`Shell`](crate::shell::Shell)
//! or the core; none returns a token value except `reveal_token`.

// First, so its `with_commands!` macro is visible to the crate (`#[macro_use]` in lib.rs).
include!("names.rs");

pub mod accounts;
pub mod background;
pub mod login;
pub mod tokens;
