//! Who asked for a token: the program the history names for each hand-out.
//!
//! Support staff want to know which program took a token ("was it git or a script?"), so
//! every hand-out records the parent process's executable name (`/proc/<ppid>/exe`, or its
//! `comm` when the executable cannot be read, e.g. another user's process), or what the
//! caller said with `--for NAME`. A shell running a script is named by the script (its
//! `comm`), since "bash" says little. Only a file name is kept, never a path or a command line,
//! which may hold anything.

use std::path::PathBuf;

/// Shells, which often stand between a program and authdeck.
const SHELLS: &[&str] = &["sh", "dash", "bash", "zsh", "ksh", "mksh", "fish", "busybox"];

/// How to name the parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parent {
    /// The parent itself (a terminal's shell is the program that asked).
    Direct,
    /// Past a `sh -c` wrapper: git runs `!command` helpers through the shell.
    PastShell,
}

/// The program to record: `--for NAME` when given, else the parent process's name.
pub fn program(for_name: Option<&str>, parent: Parent) -> String {
    match for_name {
        Some(name) => name.to_string(),
        None => parent_program(parent).unwrap_or_default(),
    }
}

fn parent_program(parent: Parent) -> Option<String> {
    let ppid = std::os::unix::process::parent_id();
    let named = Process(ppid).name()?;
    if parent == Parent::PastShell && SHELLS.contains(&named.as_str()) {
        return Process(ppid).parent().and_then(|p| p.name()).or(Some(named));
    }
    Some(named)
}

/// A process, by id, as /proc shows it.
struct Process(u32);

impl Process {
    fn dir(&self) -> PathBuf {
        PathBuf::from(format!("/proc/{}", self.0))
    }

    fn exe(&self) -> Option<String> {
        let path = std::fs::read_link(self.dir().join("exe")).ok()?;
        let name = path.file_name()?.to_string_lossy().into_owned();
        // A replaced executable reads as "name (deleted)".
        Some(name.trim_end_matches(" (deleted)").to_string())
    }

    fn comm(&self) -> Option<String> {
        let comm = std::fs::read_to_string(self.dir().join("comm")).ok()?;
        Some(comm.trim().to_string()).filter(|c| !c.is_empty())
    }

    /// The executable's name; for a shell running a script, the script's.
    fn name(&self) -> Option<String> {
        match (self.exe(), self.comm()) {
            (Some(exe), Some(comm)) if SHELLS.contains(&exe.as_str()) && comm != exe => {
                Some(if SHELLS.contains(&comm.as_str()) { exe } else { comm })
            }
            (Some(exe), _) => Some(exe),
            (None, comm) => comm,
        }
    }

    fn parent(&self) -> Option<Process> {
        let stat = std::fs::read_to_string(self.dir().join("stat")).ok()?;
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        let rest = &stat[stat.rfind(')')? + 1..];
        rest.split_whitespace().nth(1)?.parse().ok().map(Process)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn for_wins_else_the_parent_is_named() {
        assert_eq!(program(Some("deploy-script"), Parent::Direct), "deploy-script");
        // The test runner is this process's parent: cargo, or whatever ran the test binary.
        let parent = program(None, Parent::Direct);
        assert!(!parent.is_empty() && !parent.contains('/'), "{parent:?}");
    }

    #[test]
    fn reads_a_process_and_its_parent() {
        let me = Process(std::process::id());
        assert!(me.exe().is_some_and(|exe| exe.starts_with("authdeck")), "{:?}", me.exe());
        let parent = me.parent().expect("a parent");
        assert_eq!(parent.0, std::os::unix::process::parent_id());
    }
}
