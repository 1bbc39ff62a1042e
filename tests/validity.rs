//! The market mechanisms that make a scenario comparable with field data (issue 17):
//! search time as unpaid work, and the direction and closed form of each effect.

use gigsim::model::record::RunRecord;
use gigsim::runner::run_one;
use gigsim::scenario::{Study, parse};

fn study(text: &str) -> Study {
    parse(text, "test.toml").unwrap_or_else(|e| panic!("{e}"))
}

fn run(text: &str) -> RunRecord {
    run_one(&study(text), 0, 0)
}

/// 300 workers with two hours every day, tasks of exactly 120 seconds paying $0.50.
fn market(matching: &str, tasks_per_day: f64, extra: &str) -> String {
    format!(
        r#"
[simulation]
name = "t"
days = 12
warmup_days = 2
seed = 17
[workers]
count = 300
reservation_wage = {{ dist = "fixed", value = 0.0 }}
hours_per_day = {{ dist = "fixed", value = 2.0 }}
days_per_week = {{ dist = "fixed", value = 7.0 }}
speed = {{ dist = "fixed", value = 1.0 }}
[requesters]
count = 30
[demand]
tasks_per_day = {tasks_per_day}
noise_sigma = 0.0
[platform]
matching = "{matching}"
{extra}
[[tasks.categories]]
name = "only"
share = 1.0
pay_usd = {{ dist = "fixed", value = 0.50 }}
duration_seconds = {{ dist = "fixed", value = 120.0 }}
batch_size = {{ dist = "fixed", value = 1.0 }}
"#
    )
}

/// The `[workers]` line that gives every worker the same search patience, put before
/// `[requesters]`.
fn patience(minutes: f64) -> String {
    format!("search_patience_minutes = {{ dist = \"fixed\", value = {minutes} }}\n[requesters]")
}

/// With demand far below supply every task is filled and every worker has more than
/// their patience left over every day, so each worker-day logged on holds exactly one
/// patience of search and the search share of logged-on time is
/// N·days·P / (N·days·P + tasks·τ).
#[test]
fn search_share_matches_its_closed_form_when_demand_is_far_below_supply() {
    let patience_minutes = 10.0;
    let r = run(&market("search", 300.0, "")
        .replace("[requesters]", &patience(patience_minutes))
        .replace("seed = 17", "seed = 17\nmin_hours_for_wage = 0.0"));
    let run = &r.run;
    assert_eq!(run.tasks_unfilled, 0, "the test needs every task filled");
    let worker_days = 300.0 * f64::from(run.days);
    let search = worker_days * patience_minutes * 60.0;
    let tasks = run.tasks_done as f64 * 120.0;
    let expected = search / (search + tasks);
    let logged_on = run.hours_paid + run.hours_unpaid;
    let share = run.hours_search / logged_on;
    assert!(
        (share - expected).abs() < 1e-9,
        "search share {share}, closed form {expected}"
    );
    // Search is unpaid time: the all-time wage falls below the paid-time one by it.
    let all = run.median_hourly_wage_all_time.unwrap();
    let paid = run.median_hourly_wage.unwrap();
    assert!(all < 0.5 * paid, "all-time {all} against paid {paid}");
}

#[test]
fn patience_turns_idle_time_into_unpaid_search_and_the_books_of_time_still_balance() {
    for matching in ["search", "board"] {
        let off = run(&market(matching, 3000.0, ""));
        let on = run(&market(matching, 3000.0, "").replace("[requesters]", &patience(20.0)));
        assert!(
            on.run.hours_search > off.run.hours_search,
            "{matching}: search {} h with patience, {} h without",
            on.run.hours_search,
            off.run.hours_search
        );
        assert!(
            on.run.median_hourly_wage_all_time < off.run.median_hourly_wage_all_time,
            "{matching}: the all-time wage should fall"
        );
        for r in [&off, &on] {
            let seconds =
                |f: fn(&gigsim::model::record::Work) -> u64| -> u64 { r.workers.iter().map(|w| f(&w.work)).sum() };
            let schedule = 300 * u64::from(r.run.days) * 7200;
            let accounted = seconds(|w| w.paid_seconds) + seconds(|w| w.unpaid_seconds) + seconds(|w| w.idle_seconds);
            assert_eq!(
                accounted, schedule,
                "{matching}: every scheduled second is paid, unpaid or idle"
            );
            assert!(seconds(|w| w.search_seconds) <= seconds(|w| w.unpaid_seconds));
            assert!((r.run.hours_search - seconds(|w| w.search_seconds) as f64 / 3600.0).abs() < 1e-6);
        }
    }
}

/// A patience of zero is the model without the key: today's scenarios keep their
/// meaning.
#[test]
fn zero_patience_is_the_market_without_it() {
    for matching in ["search", "board", "dispatch"] {
        let without = run(&market(matching, 3000.0, ""));
        let zero = run(&market(matching, 3000.0, "").replace("[requesters]", &patience(0.0)));
        assert_eq!(without, zero, "{matching}");
    }
}
