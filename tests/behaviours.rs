//! Each behaviour of `[learning]`, `[switching]`, `[unpaid]`, `[churn]`, `[tools]`,
//! `[taxes]`, scams, schedules, payouts, niches, dispatch and multi-homing moves outcomes
//! in the expected direction.

use gigsim::model::market::Market;
use gigsim::model::record::RunRecord;
use gigsim::runner::run_one;
use gigsim::scenario::{Study, parse};

fn study(text: &str) -> Study {
    parse(text, "test.toml").unwrap_or_else(|e| panic!("{e}"))
}

fn run(text: &str) -> RunRecord {
    run_one(&study(text), 0, 0)
}

/// A board market with two kinds of task, demand below supply, with `extra` appended.
fn market(extra: &str) -> String {
    format!(
        r#"
[simulation]
name = "t"
days = 20
seed = 5
[workers]
count = 200
reservation_wage = {{ dist = "fixed", value = 0.5 }}
hours_per_day = {{ dist = "fixed", value = 2.0 }}
days_per_week = {{ dist = "fixed", value = 7.0 }}
[requesters]
count = 40
[demand]
tasks_per_day = 4000.0
noise_sigma = 0.0
[[tasks.categories]]
name = "a"
share = 1.0
pay_usd = {{ dist = "fixed", value = 0.20 }}
duration_seconds = {{ dist = "fixed", value = 60.0 }}
batch_size = {{ dist = "fixed", value = 10.0 }}
[[tasks.categories]]
name = "b"
share = 1.0
pay_usd = {{ dist = "fixed", value = 0.30 }}
duration_seconds = {{ dist = "fixed", value = 90.0 }}
batch_size = {{ dist = "fixed", value = 10.0 }}
{extra}
"#
    )
}

/// The market with dotted keys set, e.g. `("workers.efficiency", "{ dist = \"fixed\", value = 0.6 }")`.
fn tweak(extra: &str, sets: &[(&str, &str)]) -> String {
    let mut table: toml::Table = toml::from_str(&market(extra)).unwrap();
    for (key, value) in sets {
        let parts: Vec<&str> = key.split('.').collect();
        let mut t = &mut table;
        for part in &parts[..parts.len() - 1] {
            t = t
                .entry(part.to_string())
                .or_insert_with(|| toml::Value::Table(Default::default()))
                .as_table_mut()
                .unwrap();
        }
        let value: toml::Table = toml::from_str(&format!("v = {value}")).unwrap();
        t.insert(parts[parts.len() - 1].to_string(), value["v"].clone());
    }
    toml::to_string(&table).unwrap()
}

const UNDERPAID: (&str, &str) = (
    "workers.reservation_wage",
    "{ dist = \"uniform\", low = 0.5, high = 30.0 }",
);

fn seconds_per_task(r: &RunRecord) -> f64 {
    r.run.hours_paid * 3600.0 / (r.run.tasks_done as f64)
}

#[test]
fn learning_makes_tasks_quicker() {
    let without = run(&market(""));
    let with = run(&tweak(
        "[learning]\nexponent = 0.3\nfloor = 0.59\n",
        &[("workers.experience_tasks", "{ dist = \"fixed\", value = 0.0 }")],
    ));
    assert!(
        seconds_per_task(&with) < 0.9 * seconds_per_task(&without),
        "{} vs {}",
        seconds_per_task(&with),
        seconds_per_task(&without)
    );
    assert!(with.run.median_hourly_wage.unwrap() > without.run.median_hourly_wage.unwrap());
}

#[test]
fn switching_costs_slow_workers_down_and_staying_with_a_batch_helps() {
    let free = run(&market(""));
    let costly = run(&market(
        "[switching]\ncategory_percent = 57.0\nrequester_percent = 20.0\n",
    ));
    let restless = run(&market(
        "[switching]\ncategory_percent = 57.0\nrequester_percent = 20.0\nbatch_stay = 0.3\n",
    ));
    assert!(seconds_per_task(&costly) > seconds_per_task(&free));
    assert!(seconds_per_task(&restless) > seconds_per_task(&costly));
    assert!(restless.run.median_hourly_wage.unwrap() < free.run.median_hourly_wage.unwrap());
}

#[test]
fn returned_tasks_are_unpaid_time() {
    let base = run(&market(""));
    let returns = run(&market("[unpaid]\nreturn_probability = 0.2\n"));
    assert_eq!(base.workers.iter().map(|w| w.work.tasks_returned).sum::<u64>(), 0);
    assert!(returns.workers.iter().map(|w| w.work.tasks_returned).sum::<u64>() > 1000);
    assert!(returns.run.hours_unpaid > 1.5 * base.run.hours_unpaid);
    assert!(returns.run.median_hourly_wage_all_time.unwrap() < base.run.median_hourly_wage_all_time.unwrap());
    // Paid time alone is not what moves: the wage per paid hour stays close.
    let ratio = returns.run.median_hourly_wage.unwrap() / base.run.median_hourly_wage.unwrap();
    assert!((ratio - 1.0).abs() < 0.05, "{ratio}");
}

#[test]
fn reviewing_offers_in_search_is_unpaid() {
    let search = "[platform]\nmatching = \"search\"\n";
    let base = run(&market(search));
    let reviewing = run(&market(&format!("{search}[unpaid]\nreview_seconds = 120\n")));
    assert!(reviewing.run.hours_unpaid > base.run.hours_unpaid + 50.0);
    assert!(reviewing.run.median_hourly_wage_all_time.unwrap() < base.run.median_hourly_wage_all_time.unwrap());
}

#[test]
fn scam_requesters_cost_workers_who_then_avoid_them() {
    let fair = run(&market(""));
    let scams = run(&tweak(
        "",
        &[
            ("requesters.rejecting_share", "0.3"),
            ("requesters.nonpaying_share", "0.2"),
        ],
    ));
    let rejected = |r: &RunRecord| r.workers.iter().map(|w| w.work.tasks_rejected).sum::<u32>();
    assert!(rejected(&scams) > 2 * rejected(&fair));
    assert!(scams.run.books.worker_net_cents < fair.run.books.worker_net_cents);
    // Avoidance: a worker is cheated by each bad requester once a session at most, so
    // rejections fall as workers learn whom to avoid.
    let text = tweak("", &[("requesters.rejecting_share", "0.15")]);
    let s = study(&text);
    let sc = &s.base().scenario;
    let mut m = Market::new(sc, 0, 1.0);
    let rejections = |m: &Market| m.members().iter().map(|x| x.totals.tasks_rejected).sum::<u32>();
    for day in 1..=3 {
        m.step(day);
    }
    let early = rejections(&m);
    for day in 4..=17 {
        m.step(day);
    }
    let middle = rejections(&m);
    for day in 18..=20 {
        m.step(day);
    }
    let late = rejections(&m) - middle;
    assert!(
        late * 2 < early,
        "rejections on days 18-20 ({late}) vs days 1-3 ({early})"
    );
}

#[test]
fn underpaid_workers_leave_and_newcomers_arrive() {
    // Reservation wages above what tasks pay for many: they earn below it and leave.
    let r = run(&tweak(
        "[churn]\nexit_patience_days = 3\nentry_per_day = 4.0\n",
        &[UNDERPAID],
    ));
    let exits = r.workers.iter().filter(|w| w.exited_day.is_some()).count();
    let newcomers: Vec<_> = r.workers.iter().filter(|w| w.entered_day > 0).collect();
    assert!(exits > 20, "{exits} exits");
    assert!(newcomers.len() > 40, "{} newcomers", newcomers.len());
    assert_eq!(r.workers.len(), 200 + newcomers.len());
    assert!(newcomers.iter().all(|w| w.experience_tasks == 0));
    assert_eq!(r.daily.iter().map(|d| d.entries).sum::<u64>() as usize, newcomers.len());
    assert_eq!(r.daily.iter().map(|d| d.exits).sum::<u64>() as usize, exits);
    // No one leaves without churn.
    assert!(run(&market("")).workers.iter().all(|w| w.exited_day.is_none()));
}

#[test]
fn arrivals_respond_to_earnings_when_elastic() {
    let elastic = |pay: &str| {
        let reservation = format!("{{ dist = \"fixed\", value = {pay} }}");
        run(&tweak(
            "[churn]\nentry_per_day = 5.0\nentry_elasticity = 1.5\n",
            &[("workers.reservation_wage", reservation.as_str())],
        ))
    };
    // The same market earnings, measured against a higher reference wage: fewer arrive.
    let low_reference = elastic("0.5");
    let high_reference = elastic("4.0");
    let n = |r: &RunRecord| r.workers.iter().filter(|w| w.entered_day > 0).count();
    assert!(
        n(&high_reference) < n(&low_reference),
        "{} vs {}",
        n(&high_reference),
        n(&low_reference)
    );
}

#[test]
fn newcomers_wait_longer_for_a_first_task_behind_a_reputation_gate() {
    let arrivals = "[churn]\nentry_per_day = 6.0\n";
    let open = run(&market(arrivals));
    let gated = run(&market(&format!(
        "{arrivals}[platform.visibility]\nmin_approved_tasks = 50\nopen_share = 0.01\n"
    )));
    let wait = |r: &RunRecord| {
        let waits: Vec<f64> = r
            .workers
            .iter()
            .filter(|w| w.entered_day > 0)
            .map(|w| f64::from(w.first_task_day.unwrap_or(21).saturating_sub(w.entered_day)))
            .collect();
        waits.iter().sum::<f64>() / waits.len() as f64
    };
    assert!(wait(&gated) > wait(&open) + 0.5, "{} vs {}", wait(&gated), wait(&open));
}

#[test]
fn leaving_below_the_payout_minimum_forfeits_when_the_platform_keeps_it() {
    let base = "[churn]\nexit_patience_days = 2\n[platform.payout]\ndelay_days = 3\nminimum_usd = 100.0\n";
    let kept = run(&tweak(&format!("{base}forfeit_below_minimum = true\n"), &[UNDERPAID]));
    let paid = run(&tweak(&format!("{base}forfeit_below_minimum = false\n"), &[UNDERPAID]));
    assert!(kept.run.books.forfeited_cents > 0);
    assert_eq!(paid.run.books.forfeited_cents, 0);
    for r in [&kept, &paid] {
        assert_eq!(
            r.run.books.worker_net_cents,
            r.run.books.paid_out_cents + r.run.books.pending_cents + r.run.books.forfeited_cents
        );
        for w in &r.workers {
            assert_eq!(
                w.work.net_cents,
                w.work.paid_out_cents + w.work.pending_cents + w.work.forfeited_cents,
                "{w:?}"
            );
        }
    }
    // Workers who left and were paid have nothing pending once their money matured.
    let left_paid: Vec<_> = paid
        .workers
        .iter()
        .filter(|w| w.exited_day.is_some_and(|d| d <= 15))
        .collect();
    assert!(!left_paid.is_empty() && left_paid.iter().all(|w| w.work.pending_cents == 0));
}

#[test]
fn interruptions_lower_hourly_pay_and_supply_follows_its_weekdays() {
    let focused = run(&market(""));
    let distracted = run(&tweak(
        "",
        &[("workers.efficiency", "{ dist = \"fixed\", value = 0.6 }")],
    ));
    assert!(distracted.run.median_hourly_wage.unwrap() < 0.7 * focused.run.median_hourly_wage.unwrap());
    let weekdays_only = run(&tweak(
        "",
        &[("workers.weekday_factors", "[1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0]")],
    ));
    for d in &weekdays_only.daily {
        let weekend = (d.day - 1) % 7 >= 5;
        assert_eq!(d.workers_active == 0, weekend, "day {}", d.day);
    }
}

#[test]
fn tools_cost_time_up_front_and_pay_off_later() {
    let without = run(&tweak("", &[("simulation.days", "40")]));
    let with = run(&tweak(
        "[tools]\nshare = 1.0\nhours = 3.0\nspeedup_percent = 40.0\n",
        &[("simulation.days", "40")],
    ));
    assert!(with.workers.iter().all(|w| w.uses_tools));
    assert!(without.workers.iter().all(|w| !w.uses_tools));
    // 200 workers × 3 unpaid hours, less the board search they skip while building.
    assert!(
        with.run.hours_unpaid > without.run.hours_unpaid + 400.0,
        "{} vs {}",
        with.run.hours_unpaid,
        without.run.hours_unpaid
    );
    assert!(seconds_per_task(&with) < 0.8 * seconds_per_task(&without));
}

#[test]
fn estimated_taxes_follow_the_rule() {
    let r = run(&market(
        "[taxes]\nself_employment_percent = 15.3\nself_employment_threshold_usd = 0.0\nincome_tax_percent = 10.0\nallowance_usd = 0.0\n",
    ));
    for w in &r.workers {
        let expected = if w.work.net_cents > 0 {
            (w.work.net_cents * 153_000 + 500_000) / 1_000_000 + (w.work.net_cents * 100_000 + 500_000) / 1_000_000
        } else {
            0
        };
        assert_eq!(w.tax_cents, expected, "{w:?}");
        assert_eq!(w.after_tax_cents, w.work.net_cents - w.tax_cents);
    }
    assert!(run(&market("")).workers.iter().all(|w| w.tax_cents == 0));
}

/// Two categories, the second a niche that pays more per task.
const NICHE: &str = r#"
[[tasks.categories]]
name = "general"
share = 0.8
pay_usd = { dist = "fixed", value = 0.20 }
duration_seconds = { dist = "fixed", value = 60.0 }
batch_size = { dist = "fixed", value = 10.0 }
[[tasks.categories]]
name = "legal"
share = 0.2
niche = true
pay_usd = { dist = "fixed", value = 1.00 }
duration_seconds = { dist = "fixed", value = 120.0 }
batch_size = { dist = "fixed", value = 10.0 }
"#;

fn niche_market(specialists: &str) -> String {
    let base = market("").split("[[tasks.categories]]").next().unwrap().to_string() + NICHE;
    let mut table: toml::Table = toml::from_str(&base).unwrap();
    table["workers"].as_table_mut().unwrap().insert(
        "specialist_share".into(),
        toml::Value::Float(specialists.parse().unwrap()),
    );
    toml::to_string(&table).unwrap()
}

#[test]
fn specialists_earn_more_per_task_and_face_thinner_demand() {
    let few = run(&niche_market("0.05"));
    let many = run(&niche_market("0.4"));
    let per_task = |r: &RunRecord, specialist: bool| {
        let ws: Vec<_> = r
            .workers
            .iter()
            .filter(|w| w.specialty.is_empty() != specialist && w.work.tasks_done > 0)
            .collect();
        let gross: i64 = ws.iter().map(|w| w.work.gross_cents).sum();
        let tasks: u32 = ws.iter().map(|w| w.work.tasks_done - w.work.tasks_rejected).sum();
        gross as f64 / f64::from(tasks)
    };
    // Each side takes only its own tasks: $1.00 for specialists, $0.20 for the others.
    assert_eq!(per_task(&few, true), 100.0);
    assert_eq!(per_task(&few, false), 20.0);
    assert!(few.workers.iter().any(|w| w.specialty == "legal"));
    // More specialists share the same niche demand: fewer tasks each.
    let tasks_each = |r: &RunRecord| {
        let ws: Vec<_> = r.workers.iter().filter(|w| !w.specialty.is_empty()).collect();
        ws.iter().map(|w| f64::from(w.work.tasks_done)).sum::<f64>() / ws.len() as f64
    };
    assert!(
        tasks_each(&many) < 0.5 * tasks_each(&few),
        "{} vs {}",
        tasks_each(&many),
        tasks_each(&few)
    );
}

/// A delivery-like dispatch market: 30-minute jobs with travel, more demand than supply.
fn dispatch_market(dispatch: &str) -> String {
    format!(
        r#"
[simulation]
name = "d"
days = 14
seed = 9
[workers]
count = 100
reservation_wage = {{ dist = "uniform", low = 5.0, high = 15.0 }}
hours_per_day = {{ dist = "fixed", value = 4.0 }}
days_per_week = {{ dist = "fixed", value = 5.0 }}
[requesters]
count = 50
rating_probability = 0.8
[demand]
tasks_per_day = 900.0
noise_sigma = 0.0
[[tasks.categories]]
name = "delivery"
share = 1.0
pay_usd = {{ dist = "uniform", low = 14.0, high = 24.0 }}
pay_basis = "hour"
duration_seconds = {{ dist = "uniform", low = 600.0, high = 1200.0 }}
travel_seconds = {{ dist = "uniform", low = 300.0, high = 900.0 }}
batch_size = {{ dist = "fixed", value = 1.0 }}
[platform]
matching = "dispatch"
[platform.dispatch]
{dispatch}
"#
    )
}

#[test]
fn dispatch_surges_pay_when_demand_outruns_supply() {
    let flat = run(&dispatch_market(""));
    let surge = run(&dispatch_market(
        "surge_threshold = 1.0\nsurge_slope = 0.5\nsurge_cap = 2.0\n",
    ));
    assert!(flat.daily.iter().all(|d| d.surge_multiplier == 1.0));
    assert!(
        surge
            .daily
            .iter()
            .any(|d| d.surge_multiplier > 1.0 && d.surge_multiplier <= 2.0)
    );
    assert!(surge.run.books.worker_net_cents > flat.run.books.worker_net_cents);
    // Jobs are paid by the hour of expected time, travel included: $14–24 per hour.
    let per_hour = flat.run.books.worker_net_cents as f64 / 100.0 / flat.run.hours_paid;
    assert!((10.0..30.0).contains(&per_hour), "{per_hour}");
}

#[test]
fn dispatch_acceptance_gate_shuts_out_workers_who_decline() {
    let lenient = run(&dispatch_market("decline_probability = 0.4\n"));
    let strict = run(&dispatch_market("decline_probability = 0.4\nmin_acceptance = 0.7\n"));
    let active = |r: &RunRecord| r.workers.iter().filter(|w| w.work.tasks_done > 0).count();
    assert!(
        strict.run.tasks_done < lenient.run.tasks_done,
        "{} vs {}",
        strict.run.tasks_done,
        lenient.run.tasks_done
    );
    assert!(active(&strict) <= active(&lenient));
}

#[test]
fn dispatch_acceptance_gate_is_a_time_out_that_ends_as_refusals_fade() {
    let gate = "decline_probability = 0.4\nmin_acceptance = 0.7\n";
    let lasting = run(&dispatch_market(&format!("{gate}acceptance_window_days = 3650.0\n")));
    let short = run(&dispatch_market(&format!("{gate}acceptance_window_days = 1.0\n")));
    let offers = |r: &RunRecord| r.workers.iter().map(|w| w.work.offers_received).sum::<u64>();
    assert!(
        short.run.tasks_done > lasting.run.tasks_done && offers(&short) > offers(&lasting),
        "a one-day window lets timed-out workers back: {} vs {} tasks",
        short.run.tasks_done,
        lasting.run.tasks_done
    );
    for w in &short.workers {
        assert!(w.work.offers_accepted <= w.work.offers_received, "{w:?}");
        assert!(
            u64::from(w.work.tasks_done) <= w.work.offers_accepted + w.work.tasks_returned,
            "{w:?}"
        );
    }
}

/// Two board platforms every worker joins, sharing demand equally; `b_fee` is platform
/// b's worker fee in percent.
fn two_platforms(b_fee: f64) -> String {
    market(&format!(
        r#"
[[platforms]]
name = "a"
join_probability = 1.0
demand_share = 0.5
[[platforms]]
name = "b"
join_probability = 1.0
demand_share = 0.5
[platforms.fee]
worker_percent = {b_fee}
"#
    ))
}

/// Share of the time workers gave platform `name` (paid, unpaid and idle).
fn time_share(r: &RunRecord, name: &str) -> f64 {
    let given = |row: &gigsim::model::record::WorkerPlatformRow| {
        (row.work.paid_seconds + row.work.unpaid_seconds + row.work.idle_seconds) as f64
    };
    let on: f64 = r
        .worker_platforms
        .iter()
        .filter(|x| x.platform == name)
        .map(given)
        .sum();
    let all: f64 = r.worker_platforms.iter().map(given).sum();
    on / all
}

#[test]
fn multi_homers_move_their_time_to_the_platform_that_pays_them_more() {
    let even = run(&two_platforms(0.0));
    let taxed = run(&two_platforms(40.0));
    // Everyone is on both platforms, and each platform has its own row per worker.
    assert_eq!(even.worker_platforms.len(), 2 * even.workers.len());
    let (even_b, taxed_b) = (time_share(&even, "b"), time_share(&taxed, "b"));
    assert!(
        (even_b - 0.5).abs() < 0.05,
        "alike platforms get about half the time: {even_b}"
    );
    assert!(
        taxed_b < even_b - 0.05,
        "a 40% fee on b moves time to a: b's share {even_b:.3} -> {taxed_b:.3}"
    );
    // What b's workers keep per paid hour falls by the fee; a's does not.
    let net_per_hour = |r: &RunRecord, name: &str| {
        let rows = r.worker_platforms.iter().filter(|x| x.platform == name);
        let (net, secs) = rows.fold((0i64, 0u64), |(n, s), x| {
            (n + x.work.net_cents, s + x.work.paid_seconds)
        });
        net as f64 / secs as f64
    };
    assert!(net_per_hour(&taxed, "b") < 0.7 * net_per_hour(&taxed, "a"));
}

#[test]
fn requesters_post_only_on_the_platforms_they_joined() {
    let with = |b_join: &str| {
        let text = two_platforms(0.0).replace(
            "name = \"b\"\njoin_probability = 1.0",
            &format!("name = \"b\"\njoin_probability = 1.0\nrequester_join_probability = {b_join}"),
        );
        let r = run(&text);
        let posted = |name: &str| r.platforms.iter().find(|p| p.platform == name).unwrap().tasks_posted as f64;
        posted("b") / (posted("a") + posted("b"))
    };
    let everywhere = with("1.0");
    let half = with("0.5");
    let nobody = with("0.0");
    assert!(
        (everywhere - 0.5).abs() < 0.05,
        "every requester everywhere: b gets its demand share, {everywhere}"
    );
    // Half the requesters post on b (half of their batches), the rest only on a.
    assert!(half > 0.15 && half < 0.4, "half the requesters on b: {half}");
    assert_eq!(nobody, 0.0, "no requester on b: b gets no work");
}

#[test]
fn a_daily_exit_hazard_empties_the_pool_at_its_closed_form_rate() {
    // Nobody leaves for pay (exit_patience_days = 0) and nobody arrives: each of n workers
    // is still there after d days with probability (1 - h)^d.
    let (n, days, h) = (2000.0, 100.0, 0.01);
    let text = market("[churn]\nexit_patience_days = 0\nexit_hazard_percent = 1.0\n")
        .replace("days = 20", "days = 100")
        .replace("count = 200", "count = 2000");
    let r = run(&text);
    let stayed = r.workers.iter().filter(|w| w.exited_day.is_none()).count() as f64;
    let p = (1.0_f64 - h).powf(days);
    let sd = (n * p * (1.0 - p)).sqrt();
    assert!(
        (stayed - n * p).abs() < 5.0 * sd,
        "{stayed} stayed, expected {:.0} ± {sd:.0}",
        n * p
    );
    let none = run(&market("[churn]\nexit_patience_days = 0\n"));
    assert!(
        none.workers.iter().all(|w| w.exited_day.is_none()),
        "no hazard, nobody leaves"
    );
}
