//! Where results go. A scenario `name` with `../`, slashes or odd characters never
//! writes outside `output/` under the working folder; an output folder that cannot be
//! created or written is refused before any work with a clear message and exit code 2
//! (bad input: choosing another `--out` fixes it).

mod common;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};

use common::*;

/// A one-day scenario named `name` (written as a TOML string, escapes and all).
fn named(name: &str) -> String {
    let quoted = toml::Value::String(name.into()).to_string();
    format!(
        "[simulation]\nname = {quoted}\ndays = 1\nreplicates = 1\n[workers]\ncount = 3\n[requesters]\ncount = 2\n\
         [demand]\ntasks_per_day = 20.0\n[charts]\nformats = [\"svg\"]\n"
    )
}

/// Every file and folder under `dir`, relative to it.
fn tree(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            out.push(p.strip_prefix(dir).unwrap().to_path_buf());
            if e.file_type().unwrap().is_dir() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn scenario_names_never_write_outside_the_output_folder() {
    let names = [
        "../../x",
        "../escape",
        "a/b",
        "/etc/passwd",
        "..",
        ".",
        "a/../../b",
        "..\\..\\windows",
        ".hidden",
        "with space",
        "ünïcødé ☃ 名前",
        "$(touch pwned)`id`;|&",
        "~",
        "",
        &"x".repeat(80),
        &"é".repeat(80),
    ];
    let base = tempfile::tempdir().unwrap();
    let work = base.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let scenario_dir = base.path().join("scenarios");
    std::fs::create_dir(&scenario_dir).unwrap();
    let mut folders = std::collections::BTreeSet::new();
    for (i, name) in names.iter().enumerate() {
        let path = write_scenario(&scenario_dir, &format!("s{i}.toml"), &named(name));
        let o = run_in(&work, &["run", path.to_str().unwrap(), "--quiet"]);
        assert!(o.status.success(), "name {name:?}: {}", stderr(&o));
        // Exactly one new folder, output/<one safe component>/<timestamp>/, holding the results.
        let entries = tree(&work);
        assert!(
            entries.iter().all(|p| p.starts_with("output")),
            "name {name:?} wrote outside output/: {entries:?}"
        );
        let results: Vec<&PathBuf> = entries
            .iter()
            .filter(|p| p.ends_with("runs.csv") && p.components().count() == 4)
            .collect();
        assert_eq!(results.len(), i + 1, "name {name:?}: {entries:?}");
        let component = entries
            .iter()
            .filter(|p| p.components().count() == 2)
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .find(|c| !folders.contains(c));
        if let Some(c) = component {
            assert!(
                !c.starts_with('.') && !c.contains(['/', '\\']) && c.len() <= 80,
                "{c:?}"
            );
            folders.insert(c);
        }
    }
    // Nothing appeared beside the working folder.
    let mut beside: Vec<String> = std::fs::read_dir(base.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    beside.sort();
    assert_eq!(beside, ["scenarios", "work"]);
    // A name longer than 80 characters is refused before any work.
    let path = write_scenario(&scenario_dir, "long.toml", &named(&"x".repeat(81)));
    let o = run_in(&work, &["run", path.to_str().unwrap(), "--quiet"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("simulation.name"), "{}", stderr(&o));
}

/// Runs gigsim, as an unprivileged user when the tests run as root (root writes through
/// permission bits). That user may not reach the build's binary (a checkout under a
/// folder only root can enter, as `mktemp -d` makes), so it runs a copy kept in `home`,
/// a folder it can enter.
fn run_as_user(home: &Path, cwd: &Path, args: &[&str], drop_root: bool) -> std::process::Output {
    let mut cmd = if drop_root {
        let copy = home.join("gigsim-copy");
        if !copy.exists() {
            std::fs::copy(env!("CARGO_BIN_EXE_gigsim"), &copy).unwrap();
            std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let mut cmd = std::process::Command::new(copy);
        cmd.uid(65534).gid(65534);
        cmd
    } else {
        gigsim()
    };
    cmd.current_dir(cwd).args(args);
    cmd.output().expect("gigsim runs")
}

fn assert_unusable(o: &std::process::Output, path: &str, what: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains(&format!("cannot write results to {path}")), "{err}");
    assert!(err.contains(what), "expected `{what}` in: {err}");
    assert!(err.contains("--out"), "the message says how to fix it: {err}");
}

#[test]
fn an_out_folder_under_a_file_or_on_a_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_scenario(dir.path(), "s.toml", &named("s"));
    std::fs::write(dir.path().join("file.txt"), "not a folder").unwrap();
    let o = run_in(
        dir.path(),
        &["run", path.to_str().unwrap(), "--out", "file.txt/out", "--quiet"],
    );
    assert_unusable(&o, "file.txt/out", "a part of the path is a file");
    let o = run_in(
        dir.path(),
        &["run", path.to_str().unwrap(), "--out", "file.txt", "--quiet"],
    );
    assert_unusable(&o, "file.txt", "exists and is not a folder");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("file.txt")).unwrap(),
        "not a folder"
    );
    // sweep (and compare, merge, plot, slurm) check their --out the same way.
    let o = run_in(
        dir.path(),
        &[
            "sweep",
            path.to_str().unwrap(),
            "--param",
            "platform.fee.worker_percent",
            "--values",
            "0,5",
            "--out",
            "file.txt/x",
            "--quiet",
        ],
    );
    assert_unusable(&o, "file.txt/x", "a part of the path is a file");
}

#[test]
fn an_unwritable_out_folder_is_refused_with_permission_denied() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = write_scenario(dir.path(), "s.toml", &named("s"));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root writes through permission bits: run gigsim as `nobody` then.
    let drop_root = unsafe { libc::geteuid() } == 0;
    let mut probe = std::process::Command::new("touch");
    probe.arg(locked.join("probe"));
    if drop_root {
        probe.uid(65534).gid(65534);
    }
    if probe.status().is_ok_and(|s| s.success()) {
        eprintln!("skipped: a folder with mode 555 is writable here, so permission denied cannot be tested");
        return;
    }
    let out = locked.join("out");
    let o = run_as_user(
        dir.path(),
        dir.path(),
        &["run", path.to_str().unwrap(), "--out", out.to_str().unwrap(), "--quiet"],
        drop_root,
    );
    assert_unusable(&o, out.to_str().unwrap(), "permission denied");
    assert!(!out.exists());
    // The default folder, output/<name>/<time>/ under an unwritable working folder.
    let o = run_as_user(
        dir.path(),
        &locked,
        &["run", path.to_str().unwrap(), "--quiet"],
        drop_root,
    );
    assert_unusable(&o, "", "permission denied");
    assert!(std::fs::read_dir(&locked).unwrap().next().is_none(), "nothing written");
}
