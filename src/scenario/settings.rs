//! The checked scenario in the model's units: plain settings types, one per section of
//! the file, that the key table (`keys`) fills and the model reads. They hold no logic
//! of the market; the model adds its behaviour to them (`impl FeePolicy` in
//! `model::fees`, `impl Visibility` in `model::visibility`, …). Money is integer cents,
//! percents are parts per million, time is seconds, as the model counts them.

use serde::Deserialize;

use super::dist::Dist;

/// A checked scenario in the model's units, ready to run.
#[derive(Clone, Debug, Default)]
pub struct Scenario {
    /// Name (names the output folder).
    pub name: String,
    /// What it models.
    pub description: String,
    /// Days simulated.
    pub days: u32,
    /// Days left out of the metrics.
    pub warmup_days: u32,
    /// Replicates.
    pub replicates: u32,
    /// Master seed.
    pub seed: u64,
    /// Wage floor and hours threshold of the wage metrics.
    pub reporting: WageReporting,
    /// Worker population.
    pub workers: WorkerParams,
    /// Requesters.
    pub requesters: RequesterParams,
    /// Task categories.
    pub categories: Vec<Category>,
    /// Demand.
    pub demand: DemandParams,
    /// The platforms (one, or several when workers multi-home).
    pub platforms: Vec<PlatformParams>,
    /// Learning by practice.
    pub learning: Learning,
    /// Switching costs and staying with a batch.
    pub switching: Switching,
    /// Returned tasks and reviewing offers.
    pub unpaid: Unpaid,
    /// Exits and arrivals.
    pub churn: Churn,
    /// Tools and templates.
    pub tools: Tools,
    /// The estimated tax.
    pub taxes: Taxes,
    /// How charts are drawn (never changes results).
    pub charts: ChartStyle,
}

/// Reporting thresholds for the income and wage metrics.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct WageReporting {
    /// Hourly wage compared against, US$.
    pub wage_floor_usd: f64,
    /// Paid seconds a worker needs to count in wage statistics.
    pub min_paid_seconds: f64,
}

/// How worker traits are distributed.
#[derive(Clone, Debug, Default)]
pub struct WorkerParams {
    /// Workers registered on day 1.
    pub count: u32,
    /// Share of tasks done well.
    pub skill: Dist,
    /// Speed multiplier.
    pub speed: Dist,
    /// Reservation wage, US$ per hour.
    pub reservation_wage: Dist,
    /// Hours available on a working day.
    pub hours_per_day: Dist,
    /// Minutes a worker stays logged on looking for work before logging off.
    pub search_patience: Dist,
    /// Hour of the day (0–24) a worker's session starts, drawn once per worker.
    pub session_start_hour: Dist,
    /// Days worked per week.
    pub days_per_week: Dist,
    /// Day-1 rating, stars.
    pub initial_rating: Dist,
    /// Reviews behind it.
    pub initial_reviews: Dist,
    /// Tasks done before day 1.
    pub experience_tasks: Dist,
    /// Share of those approved.
    pub initial_approval: Dist,
    /// Share of working time that is productive.
    pub efficiency: Dist,
    /// Multipliers of the chance of working, Monday … Sunday.
    pub weekday: [f64; 7],
    /// Share of workers who specialise in one niche category.
    pub specialist_share: f64,
    /// Share of sign-ups (day-1 workers and newcomers) whose profile goes dormant: they
    /// log on a few times, never take work, and stop logging on.
    pub dormant_share: f64,
    /// Working days a dormant profile logs on before it lapses.
    pub dormant_sessions: u32,
    /// Seconds a dormant profile spends looking for work in each of those sessions.
    pub dormant_session_seconds: u32,
}

/// How requesters behave.
#[derive(Clone, Debug, Default)]
pub struct RequesterParams {
    /// Number of requesters.
    pub count: u32,
    /// Zipf exponent of posting volume.
    pub concentration: f64,
    /// Share of poor work rejected, per requester.
    pub rejection_rate: Dist,
    /// Probability of rating a finished task.
    pub rating_probability: f64,
    /// Mean stars for good work.
    pub good_work_stars: f64,
    /// Mean stars for poor work that was accepted.
    pub poor_work_stars: f64,
    /// Standard deviation of stars.
    pub rating_noise: f64,
    /// Share of requesters who reject most work.
    pub rejecting_share: f64,
    /// Share of work they reject.
    pub rejecting_rate: f64,
    /// Share of requesters who never pay.
    pub nonpaying_share: f64,
    /// How strongly raters follow the market's norm: with probability leniency × norm
    /// (the recent share of top ratings), a rating below 5 stars becomes 5.
    pub leniency: f64,
    /// Weight of today in the moving average of the share of top ratings: 2 / (span + 1).
    pub norm_weight: f64,
    /// Whether ratings are public (seen by the worker and the market, so leniency
    /// applies) or private (seen only by the platform, so raters are honest).
    pub feedback: Feedback,
}

/// Who sees a rating, which decides whether raters inflate it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Feedback {
    /// The worker and other requesters see it: raters follow the norm (leniency).
    #[default]
    Public,
    /// Only the platform sees it (it still ranks workers by it): raters are honest.
    Private,
}

/// What a category's `pay_usd` is per.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PayBasis {
    /// Pay per task.
    #[default]
    Task,
    /// A rate per hour of expected time.
    Hour,
}

/// A kind of task.
#[derive(Clone, Debug, Default)]
pub struct Category {
    /// Name.
    pub name: String,
    /// Relative share of tasks.
    pub share: f64,
    /// Pay per task, US$.
    pub pay_usd: Dist,
    /// Expected seconds per task at speed 1.
    pub duration_seconds: Dist,
    /// Tasks per batch.
    pub batch_size: Dist,
    /// Travel time added to each task, seconds.
    pub travel_seconds: Dist,
    /// Whether `pay_usd` is a rate per hour of expected time.
    pub hourly: bool,
    /// Whether only the category's specialists take its tasks.
    pub niche: bool,
    /// Matching group: 0 for categories anyone takes, 1.. for niche categories, whose
    /// tasks only their specialists take (numbered in file order).
    pub group: u16,
}

/// A scheduled change of demand.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Shock {
    /// First day (1-based).
    pub start_day: u32,
    /// Length in days.
    pub days: u32,
    /// Multiplier while it lasts.
    pub multiplier: f64,
}

/// Boom and bust regimes.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Regimes {
    /// Daily probability that a boom starts in the normal regime.
    pub boom_probability: f64,
    /// Daily probability that a bust starts in the normal regime.
    pub bust_probability: f64,
    /// Mean length of a boom or bust, days.
    pub mean_days: f64,
    /// Multiplier in a boom.
    pub boom_multiplier: f64,
    /// Multiplier in a bust.
    pub bust_multiplier: f64,
}

/// Demand parameters of a scenario.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DemandParams {
    /// Tasks on an average day.
    pub tasks_per_day: f64,
    /// Monday … Sunday multipliers.
    pub weekday: [f64; 7],
    /// Weights of the 24 hours of the day a batch may be posted in (`None`: every batch
    /// is posted at midnight, so any worker logged on that day can take it).
    pub hour_factors: Option<[f64; 24]>,
    /// Amplitude of the yearly cosine.
    pub season_amplitude: f64,
    /// Day of the year of the peak (1–365).
    pub season_peak_day: u32,
    /// Standard deviation of the log noise.
    pub noise_sigma: f64,
    /// AR(1) coefficient of the log noise.
    pub noise_autocorrelation: f64,
    /// Regime chain.
    pub regimes: Regimes,
    /// Scheduled shocks.
    pub shocks: Vec<Shock>,
}

/// How a platform brings tasks and workers together.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Matching {
    /// Requesters draw workers by visibility weight (Upwork, Fiverr).
    Search,
    /// Workers pick tasks from a board, in a random order each round (MTurk).
    #[default]
    Board,
    /// The platform offers each job to an available worker, who may decline
    /// (delivery, same-day jobs).
    Dispatch,
}

/// How a dispatch platform offers jobs.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Dispatch {
    /// Least acceptance rate for offers.
    pub min_acceptance: f64,
    /// Least rating for offers, once a worker has `rating_gate_reviews` reviews.
    pub min_rating: f64,
    /// Reviews before the rating gate applies.
    pub rating_gate_reviews: u32,
    /// Factor by which the weight of past offers falls each evening (the acceptance
    /// rate's window).
    pub acceptance_decay: f64,
    /// Chance a worker turns down an offer they would otherwise take.
    pub decline_probability: f64,
    /// Demand/supply ratio above which pay surges.
    pub surge_threshold: f64,
    /// Multiplier gained per unit of ratio above the threshold.
    pub surge_slope: f64,
    /// Highest multiplier.
    pub surge_cap: f64,
}

/// Which side pays a levy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// Deducted from the worker's pay.
    #[default]
    Worker,
    /// Added to what the requester pays.
    Requester,
}

/// What happens to a task whose pay is below the platform's pay floor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FloorAction {
    /// Its pay is raised to the floor.
    #[default]
    Raise,
    /// It is not posted.
    Drop,
}

/// One tier of a tiered worker-side commission.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tier {
    /// Upper end of the tier in lifetime billings per pair, cents; `None` for the last.
    pub up_to_cents: Option<i64>,
    /// Commission within the tier, ppm.
    pub ppm: i64,
}

/// A complete fee policy, in cents and parts per million (`model::fees` splits a
/// task's money by it).
#[derive(Clone, Debug, PartialEq)]
pub struct FeePolicy {
    /// Flat worker-side commission (unused when `tiers` is not empty).
    pub worker_ppm: i64,
    /// Requester-side commission.
    pub requester_ppm: i64,
    /// Fixed worker-side fee per task.
    pub worker_fixed_cents: i64,
    /// Fixed requester-side fee per task.
    pub requester_fixed_cents: i64,
    /// Least worker-side commission per task.
    pub worker_min_cents: i64,
    /// Least requester-side commission per task.
    pub requester_min_cents: i64,
    /// Extra requester-side commission for large batches.
    pub batch_surcharge_ppm: i64,
    /// Batch size from which the surcharge applies.
    pub batch_surcharge_min_assignments: u32,
    /// Fee for orders below the threshold.
    pub small_order_fee_cents: i64,
    /// Orders paying less than this pay the small-order fee.
    pub small_order_threshold_cents: i64,
    /// Payment processing, requester side.
    pub processing_ppm: i64,
    /// Levy for a welfare fund.
    pub levy_ppm: i64,
    /// Who pays the levy.
    pub levy_side: Side,
    /// Least pay per hour of expected task time (0 = none).
    pub pay_floor_cents_per_hour: i64,
    /// What happens to tasks below the floor.
    pub pay_floor_action: FloorAction,
    /// Share of requester-side fees passed back into lower posted pay.
    pub pass_through: f64,
    /// Elasticity of tasks posted with respect to the all-in cost per task.
    pub demand_elasticity: f64,
    /// Tiered worker-side commission on lifetime billings per worker–requester pair.
    pub tiers: Vec<Tier>,
}

impl Default for FeePolicy {
    /// No fees at all.
    fn default() -> Self {
        FeePolicy {
            worker_ppm: 0,
            requester_ppm: 0,
            worker_fixed_cents: 0,
            requester_fixed_cents: 0,
            worker_min_cents: 0,
            requester_min_cents: 0,
            batch_surcharge_ppm: 0,
            batch_surcharge_min_assignments: 1,
            small_order_fee_cents: 0,
            small_order_threshold_cents: 0,
            processing_ppm: 0,
            levy_ppm: 0,
            levy_side: Side::Worker,
            pay_floor_cents_per_hour: 0,
            pay_floor_action: FloorAction::Raise,
            pass_through: 0.0,
            demand_elasticity: 0.0,
            tiers: Vec::new(),
        }
    }
}

/// Visibility rules of a platform: who is shown first and who at all (`model::visibility`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Visibility {
    /// Least rating for gated tasks.
    pub min_rating: f64,
    /// Least reviews for gated tasks.
    pub min_reviews: u32,
    /// Exponent of the rating in the weight.
    pub rating_exponent: f64,
    /// Pseudo-reviews of the prior.
    pub prior_reviews: f64,
    /// Rating of the prior.
    pub prior_rating: f64,
    /// Weight multiplier with no reviews.
    pub newcomer_boost: f64,
    /// Least approval rate for gated tasks.
    pub min_approval: f64,
    /// Least approved tasks for gated tasks.
    pub min_approved_tasks: u32,
    /// Share of tasks posted without a gate.
    pub open_share: f64,
}

/// Payout rules of a platform (`model::payouts`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PayoutRule {
    /// Days earnings are held.
    pub delay_days: u32,
    /// Least balance paid, cents.
    pub minimum_cents: i64,
    /// Payouts every this many days.
    pub interval_days: u32,
    /// Whether a leaving worker's balance below the minimum is kept by the platform.
    pub forfeit_below_minimum: bool,
}

/// A platform's rules.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlatformParams {
    /// Name.
    pub name: String,
    /// Matching mode.
    pub matching: Matching,
    /// `search`: offers per task before it stays unfilled.
    pub offers_per_task: u32,
    /// `board`: batches looked at per pick.
    pub board_choices: u32,
    /// `board`: unpaid seconds per pick.
    pub search_seconds: u32,
    /// Fee policy.
    pub fee: FeePolicy,
    /// Visibility and gates.
    pub visibility: Visibility,
    /// Payout rules.
    pub payout: PayoutRule,
    /// Dispatch offers and surge pricing.
    pub dispatch: Dispatch,
    /// With several platforms: the chance that a worker joins this one.
    pub join_probability: f64,
    /// With several platforms: relative share of posted work.
    pub demand_share: f64,
    /// With several platforms: the chance that a requester posts on this one.
    pub requester_join_probability: f64,
}

/// Learning by practice: time per task = first-time × (1 + n)^(−exponent), never below
/// `floor`, where n is the tasks a worker has done in the category (`model::behaviour`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Learning {
    /// Exponent of the power law (0 = off).
    pub exponent: f64,
    /// Best time as a share of the first-time duration.
    pub floor: f64,
    /// Rise in accuracy (share points) at the floor.
    pub accuracy_gain: f64,
}

/// Extra time on the first task after a change.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Switching {
    /// Extra time after a change of category, as a fraction (0.57 = +57%).
    pub category: f64,
    /// Extra time after a change of requester, as a fraction.
    pub requester: f64,
    /// `board`: probability of staying with a batch after each task.
    pub batch_stay: f64,
}

/// Unpaid work besides searching the board and rejected work.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Unpaid {
    /// Probability that a started task is returned unfinished.
    pub return_probability: f64,
    /// `search`: unpaid seconds per offer considered.
    pub review_seconds: u32,
}

/// Workers leaving and arriving.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Churn {
    /// Working days in a row below the reservation wage before leaving (0 = never).
    pub exit_patience_days: u32,
    /// Daily chance of leaving for reasons other than pay (life events), 0 to 1.
    pub exit_hazard: f64,
    /// Weight of today in the moving average of hourly earnings: 2 / (span + 1).
    pub ewma_weight: f64,
    /// Newcomers per day, on average.
    pub entry_per_day: f64,
    /// Response of arrivals to recent hourly earnings.
    pub entry_elasticity: f64,
    /// Share of newcomers given one hire with a public 5-star review on entry (a field
    /// experiment's treatment), 0 to 1.
    pub treated_share: f64,
}

/// Investing in tools and templates.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Tools {
    /// Share of workers who invest.
    pub share: f64,
    /// Unpaid seconds invested.
    pub seconds: u32,
    /// Time multiplier once invested (0.8 = 20% faster).
    pub time_multiplier: f64,
}

/// An estimated tax on net earnings over the metric period (`model::behaviour`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Taxes {
    /// Self-employment tax, ppm.
    pub self_employment_ppm: i64,
    /// Yearly threshold of the self-employment tax, cents.
    pub self_employment_threshold_cents: i64,
    /// Income tax, ppm.
    pub income_ppm: i64,
    /// Yearly allowance of the income tax, cents.
    pub allowance_cents: i64,
}

/// A chart file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChartFormat {
    /// PNG at `width × scale` by `height × scale` pixels.
    Png,
    /// SVG at `width × height`.
    Svg,
}

/// How charts are drawn: the `[charts]` section, checked. (`Default` is an empty style
/// for the builder to fill; the defaults of `[charts]` are `scenario::defaults().charts`.)
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartStyle {
    /// Width, pixels at scale 1.
    pub width: u32,
    /// Height, pixels at scale 1.
    pub height: u32,
    /// Files to write per chart (none: only the report's inline SVG).
    pub formats: Vec<ChartFormat>,
    /// PNG resolution multiplier; fonts and lines scale with it.
    pub scale: f64,
}
