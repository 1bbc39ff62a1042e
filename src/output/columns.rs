//! Every column of every table, stated once: its name, unit, type, definition, and how
//! its value is read from the row the model recorded (`model::record`) or from the
//! summary's rows.
//!
//! Everything else follows from these tables: `tables` builds each frame by one loop
//! over a table's columns, so a column's name, order and type cannot differ from what
//! is written here; `columns.md` (and `docs/columns.md`) is rendered from them; the
//! summary and the report take a metric's unit from them.
//!
//! Adding a column is one entry here plus the model code that computes the value (for a
//! per-run table: a field of its row in `model::record`, set where the row is made in
//! `model::market`).

use super::comparison::Contrast;
use super::summary::SummaryRow;
use crate::metrics::Support;
use crate::model::record::{DailyRow, PlatformRunRow, RunRow, WorkerPlatformRow, WorkerRow};
use crate::sensitivity::Index;
use crate::validate::Check;
use Get::*;

/// How a column's value is read from a row of its table. The variant is also the
/// column's type in Parquet and CSV, so the compiler checks each getter against the
/// type the table promises.
pub enum Get<R> {
    /// The run's variant name (per-run tables; the same in every row of a run).
    Variant,
    /// The run's replicate number (per-run tables), written as `i64`.
    Replicate,
    /// A count or id held as `u32` in the record, written as `i64`.
    U32(fn(&R) -> u32),
    /// A count held as `u64` in the record, written as `i64`.
    U64(fn(&R) -> u64),
    /// A signed 64-bit integer (money in cents).
    I64(fn(&R) -> i64),
    /// A float.
    F64(fn(&R) -> f64),
    /// `true` or `false`.
    Bool(fn(&R) -> bool),
    /// Text.
    Text(fn(&R) -> &str),
    /// Text or null (empty in CSV): null where the record's text is empty.
    MaybeText(fn(&R) -> &str),
    /// A `u32` of the record or null (empty in CSV), written as `i64`.
    MaybeU32(fn(&R) -> Option<u32>),
    /// A float or null (empty in CSV).
    MaybeF64(fn(&R) -> Option<f64>),
    /// `true`, `false` or null (empty in CSV).
    MaybeBool(fn(&R) -> Option<bool>),
}

impl<R> Get<R> {
    /// The column's type as `columns.md` names it.
    pub fn dtype(&self) -> &'static str {
        match self {
            Variant | Text(_) => "string",
            MaybeText(_) => "string or null",
            // Every integer is written signed 64-bit, as R and pandas read integers
            // without surprise: counts, ids, days and cents alike.
            Replicate | U32(_) | U64(_) | I64(_) => "i64",
            F64(_) => "f64",
            Bool(_) => "bool",
            MaybeU32(_) => "i64 or null",
            MaybeF64(_) => "f64 or null",
            MaybeBool(_) => "bool or null",
        }
    }
}

impl<R> Get<R> {
    /// The value in `row` as a number, for statistics over a column: integers and
    /// floats as they are, `true` as 1, null, names and text as NaN.
    pub fn number(&self, row: &R) -> f64 {
        match self {
            U32(f) => f64::from(f(row)),
            U64(f) => f(row) as f64,
            I64(f) => f(row) as f64,
            F64(f) => f(row),
            Bool(f) => f64::from(u8::from(f(row))),
            MaybeU32(f) => f(row).map_or(f64::NAN, f64::from),
            MaybeF64(f) => f(row).unwrap_or(f64::NAN),
            MaybeBool(f) => f(row).map_or(f64::NAN, |b| f64::from(u8::from(b))),
            Variant | Replicate | Text(_) | MaybeText(_) => f64::NAN,
        }
    }
}

/// The values of column `name` over `rows` as numbers ([`Get::number`]); `None` when
/// the table has no such column.
pub fn numbers<R>(columns: &[Column<R>], name: &str, rows: &[R]) -> Option<Vec<f64>> {
    let column = columns.iter().find(|c| c.name == name)?;
    Some(rows.iter().map(|r| column.get.number(r)).collect())
}

/// One column of a table whose rows are `R`s.
pub struct Column<R> {
    /// Column name.
    pub name: &'static str,
    /// Unit ("" for none).
    pub unit: &'static str,
    /// Definition.
    pub doc: &'static str,
    /// How its value is read from a row (and so its type).
    pub get: Get<R>,
}

impl<R> Column<R> {
    /// What `columns.md` says of the column.
    pub fn describe(&self) -> Doc {
        Doc {
            name: self.name,
            dtype: self.get.dtype(),
            unit: self.unit,
            doc: self.doc,
        }
    }
}

const fn col<R>(name: &'static str, unit: &'static str, doc: &'static str, get: Get<R>) -> Column<R> {
    Column { name, unit, doc, get }
}

const VARIANT_DOC: &str = "Variant name (a string); `base` is the scenario as written.";

/// The first column of every per-run table.
const fn variant<R>() -> Column<R> {
    col("variant", "", VARIANT_DOC, Variant)
}

/// The second column of every per-run table.
const fn replicate<R>() -> Column<R> {
    col("replicate", "", "Replicate number, from 0.", Replicate)
}

/// A mean that is not a number (no replicate had a value) is written as null.
fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// Columns of `runs`.
#[rustfmt::skip]
pub const RUNS: &[Column<RunRow>] = &[
    variant(),
    replicate(),
    col("seed", "", "Master seed of the run.", U64(|r| r.seed)),
    col("days", "days", "Days in the metric period (simulated days minus warm-up).", U32(|r| r.days)),
    col("workers_registered", "workers", "Workers registered at some point of the metric period.", U64(|r| r.workers_registered)),
    col("workers_active", "workers", "Workers who submitted at least one task.", U64(|r| r.workers_active)),
    col("workers_ever_active", "workers", "Of workers_registered, those logged on at least once in the metric period: with any paid or unpaid time (a task, a return, a rejection, searching for work, building tools); time that is only idle is not logged on. Dormant profiles count while their sessions fall in the metric period.", U64(|r| r.workers_ever_active)),
    col("workers_ever_earned", "workers", "Of workers_registered, those paid at least once in the metric period (net earnings above zero): workers_registered x (1 - share_never_paid).", U64(|r| r.workers_ever_earned)),
    col("tasks_posted", "tasks", "Tasks posted.", U64(|r| r.tasks_posted)),
    col("tasks_done", "tasks", "Tasks submitted (approved or rejected); a job spanning days counts on the day it ends.", U64(|r| r.tasks_done)),
    col("tasks_unfilled", "tasks", "Tasks posted that nobody took.", U64(|r| r.tasks_unfilled)),
    col("hours_paid", "hours", "Hours of approved work, all workers.", F64(|r| r.hours_paid)),
    col("hours_unpaid", "hours", "Hours of unpaid work (searching, returned and rejected tasks), all workers.", F64(|r| r.hours_unpaid)),
    col("hours_search", "hours", "Of hours_unpaid, hours logged on looking for work (board picks, and waiting up to workers.search_patience_minutes).", F64(|r| r.hours_search)),
    col("requester_spend_cents", "US cents", "Everything requesters paid: worker_net + platform_fee + levy + processing.", I64(|r| r.books.requester_spend_cents)),
    col("worker_net_cents", "US cents", "What workers kept: paid_out + pending + forfeited.", I64(|r| r.books.worker_net_cents)),
    col("paid_out_cents", "US cents", "Paid out to workers.", I64(|r| r.books.paid_out_cents)),
    col("pending_cents", "US cents", "Earned by workers and still held by the platform at the end.", I64(|r| r.books.pending_cents)),
    col("platform_fee_cents", "US cents", "Platform fees, requester and worker side.", I64(|r| r.books.platform_fee_cents)),
    col("levy_cents", "US cents", "Levies for a welfare fund.", I64(|r| r.books.levy_cents)),
    col("processing_cents", "US cents", "Payment processing (not platform revenue).", I64(|r| r.books.processing_cents)),
    col("forfeited_cents", "US cents", "Balances kept by the platform when workers left below the payout minimum.", I64(|r| r.books.forfeited_cents)),
    col("gini_net_income", "0-1", "Gini coefficient of net income among active workers.", MaybeF64(|r| r.gini_net_income)),
    col("top10_share_net_income", "share", "Share of net income earned by the top 10% of active workers.", MaybeF64(|r| r.top10_share_net_income)),
    col("share_never_paid", "share", "Share of registered workers who earned nothing.", MaybeF64(|r| r.share_never_paid)),
    col("mean_hourly_wage", "US$/h", "Mean of net pay per paid hour, over workers with at least min_hours_for_wage paid hours.", MaybeF64(|r| r.mean_hourly_wage)),
    col("median_hourly_wage", "US$/h", "Median of the same.", MaybeF64(|r| r.median_hourly_wage)),
    col("median_hourly_wage_all_time", "US$/h", "Median of net pay per worked hour (paid and unpaid), same workers.", MaybeF64(|r| r.median_hourly_wage_all_time)),
    col("share_below_wage_floor", "share", "Share of those workers earning less per paid hour than wage_floor_usd.", MaybeF64(|r| r.share_below_wage_floor)),
    col("floor_raised_tasks", "tasks", "Tasks whose pay the platform's pay floor raised.", U64(|r| r.floor_raised_tasks)),
    col("floor_dropped_tasks", "tasks", "Tasks the platform's pay floor kept from being posted.", U64(|r| r.floor_dropped_tasks)),
];

/// Columns of `workers`.
#[rustfmt::skip]
pub const WORKERS: &[Column<WorkerRow>] = &[
    variant(),
    replicate(),
    col("worker_id", "", "Worker id, the same person in every variant of a replicate.", U32(|r| r.worker_id)),
    col("entered_day", "day", "Day the worker registered (0 = before day 1).", U32(|r| r.entered_day)),
    col("exited_day", "day", "Day the worker left (empty if they stayed).", MaybeU32(|r| r.exited_day)),
    col("first_task_day", "day", "First day the worker finished a task (empty if never).", MaybeU32(|r| r.first_task_day)),
    col("platforms_joined", "platforms", "Platforms the worker joined.", U32(|r| r.platforms_joined)),
    col("tasks_done", "tasks", "Tasks submitted (approved or rejected).", U32(|r| r.work.tasks_done)),
    col("tasks_rejected", "tasks", "Tasks rejected (unpaid).", U32(|r| r.work.tasks_rejected)),
    col("tasks_returned", "tasks", "Tasks started and returned unfinished (unpaid).", U64(|r| r.work.tasks_returned)),
    col("gross_cents", "US cents", "Pay of approved tasks before worker-side fees.", I64(|r| r.work.gross_cents)),
    col("fee_cents", "US cents", "Worker-side platform fees and levy.", I64(|r| r.work.fee_cents)),
    col("net_cents", "US cents", "gross - fee: what the worker kept; = paid_out + pending + forfeited.", I64(|r| r.work.net_cents)),
    col("paid_out_cents", "US cents", "Paid out to the worker.", I64(|r| r.work.paid_out_cents)),
    col("pending_cents", "US cents", "Held by the platform at the end.", I64(|r| r.work.pending_cents)),
    col("forfeited_cents", "US cents", "Kept by the platform when the worker left below the payout minimum.", I64(|r| r.work.forfeited_cents)),
    col("paid_seconds", "seconds", "Time on approved work.", U64(|r| r.work.paid_seconds)),
    col("unpaid_seconds", "seconds", "Time logged on without pay: searching for work (search_seconds), returned and rejected tasks, building tools.", U64(|r| r.work.unpaid_seconds)),
    col("search_seconds", "seconds", "Of unpaid_seconds, time looking for work: board picks, and waiting for work up to workers.search_patience_minutes.", U64(|r| r.work.search_seconds)),
    col("idle_seconds", "seconds", "Time available but not logged on; paid + unpaid + idle is the time the worker's schedule gave (less a job still in progress at the end).", U64(|r| r.work.idle_seconds)),
    col("offers_received", "offers", "dispatch: jobs the platform offered the worker (0 on other platforms).", U64(|r| r.work.offers_received)),
    col("offers_accepted", "offers", "dispatch: offers the worker took.", U64(|r| r.work.offers_accepted)),
    col("hourly_wage", "US$/h", "net / paid hours (empty without paid time).", MaybeF64(|r| r.work.hourly_wage)),
    col("hourly_wage_all_time", "US$/h", "net / (paid + unpaid) hours.", MaybeF64(|r| r.hourly_wage_all_time)),
    col("rating", "stars", "Mean star rating at the end (empty without reviews).", MaybeF64(|r| r.rating)),
    col("reviews", "reviews", "Reviews at the end, including those before day 1.", U64(|r| r.reviews)),
    col("approval_rate", "share", "Share of the worker's submitted work ever approved, including before day 1.", F64(|r| r.approval_rate)),
    col("experience_tasks", "tasks", "Tasks the worker had done before entering (0 for newcomers).", U32(|r| r.experience_tasks)),
    col("uses_tools", "", "Whether the worker invested unpaid time in tools and templates ([tools]).", Bool(|r| r.uses_tools)),
    col("dormant", "", "Whether the worker's profile is dormant (workers.dormant_share): it logged on for a few sessions, never took work, and stopped logging on while staying registered.", Bool(|r| r.dormant)),
    col("treated", "", "Whether the worker is a treated newcomer of the field experiment (churn.treated_share): joined with one approved hire and a 5-star review. Control newcomers are those with entered_day > 0 and treated false.", Bool(|r| r.treated)),
    col("tax_cents", "US cents", "Estimated tax on net earnings ([taxes]; 0 when off).", I64(|r| r.tax_cents)),
    col("after_tax_cents", "US cents", "net - tax.", I64(|r| r.after_tax_cents)),
    col("specialty", "", "The niche category the worker specialises in (null for generalists).", MaybeText(|r| r.specialty.as_str())),
];

/// Columns of `daily`.
#[rustfmt::skip]
pub const DAILY: &[Column<DailyRow>] = &[
    variant(),
    replicate(),
    col("day", "day", "Day, from 1.", U32(|r| r.day)),
    col("demand_multiplier", "multiplier", "weekday x season x regime x noise x shocks.", F64(|r| r.demand_multiplier)),
    col("tasks_posted", "tasks", "Tasks posted that day.", U64(|r| r.tasks_posted)),
    col("tasks_done", "tasks", "Tasks submitted that day.", U64(|r| r.tasks_done)),
    col("tasks_unfilled", "tasks", "Tasks posted that day that nobody took.", U64(|r| r.tasks_unfilled)),
    col("workers_active", "workers", "Workers who submitted a task that day.", U64(|r| r.workers_active)),
    col("peak_workers_logged_on", "workers", "Most workers logged on at once that day, counted at every minute mark: each session starts at the worker's workers.session_start_hour and lasts their paid + unpaid time that day (dormant profiles' search sessions included), wrapping past midnight into the day's early hours.", U64(|r| r.peak_workers_logged_on)),
    col("entries", "workers", "Workers who arrived that day.", U64(|r| r.entries)),
    col("exits", "workers", "Workers who left that day.", U64(|r| r.exits)),
    col("mean_hourly_wage", "US$/h", "Mean over workers paid that day of their net per paid hour that day.", MaybeF64(|r| r.mean_hourly_wage)),
    col("median_hourly_wage", "US$/h", "Median of the same.", MaybeF64(|r| r.median_hourly_wage)),
    col("mean_rating_given", "stars", "Mean stars of the ratings requesters gave that day, all platforms (empty when none); with requesters.leniency it drifts up over calendar time.", MaybeF64(|r| r.mean_rating_given)),
    col("platform_fee_cents", "US cents", "Platform fees that day.", I64(|r| r.platform_fee_cents)),
    col("worker_net_cents", "US cents", "Workers' net pay that day.", I64(|r| r.worker_net_cents)),
    col("surge_multiplier", "multiplier", "Dispatch surge multiplier of pay that day (1 without surge).", F64(|r| r.surge_multiplier)),
];

/// Columns of `worker_platforms`.
#[rustfmt::skip]
pub const WORKER_PLATFORMS: &[Column<WorkerPlatformRow>] = &[
    variant(),
    replicate(),
    col("worker_id", "", "Worker id (as in `workers`).", U32(|r| r.worker_id)),
    col("platform", "", "Platform name.", Text(|r| r.platform.as_str())),
    col("tasks_done", "tasks", "Tasks submitted on this platform.", U32(|r| r.work.tasks_done)),
    col("tasks_rejected", "tasks", "Tasks rejected on this platform.", U32(|r| r.work.tasks_rejected)),
    col("tasks_returned", "tasks", "Tasks returned unfinished on this platform.", U64(|r| r.work.tasks_returned)),
    col("gross_cents", "US cents", "Pay of approved tasks before worker-side fees.", I64(|r| r.work.gross_cents)),
    col("fee_cents", "US cents", "Worker-side fees and levy on this platform.", I64(|r| r.work.fee_cents)),
    col("net_cents", "US cents", "gross - fee; = paid_out + pending + forfeited.", I64(|r| r.work.net_cents)),
    col("paid_out_cents", "US cents", "Paid out by this platform.", I64(|r| r.work.paid_out_cents)),
    col("pending_cents", "US cents", "Held by this platform at the end.", I64(|r| r.work.pending_cents)),
    col("forfeited_cents", "US cents", "Kept by this platform below its payout minimum.", I64(|r| r.work.forfeited_cents)),
    col("paid_seconds", "seconds", "Time on approved work on this platform.", U64(|r| r.work.paid_seconds)),
    col("unpaid_seconds", "seconds", "Unpaid time on this platform.", U64(|r| r.work.unpaid_seconds)),
    col("search_seconds", "seconds", "Of that, time looking for work on this platform.", U64(|r| r.work.search_seconds)),
    col("idle_seconds", "seconds", "Time given to this platform but not logged on.", U64(|r| r.work.idle_seconds)),
    col("offers_received", "offers", "dispatch: jobs the platform offered the worker (0 on other platforms).", U64(|r| r.work.offers_received)),
    col("offers_accepted", "offers", "dispatch: offers the worker took.", U64(|r| r.work.offers_accepted)),
    col("hourly_wage", "US$/h", "net / paid hours on this platform.", MaybeF64(|r| r.work.hourly_wage)),
    col("rating", "stars", "Mean star rating on this platform.", MaybeF64(|r| r.rating)),
    col("reviews", "reviews", "Reviews on this platform.", U32(|r| r.reviews)),
    col("approval_rate", "share", "Share of work approved on this platform.", F64(|r| r.approval_rate)),
];

/// Columns of `platform_runs`.
#[rustfmt::skip]
pub const PLATFORM_RUNS: &[Column<PlatformRunRow>] = &[
    variant(),
    replicate(),
    col("platform", "", "Platform name.", Text(|r| r.platform.as_str())),
    col("workers_joined", "workers", "Workers who joined the platform (registered in the metric period).", U64(|r| r.workers_joined)),
    col("workers_active", "workers", "Of those, workers who submitted a task there.", U64(|r| r.workers_active)),
    col("tasks_posted", "tasks", "Tasks posted there.", U64(|r| r.tasks_posted)),
    col("tasks_done", "tasks", "Tasks submitted there.", U64(|r| r.tasks_done)),
    col("tasks_unfilled", "tasks", "Tasks posted there that nobody took.", U64(|r| r.tasks_unfilled)),
    col("requester_spend_cents", "US cents", "Everything requesters paid there.", I64(|r| r.books.requester_spend_cents)),
    col("worker_net_cents", "US cents", "Workers' net pay there.", I64(|r| r.books.worker_net_cents)),
    col("paid_out_cents", "US cents", "Paid out there.", I64(|r| r.books.paid_out_cents)),
    col("pending_cents", "US cents", "Held there at the end.", I64(|r| r.books.pending_cents)),
    col("platform_fee_cents", "US cents", "The platform's fees.", I64(|r| r.books.platform_fee_cents)),
    col("levy_cents", "US cents", "Levies there.", I64(|r| r.books.levy_cents)),
    col("processing_cents", "US cents", "Payment processing there.", I64(|r| r.books.processing_cents)),
    col("forfeited_cents", "US cents", "Balances the platform kept.", I64(|r| r.books.forfeited_cents)),
    col("median_hourly_wage", "US$/h", "Median net per paid hour there, over workers with at least min_hours_for_wage paid hours there.", MaybeF64(|r| r.median_hourly_wage)),
];

/// Columns of `summary.csv`.
#[rustfmt::skip]
pub const SUMMARY: &[Column<SummaryRow>] = &[
    col("variant", "", VARIANT_DOC, Text(|r| r.variant.as_str())),
    col("metric", "", "Headline metric (a column of `runs`).", Text(|r| r.metric.as_str())),
    col("mean", "unit of the metric", "Mean across replicates.", MaybeF64(|r| finite(r.estimate.mean))),
    col("sd", "unit of the metric", "Standard deviation across replicates (empty for one replicate).", MaybeF64(|r| r.estimate.sd)),
    col("ci_low", "unit of the metric", "Lower end of the 95% confidence interval of the mean (Student's t, n-1 df, cut to the values the metric can take: see the note above).", MaybeF64(|r| r.estimate.ci_low)),
    col("ci_high", "unit of the metric", "Upper end of the same.", MaybeF64(|r| r.estimate.ci_high)),
    col("n", "replicates", "Replicates with a value for the metric.", U32(|r| r.estimate.n as u32)),
];

// The columns `comparison.csv` and `sweep.csv` share: a variant's (or point's) own
// estimate and the paired interval of its difference from the reference.
const METRIC: Column<Contrast> = col(
    "metric",
    "",
    "Headline metric (a column of `runs`).",
    Text(|r| r.metric.as_str()),
);
const MEAN: Column<Contrast> = col(
    "mean",
    "unit of the metric",
    "Mean across replicates.",
    MaybeF64(|r| finite(r.level.mean)),
);
const CI_LOW: Column<Contrast> = col(
    "ci_low",
    "unit of the metric",
    "Lower end of the 95% CI of the mean (cut to the values the metric can take, as in `summary`).",
    MaybeF64(|r| r.level.ci_low),
);
const CI_HIGH: Column<Contrast> = col(
    "ci_high",
    "unit of the metric",
    "Upper end of the 95% CI of the mean.",
    MaybeF64(|r| r.level.ci_high),
);
const N: Column<Contrast> = col("n", "replicates", "Replicates with a value.", U32(|r| r.level.n as u32));
const DIFF_CI_LOW: Column<Contrast> = col(
    "diff_ci_low",
    "unit of the metric",
    "Lower end of the 95% CI of the paired difference (Student's t on the differences).",
    MaybeF64(|r| r.diff.ci_low),
);
const DIFF_CI_HIGH: Column<Contrast> = col(
    "diff_ci_high",
    "unit of the metric",
    "Upper end of the same.",
    MaybeF64(|r| r.diff.ci_high),
);

/// Columns of `comparison.csv`.
#[rustfmt::skip]
pub const COMPARISON: &[Column<Contrast>] = &[
    col("variant", "", VARIANT_DOC, Text(|r| r.variant.as_str())),
    METRIC,
    MEAN,
    CI_LOW,
    CI_HIGH,
    N,
    col("diff_mean", "unit of the metric", "Mean over replicates of (variant - base) in the same replicate; 0 for base.", MaybeF64(|r| finite(r.diff.mean))),
    DIFF_CI_LOW,
    DIFF_CI_HIGH,
    col("diff_unpaired_ci_low", "unit of the metric", "Lower end of a 95% Welch CI treating the replicates as independent, to show what pairing gains (empty on the reference rows).", MaybeF64(|r| r.unpaired.0)),
    col("diff_unpaired_ci_high", "unit of the metric", "Upper end of the same.", MaybeF64(|r| r.unpaired.1)),
];

/// Columns of `sweep.csv`, but for the swept keys: `sweep` puts one column per swept key
/// (`f64`) after `point`.
#[rustfmt::skip]
pub const SWEEP: &[Column<Contrast>] = &[
    col("point", "", "Name of the point (also its `variant` in the per-run tables), e.g. `platform.fee.worker_percent=10` (two keys are joined by `;`).", Text(|r| r.variant.as_str())),
    METRIC,
    MEAN,
    CI_LOW,
    CI_HIGH,
    N,
    col("diff_mean", "unit of the metric", "Mean paired difference from the first point (same replicates).", MaybeF64(|r| finite(r.diff.mean))),
    DIFF_CI_LOW,
    DIFF_CI_HIGH,
];

/// Columns of `validation.csv` (`gigsim validate`).
#[rustfmt::skip]
pub const VALIDATION: &[Column<Check>] = &[
    col("moment", "", "Moment name, from the vocabulary (README: Validating a scenario).", Text(|r| r.target.moment.name)),
    col("target", "unit of the moment", "Empirical value (empty when the target is a range).", MaybeF64(|r| r.around().map(|(t, _)| t))),
    col("low", "unit of the moment", "Lower end of a target range (empty for a value and tolerance).", MaybeF64(|r| r.range().map(|(l, _)| l))),
    col("high", "unit of the moment", "Upper end of a target range.", MaybeF64(|r| r.range().map(|(_, h)| h))),
    col("tolerance", "unit of the moment", "Absolute tolerance around the target.", MaybeF64(|r| r.around().map(|(_, t)| t))),
    col("mean", "unit of the moment", "Mean of the moment over replicates (empty when undefined in every one).", MaybeF64(|r| finite(r.estimate.mean))),
    col("ci_low", "unit of the moment", "Lower end of its 95% confidence interval across replicates (Student's t; empty below 2 replicates).", MaybeF64(|r| r.estimate.ci_low)),
    col("ci_high", "unit of the moment", "Upper end of the same.", MaybeF64(|r| r.estimate.ci_high)),
    col("inside", "", "Whether the mean lies within target ± tolerance (or in [low, high]), ends included.", Bool(|r| r.inside)),
    col("ci_overlaps", "", "Whether the confidence interval overlaps that band (empty without an interval).", MaybeBool(|r| r.ci_overlaps)),
    col("source", "", "Where the empirical value comes from, as the targets file says.", Text(|r| r.target.source.as_str())),
    col("threshold", "US$/h", "The wage threshold of a share_above_* moment (empty for the others).", MaybeF64(|r| r.target.threshold)),
    col("replicates", "replicates", "Replicates in which the moment is defined.", U32(|r| r.estimate.n as u32)),
];

/// Columns of `sensitivity.csv` (`gigsim sensitivity`).
#[rustfmt::skip]
pub const SENSITIVITY: &[Column<Index>] = &[
    col("method", "", "morris or sobol.", Text(|r| r.method.name())),
    col("metric", "", "The output: a column of runs or a validate moment (its mean over replicates).", Text(|r| r.metric)),
    col("param", "", "The dotted scenario key varied.", Text(|r| r.param.as_str())),
    col("index", "", "mu_star (mean absolute elementary effect) and sigma (their spread), in the metric's unit per unit of the parameter's box (0-1); or S1 (first-order) and ST (total) Sobol indices, shares of the metric's variance.", Text(|r| r.index)),
    col("value", "", "The estimate.", MaybeF64(|r| finite(r.value))),
    col("ci_low", "", "Lower end of its 95% bootstrap interval (over trajectories or base samples).", MaybeF64(|r| finite(r.ci_low))),
    col("ci_high", "", "Upper end of the same.", MaybeF64(|r| finite(r.ci_high))),
];

/// The headline metrics of summaries, comparisons and charts, in display order.
pub const HEADLINE: &[&str] = &[
    "worker_net_cents",
    "platform_fee_cents",
    "gini_net_income",
    "top10_share_net_income",
    "median_hourly_wage",
    "median_hourly_wage_all_time",
    "share_below_wage_floor",
    "tasks_unfilled",
    "workers_active",
];

/// A column as `columns.md` lists it, whatever the rows of its table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Doc {
    /// Column name.
    pub name: &'static str,
    /// Its type in the files (`u32`, `f64 or null`, ...).
    pub dtype: &'static str,
    /// Unit ("" for none).
    pub unit: &'static str,
    /// Definition.
    pub doc: &'static str,
}

/// The documentation of a table's columns.
pub fn docs<R>(columns: &[Column<R>]) -> Vec<Doc> {
    columns.iter().map(Column::describe).collect()
}

/// A documented table.
#[derive(Clone, Copy, Debug)]
pub struct Table {
    /// File stem.
    pub name: &'static str,
    /// What a row is.
    pub rows: &'static str,
    /// Its columns, in order.
    pub columns: fn() -> Vec<Doc>,
}

const fn table(name: &'static str, rows: &'static str, columns: fn() -> Vec<Doc>) -> Table {
    Table { name, rows, columns }
}

/// Every table gigsim writes, in the order `columns.md` lists them.
pub const TABLES: &[Table] = &[
    table("runs", "One row per (variant, replicate).", || docs(RUNS)),
    table("workers", "One row per worker per run.", || docs(WORKERS)),
    table("daily", "One row per day per run (after warm-up).", || docs(DAILY)),
    table(
        "worker_platforms",
        "Scenarios with several `[[platforms]]`: one row per worker, platform joined and run.",
        || docs(WORKER_PLATFORMS),
    ),
    table(
        "platform_runs",
        "Scenarios with several `[[platforms]]`: one row per platform per run; each platform's books balance like the run's.",
        || docs(PLATFORM_RUNS),
    ),
    table("summary", "One row per variant and headline metric.", || docs(SUMMARY)),
    table(
        "comparison",
        "`compare`: one row per variant and headline metric, the variant's estimate and its paired difference from `base` (same replicates: common random numbers).",
        || docs(COMPARISON),
    ),
    table(
        "sweep",
        "`sweep`: one row per point and headline metric. After `point` comes one column (`f64`) per swept key, named by the full dotted key (e.g. `platform.fee.worker_percent`), then `metric` and the rest.",
        || docs(SWEEP),
    ),
    table(
        "calibration",
        "`calibrate`: one row per evaluation: `evaluation` (from 0) and `stage` (`sobol` or `nelder_mead`), then one `f64` column per parameter named by its dotted key, one per target named by its moment (`name@threshold` for share_above_*, the moment's mean over replicates), and `loss` (the sum over targets of ((mean - centre) / half-width of the band)^2).",
        || {
            vec![
                Doc {
                    name: "evaluation",
                    dtype: "i64",
                    unit: "",
                    doc: "Evaluation number, from 0, in the order they were made.",
                },
                Doc {
                    name: "stage",
                    dtype: "string",
                    unit: "",
                    doc: "sobol (the space-filling start) or nelder_mead (the refinement).",
                },
                Doc {
                    name: "<dotted key>",
                    dtype: "f64",
                    unit: "the key's",
                    doc: "One column per parameter: its value at this candidate.",
                },
                Doc {
                    name: "<moment>",
                    dtype: "f64 or null",
                    unit: "the moment's",
                    doc: "One column per target: the moment's mean over replicates at this candidate.",
                },
                Doc {
                    name: "loss",
                    dtype: "f64",
                    unit: "",
                    doc: "The sum over targets of ((mean - centre of the band) / half-width of the band)^2; an undefined moment adds 1e6.",
                },
            ]
        },
    ),
    table(
        "sensitivity",
        "`sensitivity`: one row per method, metric, parameter and index.",
        || docs(SENSITIVITY),
    ),
    table(
        "validation",
        "`validate`: one row per moment of the targets file, the scenario's simulated mean against the empirical target.",
        || docs(VALIDATION),
    ),
];

/// The unit of a column of `runs` (for headline metrics).
pub fn unit_of(metric: &str) -> &'static str {
    RUNS.iter().find(|c| c.name == metric).map(|c| c.unit).unwrap_or("")
}

/// The values a column of `runs` can take, read from its definition so that the
/// terminal, `summary.csv`, `comparison.csv`, the report and the charts cut their
/// confidence intervals alike: unsigned counts, hours and money are never negative (no
/// fee exceeds the pay it is charged on, `model::fees`), shares and the Gini lie in
/// [0, 1]. Anything else (and an unknown name) is unbounded.
pub fn support_of(metric: &str) -> Support {
    let Some(c) = RUNS.iter().find(|c| c.name == metric) else {
        return Support::REAL;
    };
    match (&c.get, c.unit) {
        (_, "share" | "0-1") => Support::UNIT,
        (U32(_) | U64(_) | MaybeU32(_), _) | (_, "US cents" | "US$/h" | "hours") => Support::NON_NEGATIVE,
        _ => Support::REAL,
    }
}

/// `columns.md`: every table and column with type, unit and definition.
pub fn markdown(tables: &[Table]) -> String {
    let mut out = String::from(
        "# Columns\n\nMoney is in US cents (integers), time in seconds, wages in US$ per hour. \
         Every per-run table starts with `variant` and `replicate`; confidence intervals measure \
         simulation error across replicates (Student's t, intersected with the values the \
         quantity can take: counts, hours and money are never negative, shares lie in [0, 1]; \
         the true mean lies there too, so the cut keeps the coverage exactly; paired \
         differences are not cut). The dtype is how a value is stored in Parquet (CSV \
         writes it as text): `i64` for every integer (counts, ids, days and cents alike, as R \
         and pandas read integers), `f64` floats, `bool`, `string` (`variant` is a plain \
         string column, not a categorical); `or null` marks a column that may have no value \
         (an empty field in CSV).\n",
    );
    for table in tables {
        out.push_str(&format!(
            "\n## {}\n\n{}\n\n| column | dtype | unit | definition |\n|---|---|---|---|\n",
            table.name, table.rows
        ));
        for c in (table.columns)() {
            out.push_str(&format!("| `{}` | {} | {} | {} |\n", c.name, c.dtype, c.unit, c.doc));
        }
    }
    out
}

#[cfg(test)]
mod docs {
    use super::*;

    /// `docs/columns.md` (linked from the README) is what every results folder gets, so
    /// the two never drift; `GIGSIM_BLESS=1` rewrites it after a deliberate change.
    #[test]
    fn the_committed_column_reference_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/columns.md");
        let now = markdown(TABLES);
        if std::env::var("GIGSIM_BLESS").is_ok_and(|v| v == "1") {
            std::fs::write(path, &now).unwrap();
        }
        let kept = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            kept == now,
            "docs/columns.md differs from the columns gigsim writes: run \
             `GIGSIM_BLESS=1 cargo test --release --lib columns` and commit it"
        );
    }

    /// Two columns of one name would fail only when a run builds its frame, so a new
    /// entry that repeats a name is caught here.
    #[test]
    fn names_are_unique_within_each_table() {
        for table in TABLES {
            let mut names: Vec<&str> = (table.columns)().iter().map(|c| c.name).collect();
            names.sort_unstable();
            let before = names.len();
            names.dedup();
            assert_eq!(names.len(), before, "{} repeats a column name", table.name);
        }
    }

    /// A count or a share whose interval reached past what it can be is what the
    /// support cuts; each headline metric has the support its definition implies.
    #[test]
    fn headline_metrics_have_the_support_of_their_definition() {
        for metric in [
            "tasks_unfilled",
            "workers_active",
            "worker_net_cents",
            "platform_fee_cents",
            "median_hourly_wage",
        ] {
            assert_eq!(support_of(metric), Support::NON_NEGATIVE, "{metric}");
        }
        for metric in ["gini_net_income", "top10_share_net_income", "share_below_wage_floor"] {
            assert_eq!(support_of(metric), Support::UNIT, "{metric}");
        }
        assert_eq!(support_of("no_such_metric"), Support::REAL);
    }

    /// Summaries, comparisons and the report read a headline metric's unit from `runs`.
    #[test]
    fn every_headline_metric_is_a_column_of_runs() {
        for metric in HEADLINE {
            assert!(
                RUNS.iter().any(|c| c.name == *metric),
                "{metric} is not a column of runs"
            );
        }
    }
}
