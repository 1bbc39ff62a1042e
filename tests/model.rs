//! The market behaves as the design says: gates hold, unfillable tasks stay unfilled,
//! and policies move outcomes in the expected direction.

use gigsim::model::market::Market;
use gigsim::model::record::RunRecord;
use gigsim::runner::run_one;
use gigsim::scenario::{Study, parse};

fn study(text: &str) -> Study {
    parse(text, "test.toml").unwrap_or_else(|e| panic!("{e}"))
}

fn runs(text: &str, replicates: u32) -> Vec<RunRecord> {
    let s = study(text);
    (0..replicates).map(|r| run_one(&s, 0, r)).collect()
}

fn mean(records: &[RunRecord], f: impl Fn(&RunRecord) -> f64) -> f64 {
    records.iter().map(f).sum::<f64>() / records.len() as f64
}

const ONE_KIND_OF_TASK: &str = r#"
[[tasks.categories]]
name = "only"
share = 1.0
pay_usd = { dist = "fixed", value = 0.50 }
duration_seconds = { dist = "fixed", value = 120.0 }
batch_size = { dist = "fixed", value = 5.0 }
"#;

fn market(matching: &str, extra: &str) -> String {
    format!(
        r#"
[simulation]
name = "t"
days = 15
seed = 11
[workers]
count = 300
reservation_wage = {{ dist = "fixed", value = 0.0 }}
hours_per_day = {{ dist = "fixed", value = 2.0 }}
days_per_week = {{ dist = "fixed", value = 7.0 }}
[requesters]
count = 30
[demand]
tasks_per_day = 3000.0
noise_sigma = 0.0
[platform]
matching = "{matching}"
{extra}
{ONE_KIND_OF_TASK}
"#
    )
}

#[test]
fn higher_worker_fee_lowers_net_pay_with_the_same_tasks_done() {
    let low = runs(&market("board", "[platform.fee]\nworker_percent = 5.0\n"), 3);
    let high = runs(&market("board", "[platform.fee]\nworker_percent = 25.0\n"), 3);
    for (l, h) in low.iter().zip(&high) {
        assert_eq!(l.run.tasks_done, h.run.tasks_done, "same tasks done");
        assert!(
            h.run.books.worker_net_cents < l.run.books.worker_net_cents,
            "{} vs {}",
            h.run.books.worker_net_cents,
            l.run.books.worker_net_cents
        );
        assert!(h.run.books.platform_fee_cents > l.run.books.platform_fee_cents);
    }
}

const SPREAD_RATINGS: &str = r#"
initial_rating = { dist = "uniform", low = 1.0, high = 5.0 }
initial_reviews = { dist = "fixed", value = 50.0 }
"#;

fn search_market(visibility: &str) -> String {
    // Demand well below supply, so who the platform shows decides who earns.
    market("search", "")
        .replace("[workers]\n", &format!("[workers]\n{SPREAD_RATINGS}"))
        .replace("tasks_per_day = 3000.0", "tasks_per_day = 1500.0")
        + &format!("\n[platform.visibility]\n{visibility}\n")
}

#[test]
fn higher_rating_exponent_raises_inequality_when_ratings_differ() {
    let flat = runs(&search_market("rating_exponent = 0.0"), 3);
    let steep = runs(&search_market("rating_exponent = 4.0"), 3);
    let g = |rs: &[RunRecord]| mean(rs, |r| r.run.gini_net_income.unwrap());
    assert!(
        g(&steep) > g(&flat) + 0.02,
        "gini {} (steep) vs {} (flat)",
        g(&steep),
        g(&flat)
    );
}

#[test]
fn higher_min_rating_lowers_active_workers() {
    // Few open tasks, so the gate decides who gets any work at all.
    let short = |v: &str| search_market(v).replace("days = 15", "days = 4");
    let open = runs(&short("min_rating = 0.0\nopen_share = 0.02"), 3);
    let gated = runs(&short("min_rating = 4.5\nopen_share = 0.02"), 3);
    let a = |rs: &[RunRecord]| mean(rs, |r| r.run.workers_active as f64);
    assert!(
        a(&gated) < a(&open),
        "active {} (gated) vs {} (open)",
        a(&gated),
        a(&open)
    );
}

#[test]
fn no_worker_below_the_gate_gets_a_gated_task_in_search() {
    // Every task is gated; ratings never change (no new reviews).
    let text = search_market("min_rating = 4.0\nopen_share = 0.0\nrating_exponent = 0.0")
        .replace("[requesters]\n", "[requesters]\nrating_probability = 0.0\n");
    let rec = run_one(&study(&text), 0, 0);
    let below: Vec<_> = rec.workers.iter().filter(|w| w.rating.unwrap() < 4.0).collect();
    assert!(below.len() > 100, "the test needs workers below the gate");
    assert!(
        below.iter().all(|w| w.work.tasks_done == 0),
        "a worker below the gate got work"
    );
    assert!(
        rec.workers.iter().any(|w| w.work.tasks_done > 0),
        "workers above the gate worked"
    );
}

#[test]
fn a_task_nobody_is_eligible_for_stays_unfilled() {
    for matching in ["search", "board"] {
        let text = market(
            matching,
            "[platform.visibility]\nmin_reviews = 1000000000\nopen_share = 0.0\n",
        );
        let rec = run_one(&study(&text), 0, 0);
        assert_eq!(rec.run.tasks_done, 0, "{matching}");
        assert_eq!(rec.run.tasks_unfilled, rec.run.tasks_posted, "{matching}");
        assert!(rec.run.tasks_posted > 0);
    }
}

#[test]
fn workers_decline_work_below_their_reservation_wage() {
    // $0.50 for 120 s at speed 1 is $15/h; a worker of speed v earns $15·v per hour of
    // their own time, and declines when that is below their reservation wage.
    let text = market("board", "").replace(
        "reservation_wage = { dist = \"fixed\", value = 0.0 }",
        "reservation_wage = { dist = \"uniform\", low = 5.0, high = 25.0 }",
    );
    let s = study(&text);
    let sc = &s.base().scenario;
    let mut m = Market::new(sc, 0, 1.0);
    for day in 1..=sc.days {
        m.step(day);
    }
    let (mut declined, mut worked) = (0, 0);
    for member in m.members() {
        let w = &m.workers()[member.worker as usize];
        let earns_per_hour = 1500.0 * f64::from(w.speed);
        if f64::from(w.reservation_cents_per_hour) > earns_per_hour + 1.0 {
            assert_eq!(
                member.totals.tasks_done, 0,
                "a worker took work below their reservation wage"
            );
            declined += 1;
        } else if member.totals.tasks_done > 0 {
            worked += 1;
        }
    }
    assert!(declined > 20 && worked > 20, "declined {declined}, worked {worked}");
}

fn fee_market(fee: &str) -> String {
    market("board", &format!("[platform.fee]\nrequester_min_usd = 0.0\n{fee}\n"))
}

#[test]
fn passing_requester_fees_through_lowers_worker_pay() {
    let kept = runs(&fee_market("requester_percent = 20.0\npass_through = 0.0"), 2);
    let passed = runs(&fee_market("requester_percent = 20.0\npass_through = 1.0"), 2);
    for (k, p) in kept.iter().zip(&passed) {
        assert!(p.run.books.worker_net_cents < k.run.books.worker_net_cents);
        // Posted pay falls by about the fee: 50 cents → 50 − 10 = 40 cents.
        let ratio = p.run.books.worker_net_cents as f64 / k.run.books.worker_net_cents as f64;
        assert!((ratio - 0.8).abs() < 0.02, "{ratio}");
    }
}

#[test]
fn demand_falls_with_the_all_in_cost_when_it_responds() {
    let s = study(
        &(fee_market("requester_percent = 10.0\ndemand_elasticity = 1.0")
            + "\n[[variants]]\nname = \"dear\"\nset = { \"platform.fee.requester_percent\" = 30.0 }\n"),
    );
    let cheap = run_one(&s, 0, 0);
    let dear = run_one(&s, 1, 0);
    // Cost per task rises by 130/110; with elasticity 1 tasks posted fall to 110/130.
    let ratio = dear.run.tasks_posted as f64 / cheap.run.tasks_posted as f64;
    assert!((ratio - 110.0 / 130.0).abs() < 0.01, "{ratio}");
    let fixed = study(
        &(fee_market("requester_percent = 10.0")
            + "\n[[variants]]\nname = \"dear\"\nset = { \"platform.fee.requester_percent\" = 30.0 }\n"),
    );
    assert_eq!(
        run_one(&fixed, 0, 0).run.tasks_posted,
        run_one(&fixed, 1, 0).run.tasks_posted
    );
}

#[test]
fn a_pay_floor_raises_or_drops_tasks_below_it() {
    // Every task pays $0.50 for 120 s ($15/h): a $20/h floor binds on all of them.
    let raised = run_one(
        &study(&fee_market(
            "pay_floor_usd_per_hour = 20.0\npay_floor_action = \"raise\"",
        )),
        0,
        0,
    );
    let dropped = run_one(
        &study(&fee_market(
            "pay_floor_usd_per_hour = 20.0\npay_floor_action = \"drop\"",
        )),
        0,
        0,
    );
    let none = run_one(&study(&fee_market("pay_floor_usd_per_hour = 0.0")), 0, 0);
    assert_eq!(raised.run.floor_raised_tasks, raised.run.tasks_posted);
    assert_eq!(raised.run.tasks_done, none.run.tasks_done);
    // 120 s at $20/h is 66.7 cents, rounded up to 67.
    assert_eq!(
        raised.run.books.worker_net_cents * 50,
        none.run.books.worker_net_cents * 67
    );
    assert_eq!(dropped.run.tasks_posted, 0);
    assert!(dropped.run.floor_dropped_tasks > 0);
    assert_eq!((none.run.floor_raised_tasks, none.run.floor_dropped_tasks), (0, 0));
}
