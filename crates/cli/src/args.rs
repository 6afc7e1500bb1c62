//! The command line, exactly as documented in the README (scripts and tests rely on it).

use clap::{ArgGroup, Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "authdeck",
    version,
    about = "Connect OAuth 2.0 / OpenID Connect accounts, keep their tokens fresh, inspect them.",
    after_help = "Data lives in $AUTHDECK_HOME (or the platform's app-data folder); secrets live in \
                  the system keychain only."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add, list or remove providers.
    #[command(subcommand)]
    Provider(ProviderCommand),
    /// Connect an account: opens the browser and waits for the sign-in to finish.
    Login {
        /// The provider to sign in with.
        provider: String,
        /// Print the sign-in address instead of opening the browser.
        #[arg(long)]
        no_browser: bool,
        /// Suggest which user to sign in as (email or username).
        #[arg(long, value_name = "EMAIL")]
        hint: Option<String>,
        /// Sign in with a code on another device (RFC 8628): prints the address to open and
        /// the code, then waits for the approval. For machines whose browser cannot answer.
        #[arg(long, conflicts_with = "hint")]
        device: bool,
    },
    /// Complete a sign-in with the address the provider sent you back to.
    Callback {
        /// The full address, e.g. dev.authdeck.app:/oauth/callback?code=...&state=...
        url: String,
    },
    /// List connected accounts.
    Accounts {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Get a new access token now.
    #[command(group(ArgGroup::new("which").required(true).args(["account", "all"])))]
    Refresh {
        /// Account id or email.
        account: Option<String>,
        /// Refresh every account that can be refreshed.
        #[arg(long)]
        all: bool,
        /// With --all: how many accounts to refresh at once.
        #[arg(long, requires = "all", default_value_t = authdeck_core::BULK_CONCURRENCY)]
        concurrency: usize,
    },
    /// Print an account's access token (refreshed first if it is about to expire).
    Token {
        /// Account id or email.
        account: String,
        /// Refresh first when fewer than this many seconds are left (default 60).
        #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u32).range(0..=MAX_MIN_VALID))]
        min_valid: Option<u32>,
        /// raw: the token alone; header: `Authorization: Bearer <token>`; json: one object
        /// with the token, its expiry, issuer, account, email and scopes; env: lines for
        /// `eval` (AUTHDECK_TOKEN, AUTHDECK_TOKEN_EXPIRES_AT).
        #[arg(long, value_enum, default_value_t = TokenFormat::Raw)]
        format: TokenFormat,
        /// The program the token is for, as the activity history names it (default: the
        /// program that ran authdeck).
        #[arg(long = "for", value_name = "NAME")]
        for_program: Option<String>,
    },
    /// Run a program with a fresh access token in its environment (never on its command line);
    /// its output passes through with the token masked.
    Exec {
        /// Account id or email.
        account: String,
        /// The environment variable that holds the token.
        #[arg(long, value_name = "NAME", default_value = "AUTHDECK_TOKEN")]
        env: String,
        /// Refresh first when fewer than this many seconds are left (default 60).
        #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u32).range(0..=MAX_MIN_VALID))]
        min_valid: Option<u32>,
        /// Pass the program's output through unchanged (the token is not masked).
        #[arg(long)]
        no_mask: bool,
        /// The program the token is for, as the activity history names it (default: CMD's
        /// file name).
        #[arg(long = "for", value_name = "NAME")]
        for_program: Option<String>,
        /// The program and its arguments, after `--`.
        #[arg(last = true, required = true, value_name = "CMD")]
        command: Vec<String>,
    },
    /// A kubectl exec credential plugin: prints an ExecCredential with the account's ID token
    /// (refreshed when within 60 s of its expiry), or its access token. Never opens a browser.
    KubeCredential {
        /// Account id or email.
        account: String,
        /// Hand out the access token instead of the ID token.
        #[arg(long)]
        access_token: bool,
        /// The program the token is for, as the activity history names it (default: the
        /// program that ran authdeck).
        #[arg(long = "for", value_name = "NAME")]
        for_program: Option<String>,
    },
    /// A git credential helper: `git config credential.https://HOST.helper
    /// '!authdeck git-credential --account ACCOUNT'`. `get` answers a fresh access token as
    /// the password; `store` and `erase` change nothing. It never prompts or opens a browser.
    GitCredential {
        /// Account id or email whose token git gets.
        #[arg(long)]
        account: String,
        /// What git asks: get, store or erase (others are ignored, as git's protocol says).
        operation: String,
        /// The program the token is for, as the activity history names it (default: the
        /// program that ran authdeck).
        #[arg(long = "for", value_name = "NAME")]
        for_program: Option<String>,
    },
    /// Show an account's status, scopes, expiry and decoded tokens (never the token itself).
    Inspect {
        /// Account id or email.
        account: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Also ask the provider whether it still accepts the access token (introspection,
        /// else userinfo, else Google's tokeninfo).
        #[arg(long)]
        remote: bool,
    },
    /// An account's history, newest first: connections, refreshes, failures, and every time a
    /// token was handed out, with the program that asked for it. Never a token.
    Activity {
        /// Account id or email.
        account: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Disconnect an account: revoke it at the provider and remove it from this computer.
    Logout {
        /// Account id or email.
        account: String,
    },
    /// Check that sign-ins can work here: keychain, link handler, loopback, private data folder.
    Doctor {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish or powershell).
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the authdeck(1) manual page (roff), as packaged.
    #[command(hide = true)]
    Manpage,
}

#[derive(Debug, Subcommand)]
pub enum ProviderCommand {
    /// Add a provider.
    Add(Box<ProviderAdd>),
    /// List providers.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove a provider (connected accounts keep working). A client AuthDeck registered
    /// itself is deleted at the provider once no connected account uses it.
    Remove { name: String },
    /// Print a provider file (JSON, no secrets) to hand this provider to someone else.
    Export {
        /// The provider to export.
        name: String,
        /// Write it to this file instead of printing it.
        #[arg(long, value_name = "FILE")]
        output: Option<std::path::PathBuf>,
        /// Print one dev.authdeck.app: link carrying the file instead.
        #[arg(long)]
        link: bool,
    },
    /// Add a provider from a provider file or a dev.authdeck.app: provider link.
    Import {
        /// The provider file, or the link.
        #[arg(value_name = "FILE | LINK")]
        source: String,
        /// The name to add it under (default: from its label).
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("source").required(true).multiple(true).args(["issuer", "preset", "auth_url"])))]
pub struct ProviderAdd {
    /// A short name for the provider (letters, digits, '-', '_', '.').
    pub name: String,
    /// OpenID Connect issuer URL (endpoints found by discovery), or just its address
    /// (`login.example.com`: https assumed, the issuer found at its well-known paths).
    #[arg(long, value_name = "URL", conflicts_with = "auth_url")]
    pub issuer: Option<String>,
    /// google, microsoft, github, gitlab, x or oidc (with --issuer).
    #[arg(long, value_name = "P", conflicts_with = "auth_url")]
    pub preset: Option<String>,
    /// Authorization endpoint, for providers without discovery.
    #[arg(long, value_name = "U", requires = "token_url")]
    pub auth_url: Option<String>,
    /// Token endpoint.
    #[arg(long, value_name = "U", requires = "auth_url")]
    pub token_url: Option<String>,
    /// Revocation endpoint (RFC 7009).
    #[arg(long, value_name = "U", requires = "auth_url")]
    pub revoke_url: Option<String>,
    /// Userinfo endpoint.
    #[arg(long, value_name = "U", requires = "auth_url")]
    pub userinfo_url: Option<String>,
    /// Device authorization endpoint (RFC 8628), for `login --device` when discovery and the
    /// preset do not give it.
    #[arg(long, value_name = "U")]
    pub device_auth_url: Option<String>,
    /// The client ID registered with the provider. Without one, AuthDeck registers itself
    /// with the provider (where the provider allows it).
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// Scopes, space separated (repeatable).
    #[arg(long, value_name = "\"a b c\"")]
    pub scope: Vec<String>,
    /// Redirect URI registered with the provider (default dev.authdeck.app:/oauth/callback).
    #[arg(long, value_name = "URI", conflicts_with = "loopback")]
    pub redirect_uri: Option<String>,
    /// Use a loopback redirect, http://127.0.0.1:<any port>/callback. To keep providers apart
    /// (RFC 9700 §4.4.2), register a path of its own with each provider, e.g.
    /// http://127.0.0.1/callback/work, and pass it as --redirect-uri instead.
    #[arg(long)]
    pub loopback: bool,
    /// The name people see, e.g. "Work Google".
    #[arg(long)]
    pub label: Option<String>,
    /// Entra ID tenant for --preset microsoft (default: common).
    #[arg(long)]
    pub tenant: Option<String>,
    /// Read the client secret from this environment variable when needed.
    #[arg(long, value_name = "VAR", conflicts_with = "client_secret_stdin")]
    pub client_secret_env: Option<String>,
    /// Read the client secret from standard input now and keep it in the keychain.
    #[arg(long)]
    pub client_secret_stdin: bool,
}

/// The longest `--min-valid` (a year): more than any token lives.
pub const MAX_MIN_VALID: i64 = 366 * 24 * 60 * 60;

/// How `authdeck token` prints the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TokenFormat {
    Raw,
    Header,
    Json,
    Env,
}
