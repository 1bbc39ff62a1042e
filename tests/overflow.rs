//! Sums that can outgrow their integers never wrap silently. Money is i64 cents: a run
//! whose requesters pay more than i64::MAX cents fails with a clear error (exit 1,
//! no tables) instead of reporting wrapped sums, and a run just below that keeps its
//! books to the cent. Counts summed over platforms (reviews) are 64-bit.

mod common;

use common::*;
use gigsim::runner::try_run_one;
use gigsim::scenario::parse;

/// A market at the top of every range that moves money: pay of $1,000,000 an hour for
/// 720-hour jobs done 100 times faster than expected, 24-hour days, every requester-side
/// fee at 100%, and dispatch surge pay at its cap of 100×. A job pays $72 billion before
/// surge; each worker finishes three a day.
fn monster(days: u32) -> String {
    format!(
        r#"
[simulation]
name = "monster"
days = {days}
replicates = 1
seed = 1

[workers]
count = 2000
speed = {{ dist = "fixed", value = 100.0 }}
efficiency = {{ dist = "fixed", value = 1.0 }}
reservation_wage = {{ dist = "fixed", value = 0.0 }}
hours_per_day = {{ dist = "fixed", value = 24.0 }}
days_per_week = {{ dist = "fixed", value = 7.0 }}

[requesters]
count = 5

[demand]
tasks_per_day = 10000.0
noise_sigma = 0.0

[[tasks.categories]]
name = "mega"
share = 1.0
pay_basis = "hour"
pay_usd = {{ dist = "fixed", value = 1000000.0 }}
duration_seconds = {{ dist = "fixed", value = 2592000.0 }}
batch_size = {{ dist = "fixed", value = 1.0 }}

[platform]
matching = "dispatch"

[platform.fee]
requester_percent = 100.0
batch_surcharge_percent = 100.0
batch_surcharge_min_assignments = 1
processing_percent = 100.0
levy_percent = 100.0
levy_side = "requester"

[platform.dispatch]
surge_threshold = 0.0
surge_slope = 100.0
surge_cap = 100.0

[charts]
formats = ["svg"]
"#
    )
}

#[test]
fn money_beyond_64_bits_fails_the_run_instead_of_wrapping() {
    // In-process: the run reports the day its money outgrew 64 bits.
    let study = parse(&monster(60), "monster.toml").unwrap();
    let err = try_run_one(&study, 0, 0).expect_err("a run past i64::MAX cents must fail");
    assert!(err.day > 1 && err.day <= 60, "{err:?}");

    // Through the binary: exit 1, a message that says what happened, no tables.
    let dir = tempfile::tempdir().unwrap();
    let path = write_scenario(dir.path(), "monster.toml", &monster(60));
    let o = run_in(dir.path(), &["run", path.to_str().unwrap(), "--out", "res", "--quiet"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("outgrew 64-bit cents") && err.contains("replicate 0"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(!dir.path().join("res/runs.csv").exists(), "no tables from a void run");
    assert!(
        temp_files(&dir.path().join("res")).is_empty(),
        "no temporary files left"
    );
}

#[test]
fn money_just_below_64_bits_keeps_its_books_to_the_cent() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_scenario(dir.path(), "monster.toml", &monster(30));
    let o = run_in(dir.path(), &["run", path.to_str().unwrap(), "--out", "res", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let res = dir.path().join("res");
    assert_books(&res);
    let runs = read_csv(&res.join("runs.csv"));
    let spend = int(&runs[0], "requester_spend_cents");
    assert!(
        spend > 1_000_000_000_000_000_000,
        "the test needs sums near the limit: {spend}"
    );
    for col in [
        "worker_net_cents",
        "platform_fee_cents",
        "levy_cents",
        "processing_cents",
        "paid_out_cents",
    ] {
        assert!(int(&runs[0], col) > 0, "{col}");
    }
}

#[test]
fn reviews_over_many_platforms_add_up_without_wrapping() {
    // Five platforms, each starting a worker with the billion reviews they arrive with:
    // five billion, more than a u32 holds.
    let platforms: String = (0..5)
        .map(|k| format!("[[platforms]]\nname = \"p{k}\"\njoin_probability = 1.0\n\n"))
        .collect();
    let text = format!(
        r#"
[simulation]
name = "reviews"
days = 1
replicates = 1
[workers]
count = 3
initial_rating = {{ dist = "fixed", value = 4.5 }}
initial_reviews = {{ dist = "fixed", value = 1000000000.0 }}
[demand]
tasks_per_day = 0.0
[charts]
formats = ["svg"]
{platforms}"#
    );
    let rec = gigsim::runner::run_one(&parse(&text, "reviews.toml").unwrap(), 0, 0);
    for w in &rec.workers {
        assert_eq!(w.platforms_joined, 5);
        assert_eq!(w.reviews, 5_000_000_000);
        assert_eq!(w.rating, Some(4.5), "the mean over all reviews");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = write_scenario(dir.path(), "reviews.toml", &text);
    let o = run_in(dir.path(), &["run", path.to_str().unwrap(), "--out", "res", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for w in read_csv(&dir.path().join("res/workers.csv")) {
        assert_eq!(int(&w, "reviews"), 5_000_000_000);
        assert_eq!(float(&w, "rating"), 4.5);
    }
}
