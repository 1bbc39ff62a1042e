//! Records the git commit gigsim is built from, for the manifest of every output.

use std::process::Command;

fn main() {
    let commit = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    // A build from a tree with changes not committed is not the commit: say so.
    let dirty = Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=no"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .is_some_and(|o| !o.stdout.is_empty());
    let suffix = if dirty && commit != "unknown" { "-dirty" } else { "" };
    println!("cargo:rustc-env=GIGSIM_GIT_COMMIT={commit}{suffix}");
    // Rebuild when HEAD moves (a new commit or a checkout).
    if let Ok(head) = std::fs::read_to_string(".git/HEAD") {
        println!("cargo:rerun-if-changed=.git/HEAD");
        if let Some(reference) = head.strip_prefix("ref: ") {
            println!("cargo:rerun-if-changed=.git/{}", reference.trim());
        }
        println!("cargo:rerun-if-changed=.git/packed-refs");
        // Staging or committing changes whether the tree is dirty; so do edits.
        println!("cargo:rerun-if-changed=.git/index");
        for tracked in ["src", "Cargo.toml", "Cargo.lock", "build.rs"] {
            println!("cargo:rerun-if-changed={tracked}");
        }
    }
}
