//! Shell completions and the manual page, generated from the clap definition in [`args`] so
//! they can never drift from the real command line. The packages ship their output
//! (`scripts/package.sh` runs `authdeck completions SHELL` and `authdeck manpage`).

use std::io::Write;

use clap::CommandFactory;

use crate::args::Cli;

/// Writes the completion script for `shell` to standard output.
pub fn completions(shell: clap_complete::Shell) {
    clap_complete::generate(shell, &mut Cli::command(), "authdeck", &mut std::io::stdout());
}

/// Writes the roff manual page to standard output.
pub fn manpage() -> std::io::Result<()> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    std::io::stdout().write_all(&out)
}
