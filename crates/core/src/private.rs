//! The data folder is private to the user who runs AuthDeck.
//!
//! It holds no secret, but account names, emails, provider settings and lock files are still
//! nobody else's business, and a lock file another user could replace would break the
//! single-flight guarantee. So every folder is created `0700` and every file `0600`, whatever
//! the umask (a umask only removes permission bits, and the modes asked for here grant nothing
//! to group or others). A folder that already exists and lets others in is tightened; one that
//! belongs to another user is refused, because its owner could swap any file in it.
//!
//! Every file AuthDeck writes in the data folder is opened through [`options`]; every folder
//! goes through [`ensure_dir`].

use std::fs::{self, OpenOptions};
use std::io;
use std::path::Path;

/// Open options that create files readable and writable by their owner only.
pub fn options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

/// Why a data folder cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    #[error(
        "The folder {0} belongs to another user, so AuthDeck will not keep your data there. \
         Set AUTHDECK_HOME to a folder of your own."
    )]
    NotYours(String),
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Creates `dir` (and its parents) as a private folder, or checks and tightens an existing
/// one. Returns true when an existing folder had to be tightened.
pub fn ensure_dir(dir: &Path) -> Result<bool, FolderError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)?;
    check_and_tighten(dir, 0o700)
}

/// Takes group and other permissions away from an existing file. Returns true when it had any.
pub fn tighten_file(path: &Path) -> io::Result<bool> {
    match check_and_tighten(path, 0o600) {
        Ok(changed) => Ok(changed),
        Err(FolderError::Io(e)) => Err(e),
        // A file of another user inside our own private folder: leave it, it is unreadable
        // to that user's peers anyway and we cannot chmod it.
        Err(FolderError::NotYours(_)) => Ok(false),
    }
}

/// Whether no one but its owner may open `path` (no group or other permissions). The one
/// rule that [`ensure_dir`], [`tighten_file`] and `authdeck doctor` apply.
pub fn is_private(path: &Path) -> io::Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Ok(fs::metadata(path)?.mode() & 0o077 == 0)
    }
    #[cfg(not(unix))]
    {
        // Elsewhere the per-user app-data folder's ACLs already keep other users out.
        fs::metadata(path).map(|_| true)
    }
}

#[cfg(unix)]
fn check_and_tighten(path: &Path, mode: u32) -> Result<bool, FolderError> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let metadata = fs::metadata(path)?;
    if metadata.uid() != rustix::process::geteuid().as_raw() {
        return Err(FolderError::NotYours(path.display().to_string()));
    }
    if is_private(path)? {
        return Ok(false);
    }
    fs::set_permissions(path, fs::Permissions::from_mode(mode))?;
    Ok(true)
}

#[cfg(not(unix))]
fn check_and_tighten(_path: &Path, _mode: u32) -> Result<bool, FolderError> {
    // Elsewhere the per-user app-data folder's ACLs already keep other users out.
    Ok(false)
}

/// Runs `f` with a permissive umask (`000`), as a user with a careless shell profile would.
/// The umask is process-wide, so other tests running meanwhile only see looser defaults,
/// which the code under test must handle anyway.
#[cfg(all(test, unix))]
pub(crate) fn with_open_umask<T>(f: impl FnOnce() -> T) -> T {
    use rustix::fs::Mode;
    let before = rustix::process::umask(Mode::empty());
    let result = f();
    rustix::process::umask(before);
    result
}

#[cfg(all(test, unix))]
pub(crate) fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(all(test, unix))]
mod tests {
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn files_and_folders_are_private_under_an_open_umask() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b");
        let file = dir.join("f");
        with_open_umask(|| {
            assert!(!ensure_dir(&dir).unwrap());
            options().create(true).append(true).open(&file).unwrap().write_all(b"x").unwrap();
        });
        assert_eq!(mode_of(&dir), 0o700);
        assert_eq!(mode_of(&root.path().join("a")), 0o700);
        assert_eq!(mode_of(&file), 0o600);
    }

    #[test]
    fn an_open_folder_and_file_are_tightened() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("f");
        fs::write(&file, b"x").unwrap();
        fs::set_permissions(root.path(), fs::Permissions::from_mode(0o777)).unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o666)).unwrap();
        assert!(ensure_dir(root.path()).unwrap());
        assert!(tighten_file(&file).unwrap());
        assert_eq!(mode_of(root.path()), 0o700);
        assert_eq!(mode_of(&file), 0o600);
        assert!(!ensure_dir(root.path()).unwrap());
    }

    #[test]
    fn a_folder_of_another_user_is_refused() {
        let root = tempfile::tempdir().unwrap();
        // As root (CI containers) hand a folder to `nobody`; otherwise `/` is root's.
        let theirs = if rustix::process::geteuid().is_root() {
            std::os::unix::fs::chown(root.path(), Some(65534), Some(65534)).unwrap();
            root.path().to_path_buf()
        } else {
            Path::new("/").to_path_buf()
        };
        let error = ensure_dir(&theirs).unwrap_err().to_string();
        assert!(error.contains("belongs to another user"), "{error}");
        assert!(error.contains("AUTHDECK_HOME"), "{error}");
    }
}
