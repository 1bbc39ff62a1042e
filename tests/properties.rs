//! Property tests of the market, in-process: random valid scenarios (every section and
//! option drawn, small sizes) always finish, and in every run, on every day:
//! - every second of every worker's schedule is accounted for exactly once (paid,
//!   unpaid, idle, or spent on a task still in progress), so no one works more than
//!   their schedule, and nobody has time on a day they do not work;
//! - both book identities hold to the cent, per day, per worker and per run, and no
//!   balance, pay or fee is negative;
//! - the run's tables hold one row per registered worker and one per measured day, and
//!   the days, the workers and the platforms add up to the run's totals;
//! - the same scenario and seed give the same record.
//!
//! The scenarios come from `scenario_gen`; proptest shrinks a failing one to the
//! simplest scenario that still fails and prints it as TOML.

mod scenario_gen;

use std::collections::BTreeMap;

use gigsim::model::market::Market;
use gigsim::model::record::RunRecord;
use gigsim::runner::{cost_factors, run_one, try_run_one};
use gigsim::scenario::parse;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use scenario_gen::{Tape, config, scenario, tapes};

/// Scenarios tried by `random_scenarios_keep_time_and_books`.
const CASES: u32 = 400;

fn fail(text: &str, what: String) -> TestCaseError {
    TestCaseError::fail(format!("{what}\n--- scenario ---\n{text}"))
}

/// What stepping a run day by day found.
enum Stepped {
    /// Each worker's (paid, unpaid, idle) seconds at the end.
    Seconds(BTreeMap<u32, [u64; 3]>),
    /// The day the run's money outgrew 64-bit cents (the run is void).
    Overflow(u32),
}

/// Steps variant `v`, replicate `r` day by day and checks time and money after each day.
fn step_and_check(text: &str, v: usize, r: u32) -> Result<Stepped, TestCaseError> {
    let study = parse(text, "prop.toml").map_err(|e| fail(text, format!("a generated scenario is invalid: {e}")))?;
    let factors = cost_factors(&study);
    let sc = &study.variants[v].scenario;
    let mut market = Market::new(sc, r, factors[v]);
    let mut scheduled: Vec<u64> = Vec::new();
    for day in 1..=sc.days {
        market.step(day);
        if let Some(day) = market.overflow_day() {
            return Ok(Stepped::Overflow(day));
        }
        let workers = market.workers();
        scheduled.resize(workers.len(), 0);
        for (id, w) in workers.iter().enumerate() {
            if w.capacity_today > w.seconds_per_day {
                return Err(fail(
                    text,
                    format!(
                        "day {day}: worker {id} has {} s today, above their {} s a day",
                        w.capacity_today, w.seconds_per_day
                    ),
                ));
            }
            if !w.working_today && w.capacity_today != 0 {
                return Err(fail(text, format!("day {day}: worker {id} has time on a day off")));
            }
            // A worker who leaves at the end of today worked today.
            if w.working_today && !(w.entered_day <= day && w.exited_day.is_none_or(|d| d >= day)) {
                return Err(fail(text, format!("day {day}: worker {id} works while not registered")));
            }
            scheduled[id] += u64::from(w.capacity_today);
        }
        if day == sc.warmup_days {
            // The metric period starts after the last warm-up day: totals restart.
            scheduled.iter_mut().for_each(|s| *s = 0);
        }
        let mut accounted = vec![0u64; workers.len()];
        for venue in market.venues() {
            for (k, m) in venue.members().iter().enumerate() {
                let t = &m.totals;
                let b = &m.balance;
                accounted[m.worker as usize] += u64::from(t.paid_seconds)
                    + u64::from(t.unpaid_seconds)
                    + u64::from(t.idle_seconds)
                    + venue.seconds_in_progress(k as u32);
                let who = format!("day {day}: worker {} ({t:?}, {b:?})", m.worker);
                if t.gross_cents < 0 || t.fee_cents() < 0 || t.net_cents < 0 {
                    return Err(fail(text, format!("{who}: negative pay or fee")));
                }
                if t.net_cents != t.gross_cents - t.fee_cents() {
                    return Err(fail(text, format!("{who}: net is not gross - fee")));
                }
                if b.paid_out < 0 || b.forfeited < 0 || b.pending() < 0 || b.unmatured < 0 || b.matured < 0 {
                    return Err(fail(text, format!("{who}: negative balance")));
                }
                if t.net_cents != b.paid_out + b.pending() + b.forfeited {
                    return Err(fail(text, format!("{who}: net != paid out + pending + forfeited")));
                }
                if t.tasks_rejected > t.tasks_done {
                    return Err(fail(text, format!("{who}: more tasks rejected than done")));
                }
            }
        }
        for (id, (a, s)) in accounted.iter().zip(&scheduled).enumerate() {
            if a != s {
                return Err(fail(
                    text,
                    format!("day {day}: worker {id} has {s} s scheduled but {a} s accounted for"),
                ));
            }
        }
        let f = market.today();
        if f.requester_spend_cents != f.worker_net_cents + f.platform_fee_cents + f.levy_cents + f.processing_cents {
            return Err(fail(text, format!("day {day}: the day's books do not balance: {f:?}")));
        }
        if f.tasks_unfilled > f.tasks_posted {
            return Err(fail(text, format!("day {day}: more tasks unfilled than posted: {f:?}")));
        }
    }
    let mut seconds: BTreeMap<u32, [u64; 3]> = BTreeMap::new();
    for venue in market.venues() {
        for m in venue.members() {
            let e = seconds.entry(m.worker).or_default();
            e[0] += u64::from(m.totals.paid_seconds);
            e[1] += u64::from(m.totals.unpaid_seconds);
            e[2] += u64::from(m.totals.idle_seconds);
        }
    }
    Ok(Stepped::Seconds(seconds))
}

/// Checks the record of a run: rows, identities, sums, signs, finite metrics.
fn check_record(text: &str, rec: &RunRecord, days: u32, warmup: u32) -> Result<(), TestCaseError> {
    let run = &rec.run;
    let here = |what: &str| format!("variant {} replicate {}: {what}", rec.variant, rec.replicate);
    if run.books.requester_spend_cents
        != run.books.worker_net_cents + run.books.platform_fee_cents + run.books.levy_cents + run.books.processing_cents
    {
        return Err(fail(
            text,
            here(&format!("requester_spend_cents identity fails: {run:?}")),
        ));
    }
    if run.books.worker_net_cents != run.books.paid_out_cents + run.books.pending_cents + run.books.forfeited_cents {
        return Err(fail(text, here(&format!("worker_net_cents identity fails: {run:?}"))));
    }
    for (name, v) in [
        ("requester_spend_cents", run.books.requester_spend_cents),
        ("worker_net_cents", run.books.worker_net_cents),
        ("paid_out_cents", run.books.paid_out_cents),
        ("pending_cents", run.books.pending_cents),
        ("platform_fee_cents", run.books.platform_fee_cents),
        ("levy_cents", run.books.levy_cents),
        ("processing_cents", run.books.processing_cents),
        ("forfeited_cents", run.books.forfeited_cents),
    ] {
        if v < 0 {
            return Err(fail(text, here(&format!("{name} is negative: {v}"))));
        }
    }
    if rec.workers.len() as u64 != run.workers_registered {
        return Err(fail(
            text,
            here(&format!(
                "{} worker rows for {} registered workers",
                rec.workers.len(),
                run.workers_registered
            )),
        ));
    }
    if rec.workers.windows(2).any(|w| w[0].worker_id >= w[1].worker_id) {
        return Err(fail(text, here("worker rows are not one per worker, in id order")));
    }
    if rec.daily.len() as u32 != days - warmup || rec.daily.iter().zip(warmup + 1..).any(|(d, day)| d.day != day) {
        return Err(fail(text, here("daily rows are not one per measured day")));
    }
    let mut sums = [0i64; 5];
    for w in &rec.workers {
        let who = here(&format!("worker {}: {w:?}", w.worker_id));
        if w.work.net_cents != w.work.paid_out_cents + w.work.pending_cents + w.work.forfeited_cents {
            return Err(fail(text, format!("{who}: per-worker identity fails")));
        }
        if w.work.net_cents != w.work.gross_cents - w.work.fee_cents {
            return Err(fail(text, format!("{who}: net is not gross - fee")));
        }
        if [
            w.work.net_cents,
            w.work.gross_cents,
            w.work.fee_cents,
            w.work.paid_out_cents,
            w.work.pending_cents,
            w.work.forfeited_cents,
        ]
        .iter()
        .any(|&c| c < 0)
        {
            return Err(fail(text, format!("{who}: a negative amount")));
        }
        if w.tax_cents < 0 || w.tax_cents > w.work.net_cents || w.after_tax_cents != w.work.net_cents - w.tax_cents {
            return Err(fail(text, format!("{who}: the estimated tax is outside 0..=net")));
        }
        let finite = |x: Option<f64>| x.is_none_or(f64::is_finite);
        if !finite(w.work.hourly_wage) || !finite(w.hourly_wage_all_time) || !w.approval_rate.is_finite() {
            return Err(fail(text, format!("{who}: a wage or rate is not finite")));
        }
        if w.rating.is_some_and(|r| !(1.0..=5.0).contains(&r)) || !(0.0..=1.0).contains(&w.approval_rate) {
            return Err(fail(text, format!("{who}: rating or approval out of range")));
        }
        if w.exited_day.is_some_and(|d| d <= warmup || d < w.entered_day) {
            return Err(fail(
                text,
                format!("{who}: exited before the metric period or before entering"),
            ));
        }
        sums[0] += w.work.net_cents;
        sums[1] += w.work.paid_out_cents;
        sums[2] += w.work.pending_cents;
        sums[3] += w.work.forfeited_cents;
        sums[4] += w.work.fee_cents;
    }
    if [sums[0], sums[1], sums[2], sums[3]]
        != [
            run.books.worker_net_cents,
            run.books.paid_out_cents,
            run.books.pending_cents,
            run.books.forfeited_cents,
        ]
    {
        return Err(fail(
            text,
            here(&format!("workers do not add up to the run: {sums:?} vs {run:?}")),
        ));
    }
    let daily_fee: i64 = rec.daily.iter().map(|d| d.platform_fee_cents).sum();
    let daily_net: i64 = rec.daily.iter().map(|d| d.worker_net_cents).sum();
    let daily_posted: u64 = rec.daily.iter().map(|d| d.tasks_posted).sum();
    let daily_done: u64 = rec.daily.iter().map(|d| d.tasks_done).sum();
    let daily_unfilled: u64 = rec.daily.iter().map(|d| d.tasks_unfilled).sum();
    if (daily_fee, daily_net, daily_posted, daily_done, daily_unfilled)
        != (
            run.books.platform_fee_cents,
            run.books.worker_net_cents,
            run.tasks_posted,
            run.tasks_done,
            run.tasks_unfilled,
        )
    {
        return Err(fail(text, here("the days do not add up to the run")));
    }
    if rec.daily.iter().any(|d| d.tasks_unfilled > d.tasks_posted) {
        return Err(fail(text, here("a day has more tasks unfilled than posted")));
    }
    if !rec.platforms.is_empty() {
        let p_sum = |f: fn(&gigsim::model::record::PlatformRunRow) -> i64| rec.platforms.iter().map(f).sum::<i64>();
        let by_platform = [
            p_sum(|p| p.books.requester_spend_cents),
            p_sum(|p| p.books.worker_net_cents),
            p_sum(|p| p.books.platform_fee_cents),
            p_sum(|p| p.books.paid_out_cents),
            p_sum(|p| p.books.pending_cents),
            p_sum(|p| p.books.forfeited_cents),
        ];
        let whole = [
            run.books.requester_spend_cents,
            run.books.worker_net_cents,
            run.books.platform_fee_cents,
            run.books.paid_out_cents,
            run.books.pending_cents,
            run.books.forfeited_cents,
        ];
        if by_platform != whole {
            return Err(fail(text, here("the platforms do not add up to the run")));
        }
        for p in &rec.platforms {
            if p.books.requester_spend_cents
                != p.books.worker_net_cents + p.books.platform_fee_cents + p.books.levy_cents + p.books.processing_cents
                || p.books.worker_net_cents != p.books.paid_out_cents + p.books.pending_cents + p.books.forfeited_cents
            {
                return Err(fail(
                    text,
                    here(&format!("platform {}'s books do not balance", p.platform)),
                ));
            }
        }
        let wp_net: i64 = rec.worker_platforms.iter().map(|r| r.work.net_cents).sum();
        if wp_net != run.books.worker_net_cents {
            return Err(fail(text, here("worker-platform rows do not add up to the run")));
        }
    }
    for (name, x) in [
        ("gini_net_income", run.gini_net_income),
        ("top10_share_net_income", run.top10_share_net_income),
        ("share_never_paid", run.share_never_paid),
        ("share_below_wage_floor", run.share_below_wage_floor),
    ] {
        if x.is_some_and(|x| !(0.0..=1.0).contains(&x)) {
            return Err(fail(text, here(&format!("{name} = {x:?} is not a share"))));
        }
    }
    if !(run.hours_paid.is_finite() && run.hours_unpaid.is_finite()) {
        return Err(fail(text, here("hours are not finite")));
    }
    Ok(())
}

fn check(text: &str) -> Result<(), TestCaseError> {
    let study = parse(text, "prop.toml").map_err(|e| fail(text, format!("a generated scenario is invalid: {e}")))?;
    for v in 0..study.variants.len() {
        let sc = &study.variants[v].scenario;
        let stepped = step_and_check(text, v, 0)?;
        let rec = match (try_run_one(&study, v as u32, 0), stepped) {
            (Ok(rec), Stepped::Seconds(seconds)) => (rec, seconds),
            // Money beyond 64-bit cents voids the run, the same day either way.
            (Err(e), Stepped::Overflow(day)) if e.day == day => continue,
            (run, _) => {
                return Err(fail(
                    text,
                    format!("stepping and running disagree: {:?}", run.map(|r| r.run)),
                ));
            }
        };
        let (rec, seconds) = rec;
        check_record(text, &rec, sc.days, sc.warmup_days)?;
        // The record holds what the market did, second for second.
        for w in &rec.workers {
            let expected = seconds.get(&w.worker_id).copied().unwrap_or_default();
            if [w.work.paid_seconds, w.work.unpaid_seconds, w.work.idle_seconds] != expected {
                return Err(fail(
                    text,
                    format!("worker {}: the record's seconds differ from the market's", w.worker_id),
                ));
            }
        }
        if rec != run_one(&study, v as u32, 0) {
            return Err(fail(
                text,
                format!("variant {v}: the same seed gave a different record"),
            ));
        }
        if sc.replicates > 1
            && let Ok(rec) = try_run_one(&study, v as u32, 1)
        {
            check_record(text, &rec, sc.days, sc.warmup_days)?;
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(CASES))]

    #[test]
    fn random_scenarios_keep_time_and_books(values in tapes()) {
        let text = scenario(&mut Tape::new(values));
        check(&text)?;
    }
}

/// The generator itself: every option it can draw is drawn within a few hundred tapes,
/// so the property test above really covers them.
#[test]
fn the_generator_reaches_every_option() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut seen = std::collections::BTreeSet::new();
    let wanted = [
        "[platform]",
        "[[platforms]]",
        "matching = \"search\"",
        "matching = \"board\"",
        "matching = \"dispatch\"",
        "[[platform.fee.tiers]]",
        "levy_side = \"requester\"",
        "pay_floor_action = \"drop\"",
        "pass_through",
        "demand_elasticity",
        "small_order_fee_usd",
        "batch_surcharge_percent",
        "processing_percent",
        "worker_fixed_usd",
        "worker_min_usd",
        "forfeit_below_minimum = true",
        "[[demand.shocks]]",
        "niche = true",
        "pay_basis = \"hour\"",
        "travel_seconds",
        "[[variants]]",
        "worker_percent = 100.0",
        "tasks_per_day = 0.0",
        "dist = \"fixed\"",
        "dist = \"uniform\"",
        "dist = \"normal\"",
        "dist = \"lognormal\"",
        "dist = \"beta\"",
        "dist = \"pareto\"",
    ];
    for _ in 0..CASES {
        let values = tapes().new_tree(&mut runner).unwrap().current();
        let text = scenario(&mut Tape::new(values));
        parse(&text, "gen.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
        for w in wanted {
            if text.contains(w) {
                seen.insert(w);
            }
        }
        let warmup = text.contains("warmup_days = ") && !text.contains("warmup_days = 0\n");
        if warmup {
            seen.insert("warm-up");
        }
    }
    let missing: Vec<&&str> = wanted.iter().filter(|w| !seen.contains(*w)).collect();
    assert!(missing.is_empty(), "never generated: {missing:?}");
    assert!(seen.contains("warm-up"));
}
