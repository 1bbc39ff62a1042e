//! `gigsim slurm`: the scripts it writes, the same scripts run by hand as SLURM would
//! run them, and a real one-node SLURM cluster started on this machine (munged,
//! slurmctld and slurmd from Debian's slurm-wlm and munge) running a 4-shard job array
//! and the merge job, whose tables must equal a local run byte for byte.
//!
//! Outside CI, a machine without SLURM skips the cluster test with a message saying how
//! to enable it; under `CI=true` it fails.

mod common;

use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Instant;

use common::*;

const VARIANTS: &str = r#"
[[variants]]
name = "worker_fee"
set = { "platform.fee.worker_percent" = 15.0 }
"#;

/// The small scenario with a variant and 4 replicates (8 runs); its path.
fn scenario(dir: &Path) -> String {
    let text = small_scenario(VARIANTS).replace("replicates = 3", "replicates = 4");
    write_scenario(dir, "s.toml", &text).display().to_string()
}

#[test]
fn slurm_writes_commented_scripts_and_a_frozen_copy_of_the_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = scenario(d);
    let o = run_in(
        d,
        &[
            "slurm",
            &s,
            "--shards",
            "4",
            "--out",
            "study",
            "--partition",
            "short",
            "--time",
            "01:30:00",
            "--cpus",
            "2",
            "--mem",
            "4G",
            "--seed",
            "9",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let study = d.join("study").canonicalize().unwrap();
    let text = stdout(&o);
    for name in ["shards.sbatch", "merge.sbatch", "submit.sh"] {
        assert!(
            text.contains(&study.join(name).display().to_string()),
            "{name} not printed: {text}"
        );
        let check = Command::new("bash").arg("-n").arg(study.join(name)).output().unwrap();
        assert!(check.status.success(), "{name}: {}", stderr(&check));
    }
    assert!(
        text.contains("sbatch --parsable") && text.contains("--dependency=afterok:"),
        "{text}"
    );
    assert!(stderr(&o).contains("runs `gigsim compare`"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(study.join("scenario.toml")).unwrap(),
        std::fs::read_to_string(&s).unwrap(),
        "the jobs run a frozen copy of the scenario"
    );
    assert!(study.join("logs").is_dir() && study.join("shards").is_dir());
    let array = std::fs::read_to_string(study.join("shards.sbatch")).unwrap();
    let dir_text = study.display().to_string();
    for line in [
        "#SBATCH --array=0-3\n".to_string(),
        "#SBATCH --partition=short\n".into(),
        "#SBATCH --time=01:30:00\n".into(),
        "#SBATCH --cpus-per-task=2\n".into(),
        "#SBATCH --mem=4G\n".into(),
        format!("#SBATCH --output={dir_text}/logs/shard-%A_%a.out\n"),
        format!("#SBATCH --error={dir_text}/logs/shard-%A_%a.err\n"),
        format!("exec {} compare \"$study/scenario.toml\"", env!("CARGO_BIN_EXE_gigsim")),
        "--shard \"$shard/4\"".into(),
        "--threads \"${SLURM_CPUS_PER_TASK:-1}\"".into(),
        "--seed \\\n    9".into(),
        "--resume".into(),
    ] {
        assert!(array.contains(&line), "{line:?} missing from\n{array}");
    }
    let comments = array.lines().filter(|l| l.starts_with("# ")).count();
    assert!(comments >= 15, "the array script explains itself:\n{array}");
    let merge = std::fs::read_to_string(study.join("merge.sbatch")).unwrap();
    assert!(
        merge.contains("merge \"$study\"/shards/{0..3} --out \"$study/merged\""),
        "{merge}"
    );
    assert!(merge.contains("#SBATCH --cpus-per-task=1\n"), "{merge}");
    // A second call into the same folder needs --force.
    let again = run_in(d, &["slurm", &s, "--shards", "4", "--out", "study"]);
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    assert!(stderr(&again).contains("--force"));
}

#[test]
fn slurm_refuses_what_cannot_work() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = scenario(d);
    let cases: &[(&[&str], &str)] = &[
        (&["--shards", "9"], "the plan has only 8 run(s)"),
        (&["--shards", "2", "--time", "2 hours"], "--time"),
        (&["--shards", "2", "--mem", "4GB;x"], "--mem"),
        (
            &[
                "--shards",
                "2",
                "--param",
                "platform.fee.worker_percent",
                "--values",
                "1,2",
            ],
            "--command sweep",
        ),
        (&["--shards", "2", "--command", "sweep"], "--param"),
        (&["--shards", "2", "--tables", "nonsense"], "unknown table"),
        (&["--shards", "2", "--gigsim", "/no/such/gigsim"], "no such file"),
    ];
    for (args, fragment) in cases {
        let mut all = vec!["slurm", s.as_str(), "--out", "study"];
        all.extend_from_slice(args);
        let o = run_in(d, &all);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(fragment), "{args:?}: {}", stderr(&o));
        assert!(!d.join("study").exists(), "{args:?} created the folder");
    }
    let o = run_in(d, &["slurm", &s, "--out", "my study", "--shards", "2"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("#SBATCH"), "{}", stderr(&o));
    // Shards of another study already in the folder.
    let o = run_in(d, &["slurm", &s, "--out", "study", "--shards", "2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run_in(
        d,
        &["compare", &s, "--shard", "0/2", "--out", "study/shards/0", "--quiet"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run_in(
        d,
        &["slurm", &s, "--out", "study", "--shards", "2", "--seed", "3", "--force"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("holds shards of another study") && stderr(&o).contains("seed"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn slurm_scripts_run_by_hand_give_the_tables_of_a_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = scenario(d);
    let o = run_in(
        d,
        &[
            "slurm",
            &s,
            "--shards",
            "3",
            "--out",
            "study",
            "--command",
            "sweep",
            "--param",
            "platform.fee.worker_percent",
            "--values",
            "0,10",
            "--replicates",
            "3",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let study = d.join("study");
    // What SLURM does: run the array script once per task with its number, then the merge.
    for task in 0..3 {
        let o = Command::new("bash")
            .arg(study.join("shards.sbatch"))
            .env("SLURM_ARRAY_TASK_ID", task.to_string())
            .env("SLURM_CPUS_PER_TASK", "1")
            .current_dir(&study)
            .output()
            .unwrap();
        assert!(o.status.success(), "task {task}: {}", stderr(&o));
    }
    // A task started again (requeued) finds its shard complete and does nothing.
    let o = Command::new("bash")
        .arg(study.join("shards.sbatch"))
        .env("SLURM_ARRAY_TASK_ID", "1")
        .output()
        .unwrap();
    assert!(
        o.status.success() && stdout(&o).contains("nothing to resume"),
        "{}",
        stdout(&o)
    );
    let o = Command::new("bash").arg(study.join("merge.sbatch")).output().unwrap();
    assert!(o.status.success(), "merge: {}", stderr(&o));
    let o = run_in(
        d,
        &[
            "sweep",
            &s,
            "--param",
            "platform.fee.worker_percent",
            "--values",
            "0,10",
            "--replicates",
            "3",
            "--out",
            "local",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let local = table_bytes(&d.join("local"));
    assert!(local.contains_key("sweep.csv"));
    assert_eq!(local, table_bytes(&study.join("merged")));
    // Without SLURM the array script says how it is meant to be run.
    let o = Command::new("bash")
        .arg(study.join("shards.sbatch"))
        .env_remove("SLURM_ARRAY_TASK_ID")
        .output()
        .unwrap();
    assert!(!o.status.success() && stderr(&o).contains("sbatch"), "{}", stderr(&o));
}

/// A one-node SLURM cluster on this machine, private to one test: its own munge key and
/// socket, configuration, ports, state and logs in a temporary folder. Dropping it
/// cancels its jobs and stops the three daemons it started, by process id.
struct Cluster {
    dir: tempfile::TempDir,
    conf: PathBuf,
    daemons: Vec<(&'static str, Child)>,
}

/// Where a program is: on PATH, or in the sbin folders root's PATH usually has.
fn program(name: &str) -> Option<PathBuf> {
    let path = std::env::var("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/local/sbin"].map(PathBuf::from))
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Cluster {
    /// The cluster, or why it cannot run here: a missing program or not being root.
    fn start() -> Result<Cluster, String> {
        let mut paths = Vec::new();
        for name in ["munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "scancel"] {
            paths.push(program(name).ok_or_else(|| format!("`{name}` is not installed"))?);
        }
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return Err("slurmd must run as root to start jobs".into());
        }
        let dir = tempfile::Builder::new().prefix("gigsim-slurm-").tempdir().unwrap();
        let d = dir.path().to_path_buf();
        for sub in ["state", "spool"] {
            std::fs::create_dir(d.join(sub)).unwrap();
        }
        // A private munge key: 1 KiB of random bytes, readable by its owner only.
        let key = d.join("munge.key");
        let mut bytes = vec![0u8; 1024];
        std::fs::File::open("/dev/urandom")
            .unwrap()
            .read_exact(&mut bytes)
            .unwrap();
        std::fs::write(&key, &bytes).unwrap();
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
        let socket = d.join("munge.socket");
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mem_mb = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|t| t.lines().find(|l| l.starts_with("MemTotal:")).map(str::to_string))
            .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<u64>().ok()))
            .map_or(1024, |kb| kb / 1024 * 9 / 10);
        let conf = d.join("slurm.conf");
        let p = |name: &str| d.join(name).display().to_string();
        std::fs::write(
            &conf,
            format!(
                "ClusterName=local\n\
                 SlurmctldHost=localhost\n\
                 SlurmUser=root\n\
                 SlurmdUser=root\n\
                 AuthType=auth/munge\n\
                 AuthInfo=socket={socket}\n\
                 ProctrackType=proctrack/linuxproc\n\
                 TaskPlugin=task/none\n\
                 SelectType=select/cons_tres\n\
                 SelectTypeParameters=CR_Core\n\
                 JobAcctGatherType=jobacct_gather/none\n\
                 MpiDefault=none\n\
                 MailProg=/bin/true\n\
                 ReturnToService=2\n\
                 SlurmctldPort={ctld_port}\n\
                 SlurmdPort={d_port}\n\
                 StateSaveLocation={state}\n\
                 SlurmdSpoolDir={spool}\n\
                 SlurmctldPidFile={ctld_pid}\n\
                 SlurmdPidFile={d_pid}\n\
                 SlurmctldLogFile={ctld_log}\n\
                 SlurmdLogFile={d_log}\n\
                 NodeName=localhost CPUs={cpus} RealMemory={mem_mb} State=UNKNOWN\n\
                 PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP\n",
                socket = socket.display(),
                ctld_port = free_port(),
                d_port = free_port(),
                state = p("state"),
                spool = p("spool"),
                ctld_pid = p("slurmctld.pid"),
                d_pid = p("slurmd.pid"),
                ctld_log = p("slurmctld.log"),
                d_log = p("slurmd.log"),
            ),
        )
        .unwrap();
        let mut cluster = Cluster {
            dir,
            conf,
            daemons: Vec::new(),
        };
        let spawn = |name: &'static str, program: &Path, args: Vec<String>| -> Result<(&'static str, Child), String> {
            let log = std::fs::File::create(d.join(format!("{name}.out"))).unwrap();
            Command::new(program)
                .args(args)
                .env("SLURM_CONF", d.join("slurm.conf"))
                .stdout(log.try_clone().unwrap())
                .stderr(log)
                .spawn()
                .map(|c| (name, c))
                .map_err(|e| format!("cannot start {name}: {e}"))
        };
        cluster.daemons.push(spawn(
            "munged",
            &paths[0],
            vec![
                "--foreground".into(),
                "--force".into(),
                format!("--socket={}", socket.display()),
                format!("--key-file={}", key.display()),
                format!("--log-file={}", p("munged.log")),
                format!("--pid-file={}", p("munged.pid")),
                format!("--seed-file={}", p("munged.seed")),
            ],
        )?);
        if !wait_until(20, || socket.exists()) {
            return Err(format!("munged did not start:\n{}", cluster.logs()));
        }
        let conf_arg = cluster.conf.display().to_string();
        cluster.daemons.push(spawn(
            "slurmctld",
            &paths[1],
            vec!["-D".into(), "-f".into(), conf_arg.clone()],
        )?);
        cluster.daemons.push(spawn(
            "slurmd",
            &paths[2],
            vec!["-D".into(), "-N".into(), "localhost".into(), "-f".into(), conf_arg],
        )?);
        let idle = wait_until(60, || {
            cluster
                .command("sinfo")
                .args(["-h", "-o", "%T"])
                .output()
                .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "idle")
        });
        if !idle {
            return Err(format!(
                "the node did not become idle within a minute:\n{}",
                cluster.logs()
            ));
        }
        Ok(cluster)
    }

    /// A SLURM client command talking to this cluster.
    fn command(&self, name: &str) -> Command {
        let mut c = Command::new(program(name).unwrap_or_else(|| PathBuf::from(name)));
        c.env("SLURM_CONF", &self.conf);
        c
    }

    /// Whether any job is pending or running.
    fn busy(&self) -> bool {
        self.command("squeue")
            .args(["-h", "-o", "%i %T"])
            .output()
            .map_or(true, |o| !String::from_utf8_lossy(&o.stdout).trim().is_empty())
    }

    /// The daemons' logs, for messages when something goes wrong.
    fn logs(&self) -> String {
        let mut text = String::new();
        for name in [
            "munged.out",
            "slurmctld.out",
            "slurmd.out",
            "slurmctld.log",
            "slurmd.log",
        ] {
            if let Ok(t) = std::fs::read_to_string(self.dir.path().join(name)) {
                let tail: Vec<&str> = t.lines().rev().take(30).collect();
                text.push_str(&format!("--- {name}\n"));
                for line in tail.into_iter().rev() {
                    text.push_str(line);
                    text.push('\n');
                }
            }
        }
        text
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.daemons.len() == 3 {
            let _ = self.command("scancel").arg("--user=root").output();
        }
        // Stop in reverse order of start: slurmd, slurmctld, munged.
        while let Some((name, mut child)) = self.daemons.pop() {
            // SAFETY: kill(2) on the id of a child process this test started and has not
            // reaped.
            unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
            if !wait_until(20, || child.try_wait().ok().flatten().is_some()) {
                eprintln!("{name} ignored SIGTERM; killing it");
                let _ = child.kill();
            }
            let _ = child.wait();
        }
    }
}

#[test]
fn job_array_on_a_local_slurm_cluster_gives_the_tables_of_a_single_run() {
    let started = Instant::now();
    let cluster = match Cluster::start() {
        Ok(c) => c,
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("the SLURM cluster test cannot run: {why}. .ci/run installs slurm-wlm and munge with apt-get")
        }
        Err(why) => {
            eprintln!(
                "skipping the SLURM cluster test: {why}. To enable it, install SLURM and munge as root \
                 (apt-get install slurm-wlm munge) or run .ci/run; under CI=true this test fails instead"
            );
            return;
        }
    };
    let booted = started.elapsed();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = scenario(d);
    let o = gigsim()
        .current_dir(d)
        .env("SLURM_CONF", &cluster.conf)
        .args([
            "slurm", &s, "--shards", "4", "--out", "study", "--submit", "--time", "00:10:00", "--cpus", "1",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}\n{}", stderr(&o), cluster.logs());
    let text = stdout(&o);
    let ids: Vec<String> = text
        .lines()
        .find(|l| l.starts_with("submitted job array"))
        .unwrap_or_else(|| panic!("no job ids in {text}"))
        .split_whitespace()
        .filter(|w| w.chars().all(|c| c.is_ascii_digit()) && !w.is_empty())
        .map(String::from)
        .collect();
    assert_eq!(ids.len(), 2, "array and merge job ids in {text}");
    let study = d.join("study");
    let merged = study.join("merged");
    let done = wait_until(300, || merged.join("manifest.json").is_file() && !cluster.busy());
    if !done {
        let mut logs = String::new();
        for entry in std::fs::read_dir(study.join("logs")).unwrap().flatten() {
            logs.push_str(&format!(
                "--- {}\n{}",
                entry.path().display(),
                std::fs::read_to_string(entry.path()).unwrap_or_default()
            ));
        }
        panic!("the jobs did not finish within 5 minutes\n{logs}\n{}", cluster.logs());
    }
    for task in 0..4 {
        let log = study.join("logs").join(format!("shard-{}_{task}.out", ids[0]));
        assert!(log.is_file(), "{} missing", log.display());
        let marker: serde_json::Value =
            serde_json::from_slice(&std::fs::read(study.join(format!("shards/{task}/SHARD.json"))).unwrap()).unwrap();
        assert_eq!(marker["shard"]["index"], task);
        assert_eq!(marker["threads"], 1, "--threads comes from --cpus-per-task");
    }
    let o = run_in(d, &["compare", &s, "--out", "local", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let local = table_bytes(&d.join("local"));
    assert!(local.contains_key("comparison.csv") && local.contains_key("workers.parquet"));
    assert_eq!(
        local,
        table_bytes(&merged),
        "the merged job array differs from a local run"
    );
    drop(cluster);
    eprintln!(
        "SLURM cluster test: daemons up in {:.1} s, all done in {:.1} s",
        booted.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
}
