//! Builds the web UI when its bundle is missing or older than its sources, and lets
//! tauri-build generate a permission for each of AuthDeck's own commands.

use std::path::Path;
use std::process::Command;

include!("commands/names.rs");

fn main() {
    build_ui();
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri-build failed");
}

fn build_ui() {
    let ui = Path::new("ui");
    for watched in ["ui/src", "ui/index.html", "ui/package.json", "ui/vite.config.ts"] {
        println!("cargo:rerun-if-changed={watched}");
    }
    let dist = ui.join("dist/index.html");
    if dist.exists()
        && !newer_than(ui.join("src"), &dist)
        && std::env::var_os("AUTHDECK_SKIP_UI_BUILD").is_none()
    {
        return;
    }
    if std::env::var_os("AUTHDECK_SKIP_UI_BUILD").is_some() && dist.exists() {
        return;
    }
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let run = |args: &[&str]| {
        let status = Command::new(npm).args(args).current_dir(ui).status();
        match status {
            Ok(s) if s.success() => {}
            other => panic!(
                "building the web UI failed (`npm {}` in ui/: {other:?}). Install Node.js 20+ \
                 and run `npm ci && npm run build` in ui/.",
                args.join(" ")
            ),
        }
    };
    if !ui.join("node_modules").exists() {
        run(&["ci", "--no-audit", "--no-fund"]);
    }
    run(&["run", "build"]);
}

/// Whether any file under `dir` was modified after `than`.
fn newer_than(dir: impl AsRef<Path>, than: &Path) -> bool {
    let Ok(reference) = std::fs::metadata(than).and_then(|m| m.modified()) else { return true };
    let mut stack = vec![dir.as_ref().to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if entry.metadata().and_then(|m| m.modified()).is_ok_and(|m| m > reference) {
                return true;
            }
        }
    }
    false
}
