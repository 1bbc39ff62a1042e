//! `gigsim slurm`: a study as a SLURM job array. Writes, into the study folder, a frozen
//! copy of the scenario, an array script whose task I runs shard I/N into
//! `shards/<I>/`, a merge script that combines the shards into `merged/`, and a
//! `submit.sh` that submits both with the merge depending on the array (afterok);
//! `--submit` submits them at once. The scripts are commented for a researcher who has
//! never used SLURM.
//!
//! The jobs run the copy `DIR/scenario.toml`, not the file given: editing the original
//! while tasks wait in the queue must not make shards of two different studies (merge
//! would refuse them, after the compute time was spent). The copy is the file as
//! written, comments included; every shard marker and the merged manifest also hold
//! the resolved scenario.

use super::stdout::say;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::sweep::sweep_study;
use crate::cli::{SlurmArgs, StudyCommand};
use crate::error::Error;
use crate::output::atomic::write_file;
use crate::output::folder;
use crate::output::shard::{
    PartsIdentity, SHARD_FILE, STUDY_FILE, ShardMarker, StudyRecord, describe, parts_dir, read_json,
};
use crate::pipeline::{Extra, Options, apply_flags, check_plan_size, chosen_tables, study_record};
use crate::runner::Shard;
use crate::scenario;
use crate::units::plural;

/// Everything the scripts are written from.
#[derive(Clone, Debug, PartialEq)]
pub struct JobArray {
    /// The study folder (absolute).
    pub dir: PathBuf,
    /// The gigsim binary (absolute).
    pub gigsim: PathBuf,
    /// Scenario name.
    pub scenario: String,
    /// Job name.
    pub name: String,
    /// run, compare or sweep.
    pub command: String,
    /// Arguments after the scenario that every shard gets (sweep keys, seed, …).
    pub args: Vec<String>,
    /// Number of shards.
    pub shards: u32,
    /// Runs in the plan.
    pub runs: u32,
    /// sbatch --partition.
    pub partition: Option<String>,
    /// sbatch --time.
    pub time: Option<String>,
    /// sbatch --cpus-per-task.
    pub cpus: u32,
    /// sbatch --mem.
    pub mem: Option<String>,
}

/// Writes the scripts of a study as a job array and, with `--submit`, submits them.
pub fn slurm(args: &SlurmArgs) -> Result<(), Error> {
    check_option("--partition", args.partition.as_deref(), |c| {
        c.is_ascii_alphanumeric() || "_.,-".contains(c)
    })?;
    check_option("--time", args.time.as_deref(), |c| {
        c.is_ascii_digit() || ":-".contains(c)
    })?;
    check_option("--mem", args.mem.as_deref(), |c| {
        c.is_ascii_digit() || "KMGTkmgt".contains(c)
    })?;
    let flags = Options {
        out: Some(args.out.clone()),
        replicates: args.study.replicates,
        seed: args.study.seed,
        threads: Some(args.cpus),
        force: false,
        quiet: true,
        tables: args.study.tables.clone(),
        ignore_memory_estimate: args.study.ignore_memory_estimate,
        shard: None,
        resume: false,
    };
    let tables = chosen_tables(&flags)?;

    // The study, checked as the array tasks will check it.
    let mut study = scenario::load(&args.scenario)?;
    apply_flags(&mut study, &flags);
    let command = match args.command {
        Some(c) => c,
        None if study.variants.len() > 1 => {
            eprintln!(
                "note: the array runs `gigsim compare` (the scenario has {} [[variants]]); choose with --command",
                study.variants.len() - 1
            );
            StudyCommand::Compare
        }
        None => StudyCommand::Run,
    };
    if command != StudyCommand::Sweep && !(args.params.is_empty() && args.values.is_empty()) {
        return Err(Error::Usage("--param and --values are for --command sweep".into()));
    }
    let record = match command {
        StudyCommand::Run => {
            study.variants.truncate(1);
            check_plan_size(&study)?;
            study_record(&study, &Extra::Run, &tables, flags.tables.is_some())
        }
        StudyCommand::Compare => {
            if study.variants.len() < 2 {
                return Err(Error::Usage(format!(
                    "{} has no [[variants]] to compare; use --command run",
                    study.file
                )));
            }
            check_plan_size(&study)?;
            study_record(&study, &Extra::Compare, &tables, flags.tables.is_some())
        }
        StudyCommand::Sweep => {
            let grid = sweep_study(&study, &args.params, &args.values)?;
            let extra = Extra::Sweep {
                params: &grid.params,
                values: &grid.values,
            };
            check_plan_size(&grid.study)?;
            study_record(&grid.study, &extra, &tables, flags.tables.is_some())
        }
    };
    if args.shards > record.plan_runs {
        return Err(Error::Usage(format!(
            "--shards {}: the plan has only {} run(s); use at most {} shards",
            args.shards, record.plan_runs, record.plan_runs
        )));
    }

    let gigsim = match &args.gigsim {
        Some(path) => absolute(path),
        None => std::env::current_exe()
            .and_then(|p| p.canonicalize())
            .map_err(|e| Error::Usage(format!("cannot tell where this gigsim is ({e}); give --gigsim PATH")))?,
    };
    if !gigsim.is_file() {
        return Err(Error::Usage(format!("--gigsim {}: no such file", gigsim.display())));
    }
    let dir = absolute(&args.out);
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Usage(format!(
            "--out {}: exists and is not a folder",
            dir.display()
        )));
    }
    if folder::is_non_empty(&dir) && !args.force {
        return Err(crate::output::OutputError::NotEmpty { path: dir }.into());
    }
    check_sbatch_path(&dir)?;
    check_existing_shards(&dir, &record, args.shards, args.gigsim.is_none())?;

    folder::open(&dir)?;
    let dir = dir.canonicalize().unwrap_or(dir);
    folder::create(&dir.join("logs"))?;
    folder::create(&dir.join("shards"))?;
    write_file(&dir.join("scenario.toml"), study.text.as_bytes())?;

    let mut shard_args = Vec::new();
    for (param, values) in args.params.iter().zip(&args.values) {
        shard_args.extend([
            "--param".to_string(),
            param.clone(),
            "--values".to_string(),
            values.clone(),
        ]);
    }
    if let Some(r) = args.study.replicates {
        shard_args.extend(["--replicates".to_string(), r.to_string()]);
    }
    if let Some(s) = args.study.seed {
        shard_args.extend(["--seed".to_string(), s.to_string()]);
    }
    if let Some(t) = &args.study.tables {
        shard_args.extend(["--tables".to_string(), t.join(",")]);
    }
    if args.study.ignore_memory_estimate {
        shard_args.push("--ignore-memory-estimate".into());
    }
    let job = JobArray {
        dir: dir.clone(),
        gigsim,
        scenario: record.scenario_name.clone(),
        name: format!("gigsim-{}", folder::safe_name(&record.scenario_name)),
        command: record.command.clone(),
        args: shard_args,
        shards: args.shards,
        runs: record.plan_runs,
        partition: args.partition.clone(),
        time: args.time.clone(),
        cpus: args.cpus,
        mem: args.mem.clone(),
    };
    let array_path = dir.join("shards.sbatch");
    let merge_path = dir.join("merge.sbatch");
    let submit_path = dir.join("submit.sh");
    write_script(&array_path, &array_script(&job))?;
    write_script(&merge_path, &merge_script(&job))?;
    write_script(&submit_path, &submit_script(&job))?;
    say(&format!(
        "wrote {}  (job array: {} of {})",
        array_path.display(),
        plural(job.shards, "shard"),
        plural(job.runs, "run")
    ))?;
    say(&format!(
        "wrote {}  (merge, after every shard succeeded)",
        merge_path.display()
    ))?;
    say(&format!("wrote {}  (submits both)", submit_path.display()))?;
    say(&format!("scenario frozen in {}", dir.join("scenario.toml").display()))?;

    if !args.submit {
        say(&format!(
            "submit with:\n  bash {}\nor by hand:\n  array=$(sbatch --parsable {})\n  sbatch --dependency=afterok:${{array%%;*}} {}\nresults will be in {}",
            quote(&submit_path.display().to_string()),
            quote(&array_path.display().to_string()),
            quote(&merge_path.display().to_string()),
            dir.join("merged").display()
        ))?;
        return Ok(());
    }
    let array = sbatch(&[], &array_path)?;
    let merge = sbatch(&[format!("--dependency=afterok:{array}")], &merge_path).map_err(|e| {
        Error::Usage(format!(
            "{e}\nThe job array {array} is submitted; submit the merge by hand once it is fixed:\n  \
             sbatch --dependency=afterok:{array} {}",
            quote(&merge_path.display().to_string())
        ))
    })?;
    say(&format!(
        "submitted job array {array} ({}) and merge job {merge} (runs after every shard succeeded)",
        plural(job.shards, "shard")
    ))?;
    say(&format!("watch with: squeue -j {array},{merge}"))?;
    say(&format!("results will be in {}", dir.join("merged").display()))?;
    Ok(())
}

/// Submits a script with `sbatch --parsable` and returns the job id.
fn sbatch(extra: &[String], script: &Path) -> Result<String, Error> {
    let output = Command::new("sbatch")
        .arg("--parsable")
        .args(extra)
        .arg(script)
        .output()
        .map_err(|e| {
            Error::Usage(format!(
                "cannot run sbatch ({e}): is this a SLURM login node? The scripts are written; submit them there"
            ))
        })?;
    if !output.status.success() {
        return Err(Error::Usage(format!(
            "sbatch refused {}: {}",
            script.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    // --parsable prints "id" or "id;cluster".
    let id = text.trim().split(';').next().unwrap_or("").to_string();
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::Usage(format!("sbatch printed no job id: {text:?}")));
    }
    Ok(id)
}

fn write_script(path: &Path, text: &str) -> Result<(), Error> {
    write_file(path, text.as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| crate::output::OutputError::write(path, e))?;
    }
    Ok(())
}

/// An sbatch option value with only the characters SLURM expects.
fn check_option(flag: &str, value: Option<&str>, ok: impl Fn(char) -> bool) -> Result<(), Error> {
    match value {
        Some(v) if v.is_empty() || !v.chars().all(ok) => Err(Error::Usage(format!(
            "{flag} {v:?}: not a value SLURM takes (examples: --time 02:00:00, --mem 4G, --partition short)"
        ))),
        _ => Ok(()),
    }
}

/// `#SBATCH` lines cannot quote: the study folder must have no spaces, quotes, `%`
/// (SLURM's file-name patterns) or `$`.
fn check_sbatch_path(dir: &Path) -> Result<(), Error> {
    let text = dir
        .to_str()
        .ok_or_else(|| Error::Usage(format!("--out {}: the path must be UTF-8 text", dir.display())))?;
    if let Some(c) = text
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || "%'\"\\$`".contains(*c))
    {
        return Err(Error::Usage(format!(
            "--out {text}: SLURM's #SBATCH lines cannot carry the character {c:?}; choose a folder without it"
        )));
    }
    Ok(())
}

/// Refuses a study folder whose `shards/` hold work of another study (the array tasks
/// resume what is there, and would fail on it). `with_build` also compares the gigsim
/// build (only when the jobs run this binary).
fn check_existing_shards(dir: &Path, record: &StudyRecord, count: u32, with_build: bool) -> Result<(), Error> {
    let Ok(entries) = std::fs::read_dir(dir.join("shards")) else {
        return Ok(());
    };
    let mut problems = Vec::new();
    for entry in entries.flatten() {
        let shard_dir = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let found: Option<(Option<Shard>, StudyRecord)> = read_json::<ShardMarker>(&shard_dir.join(SHARD_FILE))
            .ok()
            .flatten()
            .map(|m| (Some(m.shard), m.study))
            .or_else(|| {
                read_json::<PartsIdentity>(&parts_dir(&shard_dir, true).join(STUDY_FILE))
                    .ok()
                    .flatten()
                    .map(|i| (i.shard, i.study))
            });
        let Some((shard, study)) = found else {
            continue;
        };
        let diffs: Vec<_> = record
            .differences(&study, false)
            .into_iter()
            .filter(|d| with_build || !matches!(d.what, "gigsim version" | "git commit"))
            .collect();
        let expected = name.parse::<u32>().ok().map(|index| Shard { index, count });
        if !diffs.is_empty() || shard != expected {
            let mut text = describe(&diffs, "this study", &shard_dir.display().to_string());
            if shard != expected {
                let show = |s: Option<Shard>| s.map_or("none".into(), |s| s.to_string());
                text.push_str(&format!(
                    "\n  shard: {} expected, {} in {}",
                    show(expected),
                    show(shard),
                    shard_dir.display()
                ));
            }
            problems.push(text.trim_start_matches('\n').to_string());
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "{} holds shards of another study:\n{}\nRemove {} (or choose another --out) first.",
        dir.display(),
        problems.join("\n"),
        dir.join("shards").display()
    )))
}

fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .unwrap_or_else(|_| PathBuf::from("/"))
            .join(path)
    }
}

/// A word for the shell: as is when it has only safe characters, else in single quotes.
pub fn quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=,+@".contains(c))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The `#SBATCH` resource lines shared by both scripts.
fn resources(job: &JobArray, cpus: u32) -> String {
    let mut text = String::new();
    if let Some(p) = &job.partition {
        text.push_str(&format!("#SBATCH --partition={p}\n"));
    }
    if let Some(t) = &job.time {
        text.push_str(&format!("#SBATCH --time={t}\n"));
    }
    text.push_str(&format!("#SBATCH --cpus-per-task={cpus}\n"));
    if let Some(m) = &job.mem {
        text.push_str(&format!("#SBATCH --mem={m}\n"));
    }
    text
}

/// The job array script: task I runs shard I/N into `shards/<I>/`.
pub fn array_script(job: &JobArray) -> String {
    let dir = job.dir.display().to_string();
    let n = job.shards;
    let last = n - 1;
    let extra: String = job.args.iter().map(|a| format!(" \\\n    {}", quote(a))).collect();
    format!(
        r#"#!/bin/bash
# gigsim on SLURM: the job array of study "{scenario}" ({runs} runs in {n} shards).
#
# SLURM starts {n} copies of this script, "array tasks" numbered 0 to {last}; each gets
# its number in $SLURM_ARRAY_TASK_ID. Task I runs the runs i of the plan with
# i mod {n} = I (gigsim {command} --shard I/{n}) and writes them to {dir}/shards/I/.
# When every task has succeeded, merge.sbatch combines the shards into {dir}/merged/:
# the same tables a single machine would have written.
#
# Submit this script and the merge together with submit.sh, or by hand:
#   array=$(sbatch --parsable {dir}/shards.sbatch)
#   sbatch --dependency=afterok:${{array%%;*}} {dir}/merge.sbatch
# Watch with `squeue -u $USER`; cancel with `scancel <job id>`.
#
# The lines starting with #SBATCH are options for sbatch (not comments):
#   --array         the task numbers
#   --cpus-per-task CPUs for each task; gigsim runs that many threads
#   --time          the longest a task may run (it is stopped after that)
#   --mem           memory for each task
#   --output/--error where each task's messages go (%A = array job id, %a = task number)
#SBATCH --job-name={name}
#SBATCH --array=0-{last}
{resources}#SBATCH --output={dir}/logs/shard-%A_%a.out
#SBATCH --error={dir}/logs/shard-%A_%a.err
#SBATCH --chdir={dir}

set -euo pipefail

study={qdir}
shard="${{SLURM_ARRAY_TASK_ID:?submit this script with sbatch: it is a job array}}"

# --resume: a task that is started again (requeued after a node failure or a time
# limit, or submitted again) keeps the runs it already finished and does only the rest.
# A task stopped by SLURM (SIGTERM at its time limit) keeps its finished runs too.
exec {gigsim} {command} "$study/scenario.toml" \
    --shard "$shard/{n}" \
    --out "$study/shards/$shard" \
    --threads "${{SLURM_CPUS_PER_TASK:-1}}" \
    --resume{extra}
"#,
        name = job.name,
        scenario = job.scenario,
        runs = job.runs,
        command = job.command,
        resources = resources(job, job.cpus),
        qdir = quote(&dir),
        gigsim = quote(&job.gigsim.display().to_string()),
    )
}

/// The merge script: run after the array succeeded (`--dependency=afterok`).
pub fn merge_script(job: &JobArray) -> String {
    let dir = job.dir.display().to_string();
    let last = job.shards - 1;
    format!(
        r#"#!/bin/bash
# gigsim on SLURM: the merge of study "{scenario}".
#
# Submitted with --dependency=afterok:<array job id>, SLURM starts it only after every
# task of shards.sbatch has succeeded. gigsim merge checks that the {n} shards come from
# the same scenario, seed and gigsim build and cover every run exactly once, then writes
# the tables, summary.csv (and comparison.csv or sweep.csv) to {dir}/merged/.
#
# If a task fails, SLURM cancels this job (--kill-on-invalid-dep) instead of leaving it
# waiting. Read {dir}/logs/, fix the cause, and run submit.sh again: shards that
# finished are not run again, and unfinished ones keep their finished runs (--resume).
#
# Merging needs one CPU and reads the shards one run at a time.
#SBATCH --job-name={name}-merge
#SBATCH --kill-on-invalid-dep=yes
{resources}#SBATCH --output={dir}/logs/merge-%j.out
#SBATCH --error={dir}/logs/merge-%j.err
#SBATCH --chdir={dir}

set -euo pipefail

study={qdir}

# --force: a merge submitted again replaces the merged folder of this study.
exec {gigsim} merge "$study"/shards/{{0..{last}}} --out "$study/merged" --force
"#,
        name = job.name,
        scenario = job.scenario,
        n = job.shards,
        resources = resources(job, 1),
        qdir = quote(&dir),
        gigsim = quote(&job.gigsim.display().to_string()),
    )
}

/// `submit.sh`: submits the array, then the merge depending on it.
pub fn submit_script(job: &JobArray) -> String {
    format!(
        r#"#!/bin/bash
# Submits study "{scenario}" to SLURM: the job array (one task per shard), then the merge,
# which waits until every array task has succeeded (afterok). Prints both job ids.
set -euo pipefail
study={qdir}
array=$(sbatch --parsable "$study/shards.sbatch")
array=${{array%%;*}}   # --parsable prints "id" or "id;cluster"
merge=$(sbatch --parsable --dependency=afterok:"$array" "$study/merge.sbatch")
merge=${{merge%%;*}}
echo "submitted job array $array ({n} shards) and merge job $merge"
echo "watch with: squeue -j $array,$merge"
echo "results will be in $study/merged"
"#,
        scenario = job.scenario,
        n = job.shards,
        qdir = quote(&job.dir.display().to_string()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> JobArray {
        JobArray {
            dir: PathBuf::from("/scratch/me/study"),
            gigsim: PathBuf::from("/opt/gig sim/gigsim"),
            scenario: "levy".into(),
            name: "gigsim-levy".into(),
            command: "sweep".into(),
            args: vec![
                "--param".into(),
                "platform.fee.levy_percent".into(),
                "--values".into(),
                "0:6:1".into(),
            ],
            shards: 4,
            runs: 140,
            partition: Some("short".into()),
            time: Some("02:00:00".into()),
            cpus: 8,
            mem: None,
        }
    }

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(quote("/a/b-c_d.toml"), "/a/b-c_d.toml");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("$HOME"), "'$HOME'");
    }

    #[test]
    fn array_script_runs_one_shard_per_task() {
        let text = array_script(&job());
        assert!(text.starts_with("#!/bin/bash\n"));
        for line in [
            "#SBATCH --array=0-3\n",
            "#SBATCH --partition=short\n",
            "#SBATCH --time=02:00:00\n",
            "#SBATCH --cpus-per-task=8\n",
            "#SBATCH --output=/scratch/me/study/logs/shard-%A_%a.out\n",
            "exec '/opt/gig sim/gigsim' sweep \"$study/scenario.toml\"",
            "--shard \"$shard/4\"",
            "--out \"$study/shards/$shard\"",
            "--threads \"${SLURM_CPUS_PER_TASK:-1}\"",
            "--values \\\n    0:6:1\n",
        ] {
            assert!(text.contains(line), "{line:?} missing from\n{text}");
        }
        assert!(!text.contains("#SBATCH --mem"), "no --mem unless asked");
    }

    #[test]
    fn merge_script_merges_every_shard_folder() {
        let text = merge_script(&job());
        assert!(
            text.contains("merge \"$study\"/shards/{0..3} --out \"$study/merged\" --force"),
            "{text}"
        );
        assert!(text.contains("#SBATCH --cpus-per-task=1\n"), "{text}");
        assert!(
            text.contains("afterok") && text.contains("#SBATCH --kill-on-invalid-dep=yes\n"),
            "{text}"
        );
        let submit = submit_script(&job());
        assert!(submit.contains("--dependency=afterok:\"$array\""), "{submit}");
    }

    #[test]
    fn sbatch_options_and_paths_are_checked() {
        assert!(check_option("--time", Some("1-02:00:00"), |c| c.is_ascii_digit() || ":-".contains(c)).is_ok());
        assert!(check_option("--time", Some("2h; rm"), |c| c.is_ascii_digit() || ":-".contains(c)).is_err());
        assert!(check_sbatch_path(Path::new("/scratch/me/study-1")).is_ok());
        assert!(check_sbatch_path(Path::new("/scratch/my study")).is_err());
        assert!(check_sbatch_path(Path::new("/scratch/100%")).is_err());
    }
}
