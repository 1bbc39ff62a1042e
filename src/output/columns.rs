//! Every column of every table: its name, unit and definition. The table builders take
//! their column names from here and `columns.md` is written from here, so the two
//! cannot disagree (a test checks the builders against this list).

/// One documented column.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    /// Column name.
    pub name: &'static str,
    /// Unit ("" for none).
    pub unit: &'static str,
    /// Definition.
    pub doc: &'static str,
}

const fn col(name: &'static str, unit: &'static str, doc: &'static str) -> Column {
    Column { name, unit, doc }
}

const VARIANT: Column = col("variant", "", "Variant name; `base` is the scenario as written.");
const REPLICATE: Column = col("replicate", "", "Replicate number, from 0.");

/// The `runs` table: one row per (variant, replicate).
pub const RUNS: &[Column] = &[
    VARIANT,
    REPLICATE,
    col("seed", "", "Master seed of the run."),
    col(
        "days",
        "days",
        "Days in the metric period (simulated days minus warm-up).",
    ),
    col(
        "workers_registered",
        "workers",
        "Workers registered at some point of the metric period.",
    ),
    col("workers_active", "workers", "Workers who submitted at least one task."),
    col("tasks_posted", "tasks", "Tasks posted."),
    col(
        "tasks_done",
        "tasks",
        "Tasks submitted (approved or rejected); a job spanning days counts on the day it ends.",
    ),
    col("tasks_unfilled", "tasks", "Tasks posted that nobody took."),
    col("hours_paid", "hours", "Hours of approved work, all workers."),
    col(
        "hours_unpaid",
        "hours",
        "Hours of unpaid work (searching, returned and rejected tasks), all workers.",
    ),
    col(
        "requester_spend_cents",
        "US cents",
        "Everything requesters paid: worker_net + platform_fee + levy + processing.",
    ),
    col(
        "worker_net_cents",
        "US cents",
        "What workers kept: paid_out + pending + forfeited.",
    ),
    col("paid_out_cents", "US cents", "Paid out to workers."),
    col(
        "pending_cents",
        "US cents",
        "Earned by workers and still held by the platform at the end.",
    ),
    col(
        "platform_fee_cents",
        "US cents",
        "Platform fees, requester and worker side.",
    ),
    col("levy_cents", "US cents", "Levies for a welfare fund."),
    col(
        "processing_cents",
        "US cents",
        "Payment processing (not platform revenue).",
    ),
    col(
        "forfeited_cents",
        "US cents",
        "Balances kept by the platform when workers left below the payout minimum.",
    ),
    col(
        "gini_net_income",
        "0-1",
        "Gini coefficient of net income among active workers.",
    ),
    col(
        "top10_share_net_income",
        "share",
        "Share of net income earned by the top 10% of active workers.",
    ),
    col(
        "share_never_paid",
        "share",
        "Share of registered workers who earned nothing.",
    ),
    col(
        "mean_hourly_wage",
        "US$/h",
        "Mean of net pay per paid hour, over workers with at least min_hours_for_wage paid hours.",
    ),
    col("median_hourly_wage", "US$/h", "Median of the same."),
    col(
        "median_hourly_wage_all_time",
        "US$/h",
        "Median of net pay per worked hour (paid and unpaid), same workers.",
    ),
    col(
        "share_below_wage_floor",
        "share",
        "Share of those workers earning less per paid hour than wage_floor_usd.",
    ),
    col(
        "floor_raised_tasks",
        "tasks",
        "Tasks whose pay the platform's pay floor raised.",
    ),
    col(
        "floor_dropped_tasks",
        "tasks",
        "Tasks the platform's pay floor kept from being posted.",
    ),
];

/// The `workers` table: one row per worker per run.
pub const WORKERS: &[Column] = &[
    VARIANT,
    REPLICATE,
    col(
        "worker_id",
        "",
        "Worker id, the same person in every variant of a replicate.",
    ),
    col("entered_day", "day", "Day the worker registered (0 = before day 1)."),
    col("exited_day", "day", "Day the worker left (empty if they stayed)."),
    col(
        "first_task_day",
        "day",
        "First day the worker finished a task (empty if never).",
    ),
    col("platforms_joined", "platforms", "Platforms the worker joined."),
    col("tasks_done", "tasks", "Tasks submitted (approved or rejected)."),
    col("tasks_rejected", "tasks", "Tasks rejected (unpaid)."),
    col(
        "tasks_returned",
        "tasks",
        "Tasks started and returned unfinished (unpaid).",
    ),
    col(
        "gross_cents",
        "US cents",
        "Pay of approved tasks before worker-side fees.",
    ),
    col("fee_cents", "US cents", "Worker-side platform fees and levy."),
    col(
        "net_cents",
        "US cents",
        "gross - fee: what the worker kept; = paid_out + pending + forfeited.",
    ),
    col("paid_out_cents", "US cents", "Paid out to the worker."),
    col("pending_cents", "US cents", "Held by the platform at the end."),
    col(
        "forfeited_cents",
        "US cents",
        "Kept by the platform when the worker left below the payout minimum.",
    ),
    col("paid_seconds", "seconds", "Time on approved work."),
    col(
        "unpaid_seconds",
        "seconds",
        "Time searching for work and on returned and rejected tasks.",
    ),
    col(
        "idle_seconds",
        "seconds",
        "Time available with no work found (neither paid nor unpaid).",
    ),
    col(
        "offers_received",
        "offers",
        "dispatch: jobs the platform offered the worker (0 on other platforms).",
    ),
    col("offers_accepted", "offers", "dispatch: offers the worker took."),
    col("hourly_wage", "US$/h", "net / paid hours (empty without paid time)."),
    col("hourly_wage_all_time", "US$/h", "net / (paid + unpaid) hours."),
    col(
        "rating",
        "stars",
        "Mean star rating at the end (empty without reviews).",
    ),
    col(
        "reviews",
        "reviews",
        "Reviews at the end, including those before day 1.",
    ),
    col(
        "approval_rate",
        "share",
        "Share of the worker's submitted work ever approved, including before day 1.",
    ),
    col(
        "experience_tasks",
        "tasks",
        "Tasks the worker had done before entering (0 for newcomers).",
    ),
    col(
        "uses_tools",
        "",
        "Whether the worker invested unpaid time in tools and templates ([tools]).",
    ),
    col(
        "tax_cents",
        "US cents",
        "Estimated tax on net earnings ([taxes]; 0 when off).",
    ),
    col("after_tax_cents", "US cents", "net - tax."),
    col(
        "specialty",
        "",
        "The niche category the worker specialises in (empty for generalists).",
    ),
];

/// The `daily` table: one row per day per run (after warm-up).
pub const DAILY: &[Column] = &[
    VARIANT,
    REPLICATE,
    col("day", "day", "Day, from 1."),
    col(
        "demand_multiplier",
        "multiplier",
        "weekday x season x regime x noise x shocks.",
    ),
    col("tasks_posted", "tasks", "Tasks posted that day."),
    col("tasks_done", "tasks", "Tasks submitted that day."),
    col("tasks_unfilled", "tasks", "Tasks posted that day that nobody took."),
    col("workers_active", "workers", "Workers who submitted a task that day."),
    col("entries", "workers", "Workers who arrived that day."),
    col("exits", "workers", "Workers who left that day."),
    col(
        "mean_hourly_wage",
        "US$/h",
        "Mean over workers paid that day of their net per paid hour that day.",
    ),
    col("median_hourly_wage", "US$/h", "Median of the same."),
    col("platform_fee_cents", "US cents", "Platform fees that day."),
    col("worker_net_cents", "US cents", "Workers' net pay that day."),
    col(
        "surge_multiplier",
        "multiplier",
        "Dispatch surge multiplier of pay that day (1 without surge).",
    ),
];

/// The `worker_platforms` table (scenarios with several `[[platforms]]`): one row per
/// worker, platform joined and run.
pub const WORKER_PLATFORMS: &[Column] = &[
    VARIANT,
    REPLICATE,
    col("worker_id", "", "Worker id (as in `workers`)."),
    col("platform", "", "Platform name."),
    col("tasks_done", "tasks", "Tasks submitted on this platform."),
    col("tasks_rejected", "tasks", "Tasks rejected on this platform."),
    col("tasks_returned", "tasks", "Tasks returned unfinished on this platform."),
    col(
        "gross_cents",
        "US cents",
        "Pay of approved tasks before worker-side fees.",
    ),
    col("fee_cents", "US cents", "Worker-side fees and levy on this platform."),
    col(
        "net_cents",
        "US cents",
        "gross - fee; = paid_out + pending + forfeited.",
    ),
    col("paid_out_cents", "US cents", "Paid out by this platform."),
    col("pending_cents", "US cents", "Held by this platform at the end."),
    col(
        "forfeited_cents",
        "US cents",
        "Kept by this platform below its payout minimum.",
    ),
    col("paid_seconds", "seconds", "Time on approved work on this platform."),
    col("unpaid_seconds", "seconds", "Unpaid time on this platform."),
    col(
        "idle_seconds",
        "seconds",
        "Time given to this platform with no work found.",
    ),
    col(
        "offers_received",
        "offers",
        "dispatch: jobs the platform offered the worker (0 on other platforms).",
    ),
    col("offers_accepted", "offers", "dispatch: offers the worker took."),
    col("hourly_wage", "US$/h", "net / paid hours on this platform."),
    col("rating", "stars", "Mean star rating on this platform."),
    col("reviews", "reviews", "Reviews on this platform."),
    col("approval_rate", "share", "Share of work approved on this platform."),
];

/// The `platform_runs` table (scenarios with several `[[platforms]]`): one row per
/// platform per run; each platform's books balance like the run's.
pub const PLATFORM_RUNS: &[Column] = &[
    VARIANT,
    REPLICATE,
    col("platform", "", "Platform name."),
    col(
        "workers_joined",
        "workers",
        "Workers who joined the platform (registered in the metric period).",
    ),
    col(
        "workers_active",
        "workers",
        "Of those, workers who submitted a task there.",
    ),
    col("tasks_posted", "tasks", "Tasks posted there."),
    col("tasks_done", "tasks", "Tasks submitted there."),
    col("tasks_unfilled", "tasks", "Tasks posted there that nobody took."),
    col("requester_spend_cents", "US cents", "Everything requesters paid there."),
    col("worker_net_cents", "US cents", "Workers' net pay there."),
    col("paid_out_cents", "US cents", "Paid out there."),
    col("pending_cents", "US cents", "Held there at the end."),
    col("platform_fee_cents", "US cents", "The platform's fees."),
    col("levy_cents", "US cents", "Levies there."),
    col("processing_cents", "US cents", "Payment processing there."),
    col("forfeited_cents", "US cents", "Balances the platform kept."),
    col(
        "median_hourly_wage",
        "US$/h",
        "Median net per paid hour there, over workers with at least min_hours_for_wage paid hours there.",
    ),
];

/// `summary.csv`: one row per variant and headline metric.
pub const SUMMARY: &[Column] = &[
    VARIANT,
    col("metric", "", "Headline metric (a column of `runs`)."),
    col("mean", "unit of the metric", "Mean across replicates."),
    col(
        "sd",
        "unit of the metric",
        "Standard deviation across replicates (empty for one replicate).",
    ),
    col(
        "ci_low",
        "unit of the metric",
        "Lower end of the 95% confidence interval of the mean (Student's t, n-1 df).",
    ),
    col("ci_high", "unit of the metric", "Upper end of the same."),
    col("n", "replicates", "Replicates with a value for the metric."),
];

/// `comparison.csv` (compare): per variant and headline metric, the variant's estimate and
/// its paired difference from `base` (same replicates: common random numbers).
pub const COMPARISON: &[Column] = &[
    VARIANT,
    col("metric", "", "Headline metric (a column of `runs`)."),
    col("mean", "unit of the metric", "Mean across replicates."),
    col("ci_low", "unit of the metric", "Lower end of the 95% CI of the mean."),
    col("ci_high", "unit of the metric", "Upper end of the 95% CI of the mean."),
    col("n", "replicates", "Replicates with a value."),
    col(
        "diff_mean",
        "unit of the metric",
        "Mean over replicates of (variant - base) in the same replicate; 0 for base.",
    ),
    col(
        "diff_ci_low",
        "unit of the metric",
        "Lower end of the 95% CI of the paired difference (Student's t on the differences).",
    ),
    col("diff_ci_high", "unit of the metric", "Upper end of the same."),
    col(
        "diff_unpaired_ci_low",
        "unit of the metric",
        "Lower end of a 95% Welch CI treating the replicates as independent, to show what pairing gains.",
    ),
    col("diff_unpaired_ci_high", "unit of the metric", "Upper end of the same."),
];

/// `sweep.csv` (sweep): per point and headline metric. After `point` come one column per
/// swept key, named by the full dotted key (e.g. `platform.fee.worker_percent`), then these.
pub const SWEEP: &[Column] = &[
    col(
        "point",
        "",
        "Name of the point (also its `variant` in the per-run tables), e.g. `platform.fee.worker_percent=10` (two keys are joined by `;`).",
    ),
    col("metric", "", "Headline metric (a column of `runs`)."),
    col("mean", "unit of the metric", "Mean across replicates."),
    col("ci_low", "unit of the metric", "Lower end of the 95% CI of the mean."),
    col("ci_high", "unit of the metric", "Upper end of the same."),
    col("n", "replicates", "Replicates with a value."),
    col(
        "diff_mean",
        "unit of the metric",
        "Mean paired difference from the first point (same replicates).",
    ),
    col(
        "diff_ci_low",
        "unit of the metric",
        "Lower end of the 95% CI of the paired difference.",
    ),
    col("diff_ci_high", "unit of the metric", "Upper end of the same."),
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

/// The documented tables, with their file stems.
pub const TABLES: &[(&str, &[Column])] = &[
    ("runs", RUNS),
    ("workers", WORKERS),
    ("daily", DAILY),
    ("worker_platforms", WORKER_PLATFORMS),
    ("platform_runs", PLATFORM_RUNS),
    ("summary", SUMMARY),
];

/// The unit of a column of `runs` (for headline metrics).
pub fn unit_of(metric: &str) -> &'static str {
    RUNS.iter().find(|c| c.name == metric).map(|c| c.unit).unwrap_or("")
}

/// `columns.md`: every table and column with unit and definition.
pub fn markdown(tables: &[(&str, &[Column])]) -> String {
    let mut out = String::from(
        "# Columns\n\nMoney is in US cents (integers), time in seconds, wages in US$ per hour. \
         Every per-run table starts with `variant` and `replicate`; confidence intervals measure \
         simulation error across replicates.\n",
    );
    for (table, cols) in tables {
        out.push_str(&format!(
            "\n## {table}\n\n| column | unit | definition |\n|---|---|---|\n"
        ));
        for c in *cols {
            out.push_str(&format!("| `{}` | {} | {} |\n", c.name, c.unit, c.doc));
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
}
