//! The market mechanisms that make a scenario comparable with field data (issue 17):
//! search time as unpaid work, hours within the day, and the direction and closed form
//! of each effect.

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

// --- Reputation dynamics (issue 17 item 2) ---

/// The mean of `mean_rating_given` over the daily rows of days `from..=to`.
fn mean_rating(r: &RunRecord, from: u32, to: u32) -> f64 {
    let days: Vec<f64> = r
        .daily
        .iter()
        .filter(|d| (from..=to).contains(&d.day))
        .filter_map(|d| d.mean_rating_given)
        .collect();
    assert!(!days.is_empty(), "no ratings on days {from} to {to}");
    days.iter().sum::<f64>() / days.len() as f64
}

/// 120 days with no warm-up, so the daily table shows the drift from its start.
fn rated_market(requesters: &str) -> String {
    market("board", 3000.0, "")
        .replace(
            "[requesters]\ncount = 30\n",
            &format!("[requesters]\ncount = 30\n{requesters}"),
        )
        .replace("days = 12", "days = 120")
        .replace("warmup_days = 2", "warmup_days = 0")
}

#[test]
fn lenient_public_raters_make_the_mean_rating_given_drift_up_and_private_feedback_does_not() {
    let honest = run(&rated_market(""));
    let lenient = run(&rated_market("leniency = 1.0\nnorm_window_days = 30.0\n"));
    let private = run(&rated_market(
        "leniency = 1.0\nnorm_window_days = 30.0\nfeedback = \"private\"\n",
    ));
    let (early, late) = ((1, 5), (91, 120));
    let rise = |r: &RunRecord| mean_rating(r, late.0, late.1) - mean_rating(r, early.0, early.1);
    assert!(
        rise(&lenient) > 0.15,
        "lenient raters: the mean rose by {}",
        rise(&lenient)
    );
    assert!(
        rise(&honest).abs() < 0.03,
        "honest raters: the mean moved by {}",
        rise(&honest)
    );
    // Private feedback is not inflated: leniency changes nothing, draw for draw.
    assert_eq!(private, honest, "private feedback is the market without leniency");
    // Leniency draws no random number, so with it off the market is the one without it.
    assert_eq!(run(&rated_market("leniency = 0.0\n")), honest);
}

/// Every rating is 4 or 5 stars, each with probability one half when honest
/// (round(4.5 + 0.01·z), every task done well and rated), so the mean rating given is
/// 4 + the share of top ratings. With leniency L that share settles at the fixed point
/// of norm = h + (1 − h)·L·norm: h / (1 − (1 − h)·L) = 2/3 for h = 1/2 and L = 1/2.
#[test]
fn the_share_of_top_ratings_settles_at_its_closed_form_fixed_point() {
    let text = rated_market(
        "rating_probability = 1.0\ngood_work_stars = 4.5\nrating_noise = 0.01\nleniency = 0.5\nnorm_window_days = 5.0\n",
    )
    .replace("count = 300\n", "count = 300\nskill = { dist = \"fixed\", value = 1.0 }\n");
    let r = run(&text);
    let (h, l) = (0.5, 0.5);
    let fixed_point = h / (1.0 - (1.0 - h) * l);
    let share = mean_rating(&r, 61, 120) - 4.0;
    assert!(
        (share - fixed_point).abs() < 0.01,
        "share of top ratings {share}, closed form {fixed_point}"
    );
    // The first day's raters have no norm yet: they are honest.
    let first = mean_rating(&r, 1, 1) - 4.0;
    assert!((first - h).abs() < 0.05, "day 1: {first}");
}

// --- Registered but dormant profiles (issue 17 item 3) ---

fn dormant_market(share: f64, warmup: u32) -> String {
    market("board", 3000.0, "")
        .replace(
            "count = 300\n",
            &format!("count = 2000\ndormant_share = {share}\ndormant_sessions = 3\ndormant_session_minutes = 20.0\n"),
        )
        .replace("warmup_days = 2", &format!("warmup_days = {warmup}"))
}

/// Each sign-up is dormant with the key's probability; a dormant profile never earns,
/// and with a working day every day it searches exactly three 20-minute sessions.
#[test]
fn dormant_profiles_are_the_keys_share_never_earn_and_search_their_sessions() {
    let share = 0.6;
    let r = run(&dormant_market(share, 0));
    let n = r.workers.len() as f64;
    let dormant: Vec<_> = r.workers.iter().filter(|w| w.dormant).collect();
    let sd = (n * share * (1.0 - share)).sqrt();
    assert!(
        (dormant.len() as f64 - n * share).abs() < 5.0 * sd,
        "{} dormant of {n}, expected {:.0} ± {sd:.0}",
        dormant.len(),
        n * share
    );
    for w in &dormant {
        assert_eq!((w.work.tasks_done, w.work.net_cents, w.work.paid_seconds), (0, 0, 0));
        assert_eq!(w.work.search_seconds, 3 * 20 * 60, "worker {}", w.worker_id);
        assert_eq!(w.work.unpaid_seconds, w.work.search_seconds);
        assert_eq!(w.exited_day, None, "a dormant profile stays registered");
    }
    // Every scheduled second is still paid, unpaid or idle; a lapsed profile's schedule
    // gives no more time after its third day.
    let seconds: u64 = r
        .workers
        .iter()
        .map(|w| w.work.paid_seconds + w.work.unpaid_seconds + w.work.idle_seconds)
        .sum();
    let active = r.workers.len() - dormant.len();
    assert_eq!(
        seconds,
        (active as u64 * u64::from(r.run.days) + dormant.len() as u64 * 3) * 7200
    );
}

#[test]
fn dormant_profiles_raise_the_share_never_paid_and_lower_the_share_ever_active() {
    // A warm-up longer than the three sessions: day-1 dormant profiles have lapsed before
    // the metric period, so they are registered and never logged on in it.
    let none = run(&dormant_market(0.0, 5));
    let some = run(&dormant_market(0.5, 5));
    let active = |r: &RunRecord| r.run.workers_ever_active as f64 / r.run.workers_registered as f64;
    let never = |r: &RunRecord| r.run.share_never_paid.unwrap();
    assert!(
        never(&some) > never(&none) + 0.3,
        "never paid {} against {}",
        never(&some),
        never(&none)
    );
    assert!(
        active(&some) < active(&none) - 0.3,
        "ever active {} against {}",
        active(&some),
        active(&none)
    );
    let dormant = some.workers.iter().filter(|w| w.dormant).count() as u64;
    assert_eq!(some.run.workers_ever_active, some.run.workers_registered - dormant);
    for r in [&none, &some] {
        let earned = r.workers.iter().filter(|w| w.work.net_cents > 0).count() as u64;
        assert_eq!(r.run.workers_ever_earned, earned);
        let registered = r.run.workers_registered as f64;
        assert!((r.run.workers_ever_earned as f64 - registered * (1.0 - never(r))).abs() < 1e-6);
        assert!(r.run.workers_ever_earned <= r.run.workers_ever_active);
        assert!(r.run.workers_ever_active <= r.run.workers_registered);
    }
    assert_eq!(run(&dormant_market(0.0, 5)).run, none.run);
}

// --- A field-experiment treatment (issue 17 item 6) ---

/// A cold start on a search platform: tasks need one review (80% of them; 20% are open
/// to anyone), the day-1 workers all have reviews, newcomers have none.
fn experiment(share: f64) -> String {
    market("search", 2000.0, "")
        .replace("days = 12", "days = 60")
        .replace(
            "count = 300\n",
            "count = 300\ninitial_reviews = { dist = \"fixed\", value = 5.0 }\n",
        )
        .replace(
            "matching = \"search\"\n",
            "matching = \"search\"\n[platform.visibility]\nmin_reviews = 1\nopen_share = 0.2\n",
        )
        + &format!("[churn]\nentry_per_day = 20.0\ntreated_share = {share}\n")
}

#[test]
fn the_treated_share_of_newcomers_matches_the_key_and_no_other_draw_moves() {
    let share = 0.4;
    let treated = run(&experiment(share));
    let newcomers: Vec<_> = treated.workers.iter().filter(|w| w.entered_day > 0).collect();
    let n = newcomers.len() as f64;
    assert!(n > 500.0, "the test needs newcomers: {n}");
    let k = newcomers.iter().filter(|w| w.treated).count() as f64;
    let sd = (n * share * (1.0 - share)).sqrt();
    assert!(
        (k - n * share).abs() < 5.0 * sd,
        "{k} treated of {n}, expected {:.0} ± {sd:.0}",
        n * share
    );
    assert!(
        treated.workers.iter().all(|w| w.entered_day > 0 || !w.treated),
        "day-1 workers are never treated"
    );
    // The same people arrive on the same days whatever the share, and a larger share
    // treats a superset: the draws are the newcomers' own.
    let none = run(&experiment(0.0));
    let more = run(&experiment(0.8));
    let arrivals = |r: &RunRecord| {
        r.workers
            .iter()
            .map(|w| (w.worker_id, w.entered_day))
            .collect::<Vec<_>>()
    };
    assert_eq!(arrivals(&treated), arrivals(&none));
    assert_eq!(arrivals(&more), arrivals(&none));
    assert!(none.workers.iter().all(|w| !w.treated));
    for (a, b) in treated.workers.iter().zip(&more.workers) {
        assert!(
            !a.treated || b.treated,
            "worker {} treated at 0.4, not at 0.8",
            a.worker_id
        );
    }
}

#[test]
fn treated_newcomers_earn_more_than_controls_in_a_cold_start() {
    let r = run(&experiment(0.5));
    let mean_net = |treated: bool| {
        let group: Vec<f64> = r
            .workers
            .iter()
            .filter(|w| w.entered_day > 0 && w.treated == treated)
            .map(|w| w.work.net_cents as f64)
            .collect();
        group.iter().sum::<f64>() / group.len() as f64
    };
    let (treated, control) = (mean_net(true), mean_net(false));
    assert!(
        treated > 1.2 * control,
        "treated newcomers earned {treated:.0} cents on average, controls {control:.0}"
    );
}

/// `run` on a cold-start market with the experiment: the report has its section, with
/// treated newcomers earning more (the CI of the pooled difference above zero); without
/// the experiment, no such section.
#[test]
fn the_report_shows_treated_against_control_earnings_with_a_ci() {
    let dir = tempfile::tempdir().unwrap();
    let report = |share: f64, name: &str| {
        let file = dir.path().join(format!("{name}.toml"));
        std::fs::write(&file, experiment(share)).unwrap();
        let out = dir.path().join(name);
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_gigsim"))
            .args(["run", file.to_str().unwrap(), "--out", out.to_str().unwrap()])
            .args(["--replicates", "4", "--quiet"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        std::fs::read_to_string(out.join("report.html")).unwrap()
    };
    let html = report(0.5, "treated");
    let start = html.find("<section id=\"experiment\">").expect("an experiment section");
    let section = &html[start..start + html[start..].find("</section>").unwrap()];
    let row = section.split("<tr>").nth(2).expect("a row for base");
    assert!(row.contains(">base<"), "{row}");
    assert!(
        row.contains("class=\"sig\">+$"),
        "a positive difference whose CI excludes 0: {row}"
    );
    assert!(row.contains("<td>4</td></tr>"), "four replicates: {row}");
    assert!(!report(0.0, "control").contains("id=\"experiment\""));
}

/// `market` with every worker's start hour drawn from `start` and `hours` a day, and an
/// optional `demand.hour_factors` line.
fn hours_market(matching: &str, tasks_per_day: f64, start: &str, hours_per_day: f64, factors: &str) -> String {
    market(matching, tasks_per_day, "")
        .replace("[requesters]", &format!("session_start_hour = {start}\n[requesters]"))
        .replace(
            "hours_per_day = { dist = \"fixed\", value = 2.0 }",
            &format!("hours_per_day = {{ dist = \"fixed\", value = {hours_per_day} }}"),
        )
        .replace("noise_sigma = 0.0", &format!("noise_sigma = 0.0\n{factors}"))
}

/// With demand above supply every worker works all their hours every day; when every
/// session covers one moment, the peak is every worker working. Starts spread over
/// 23:00–24:00 with two-hour sessions cover midnight only because a session wraps past
/// midnight into the day's early hours: cut at midnight instead, the peak would miss the
/// few who start in the last minute (all 300 start by 23:59 with chance (59/60)^300,
/// under 1%).
#[test]
fn the_peak_is_every_worker_working_when_all_sessions_cover_one_moment() {
    for start in [
        r#"{ dist = "fixed", value = 9.0 }"#,
        r#"{ dist = "uniform", low = 23.0, high = 24.0 }"#,
    ] {
        let r = run(&hours_market("board", 40_000.0, start, 2.0, ""));
        assert!(
            r.daily.iter().all(|d| d.tasks_unfilled > 0),
            "{start}: demand must exceed supply"
        );
        for d in &r.daily {
            assert_eq!(d.workers_active, 300, "{start}: day {}", d.day);
            assert_eq!(d.peak_workers_logged_on, 300, "{start}: day {}", d.day);
        }
    }
}

/// Starts uniform over the day and one-hour sessions: at any minute mark the number
/// logged on is Binomial(N, 1/24) (a session wraps past midnight, so every mark is
/// alike), mean μ = N/24 and sd σ = √(N·(1/24)·(23/24)). The day's peak is at least the
/// largest of the 24 counts at marks an hour apart, which depend on disjoint start
/// intervals (nearly independent; their expected maximum is about μ + 1.95σ), and by
/// the union bound over 1,440 marks it exceeds μ + 4.5σ with chance under 1,440 ×
/// 3.4e-6 < 0.5%. With N = 2,400 (μ = 100, σ = 9.8) the mean daily peak lies between
/// μ + 1.2σ and μ + 4.5σ.
#[test]
fn with_uniform_starts_the_peak_sits_where_the_binomial_scan_bounds_put_it() {
    let text = hours_market(
        "board",
        200_000.0,
        r#"{ dist = "uniform", low = 0.0, high = 24.0 }"#,
        1.0,
        "",
    )
    .replace("count = 300", "count = 2400");
    let r = run(&text);
    for d in &r.daily {
        assert_eq!(d.workers_active, 2400, "day {}: everyone must work their hour", d.day);
    }
    let n = 2400.0f64;
    let (mu, sd) = (n / 24.0, (n * (1.0 / 24.0) * (23.0 / 24.0)).sqrt());
    let peaks: Vec<f64> = r.daily.iter().map(|d| d.peak_workers_logged_on as f64).collect();
    let mean = peaks.iter().sum::<f64>() / peaks.len() as f64;
    assert!(
        mean > mu + 1.2 * sd && mean < mu + 4.5 * sd,
        "mean peak {mean}, μ {mu}, σ {sd}"
    );
    assert!(peaks.iter().all(|&p| p < mu + 4.5 * sd), "{peaks:?}");
}

/// Workers log on between midnight and 4:00 for two hours. Demand posted in those hours
/// is all taken; the same demand posted at 20:00, after everyone's hours, is taken by
/// nobody, on a board and with requesters' offers alike. Without an hourly profile the
/// market is the one before the profile existed.
#[test]
fn demand_posted_when_nobody_is_logged_on_goes_unfilled() {
    let early = "hour_factors = [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]";
    let late = "hour_factors = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]";
    let start = r#"{ dist = "uniform", low = 0.0, high = 4.0 }"#;
    for matching in ["board", "search"] {
        let none = run(&hours_market(matching, 3000.0, start, 2.0, "")).run;
        let on_early = run(&hours_market(matching, 3000.0, start, 2.0, early)).run;
        let on_late = run(&hours_market(matching, 3000.0, start, 2.0, late)).run;
        assert_eq!(none.tasks_unfilled, 0, "{matching}: supply must exceed demand");
        assert_eq!(on_early.tasks_unfilled, 0, "{matching}: early demand");
        assert_eq!(on_late.tasks_done, 0, "{matching}: late demand");
        assert_eq!(on_late.tasks_unfilled, on_late.tasks_posted, "{matching}");
        assert!(on_late.tasks_posted > 0);
    }
}

/// A profile between the two extremes fills in between: half the weight at 1:00 and
/// half at 20:00 leaves about half the tasks unfilled.
#[test]
fn the_unfilled_share_follows_the_demand_posted_after_workers_log_off() {
    let mut weights = vec!["0.0"; 24];
    weights[1] = "1.0";
    weights[20] = "1.0";
    let factors = format!("hour_factors = [{}]", weights.join(", "));
    let start = r#"{ dist = "uniform", low = 0.0, high = 4.0 }"#;
    let r = run(&hours_market("board", 3000.0, start, 2.0, &factors)).run;
    let share = r.tasks_unfilled as f64 / r.tasks_posted as f64;
    assert!((share - 0.5).abs() < 0.05, "unfilled share {share}");
}
