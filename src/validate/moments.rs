//! The moments a run can be validated (and calibrated) against: one table of names,
//! units and definitions, each computed per replicate from the columns of `runs`,
//! `workers` and `daily` it names. The columns come either from a results folder's
//! Parquet files or straight from the run records in memory (through the column
//! definitions of `output::columns`), so a moment has one definition whichever way the
//! runs were made.

use std::collections::BTreeMap;
use std::path::Path;

use crate::metrics::{self, Support};
use crate::model::record::{RunRecord, wage_eligible};
use crate::output::OutputError;
use crate::output::charts::data::{floats, ids, read_columns};
use crate::output::columns::{self, numbers};
use crate::scenario::WageReporting;

/// The tables moments read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Table {
    /// `runs`: one row per run.
    Runs,
    /// `workers`: one row per worker.
    Workers,
    /// `daily`: one row per day.
    Daily,
}

impl Table {
    /// The table's name (its file stem).
    pub fn name(self) -> &'static str {
        match self {
            Table::Runs => "runs",
            Table::Workers => "workers",
            Table::Daily => "daily",
        }
    }
}

/// What a moment's value depends on besides the tables: the scenario's reporting rules
/// and its calendar.
#[derive(Clone, Copy, Debug, Default)]
pub struct Context {
    /// Which workers count in wage statistics.
    pub reporting: WageReporting,
    /// Days of warm-up before the metric period.
    pub warmup_days: u32,
    /// Days simulated in all.
    pub days: u32,
}

/// The columns of one replicate that some moment reads, as numbers (null → NaN).
#[derive(Clone, Debug, Default)]
pub struct Sample {
    columns: BTreeMap<(Table, String), Vec<f64>>,
}

impl Sample {
    /// Column `name` of `table` (empty when it was not read).
    pub fn get(&self, table: Table, name: &str) -> &[f64] {
        self.columns
            .get(&(table, name.to_string()))
            .map_or(&[][..], Vec::as_slice)
    }

    /// The single value of a `runs` column (NaN when missing).
    fn run(&self, name: &str) -> f64 {
        self.get(Table::Runs, name).first().copied().unwrap_or(f64::NAN)
    }

    /// The columns `moments` read, from one run's record.
    pub fn of_record(record: &RunRecord, moments: &[&Moment]) -> Sample {
        let mut columns = BTreeMap::new();
        for (table, name) in needed(moments) {
            let values = match table {
                Table::Runs => numbers(columns::RUNS, name, std::slice::from_ref(&record.run)),
                Table::Workers => numbers(columns::WORKERS, name, &record.workers),
                Table::Daily => numbers(columns::DAILY, name, &record.daily),
            };
            columns.insert((table, name.to_string()), values.unwrap_or_default());
        }
        Sample { columns }
    }

    /// The columns `moments` read, for each replicate of `variant` in a results folder
    /// (in replicate order).
    pub fn of_folder(dir: &Path, variant: &str, moments: &[&Moment]) -> Result<Vec<Sample>, OutputError> {
        let mut by_replicate: BTreeMap<u32, Sample> = BTreeMap::new();
        let wanted = needed(moments);
        for table in [Table::Runs, Table::Workers, Table::Daily] {
            let names: Vec<&str> = wanted.iter().filter(|(t, _)| *t == table).map(|(_, n)| *n).collect();
            if names.is_empty() && table != Table::Runs {
                continue;
            }
            let path = dir.join(format!("{}.parquet", table.name()));
            let mut read = vec!["variant", "replicate"];
            read.extend(&names);
            let df = read_columns(&path, &read)?;
            let variants = df
                .column("variant")
                .and_then(|c| c.str().cloned())
                .map_err(|e| OutputError::table(table.name(), e))?;
            let replicates = ids(&df, table.name(), "replicate")?;
            let keep: Vec<bool> = variants.iter().map(|v| v == Some(variant)).collect();
            for &r in replicates.iter().zip(&keep).filter(|(_, k)| **k).map(|(r, _)| r) {
                by_replicate.entry(r).or_default();
            }
            for name in names {
                let values = floats(&df, table.name(), name)?;
                for ((&r, &k), v) in replicates.iter().zip(&keep).zip(values) {
                    if k {
                        let sample = by_replicate.entry(r).or_default();
                        sample.columns.entry((table, name.to_string())).or_default().push(v);
                    }
                }
            }
        }
        Ok(by_replicate.into_values().collect())
    }
}

/// Every (table, column) the moments read, each once.
fn needed(moments: &[&Moment]) -> Vec<(Table, &'static str)> {
    let mut out: Vec<(Table, &'static str)> = moments.iter().flat_map(|m| m.uses.iter().copied()).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// A moment of the vocabulary.
pub struct Moment {
    /// Its name in a targets file.
    pub name: &'static str,
    /// Its unit (shares are 0–1, wages US$ per hour).
    pub unit: &'static str,
    /// What it is.
    pub doc: &'static str,
    /// Whether it takes a `threshold` (a wage, US$/h).
    pub threshold: bool,
    /// The columns it reads.
    pub uses: &'static [(Table, &'static str)],
    /// Its value in one replicate (`None` when undefined there, e.g. nobody was paid).
    pub compute: fn(&Sample, &Context, f64) -> Option<f64>,
}

impl Moment {
    /// Its value in one replicate; `threshold` is ignored by moments that take none.
    pub fn value(&self, sample: &Sample, context: &Context, threshold: Option<f64>) -> Option<f64> {
        (self.compute)(sample, context, threshold.unwrap_or(f64::NAN)).filter(|v| v.is_finite())
    }

    /// The values it can take, by its unit (shares in [0, 1]; wages, counts, days and
    /// ratios of them at least 0; trends and gaps anything), so its confidence interval
    /// is cut to them like the metrics' (`metrics::Estimate::within`).
    pub fn support(&self) -> Support {
        match self.unit {
            "share" | "0-1" => Support::UNIT,
            "US$/h" | "workers" | "days" | "ratio" => Support::NON_NEGATIVE,
            _ => Support::REAL,
        }
    }

    /// The tables it reads.
    pub fn tables(&self) -> Vec<Table> {
        let mut t: Vec<Table> = self.uses.iter().map(|(t, _)| *t).collect();
        t.dedup();
        t
    }
}

impl std::fmt::Debug for Moment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Moment").field(&self.name).finish()
    }
}

/// The moment called `name`.
pub fn find(name: &str) -> Option<&'static Moment> {
    MOMENTS.iter().find(|m| m.name == name)
}

/// Every moment's name, for error messages.
pub fn names() -> Vec<&'static str> {
    MOMENTS.iter().map(|m| m.name).collect()
}

const fn moment(
    name: &'static str,
    unit: &'static str,
    doc: &'static str,
    uses: &'static [(Table, &'static str)],
    compute: fn(&Sample, &Context, f64) -> Option<f64>,
) -> Moment {
    Moment {
        name,
        unit,
        doc,
        threshold: false,
        uses,
        compute,
    }
}

const fn with_threshold(m: Moment) -> Moment {
    Moment { threshold: true, ..m }
}

/// `part / whole`, undefined for an empty whole.
fn ratio(part: f64, whole: f64) -> Option<f64> {
    (whole > 0.0).then(|| part / whole)
}

fn sum(values: &[f64]) -> f64 {
    values.iter().filter(|v| v.is_finite()).sum()
}

/// The wages in `column` of the workers who count in wage statistics.
fn eligible_wages(s: &Sample, c: &Context, column: &str) -> Vec<f64> {
    let paid = s.get(Table::Workers, "paid_seconds");
    s.get(Table::Workers, column)
        .iter()
        .zip(paid)
        .filter(|(w, p)| w.is_finite() && wage_eligible(**p as u64, c.reporting))
        .map(|(w, _)| *w)
        .collect()
}

fn share_above(wages: &[f64], threshold: f64) -> Option<f64> {
    ratio(
        wages.iter().filter(|&&w| w > threshold).count() as f64,
        wages.len() as f64,
    )
}

/// Half-life of a worker in the pool, days: ln 2 over the exit rate per worker-day in
/// the metric period (exits by any cause over the days workers were registered in it).
fn half_life(s: &Sample, c: &Context) -> Option<f64> {
    let start = f64::from(c.warmup_days);
    let end = f64::from(c.days);
    let entered = s.get(Table::Workers, "entered_day");
    let exited = s.get(Table::Workers, "exited_day");
    let (mut exits, mut at_risk) = (0.0, 0.0);
    for (&e, &x) in entered.iter().zip(exited) {
        let from = e.max(start);
        let to = if x.is_finite() { x.min(end) } else { end };
        at_risk += (to - from).max(0.0);
        exits += f64::from(u8::from(x.is_finite() && x > start));
    }
    let rate = ratio(exits, at_risk)?;
    (rate > 0.0).then(|| std::f64::consts::LN_2 / rate)
}

/// Ordinary least-squares slope of `y` on `x` over the points where both are finite.
fn slope(x: &[f64], y: &[f64]) -> Option<f64> {
    let points: Vec<(f64, f64)> = x
        .iter()
        .zip(y)
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .map(|(a, b)| (*a, *b))
        .collect();
    let n = points.len() as f64;
    if n < 2.0 {
        return None;
    }
    let (mx, my) = (
        points.iter().map(|p| p.0).sum::<f64>() / n,
        points.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

/// Treated minus control newcomers' mean net income, US$ (the field experiment of
/// `churn.treated_share`): newcomers are workers who entered after day 0.
fn treatment_gap(s: &Sample) -> Option<f64> {
    let entered = s.get(Table::Workers, "entered_day");
    let treated = s.get(Table::Workers, "treated");
    let net = s.get(Table::Workers, "net_cents");
    let (mut t, mut c) = (Vec::new(), Vec::new());
    for ((&e, &tr), &n) in entered.iter().zip(treated).zip(net) {
        if e > 0.0 {
            if tr > 0.5 { t.push(n / 100.0) } else { c.push(n / 100.0) }
        }
    }
    Some(metrics::mean(&t)? - metrics::mean(&c)?)
}

const PAID: (Table, &str) = (Table::Workers, "paid_seconds");

/// The vocabulary. Wages are over the workers with at least
/// `simulation.min_hours_for_wage` paid hours, as in `runs`; shares are 0–1.
pub const MOMENTS: &[Moment] = &[
    moment(
        "median_hourly_wage_paid",
        "US$/h",
        "Median over workers of net pay per paid hour (runs.median_hourly_wage).",
        &[(Table::Runs, "median_hourly_wage")],
        |s, _, _| Some(s.run("median_hourly_wage")),
    ),
    moment(
        "mean_hourly_wage_paid",
        "US$/h",
        "Mean over workers of net pay per paid hour (runs.mean_hourly_wage).",
        &[(Table::Runs, "mean_hourly_wage")],
        |s, _, _| Some(s.run("mean_hourly_wage")),
    ),
    moment(
        "median_hourly_wage_all_time",
        "US$/h",
        "Median over workers of net pay per worked hour, paid and unpaid (searching, returned and rejected work): Hara et al.'s (2018) hourly wage.",
        &[(Table::Runs, "median_hourly_wage_all_time")],
        |s, _, _| Some(s.run("median_hourly_wage_all_time")),
    ),
    moment(
        "mean_hourly_wage_all_time",
        "US$/h",
        "Mean over workers of net pay per worked hour.",
        &[PAID, (Table::Workers, "hourly_wage_all_time")],
        |s, c, _| metrics::mean(&eligible_wages(s, c, "hourly_wage_all_time")),
    ),
    moment(
        "wage_ratio_all_time_to_paid",
        "ratio",
        "median_hourly_wage_all_time / median_hourly_wage_paid: how much unpaid time takes off the wage.",
        &[
            (Table::Runs, "median_hourly_wage_all_time"),
            (Table::Runs, "median_hourly_wage"),
        ],
        |s, _, _| ratio(s.run("median_hourly_wage_all_time"), s.run("median_hourly_wage")),
    ),
    with_threshold(moment(
        "share_above_hourly_wage_all_time",
        "share",
        "Share of workers whose net pay per worked hour is above `threshold` US$/h (e.g. 7.25, the US federal minimum wage).",
        &[PAID, (Table::Workers, "hourly_wage_all_time")],
        |s, c, t| share_above(&eligible_wages(s, c, "hourly_wage_all_time"), t),
    )),
    with_threshold(moment(
        "share_above_hourly_wage_paid",
        "share",
        "Share of workers whose net pay per paid hour is above `threshold` US$/h.",
        &[PAID, (Table::Workers, "hourly_wage")],
        |s, c, t| share_above(&eligible_wages(s, c, "hourly_wage"), t),
    )),
    moment(
        "share_tasks_returned",
        "share",
        "Tasks returned unfinished among tasks taken (returned + submitted).",
        &[(Table::Workers, "tasks_returned"), (Table::Workers, "tasks_done")],
        |s, _, _| {
            let returned = sum(s.get(Table::Workers, "tasks_returned"));
            ratio(returned, returned + sum(s.get(Table::Workers, "tasks_done")))
        },
    ),
    moment(
        "share_tasks_rejected",
        "share",
        "Tasks rejected among tasks submitted.",
        &[(Table::Workers, "tasks_rejected"), (Table::Workers, "tasks_done")],
        |s, _, _| {
            ratio(
                sum(s.get(Table::Workers, "tasks_rejected")),
                sum(s.get(Table::Workers, "tasks_done")),
            )
        },
    ),
    moment(
        "share_time_unpaid",
        "share",
        "Unpaid hours among hours worked (runs: hours_unpaid / (hours_paid + hours_unpaid)).",
        &[(Table::Runs, "hours_unpaid"), (Table::Runs, "hours_paid")],
        |s, _, _| ratio(s.run("hours_unpaid"), s.run("hours_paid") + s.run("hours_unpaid")),
    ),
    moment(
        "share_time_search",
        "share",
        "Hours searching for work among hours worked.",
        &[
            (Table::Runs, "hours_search"),
            (Table::Runs, "hours_unpaid"),
            (Table::Runs, "hours_paid"),
        ],
        |s, _, _| ratio(s.run("hours_search"), s.run("hours_paid") + s.run("hours_unpaid")),
    ),
    moment(
        "top10_share_tasks",
        "share",
        "Share of submitted tasks done by the 10% of active workers who did the most.",
        &[(Table::Workers, "tasks_done")],
        |s, _, _| {
            let active: Vec<f64> = s
                .get(Table::Workers, "tasks_done")
                .iter()
                .copied()
                .filter(|&t| t > 0.0)
                .collect();
            metrics::top_share(&active, 0.1)
        },
    ),
    moment(
        "top10_share_net_income",
        "share",
        "Share of net income earned by the top 10% of active workers (runs).",
        &[(Table::Runs, "top10_share_net_income")],
        |s, _, _| Some(s.run("top10_share_net_income")),
    ),
    moment(
        "gini_net_income",
        "0-1",
        "Gini coefficient of net income among active workers (runs).",
        &[(Table::Runs, "gini_net_income")],
        |s, _, _| Some(s.run("gini_net_income")),
    ),
    moment(
        "share_never_paid",
        "share",
        "Share of registered workers who earned nothing (runs).",
        &[(Table::Runs, "share_never_paid")],
        |s, _, _| Some(s.run("share_never_paid")),
    ),
    moment(
        "share_workers_active",
        "share",
        "Workers who submitted a task among those registered (runs).",
        &[(Table::Runs, "workers_active"), (Table::Runs, "workers_registered")],
        |s, _, _| ratio(s.run("workers_active"), s.run("workers_registered")),
    ),
    moment(
        "share_tasks_unfilled",
        "share",
        "Tasks posted that nobody took (runs).",
        &[(Table::Runs, "tasks_unfilled"), (Table::Runs, "tasks_posted")],
        |s, _, _| ratio(s.run("tasks_unfilled"), s.run("tasks_posted")),
    ),
    moment(
        "cohort_half_life_days",
        "days",
        "ln 2 over the daily exit rate (exits for any reason per worker-day registered in the metric period): the half-life of the pool.",
        &[(Table::Workers, "entered_day"), (Table::Workers, "exited_day")],
        |s, c, _| half_life(s, c),
    ),
    moment(
        "mean_daily_active_workers",
        "workers",
        "Mean over days of the workers who submitted a task that day (daily).",
        &[(Table::Daily, "workers_active")],
        |s, _, _| metrics::mean(s.get(Table::Daily, "workers_active")),
    ),
    moment(
        "peak_workers_logged_on",
        "workers",
        "Mean over days of the most workers logged on at once that day (daily.peak_workers_logged_on): concurrent workers, as Difallah et al. (WSDM 2018) count them on MTurk.",
        &[(Table::Daily, "peak_workers_logged_on")],
        |s, _, _| metrics::mean(s.get(Table::Daily, "peak_workers_logged_on")),
    ),
    moment(
        "mean_rating_trend_per_year",
        "stars/year",
        "Slope of the daily mean rating given (daily.mean_rating_given) on the day, per 365 days: rating inflation (Filippas, Horton & Golden 2022).",
        &[(Table::Daily, "day"), (Table::Daily, "mean_rating_given")],
        |s, _, _| slope(s.get(Table::Daily, "day"), s.get(Table::Daily, "mean_rating_given")).map(|b| b * 365.0),
    ),
    moment(
        "share_ever_earned",
        "share",
        "Registered workers paid at least once in the metric period (runs.workers_ever_earned / workers_registered).",
        &[
            (Table::Runs, "workers_ever_earned"),
            (Table::Runs, "workers_registered"),
        ],
        |s, _, _| ratio(s.run("workers_ever_earned"), s.run("workers_registered")),
    ),
    moment(
        "share_ever_active",
        "share",
        "Registered workers logged on at least once in the metric period (runs.workers_ever_active / workers_registered).",
        &[
            (Table::Runs, "workers_ever_active"),
            (Table::Runs, "workers_registered"),
        ],
        |s, _, _| ratio(s.run("workers_ever_active"), s.run("workers_registered")),
    ),
    moment(
        "treated_control_gap_usd",
        "US$",
        "Treated minus control newcomers' mean net income in the metric period (churn.treated_share; Pallais 2014).",
        &[
            (Table::Workers, "entered_day"),
            (Table::Workers, "treated"),
            (Table::Workers, "net_cents"),
        ],
        |s, _, _| treatment_gap(s),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_every_column_exists() {
        let mut names = names();
        names.sort_unstable();
        let n = names.len();
        names.dedup();
        assert_eq!(names.len(), n, "a moment name is repeated");
        let record = RunRecord::default();
        for m in MOMENTS {
            for (table, column) in m.uses {
                let known = match table {
                    Table::Runs => columns::RUNS.iter().any(|c| c.name == *column),
                    Table::Workers => columns::WORKERS.iter().any(|c| c.name == *column),
                    Table::Daily => columns::DAILY.iter().any(|c| c.name == *column),
                };
                assert!(known, "{}: {} has no column {column}", m.name, table.name());
            }
            let _ = m.value(&Sample::of_record(&record, &[m]), &Context::default(), Some(1.0));
        }
    }

    #[test]
    fn the_readme_lists_every_moment() {
        let readme = include_str!("../../README.md");
        for m in MOMENTS {
            assert!(readme.contains(&format!("| `{}` |", m.name)), "README lacks {}", m.name);
        }
    }

    #[test]
    fn the_rating_trend_is_the_least_squares_slope_per_year() {
        let day = [1.0, 2.0, 3.0, 4.0];
        let rating = [4.0, f64::NAN, 4.02, 4.03];
        // Points (1, 4.00), (3, 4.02), (4, 4.03): slope 0.01 a day.
        let b = slope(&day, &rating).unwrap();
        assert!((b - 0.01).abs() < 1e-12, "{b}");
        assert_eq!(slope(&[1.0], &[4.0]), None);
    }

    #[test]
    fn half_life_is_ln2_over_the_exit_rate() {
        // Two workers over days 10–20: one stays all 10 days, one leaves on day 15.
        let mut s = Sample::default();
        s.columns
            .insert((Table::Workers, "entered_day".into()), vec![0.0, 12.0]);
        s.columns
            .insert((Table::Workers, "exited_day".into()), vec![f64::NAN, 15.0]);
        let c = Context {
            warmup_days: 10,
            days: 20,
            ..Context::default()
        };
        let got = half_life(&s, &c).unwrap();
        assert!((got - std::f64::consts::LN_2 / (1.0 / 13.0)).abs() < 1e-12);
    }

    #[test]
    fn shares_above_a_wage_count_only_eligible_workers() {
        let mut s = Sample::default();
        s.columns
            .insert((Table::Workers, "paid_seconds".into()), vec![7200.0, 7200.0, 60.0, 0.0]);
        s.columns
            .insert((Table::Workers, "hourly_wage".into()), vec![10.0, 2.0, 50.0, f64::NAN]);
        let c = Context {
            reporting: WageReporting {
                wage_floor_usd: 0.0,
                min_paid_seconds: 3600.0,
            },
            ..Context::default()
        };
        let m = find("share_above_hourly_wage_paid").unwrap();
        assert_eq!(m.value(&s, &c, Some(7.25)), Some(0.5));
    }
}
