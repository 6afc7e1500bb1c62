//! What a scope means, in words a person without OAuth knowledge understands.
//!
//! A row that says `openid email profile offline_access` means nothing to the people AuthDeck
//! is for; "Your email address, Your name and picture, Stay signed in" does. This is the one
//! rule that turns scope names into those words, for the standard OpenID Connect scopes and
//! each preset's common ones. The CLI, the account rows, the Details pane and the window's
//! confirmation read it from here (through [`AccountView::access`](crate::AccountView), the
//! provider and preset views, and the `describe_access` command), never from a copy.
//!
//! Scope names hardly collide between providers (GitHub's `read:user`, GitLab's `read_user`),
//! so one table serves them all. A scope not in the table is shown honestly by its name
//! ("Other access: admin:org"), never hidden and never guessed.

use serde::Serialize;

/// What one scope means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScopeWords {
    /// The scope as the provider names it (for Details).
    pub scope: String,
    /// What it means, in plain words ("Your email address").
    pub words: String,
    /// Whether the words come from the table (false: "Other access: NAME").
    pub known: bool,
}

/// Scopes that ask for a refresh token: OpenID Connect's `offline_access` and X's
/// `offline.access`. A sign-in with one of these is meant to stay signed in.
pub const OFFLINE_SCOPES: [&str; 2] = ["offline_access", "offline.access"];

/// The words for a scope not in the table.
pub const OTHER_ACCESS: &str = "Other access";

const STAY_SIGNED_IN: &str = "Stay signed in";
const WHO_YOU_ARE: &str = "Know who you are";
const EMAIL: &str = "Your email address";
const NAME_AND_PICTURE: &str = "Your name and picture";

/// Google's API scopes start with this; the rest of the name is looked up.
const GOOGLE_SCOPE_PREFIX: &str = "https://www.googleapis.com/auth/";

/// The table: exact scope names (compared ignoring case, as Microsoft Graph does).
const TABLE: &[(&str, &str)] = &[
    // OpenID Connect Core §5.4 and §11.
    ("openid", WHO_YOU_ARE),
    ("email", EMAIL),
    ("profile", NAME_AND_PICTURE),
    ("offline_access", STAY_SIGNED_IN),
    ("address", "Your postal address"),
    ("phone", "Your phone number"),
    // GitHub OAuth apps.
    ("repo", "Read and change all your repositories, public and private"),
    ("public_repo", "Read and change your public repositories"),
    ("repo:status", "Your commit statuses"),
    ("read:user", "Your profile information"),
    ("user", "Your profile information, and change it"),
    ("user:email", "Your email addresses"),
    ("user:follow", "Follow and unfollow people"),
    ("gist", "Create and change your gists"),
    ("notifications", "Your notifications"),
    ("read:org", "Your organizations and teams"),
    ("workflow", "Change your GitHub Actions workflows"),
    ("write:packages", "Publish packages"),
    ("read:packages", "Download packages"),
    // Microsoft Graph.
    ("User.Read", "Your profile"),
    ("User.ReadBasic.All", "Basic profiles of people in your organization"),
    ("Mail.Read", "Read your email"),
    ("Mail.ReadWrite", "Read and change your email"),
    ("Mail.Send", "Send email as you"),
    ("Calendars.Read", "Read your calendars"),
    ("Calendars.ReadWrite", "Read and change your calendars"),
    ("Contacts.Read", "Read your contacts"),
    ("Files.Read", "Read your files"),
    ("Files.ReadWrite", "Read and change your files"),
    ("Files.Read.All", "Read all files you can open"),
    ("Files.ReadWrite.All", "Read and change all files you can open"),
    ("https://graph.microsoft.com/.default", "What the app was set up to use"),
    // GitLab.
    ("read_user", "Your profile information"),
    ("api", "Full access to your GitLab account"),
    ("read_api", "Read everything in your GitLab account"),
    ("read_repository", "Read your repositories"),
    ("write_repository", "Read and change your repositories"),
    ("read_registry", "Download container images"),
    ("write_registry", "Publish container images"),
    // X (Twitter).
    ("tweet.read", "Read posts you can see"),
    ("tweet.write", "Post and delete posts as you"),
    ("users.read", "Your profile, and profiles you can see"),
    ("follows.read", "See who you follow and who follows you"),
    ("follows.write", "Follow and unfollow people"),
    ("like.read", "See your likes"),
    ("like.write", "Like and unlike posts"),
    ("list.read", "See your lists"),
    ("bookmark.read", "See your bookmarks"),
    ("dm.read", "Read your direct messages"),
    ("dm.write", "Send direct messages as you"),
    ("offline.access", STAY_SIGNED_IN),
];

/// Google's scopes, by what follows [`GOOGLE_SCOPE_PREFIX`].
const GOOGLE_TABLE: &[(&str, &str)] = &[
    ("userinfo.email", EMAIL),
    ("userinfo.profile", NAME_AND_PICTURE),
    ("gmail.readonly", "Read your email"),
    ("gmail.send", "Send email as you"),
    ("gmail.modify", "Read and change your email"),
    ("calendar", "Read and change your calendars"),
    ("calendar.readonly", "Read your calendars"),
    ("calendar.events", "Read and change your calendar events"),
    ("drive", "Read and change all your Google Drive files"),
    ("drive.readonly", "Read all your Google Drive files"),
    ("drive.file", "Files in Google Drive that you open with this app"),
    ("contacts.readonly", "Read your contacts"),
    ("spreadsheets", "Read and change your spreadsheets"),
    ("spreadsheets.readonly", "Read your spreadsheets"),
    ("documents", "Read and change your documents"),
    ("youtube.readonly", "See your YouTube account"),
    ("cloud-platform", "Your Google Cloud resources"),
];

fn lookup(table: &[(&str, &'static str)], name: &str) -> Option<&'static str> {
    table.iter().find(|(scope, _)| scope.eq_ignore_ascii_case(name)).map(|(_, words)| *words)
}

/// What `scope` means.
pub fn scope_words(scope: &str) -> ScopeWords {
    let known = lookup(TABLE, scope).or_else(|| {
        // Microsoft Graph scopes may carry their resource (`https://graph.microsoft.com/Mail.Read`).
        let graph = scope.strip_prefix("https://graph.microsoft.com/");
        let google = scope.strip_prefix(GOOGLE_SCOPE_PREFIX);
        graph
            .and_then(|s| lookup(TABLE, s))
            .or_else(|| google.and_then(|s| lookup(GOOGLE_TABLE, s)))
    });
    ScopeWords {
        scope: scope.to_string(),
        words: known.map_or_else(|| format!("{OTHER_ACCESS}: {scope}"), str::to_string),
        known: known.is_some(),
    }
}

/// What each of `scopes` means, in their order.
pub fn scopes_words(scopes: &[String]) -> Vec<ScopeWords> {
    scopes.iter().filter(|s| !s.is_empty()).map(|s| scope_words(s)).collect()
}

/// The plain words for `scopes`, each phrase once (`email` and Google's `userinfo.email` both
/// read "Your email address"), in the order asked: what a row and a confirmation show.
pub fn access_words(scopes: &[String]) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for line in scopes_words(scopes) {
        if !words.contains(&line.words) {
            words.push(line.words);
        }
    }
    words
}

/// Whether `scope` asks for a refresh token ([`OFFLINE_SCOPES`]).
pub fn is_offline_scope(scope: &str) -> bool {
    OFFLINE_SCOPES.contains(&scope)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(s: &str) -> Vec<String> {
        s.split(' ').map(String::from).collect()
    }

    #[test]
    fn the_standard_scopes_read_as_plain_words() {
        assert_eq!(
            access_words(&strings("openid email profile offline_access")),
            ["Know who you are", "Your email address", "Your name and picture", "Stay signed in"]
        );
        assert_eq!(scope_words("address").words, "Your postal address");
        assert_eq!(scope_words("phone").words, "Your phone number");
    }

    #[test]
    fn each_presets_default_scopes_are_known() {
        for preset in crate::Preset::ALL {
            let issuer =
                (preset == crate::Preset::Oidc).then(|| "https://id.example.com".to_string());
            let config = preset.config("p", "c", issuer, None).unwrap();
            for line in scopes_words(&config.scopes) {
                assert!(line.known, "{preset}: {} has no plain words", line.scope);
                assert!(!line.words.starts_with(OTHER_ACCESS), "{}", line.words);
            }
        }
    }

    #[test]
    fn preset_scopes_read_as_plain_words() {
        let words = |s: &str| scope_words(s).words;
        assert_eq!(words("read:user"), "Your profile information");
        assert_eq!(words("user:email"), "Your email addresses");
        assert_eq!(words("repo"), "Read and change all your repositories, public and private");
        assert_eq!(words("gist"), "Create and change your gists");
        assert_eq!(words("https://www.googleapis.com/auth/userinfo.email"), "Your email address");
        assert_eq!(
            words("https://www.googleapis.com/auth/drive.readonly"),
            "Read all your Google Drive files"
        );
        assert_eq!(words("User.Read"), "Your profile");
        assert_eq!(words("user.read"), "Your profile", "Graph compares scopes ignoring case");
        assert_eq!(words("https://graph.microsoft.com/Mail.Read"), "Read your email");
        assert_eq!(words("read_api"), "Read everything in your GitLab account");
        assert_eq!(words("api"), "Full access to your GitLab account");
        assert_eq!(words("tweet.read"), "Read posts you can see");
        assert_eq!(words("users.read"), "Your profile, and profiles you can see");
        assert_eq!(words("offline.access"), "Stay signed in");
    }

    #[test]
    fn unknown_scopes_are_shown_by_name_and_not_called_known() {
        let line = scope_words("admin:org");
        assert_eq!(line.words, "Other access: admin:org");
        assert!(!line.known);
        let google = scope_words("https://www.googleapis.com/auth/not-a-scope");
        assert_eq!(google.words, "Other access: https://www.googleapis.com/auth/not-a-scope");
        assert!(!scope_words("https://example.com/auth/userinfo.email").known);
    }

    #[test]
    fn the_same_meaning_is_said_once_and_the_raw_names_are_kept() {
        let scopes = strings(
            "email https://www.googleapis.com/auth/userinfo.email offline_access offline.access  ",
        );
        assert_eq!(access_words(&scopes), ["Your email address", "Stay signed in"]);
        let lines = scopes_words(&scopes);
        assert_eq!(lines.len(), 4, "empty names are dropped, every real one kept");
        assert_eq!(lines[1].scope, "https://www.googleapis.com/auth/userinfo.email");
        assert!(access_words(&[]).is_empty());
    }

    #[test]
    fn both_names_for_a_refresh_token_are_offline_scopes() {
        assert!(is_offline_scope("offline_access"));
        assert!(is_offline_scope("offline.access"));
        assert!(!is_offline_scope("openid"));
        assert!(!is_offline_scope("offline"));
    }
}
