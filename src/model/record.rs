//! What a run leaves behind: one row for the run, one per worker, one per day. These
//! are plain structs; each table in `output::columns` says which field each of its
//! columns reads, and `output::tables` builds the frames from that.
//!
//! Recording never draws a random number: every figure here is computed from state the
//! simulation already holds.

use crate::metrics;
use crate::scenario::WageReporting;

/// Where the money of a run, or of one platform in it, went. The books balance:
/// requesters' spend is `worker_net + platform_fee + levy + processing`, and workers'
/// net is `paid_out + pending + forfeited`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Books {
    /// Everything requesters paid.
    pub requester_spend_cents: i64,
    /// What workers kept.
    pub worker_net_cents: i64,
    /// Paid out to workers.
    pub paid_out_cents: i64,
    /// Still held for workers at the end.
    pub pending_cents: i64,
    /// Platform fees on both sides.
    pub platform_fee_cents: i64,
    /// Levies.
    pub levy_cents: i64,
    /// Payment processing.
    pub processing_cents: i64,
    /// Balances kept by the platform when workers left below the minimum.
    pub forfeited_cents: i64,
}

/// One run (a variant and a replicate) in the `runs` table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunRow {
    /// The run's master seed.
    pub seed: u64,
    /// Days in the metric period (after warm-up).
    pub days: u32,
    /// Workers registered at some point of the metric period.
    pub workers_registered: u64,
    /// Workers who submitted at least one task.
    pub workers_active: u64,
    /// Workers logged on at least once in the metric period (some paid or unpaid time).
    pub workers_ever_active: u64,
    /// Workers paid at least once in the metric period (net earnings above zero).
    pub workers_ever_earned: u64,
    /// Tasks posted.
    pub tasks_posted: u64,
    /// Tasks submitted (approved or rejected).
    pub tasks_done: u64,
    /// Tasks posted that nobody took.
    pub tasks_unfilled: u64,
    /// Hours of approved work.
    pub hours_paid: f64,
    /// Hours of searching, returned and rejected work.
    pub hours_unpaid: f64,
    /// Of those, hours searching for work.
    pub hours_search: f64,
    /// The run's books.
    pub books: Books,
    /// Gini of net income among active workers.
    pub gini_net_income: Option<f64>,
    /// Share of net income earned by the top 10% of active workers.
    pub top10_share_net_income: Option<f64>,
    /// Share of registered workers who earned nothing.
    pub share_never_paid: Option<f64>,
    /// Mean hourly wage (net per paid hour) of workers with enough paid hours.
    pub mean_hourly_wage: Option<f64>,
    /// Median of the same.
    pub median_hourly_wage: Option<f64>,
    /// Median of net per worked hour (paid and unpaid).
    pub median_hourly_wage_all_time: Option<f64>,
    /// Share of those workers whose hourly wage is below the wage floor.
    pub share_below_wage_floor: Option<f64>,
    /// Tasks whose pay the platform's pay floor raised.
    pub floor_raised_tasks: u64,
    /// Tasks the platform's pay floor kept from being posted.
    pub floor_dropped_tasks: u64,
}

/// What a worker did and earned in a run: over all their platforms in a `workers` row,
/// on one platform in a `worker_platforms` row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Work {
    /// Tasks submitted.
    pub tasks_done: u32,
    /// Tasks rejected.
    pub tasks_rejected: u32,
    /// Tasks returned unfinished.
    pub tasks_returned: u64,
    /// Pay of approved tasks.
    pub gross_cents: i64,
    /// Fees and levy deducted.
    pub fee_cents: i64,
    /// Net pay.
    pub net_cents: i64,
    /// Paid out.
    pub paid_out_cents: i64,
    /// Still held.
    pub pending_cents: i64,
    /// Lost to the platform.
    pub forfeited_cents: i64,
    /// Seconds of approved work.
    pub paid_seconds: u64,
    /// Seconds of unpaid work.
    pub unpaid_seconds: u64,
    /// Of those, seconds searching for work.
    pub search_seconds: u64,
    /// Seconds available with no work.
    pub idle_seconds: u64,
    /// `dispatch`: offers received.
    pub offers_received: u64,
    /// `dispatch`: offers accepted.
    pub offers_accepted: u64,
    /// Net per paid hour, US$.
    pub hourly_wage: Option<f64>,
}

/// One worker in one run, in the `workers` table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WorkerRow {
    /// Stable id: the same person in every variant of a replicate.
    pub worker_id: u32,
    /// Day registered (0 = before day 1).
    pub entered_day: u32,
    /// Day they left.
    pub exited_day: Option<u32>,
    /// First day they finished a task.
    pub first_task_day: Option<u32>,
    /// Platforms joined.
    pub platforms_joined: u32,
    /// What they did and earned, all platforms together.
    pub work: Work,
    /// Net per worked hour, US$.
    pub hourly_wage_all_time: Option<f64>,
    /// Mean stars (none without reviews).
    pub rating: Option<f64>,
    /// Reviews, all platforms together (64 bits: every platform a worker joins starts
    /// them with the reviews they arrive with).
    pub reviews: u64,
    /// Share of work approved.
    pub approval_rate: f64,
    /// Tasks done before entering (day-1 experience; 0 for newcomers).
    pub experience_tasks: u32,
    /// Whether the worker invested in tools and templates.
    pub uses_tools: bool,
    /// Whether the worker's profile is dormant (logs on a few times, never works).
    pub dormant: bool,
    /// Whether the worker is a treated newcomer of the field experiment.
    pub treated: bool,
    /// Estimated tax on net earnings.
    pub tax_cents: i64,
    /// Net earnings after the estimated tax.
    pub after_tax_cents: i64,
    /// The niche category the worker specialises in (empty for generalists).
    pub specialty: String,
}

/// One day of one run, in the `daily` table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DailyRow {
    /// Day (1-based).
    pub day: u32,
    /// Demand multiplier (weekday × season × regime × noise × shocks).
    pub demand_multiplier: f64,
    /// Tasks posted.
    pub tasks_posted: u64,
    /// Tasks submitted.
    pub tasks_done: u64,
    /// Tasks posted today that nobody took.
    pub tasks_unfilled: u64,
    /// Workers who submitted a task today.
    pub workers_active: u64,
    /// Workers who arrived today.
    pub entries: u64,
    /// Workers who left today.
    pub exits: u64,
    /// Mean of today's net per paid hour over workers paid today, US$.
    pub mean_hourly_wage: Option<f64>,
    /// Median of the same.
    pub median_hourly_wage: Option<f64>,
    /// Mean stars of the ratings given today (none without ratings).
    pub mean_rating_given: Option<f64>,
    /// Platform fees today.
    pub platform_fee_cents: i64,
    /// Workers' net pay today.
    pub worker_net_cents: i64,
    /// Dispatch surge multiplier of pay (1 without surge).
    pub surge_multiplier: f64,
    /// Most workers logged on at once that day (see `workers.session_start_hour`).
    pub peak_workers_logged_on: u64,
}

/// One worker on one platform in one run, in the `worker_platforms` table (written
/// when a scenario has several platforms).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WorkerPlatformRow {
    /// Worker id.
    pub worker_id: u32,
    /// Platform name.
    pub platform: String,
    /// What they did and earned there.
    pub work: Work,
    /// Mean stars on this platform.
    pub rating: Option<f64>,
    /// Reviews on this platform.
    pub reviews: u32,
    /// Share of work approved on this platform.
    pub approval_rate: f64,
}

/// One platform in one run, in the `platform_runs` table (written when a scenario has
/// several platforms). Its books balance like the run's.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlatformRunRow {
    /// Platform name.
    pub platform: String,
    /// Workers who joined it.
    pub workers_joined: u64,
    /// Of those, workers who submitted a task there.
    pub workers_active: u64,
    /// Tasks posted there.
    pub tasks_posted: u64,
    /// Tasks submitted there.
    pub tasks_done: u64,
    /// Tasks nobody took there.
    pub tasks_unfilled: u64,
    /// The platform's books.
    pub books: Books,
    /// Median net per paid hour there, over workers with enough paid hours there.
    pub median_hourly_wage: Option<f64>,
}

/// Everything one run produced.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunRecord {
    /// Variant index in the plan.
    pub variant: u32,
    /// Replicate.
    pub replicate: u32,
    /// The `runs` row.
    pub run: RunRow,
    /// The `workers` rows, by worker id.
    pub workers: Vec<WorkerRow>,
    /// The `daily` rows, by day.
    pub daily: Vec<DailyRow>,
    /// The `worker_platforms` rows (several platforms only).
    pub worker_platforms: Vec<WorkerPlatformRow>,
    /// The `platform_runs` rows (several platforms only).
    pub platforms: Vec<PlatformRunRow>,
}

/// Hourly wage in US$ from net cents and seconds (None without time).
pub fn hourly_usd(net_cents: i64, seconds: u64) -> Option<f64> {
    (seconds > 0).then(|| net_cents as f64 / 100.0 / (seconds as f64 / 3600.0))
}

/// Whether a worker with `paid_seconds` of paid work counts in the wage statistics:
/// some paid time, and at least `simulation.min_hours_for_wage` of it (so a wage is not
/// one lucky task's).
pub fn wage_eligible(paid_seconds: u64, reporting: WageReporting) -> bool {
    paid_seconds > 0 && paid_seconds as f64 >= reporting.min_paid_seconds
}

impl RunRow {
    /// Fills the income and wage metrics from the worker rows.
    pub fn fill_metrics(&mut self, workers: &[WorkerRow], reporting: WageReporting) {
        let active: Vec<f64> = workers
            .iter()
            .filter(|w| w.work.tasks_done > 0)
            .map(|w| w.work.net_cents as f64)
            .collect();
        self.workers_registered = workers.len() as u64;
        self.workers_active = active.len() as u64;
        // Logged on: any paid or unpaid second (searching counts; idle time is not
        // logged on). Earned: what share_never_paid counts as paid, so
        // workers_ever_earned = workers_registered × (1 − share_never_paid).
        self.workers_ever_active = workers
            .iter()
            .filter(|w| w.work.paid_seconds + w.work.unpaid_seconds > 0)
            .count() as u64;
        self.workers_ever_earned = workers.iter().filter(|w| w.work.net_cents > 0).count() as u64;
        self.gini_net_income = metrics::gini(&active);
        self.top10_share_net_income = metrics::top_share(&active, 0.1);
        self.share_never_paid = (!workers.is_empty())
            .then(|| workers.iter().filter(|w| w.work.net_cents <= 0).count() as f64 / workers.len() as f64);
        let eligible: Vec<&WorkerRow> = workers
            .iter()
            .filter(|w| wage_eligible(w.work.paid_seconds, reporting))
            .collect();
        let mut wages: Vec<f64> = eligible.iter().filter_map(|w| w.work.hourly_wage).collect();
        let all_time: Vec<f64> = eligible.iter().filter_map(|w| w.hourly_wage_all_time).collect();
        wages.sort_by(f64::total_cmp);
        self.mean_hourly_wage = metrics::mean(&wages);
        self.median_hourly_wage = metrics::quantile_sorted(&wages, 0.5);
        self.median_hourly_wage_all_time = metrics::median(&all_time);
        self.share_below_wage_floor = (!wages.is_empty())
            .then(|| wages.iter().filter(|&&w| w < reporting.wage_floor_usd).count() as f64 / wages.len() as f64);
    }
}
