//! Records the git commit gigsim is built from, for the manifest of every output.
//!
//! The script reruns only when what the commit id and the dirty flag come from changes:
//! HEAD, the branch's ref, the index and the tracked sources. Files are named only when
//! they exist (cargo reruns a script on every build for a missing one, which once cost
//! a 35 s recompile per command in checkouts without `.git/packed-refs`), and paths come
//! from `git rev-parse --git-path`, so worktrees, whose `.git` is a file, work too.

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    Command::new("git")
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

fn main() {
    let commit = git(&["rev-parse", "HEAD"]).unwrap_or_else(|| "unknown".into());
    // A build from a tree with changes not committed is not the commit: say so.
    // `--no-optional-locks`: a plain `git status` refreshes the index's stat cache and
    // rewrites `.git/index`, one of the files watched below, so the first build after a
    // clone was followed by a one-minute recompile on the next command.
    let dirty =
        git(&["--no-optional-locks", "status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    let suffix = if dirty && commit != "unknown" { "-dirty" } else { "" };
    println!("cargo:rustc-env=GIGSIM_GIT_COMMIT={commit}{suffix}");
    for tracked in ["src", "Cargo.toml", "Cargo.lock", "build.rs"] {
        println!("cargo:rerun-if-changed={tracked}");
    }
    if commit == "unknown" {
        return;
    }
    // HEAD moves on a checkout; the branch's ref (loose, or packed) on a commit; the
    // index when changes are staged or committed, which is what the dirty flag reads.
    let mut watched = vec!["HEAD".to_string(), "index".to_string(), "packed-refs".to_string()];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watched.push(branch);
    }
    for name in watched {
        if let Some(path) = git(&["rev-parse", "--git-path", &name])
            && Path::new(&path).exists()
        {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}
