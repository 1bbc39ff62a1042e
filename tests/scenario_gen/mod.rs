//! Random valid scenarios for the property tests, written as TOML text.
//!
//! A scenario is built from a *tape* of numbers that proptest draws (and shrinks): every
//! decision reads the next number, and a 0 always means the simplest choice (the
//! default, an option off, the smallest size), so a shrunk tape gives the simplest
//! scenario that still fails. Every section and option of a scenario can be drawn: one
//! `[platform]` or several `[[platforms]]`, the three matching modes, every fee
//! component, gates, payouts, warm-up, shocks, regimes, learning, switching, unpaid
//! work, churn, tools, taxes, niche categories with specialists, travel and hourly pay,
//! and variants. Sizes stay small (tens of workers, a few days) so that hundreds of
//! scenarios run in seconds.
#![allow(dead_code)]

use proptest::prelude::*;
use toml::{Table, Value};

/// The numbers a scenario is built from.
pub struct Tape {
    values: Vec<u32>,
    next: usize,
}

impl Tape {
    /// A tape over drawn numbers (read past the end, it gives 0: the simplest choice).
    pub fn new(values: Vec<u32>) -> Self {
        Tape { values, next: 0 }
    }

    fn raw(&mut self) -> u32 {
        let v = self.values.get(self.next).copied().unwrap_or(0);
        self.next += 1;
        v
    }

    /// A whole number in `0..n`.
    pub fn below(&mut self, n: u32) -> u32 {
        self.raw() % n.max(1)
    }

    /// Whether to turn an option on, with probability about 1 in `n` (0 = off).
    pub fn one_in(&mut self, n: u32) -> bool {
        self.below(n) == n - 1
    }

    /// A number in `[0, 1]`, on a grid of thousandths (0 for a 0 on the tape).
    pub fn unit(&mut self) -> f64 {
        f64::from(self.below(1001)) / 1000.0
    }

    /// A number in `[lo, hi]` (lo for a 0 on the tape), rounded to 4 decimals so the
    /// TOML text stays readable.
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        let x = lo + (hi - lo) * self.unit();
        ((x * 10_000.0).round() / 10_000.0).clamp(lo, hi)
    }

    /// A whole number in `[lo, hi]`.
    pub fn int(&mut self, lo: i64, hi: i64) -> i64 {
        lo + i64::from(self.below((hi - lo + 1) as u32))
    }
}

/// The configuration of a property test trying `cases` scenarios. The seed is fixed so
/// every run of the suite tries the same scenarios (a failure reproduces); set
/// `PROPTEST_RNG_SEED` to try others and `PROPTEST_CASES` to try more.
pub fn config(cases: u32) -> ProptestConfig {
    use proptest::test_runner::RngSeed;
    let mut c = ProptestConfig {
        cases,
        max_shrink_iters: 2000,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    if let Some(n) = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()) {
        c.cases = n;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        c.rng_seed = RngSeed::Fixed(0x6769_6773_696d);
    }
    c
}

/// The proptest strategy: a tape long enough for the largest scenario.
pub fn tapes() -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(any::<u32>(), 0..600)
}

fn f(x: f64) -> Value {
    Value::Float(x)
}

fn i(x: i64) -> Value {
    Value::Integer(x)
}

fn s(x: &str) -> Value {
    Value::String(x.into())
}

fn table(pairs: Vec<(&str, Value)>) -> Value {
    Value::Table(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// A distribution of any family for a key whose values may range over `[lo, hi]`, with
/// parameters in the typical range `[tlo, thi]` and sometimes explicit bounds.
pub fn dist(t: &mut Tape, lo: f64, hi: f64, tlo: f64, thi: f64) -> Value {
    // Now and then, the whole range the key allows: the extremes must work too.
    let (tlo, thi) = if t.one_in(10) { (lo, hi) } else { (tlo, thi) };
    let positive_lo = tlo.max(0.001);
    let mut d: Vec<(&str, Value)> = match t.below(6) {
        0 => vec![("dist", s("fixed")), ("value", f(t.range(tlo, thi)))],
        1 => {
            let a = t.range(tlo, thi);
            let b = t.range(a, thi);
            vec![("dist", s("uniform")), ("low", f(a)), ("high", f(b))]
        }
        2 => vec![
            ("dist", s("normal")),
            ("mean", f(t.range(tlo, thi))),
            ("sd", f(t.range(0.0, thi - tlo))),
        ],
        3 => vec![
            ("dist", s("lognormal")),
            ("median", f(t.range(positive_lo, thi.max(positive_lo)))),
            ("sigma", f(t.range(0.0, 1.5))),
        ],
        4 => vec![
            ("dist", s("beta")),
            ("a", f(t.range(0.2, 10.0))),
            ("b", f(t.range(0.2, 10.0))),
        ],
        _ => vec![
            ("dist", s("pareto")),
            ("scale", f(t.range(positive_lo, thi.max(positive_lo)))),
            ("shape", f(t.range(0.5, 5.0))),
        ],
    };
    if t.one_in(3) {
        let min = t.range(lo, tlo.max(lo));
        d.push(("min", f(min)));
        if t.one_in(2) {
            d.push(("max", f(t.range(min.max(thi.min(hi)), hi))));
        }
    } else if t.one_in(4) {
        d.push(("max", f(t.range(thi.min(hi), hi))));
    }
    table(d)
}

fn weekdays(t: &mut Tape, max: f64) -> Value {
    Value::Array((0..7).map(|_| f(t.range(0.0, max))).collect())
}

/// A random valid scenario as TOML text.
pub fn scenario(t: &mut Tape) -> String {
    let mut root = Table::new();
    let days = t.int(1, 8);
    let warmup = if t.one_in(3) { t.int(0, days - 1) } else { 0 };
    root.insert(
        "simulation".into(),
        table(vec![
            ("name", s("prop")),
            ("days", i(days)),
            ("warmup_days", i(warmup)),
            ("replicates", i(t.int(1, 2))),
            ("seed", i(i64::from(t.raw()))),
            ("wage_floor_usd", f(t.range(0.0, 20.0))),
            ("min_hours_for_wage", f(t.range(0.0, 2.0))),
        ]),
    );

    // Categories first: specialists need a niche category.
    let n_categories = t.int(1, 3) as usize;
    let mut categories = Vec::new();
    let mut any_niche = false;
    for k in 0..n_categories {
        // The first category is always open to everyone.
        let niche = k > 0 && t.one_in(2);
        any_niche |= niche;
        let hourly = t.one_in(4);
        let long = t.one_in(4);
        let (dlo, dhi) = if long { (3600.0, 60_000.0) } else { (1.0, 900.0) };
        let (plo, phi) = if hourly { (0.5, 40.0) } else { (0.01, 5.0) };
        let mut c = vec![
            ("name", s(&format!("c{k}"))),
            ("share", f(if k == 0 { t.range(0.1, 3.0) } else { t.range(0.0, 3.0) })),
            ("pay_usd", dist(t, 0.01, 1_000_000.0, plo, phi)),
            ("duration_seconds", dist(t, 1.0, 2_592_000.0, dlo, dhi)),
            ("batch_size", dist(t, 1.0, 1_000_000.0, 1.0, 40.0)),
            ("niche", Value::Boolean(niche)),
            ("pay_basis", s(if hourly { "hour" } else { "task" })),
        ];
        if t.one_in(3) {
            c.push(("travel_seconds", dist(t, 0.0, 86_400.0, 0.0, 900.0)));
        }
        categories.push(table(c));
    }

    root.insert(
        "workers".into(),
        table(vec![
            ("count", i(t.int(1, 40))),
            ("skill", dist(t, 0.0, 1.0, 0.0, 1.0)),
            ("speed", dist(t, 0.01, 100.0, 0.2, 4.0)),
            ("reservation_wage", dist(t, 0.0, 10_000.0, 0.0, 20.0)),
            ("hours_per_day", dist(t, 0.0, 24.0, 0.0, 12.0)),
            ("days_per_week", dist(t, 0.0, 7.0, 0.0, 7.0)),
            ("initial_rating", dist(t, 1.0, 5.0, 1.0, 5.0)),
            ("initial_reviews", dist(t, 0.0, 1e9, 0.0, 200.0)),
            ("experience_tasks", dist(t, 0.0, 1e9, 0.0, 2000.0)),
            ("initial_approval", dist(t, 0.0, 1.0, 0.0, 1.0)),
            ("efficiency", dist(t, 0.05, 1.0, 0.05, 1.0)),
            ("weekday_factors", weekdays(t, 7.0)),
            ("specialist_share", f(if any_niche { t.range(0.0, 1.0) } else { 0.0 })),
        ]),
    );

    let rejecting = t.range(0.0, 0.5);
    root.insert(
        "requesters".into(),
        table(vec![
            ("count", i(t.int(1, 12))),
            ("concentration", f(t.range(0.0, 3.0))),
            ("rejection_rate", dist(t, 0.0, 1.0, 0.0, 1.0)),
            ("rating_probability", f(t.unit())),
            ("good_work_stars", f(t.range(1.0, 5.0))),
            ("poor_work_stars", f(t.range(1.0, 5.0))),
            ("rating_noise", f(t.range(0.0, 2.0))),
            ("rejecting_share", f(rejecting)),
            ("rejecting_rate", f(t.unit())),
            ("nonpaying_share", f(t.range(0.0, 0.999 - rejecting))),
        ]),
    );
    root.insert("tasks".into(), table(vec![("categories", Value::Array(categories))]));

    let boom = t.range(0.0, 0.3);
    let mut demand = vec![
        (
            "tasks_per_day",
            // Zero demand, ordinary demand, or demand far above what workers can do.
            f(match t.below(5) {
                0 => t.range(0.0, 400.0),
                1 => 0.0,
                2 => t.range(2000.0, 6000.0),
                _ => t.range(0.0, 1500.0),
            }),
        ),
        ("weekday_factors", weekdays(t, 3.0)),
        ("season_amplitude", f(t.unit())),
        ("season_peak_day", i(t.int(1, 365))),
        ("noise_sigma", f(t.range(0.0, 1.0))),
        ("noise_autocorrelation", f(t.range(0.0, 0.999))),
        (
            "regimes",
            table(vec![
                ("boom_probability", f(boom)),
                ("bust_probability", f(t.range(0.0, 0.999 - boom))),
                ("mean_days", f(t.range(1.0, 20.0))),
                ("boom_multiplier", f(t.range(0.0, 3.0))),
                ("bust_multiplier", f(t.range(0.0, 1.5))),
            ]),
        ),
    ];
    let shocks: Vec<Value> = (0..t.below(3))
        .map(|_| {
            table(vec![
                ("start_day", i(t.int(1, 10))),
                ("days", i(t.int(1, 5))),
                ("multiplier", f(t.range(0.0, 4.0))),
            ])
        })
        .collect();
    if !shocks.is_empty() {
        demand.push(("shocks", Value::Array(shocks)));
    }
    root.insert("demand".into(), table(demand));

    let several = t.one_in(3);
    let n_platforms = if several { t.int(2, 3) as usize } else { 1 };
    let mut platforms = Vec::new();
    for k in 0..n_platforms {
        platforms.push(platform(t, k, several));
    }
    let platform_names: Vec<String> = (0..n_platforms).map(|k| format!("p{k}")).collect();
    if several {
        root.insert("platforms".into(), Value::Array(platforms));
    } else {
        root.insert("platform".into(), platforms.pop().expect("one platform"));
    }

    root.insert(
        "learning".into(),
        table(vec![
            ("exponent", f(if t.one_in(2) { t.range(0.0, 1.0) } else { 0.0 })),
            ("floor", f(t.range(0.05, 1.0))),
            ("accuracy_gain", f(t.range(0.0, 0.2))),
        ]),
    );
    root.insert(
        "switching".into(),
        table(vec![
            ("category_percent", f(t.range(0.0, 100.0))),
            ("requester_percent", f(t.range(0.0, 100.0))),
            ("batch_stay", f(1.0 - t.unit())),
        ]),
    );
    root.insert(
        "unpaid".into(),
        table(vec![
            (
                "return_probability",
                f(if t.one_in(2) { t.range(0.0, 0.6) } else { 0.0 }),
            ),
            ("review_seconds", i(t.int(0, 90))),
        ]),
    );
    root.insert(
        "churn".into(),
        table(vec![
            ("exit_patience_days", i(t.int(0, 4))),
            ("exit_window_days", f(t.range(1.0, 30.0))),
            ("entry_per_day", f(if t.one_in(2) { t.range(0.0, 6.0) } else { 0.0 })),
            ("entry_elasticity", f(t.range(0.0, 2.0))),
        ]),
    );
    root.insert(
        "tools".into(),
        table(vec![
            ("share", f(t.unit())),
            ("hours", f(t.range(0.0, 6.0))),
            ("speedup_percent", f(t.range(0.0, 90.0))),
        ]),
    );
    let self_employment = t.range(0.0, 100.0);
    root.insert(
        "taxes".into(),
        table(vec![
            ("self_employment_percent", f(self_employment)),
            ("self_employment_threshold_usd", f(t.range(0.0, 1000.0))),
            // The two rates add up to at most 100%, or the tax would exceed earnings.
            (
                "income_tax_percent",
                f(t.range(0.0, (99.999 - self_employment).max(0.0))),
            ),
            ("allowance_usd", f(t.range(0.0, 20_000.0))),
        ]),
    );
    // Charts never change results; SVG alone keeps the binary's runs quick.
    root.insert(
        "charts".into(),
        table(vec![
            ("width", i(t.int(320, 900))),
            ("height", i(t.int(240, 600))),
            ("formats", Value::Array(vec![s("svg")])),
        ]),
    );

    let variants: Vec<Value> = (0..t.below(3))
        .map(|k| variant(t, k, several, &platform_names))
        .collect();
    if !variants.is_empty() {
        root.insert("variants".into(), Value::Array(variants));
    }
    toml::to_string(&root).expect("a table serializes")
}

fn platform(t: &mut Tape, k: usize, several: bool) -> Value {
    let matching = ["board", "search", "dispatch"][t.below(3) as usize];
    let mut fee = vec![
        // Sometimes exactly 100%: the worker keeps nothing.
        (
            "worker_percent",
            f(match t.below(4) {
                1 => 100.0,
                2 => t.range(0.0, 100.0),
                _ => t.range(0.0, 30.0),
            }),
        ),
        ("requester_percent", f(t.range(0.0, 40.0))),
    ];
    if t.one_in(3) {
        fee.push(("worker_fixed_usd", f(t.range(0.0, 0.5))));
        fee.push(("requester_fixed_usd", f(t.range(0.0, 0.5))));
    }
    if t.one_in(3) {
        fee.push(("worker_min_usd", f(t.range(0.0, 0.3))));
        fee.push(("requester_min_usd", f(t.range(0.0, 0.3))));
    }
    if t.one_in(3) {
        fee.push(("batch_surcharge_percent", f(t.range(0.0, 40.0))));
        fee.push(("batch_surcharge_min_assignments", i(t.int(1, 20))));
    }
    if t.one_in(3) {
        fee.push(("small_order_fee_usd", f(t.range(0.0, 3.0))));
        fee.push(("small_order_threshold_usd", f(t.range(0.0, 10.0))));
    }
    if t.one_in(3) {
        fee.push(("processing_percent", f(t.range(0.0, 10.0))));
    }
    if t.one_in(3) {
        fee.push(("levy_percent", f(t.range(0.0, 20.0))));
        fee.push(("levy_side", s(if t.one_in(2) { "requester" } else { "worker" })));
    }
    if t.one_in(3) {
        fee.push(("pay_floor_usd_per_hour", f(t.range(0.0, 20.0))));
        fee.push(("pay_floor_action", s(if t.one_in(2) { "drop" } else { "raise" })));
    }
    if t.one_in(3) {
        fee.push(("pass_through", f(t.unit())));
    }
    if t.one_in(3) {
        fee.push(("demand_elasticity", f(t.range(0.0, 3.0))));
    }
    if t.one_in(4) {
        let n = t.int(1, 3);
        let mut up_to = 0.0;
        let tiers: Vec<Value> = (0..n)
            .map(|j| {
                let mut tier = vec![("percent", f(t.range(0.0, 100.0)))];
                if j + 1 < n {
                    up_to += t.range(0.05, 20.0);
                    tier.push(("up_to_usd", f((up_to * 100.0).round() / 100.0 + 0.01 * j as f64)));
                }
                table(tier)
            })
            .collect();
        fee.push(("tiers", Value::Array(tiers)));
    }
    let mut p = vec![
        ("name", s(&format!("p{k}"))),
        ("matching", s(matching)),
        ("offers_per_task", i(t.int(1, 20))),
        ("board_choices", i(t.int(1, 10))),
        ("search_seconds", i(t.int(0, 120))),
        ("fee", table(fee)),
        (
            "visibility",
            table(vec![
                // A gate nobody passes is one of the draws.
                ("min_rating", f(if t.one_in(6) { 5.0 } else { t.range(0.0, 5.0) })),
                ("min_reviews", i(t.int(0, 50))),
                ("rating_exponent", f(t.range(0.0, 5.0))),
                ("prior_reviews", f(t.range(0.0, 10.0))),
                ("prior_rating", f(t.range(1.0, 5.0))),
                ("newcomer_boost", f(t.range(0.0, 3.0))),
                ("min_approval", f(t.unit())),
                ("min_approved_tasks", i(t.int(0, 500))),
                ("open_share", f(1.0 - t.unit())),
            ]),
        ),
        (
            "payout",
            table(vec![
                ("delay_days", i(t.int(0, 5))),
                ("minimum_usd", f(t.range(0.0, 10.0))),
                ("interval_days", i(t.int(1, 7))),
                ("forfeit_below_minimum", Value::Boolean(t.one_in(2))),
            ]),
        ),
        (
            "dispatch",
            table(vec![
                ("min_acceptance", f(t.unit())),
                ("min_rating", f(t.range(0.0, 5.0))),
                ("decline_probability", f(t.range(0.0, 0.8))),
                ("surge_threshold", f(t.range(0.0, 3.0))),
                ("surge_slope", f(t.range(0.0, 3.0))),
                ("surge_cap", f(t.range(1.0, 5.0))),
            ]),
        ),
    ];
    if several {
        // The first platform always gets some work and some workers.
        let (join, share) = if k == 0 {
            (t.range(0.1, 1.0), t.range(0.1, 3.0))
        } else {
            (t.unit(), t.range(0.0, 3.0))
        };
        p.push(("join_probability", f(join)));
        p.push(("demand_share", f(share)));
    }
    table(p)
}

fn variant(t: &mut Tape, k: u32, several: bool, platforms: &[String]) -> Value {
    let prefix = if several {
        format!("platforms.{}", platforms[t.below(platforms.len() as u32) as usize])
    } else {
        "platform".into()
    };
    let mut set = Table::new();
    for _ in 0..t.int(1, 3) {
        let (key, value) = match t.below(6) {
            0 => (format!("{prefix}.fee.worker_percent"), f(t.range(0.0, 100.0))),
            1 => (format!("{prefix}.fee.requester_percent"), f(t.range(0.0, 50.0))),
            2 => (format!("{prefix}.visibility.min_rating"), f(t.range(0.0, 5.0))),
            3 => (
                format!("{prefix}.matching"),
                s(["board", "search", "dispatch"][t.below(3) as usize]),
            ),
            4 => ("demand.tasks_per_day".into(), f(t.range(0.0, 2000.0))),
            _ => (format!("{prefix}.payout.minimum_usd"), f(t.range(0.0, 5.0))),
        };
        set.insert(key, value);
    }
    table(vec![("name", s(&format!("v{k}"))), ("set", Value::Table(set))])
}
