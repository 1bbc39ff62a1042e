//! The pipeline driven as a library, without the command line: the in-memory run gives
//! the same records as the folder run's tables, whatever the number of threads.

use gigsim::pipeline::{self, Extra, Options};

fn small_study() -> gigsim::scenario::Study {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/search.toml")).unwrap();
    gigsim::scenario::parse(&text, "search.toml").unwrap()
}

#[test]
fn in_memory_runs_do_not_depend_on_threads_and_match_the_folder_run() {
    let mut study = small_study();
    let options = Options {
        replicates: Some(3),
        quiet: true,
        ..Options::default()
    };
    pipeline::apply_flags(&mut study, &options);
    let one = pipeline::simulate(&study, 1).unwrap();
    let two = pipeline::simulate(&study, 2).unwrap();
    assert_eq!(one.len(), 3);
    assert_eq!(one, two);
    assert_eq!(one[1], gigsim::runner::run_one(&study, 0, 1));

    let dir = tempfile::tempdir().unwrap();
    let options = Options {
        out: Some(dir.path().join("r")),
        ..options
    };
    let done = pipeline::execute(&study, &options, Extra::Run).unwrap();
    let pipeline::Done::Finished(finished) = done else {
        panic!("a whole run finishes");
    };
    let runs = std::fs::read_to_string(finished.out.join("runs.csv")).unwrap();
    assert_eq!(runs.lines().count(), 1 + 3, "a header and one row per replicate");
    assert!(finished.out.join("manifest.json").exists());
}
