//! Crash-safe file writes: write a temporary file beside the target, flush it to disk, then
//! rename it over the target. A reader (or a process killed half-way) sees the old file or
//! the new one, never a torn mix that fails to parse.
//!
//! The file's data is flushed before the rename, so a power cut cannot leave an empty file in
//! its place on any filesystem. The directory is not flushed after the rename: if the rename
//! itself is lost, the old version comes back, which is just as consistent (account metadata
//! is a description of what the keychain holds, and the keychain is written first), and the
//! second flush would cost a third of a millisecond on every refresh.
//!
//! The new file is created `0600` (see [`private`](crate::private)) before any byte is in it.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;
use serde::de::DeserializeOwned;

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Replaces `path` with `bytes` atomically.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(path, bytes, true)
}

/// [`write`] without flushing the data: as atomic for every running process, but a power cut
/// may bring the old file back. For notes only live processes need (the keychain write
/// marker, see `token_cache`), where the flush would cost a third of a millisecond.
pub fn write_unflushed(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(path, bytes, false)
}

fn write_with(path: &Path, bytes: &[u8], flush: bool) -> io::Result<()> {
    prepare_with(path, bytes, flush)?.commit()
}

/// A replacement written and flushed beside its target but not yet in place: [`commit`]
/// renames it over the target (cheap), dropping it removes it. This lets the slow part of a
/// write (the flush) run while something that must happen before the file changes is still
/// under way (see `token_cache`: the keychain write).
///
/// [`commit`]: Prepared::commit
#[derive(Debug)]
pub struct Prepared {
    tmp: PathBuf,
    path: PathBuf,
    committed: bool,
}

impl Prepared {
    /// Puts the replacement in place.
    pub fn commit(mut self) -> io::Result<()> {
        self.committed = true;
        fs::rename(&self.tmp, &self.path).inspect_err(|_| {
            let _ = fs::remove_file(&self.tmp);
        })
    }
}

impl Drop for Prepared {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Writes and flushes `bytes` as the replacement of `path`, without putting it in place.
pub fn prepare(path: &Path, bytes: &[u8]) -> io::Result<Prepared> {
    prepare_with(path, bytes, true)
}

fn prepare_with(path: &Path, bytes: &[u8], flush: bool) -> io::Result<Prepared> {
    let dir = path.parent().ok_or_else(|| io::Error::other("path has no parent directory"))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
    let prepared = Prepared { tmp, path: path.to_path_buf(), committed: false };
    let mut file = crate::private::options().write(true).create_new(true).open(&prepared.tmp)?;
    file.write_all(bytes)?;
    if flush {
        file.sync_all()?;
    }
    Ok(prepared)
}

/// Serializes `value` as pretty JSON and writes it atomically.
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> io::Result<()> {
    write(path, &json_bytes(value)?)
}

/// [`write_json`] without the flush (see [`write_unflushed`]).
pub fn write_json_unflushed<T: Serialize>(path: &Path, value: &T) -> io::Result<()> {
    write_unflushed(path, &json_bytes(value)?)
}

/// [`prepare`] of `value` as pretty JSON.
pub fn prepare_json<T: Serialize>(path: &Path, value: &T) -> io::Result<Prepared> {
    prepare(path, &json_bytes(value)?)
}

fn json_bytes<T: Serialize>(value: &T) -> io::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(io::Error::other)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Reads a JSON file; `Ok(None)` when it does not exist.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> io::Result<Option<T>> {
    match fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// True for the temporary files [`write`] leaves only while it runs (or after a crash).
pub fn is_temp_name(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(".tmp")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        write_json(&path, &serde_json::json!({"n": 1})).unwrap();
        write_json(&path, &serde_json::json!({"n": 2})).unwrap();
        let value: serde_json::Value = read_json(&path).unwrap().unwrap();
        assert_eq!(value["n"], 2);
        let names: Vec<_> =
            fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec!["a.json"]);
    }

    #[test]
    fn a_prepared_write_changes_nothing_until_committed_and_leaves_nothing_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        write_json(&path, &serde_json::json!({"n": 1})).unwrap();
        let read = || read_json::<serde_json::Value>(&path).unwrap().unwrap()["n"].clone();
        drop(prepare_json(&path, &serde_json::json!({"n": 2})).unwrap());
        assert_eq!(read(), 1);
        let prepared = prepare_json(&path, &serde_json::json!({"n": 3})).unwrap();
        assert_eq!(read(), 1);
        prepared.commit().unwrap();
        assert_eq!(read(), 3);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn written_files_are_private_whatever_the_umask() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        crate::private::with_open_umask(|| write(&path, b"{}")).unwrap();
        assert_eq!(crate::private::mode_of(&path), 0o600);
    }

    #[test]
    fn missing_file_is_none_and_garbage_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        assert!(read_json::<serde_json::Value>(&path).unwrap().is_none());
        fs::write(&path, b"{not json").unwrap();
        assert!(read_json::<serde_json::Value>(&path).is_err());
    }
}
