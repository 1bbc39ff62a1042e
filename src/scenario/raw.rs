//! The scenario exactly as a user writes it: serde structs that mirror the TOML file,
//! with `deny_unknown_fields` at every level and a default for every key that has a
//! sensible one. Units are the file's (US dollars, percents, seconds, days); the
//! conversion to the model's units (cents, parts per million) happens in `validate`.
//!
//! Integers are `i64` (TOML's integer type) so that a negative count reaches the range
//! check, which says what is allowed, instead of a bare type error.

use serde::{Deserialize, Serialize};

use super::dist::RawDist;

/// A whole scenario file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawScenario {
    /// Run length, replicates, seed and reporting thresholds.
    pub simulation: RawSimulation,
    /// The worker population.
    pub workers: RawWorkers,
    /// The requesters who post work.
    pub requesters: RawRequesters,
    /// Kinds of task and what they pay.
    pub tasks: RawTasks,
    /// How many tasks are posted each day.
    pub demand: RawDemand,
    /// The platform's matching, fees, visibility and payouts (a scenario has either one
    /// `[platform]` or several `[[platforms]]`).
    /// (Missing means none here, not the default platform: `resolve` adds that when no
    /// `[[platforms]]` are written either.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<RawPlatform>,
    /// Several platforms in one market: workers join one or several (multi-homing).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub platforms: Vec<RawPlatform>,
    /// Practice makes tasks quicker.
    pub learning: RawLearning,
    /// The cost of changing category or requester.
    pub switching: RawSwitching,
    /// Unpaid work besides searching: returned tasks and reviewing offers.
    pub unpaid: RawUnpaid,
    /// Workers leaving and arriving.
    pub churn: RawChurn,
    /// Investing time in tools and templates.
    pub tools: RawTools,
    /// An estimated tax on workers' net earnings.
    pub taxes: RawTaxes,
    /// Size and formats of charts.
    pub charts: RawCharts,
    /// Named variants, each overriding some keys of the scenario as written.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<RawVariant>,
}

impl Default for RawScenario {
    fn default() -> Self {
        RawScenario {
            simulation: RawSimulation::default(),
            workers: RawWorkers::default(),
            requesters: RawRequesters::default(),
            tasks: RawTasks::default(),
            demand: RawDemand::default(),
            platform: Some(RawPlatform::default()),
            platforms: Vec::new(),
            learning: RawLearning::default(),
            switching: RawSwitching::default(),
            unpaid: RawUnpaid::default(),
            churn: RawChurn::default(),
            tools: RawTools::default(),
            taxes: RawTaxes::default(),
            charts: RawCharts::default(),
            variants: Vec::new(),
        }
    }
}

impl RawScenario {
    /// Fills in what the file left to defaults that serde cannot express: one default
    /// `[platform]` when neither `[platform]` nor `[[platforms]]` is written.
    pub fn resolve(mut self) -> Self {
        if self.platform.is_none() && self.platforms.is_empty() {
            self.platform = Some(RawPlatform::default());
        }
        self
    }

    /// The platforms of the market, whichever form the file uses.
    pub fn platform_list(&self) -> Vec<&RawPlatform> {
        match &self.platform {
            Some(p) => vec![p],
            None => self.platforms.iter().collect(),
        }
    }
}

/// `[simulation]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawSimulation {
    /// Name of the scenario; names the output folder.
    pub name: String,
    /// One or two sentences saying what the scenario models.
    pub description: String,
    /// Days simulated.
    pub days: i64,
    /// Days simulated first and left out of every metric.
    pub warmup_days: i64,
    /// Independent replicates.
    pub replicates: i64,
    /// Master seed.
    pub seed: i64,
    /// Hourly wage that `share_below_wage_floor` compares against, US$ per hour.
    pub wage_floor_usd: f64,
    /// Paid hours a worker needs for wage statistics to include them.
    pub min_hours_for_wage: f64,
}

impl Default for RawSimulation {
    fn default() -> Self {
        RawSimulation {
            name: "scenario".into(),
            description: String::new(),
            days: 30,
            warmup_days: 0,
            replicates: 10,
            seed: 1,
            wage_floor_usd: 7.25,
            min_hours_for_wage: 1.0,
        }
    }
}

/// `[workers]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawWorkers {
    /// Workers registered on day 1.
    pub count: i64,
    /// Share of tasks a worker does well (accuracy), 0–1.
    pub skill: RawDist,
    /// Speed multiplier: a worker with speed 2 needs half the expected time.
    pub speed: RawDist,
    /// Lowest pay per hour of expected work a worker accepts, US$ per hour.
    pub reservation_wage: RawDist,
    /// Hours a worker is available on a day they work.
    pub hours_per_day: RawDist,
    /// Days a worker works in an average week (each day with probability days/7).
    pub days_per_week: RawDist,
    /// Star rating on day 1 (1–5).
    pub initial_rating: RawDist,
    /// Reviews behind the day-1 rating.
    pub initial_reviews: RawDist,
    /// Tasks approved before day 1 (experience; counts toward approval gates).
    pub experience_tasks: RawDist,
    /// Share of earlier work approved, 0–1.
    pub initial_approval: RawDist,
    /// Share of working time that is productive (interruptions make tasks longer).
    pub efficiency: RawDist,
    /// Multipliers of the chance of working on Monday … Sunday.
    pub weekday_factors: Vec<f64>,
    /// Share of workers who specialise in one niche category.
    pub specialist_share: f64,
}

impl Default for RawWorkers {
    fn default() -> Self {
        RawWorkers {
            count: 1000,
            skill: RawDist::beta(8.0, 2.0),
            speed: RawDist::lognormal(1.0, 0.3).bounded(Some(0.25), Some(4.0)),
            reservation_wage: RawDist::lognormal(1.38, 0.8).bounded(None, Some(100.0)),
            hours_per_day: RawDist::lognormal(2.0, 0.6).bounded(Some(0.25), Some(12.0)),
            days_per_week: RawDist::uniform(1.0, 7.0),
            initial_rating: RawDist::normal(4.6, 0.3),
            initial_reviews: RawDist::lognormal(10.0, 1.2).bounded(None, Some(10_000.0)),
            experience_tasks: RawDist::lognormal(200.0, 1.5).bounded(None, Some(1_000_000.0)),
            initial_approval: RawDist::beta(60.0, 1.0),
            efficiency: RawDist::fixed(1.0),
            weekday_factors: vec![1.0; 7],
            specialist_share: 0.0,
        }
    }
}

/// `[requesters]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawRequesters {
    /// Requesters who post work.
    pub count: i64,
    /// Zipf exponent of posting: requester k posts work in proportion to 1/k^s.
    pub concentration: f64,
    /// Share of poorly done work a requester rejects, drawn per requester (0–1).
    pub rejection_rate: RawDist,
    /// Probability that a requester rates a finished task.
    pub rating_probability: f64,
    /// Mean stars given for well-done work.
    pub good_work_stars: f64,
    /// Mean stars given for poorly done work that was accepted.
    pub poor_work_stars: f64,
    /// Standard deviation of stars around those means.
    pub rating_noise: f64,
    /// Share of requesters who reject most work whatever its quality.
    pub rejecting_share: f64,
    /// Share of all work those requesters reject.
    pub rejecting_rate: f64,
    /// Share of requesters who accept work and never pay.
    pub nonpaying_share: f64,
}

impl Default for RawRequesters {
    fn default() -> Self {
        RawRequesters {
            count: 100,
            concentration: 1.0,
            rejection_rate: RawDist::beta(2.0, 8.0),
            rating_probability: 0.2,
            good_work_stars: 4.8,
            poor_work_stars: 3.0,
            rating_noise: 0.6,
            rejecting_share: 0.0,
            rejecting_rate: 0.9,
            nonpaying_share: 0.0,
        }
    }
}

/// `[tasks]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawTasks {
    /// Kinds of task; each posted batch belongs to one.
    pub categories: Vec<RawCategory>,
}

impl Default for RawTasks {
    fn default() -> Self {
        RawTasks {
            categories: vec![
                RawCategory {
                    name: "labelling".into(),
                    share: 0.6,
                    pay_usd: RawDist::lognormal(0.05, 0.7).bounded(Some(0.01), Some(1.0)),
                    duration_seconds: RawDist::lognormal(30.0, 0.5).bounded(Some(5.0), Some(600.0)),
                    batch_size: RawDist::lognormal(20.0, 1.0).bounded(Some(1.0), Some(1000.0)),
                    niche: false,
                    travel_seconds: no_travel(),
                    pay_basis: per_task(),
                },
                RawCategory {
                    name: "survey".into(),
                    share: 0.3,
                    pay_usd: RawDist::lognormal(0.5, 0.6).bounded(Some(0.05), Some(5.0)),
                    duration_seconds: RawDist::lognormal(300.0, 0.5).bounded(Some(60.0), Some(3600.0)),
                    batch_size: RawDist::lognormal(30.0, 0.8).bounded(Some(1.0), Some(500.0)),
                    niche: false,
                    travel_seconds: no_travel(),
                    pay_basis: per_task(),
                },
                RawCategory {
                    name: "transcription".into(),
                    share: 0.1,
                    pay_usd: RawDist::lognormal(1.0, 0.5).bounded(Some(0.1), Some(5.0)),
                    duration_seconds: RawDist::lognormal(480.0, 0.4).bounded(Some(60.0), Some(3600.0)),
                    batch_size: RawDist::lognormal(5.0, 0.8).bounded(Some(1.0), Some(100.0)),
                    niche: false,
                    travel_seconds: no_travel(),
                    pay_basis: per_task(),
                },
            ],
        }
    }
}

/// `[[tasks.categories]]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCategory {
    /// Name of the category (unique).
    pub name: String,
    /// Relative share of posted tasks (weights need not sum to 1).
    pub share: f64,
    /// Pay per task, US$.
    pub pay_usd: RawDist,
    /// Expected time per task for a worker of speed 1, seconds.
    pub duration_seconds: RawDist,
    /// Tasks (assignments) per posted batch.
    pub batch_size: RawDist,
    /// Whether only the category's specialists take its tasks.
    #[serde(default)]
    pub niche: bool,
    /// Travel time added to each task's duration, seconds.
    #[serde(default = "no_travel")]
    pub travel_seconds: RawDist,
    /// "task": `pay_usd` is per task; "hour": it is per hour of expected time.
    #[serde(default = "per_task")]
    pub pay_basis: String,
}

fn no_travel() -> RawDist {
    RawDist::fixed(0.0)
}

fn per_task() -> String {
    "task".into()
}

/// `[demand]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawDemand {
    /// Tasks posted on an average day (before weekday, season, regime, noise, shocks).
    pub tasks_per_day: f64,
    /// Multipliers for Monday … Sunday (day 1 is a Monday).
    pub weekday_factors: Vec<f64>,
    /// Amplitude of the yearly cycle (0.2 = ±20%).
    pub season_amplitude: f64,
    /// Day of the year (1–365) when the yearly cycle peaks.
    pub season_peak_day: i64,
    /// Standard deviation of the daily log-normal noise (mean one).
    pub noise_sigma: f64,
    /// Day-to-day autocorrelation of the noise, AR(1) in logs.
    pub noise_autocorrelation: f64,
    /// Boom, normal and bust regimes (a Markov chain).
    pub regimes: RawRegimes,
    /// Scheduled shocks.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shocks: Vec<RawShock>,
}

impl Default for RawDemand {
    fn default() -> Self {
        RawDemand {
            tasks_per_day: 20_000.0,
            // Weekly cycle of MTurk demand, busiest early in the week (Ipeirotis 2009).
            weekday_factors: vec![1.1, 1.1, 1.05, 1.0, 0.95, 0.9, 0.9],
            season_amplitude: 0.0,
            season_peak_day: 335,
            noise_sigma: 0.1,
            noise_autocorrelation: 0.5,
            regimes: RawRegimes::default(),
            shocks: Vec::new(),
        }
    }
}

/// `[demand.regimes]`: normal is the starting regime; booms and busts start with a
/// daily probability and last a geometric number of days.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawRegimes {
    /// Daily probability that a boom starts in the normal regime.
    pub boom_probability: f64,
    /// Daily probability that a bust starts in the normal regime.
    pub bust_probability: f64,
    /// Mean length of a boom or bust, days.
    pub mean_days: f64,
    /// Demand multiplier during a boom.
    pub boom_multiplier: f64,
    /// Demand multiplier during a bust.
    pub bust_multiplier: f64,
}

impl Default for RawRegimes {
    fn default() -> Self {
        RawRegimes {
            boom_probability: 0.0,
            bust_probability: 0.0,
            mean_days: 30.0,
            boom_multiplier: 1.3,
            bust_multiplier: 0.7,
        }
    }
}

/// `[[demand.shocks]]`: demand multiplied by `multiplier` from `start_day` for `days`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawShock {
    /// First day of the shock (1-based).
    pub start_day: i64,
    /// Length in days.
    pub days: i64,
    /// Demand multiplier while it lasts.
    pub multiplier: f64,
}

/// `[platform]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawPlatform {
    /// Name of the platform.
    pub name: String,
    /// How tasks meet workers: "search" or "board".
    pub matching: String,
    /// `search`: workers a requester offers a task to before leaving it unfilled.
    pub offers_per_task: i64,
    /// `board`: batches a worker looks at before picking one.
    pub board_choices: i64,
    /// `board`: unpaid seconds a worker spends searching for each pick.
    pub search_seconds: i64,
    /// What the platform charges.
    pub fee: RawFee,
    /// Who is shown first, and who is shown at all.
    pub visibility: RawVisibility,
    /// When workers get their money.
    pub payout: RawPayout,
    /// `dispatch`: offers, acceptance and surge pricing.
    pub dispatch: RawDispatch,
    /// With several platforms: the chance that a worker joins this one.
    pub join_probability: f64,
    /// With several platforms: this platform's relative share of posted work.
    pub demand_share: f64,
    /// With several platforms: the chance that a requester posts on this one.
    pub requester_join_probability: f64,
}

/// `[platform.dispatch]`: how a dispatch platform offers jobs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawDispatch {
    /// Offers go only to workers whose acceptance rate is at least this.
    pub min_acceptance: f64,
    /// Offers go only to workers rated at least this, once they have `rating_gate_reviews`.
    pub min_rating: f64,
    /// Reviews a worker has before the rating gate applies.
    pub rating_gate_reviews: i64,
    /// Days over which the acceptance rate is counted.
    pub acceptance_window_days: f64,
    /// Probability that a worker turns down an offer they would otherwise take.
    pub decline_probability: f64,
    /// Demand over supply (in hours) above which pay surges.
    pub surge_threshold: f64,
    /// Pay multiplier gained per unit of demand/supply above the threshold.
    pub surge_slope: f64,
    /// Highest pay multiplier.
    pub surge_cap: f64,
}

impl Default for RawDispatch {
    fn default() -> Self {
        RawDispatch {
            min_acceptance: 0.0,
            min_rating: 0.0,
            rating_gate_reviews: 20,
            acceptance_window_days: 7.0,
            decline_probability: 0.0,
            surge_threshold: 1.0,
            surge_slope: 0.0,
            surge_cap: 1.0,
        }
    }
}

impl Default for RawPlatform {
    fn default() -> Self {
        RawPlatform {
            name: "platform".into(),
            matching: "board".into(),
            offers_per_task: 10,
            board_choices: 5,
            search_seconds: 30,
            fee: RawFee::default(),
            visibility: RawVisibility::default(),
            payout: RawPayout::default(),
            dispatch: RawDispatch::default(),
            join_probability: 1.0,
            demand_share: 1.0,
            requester_join_probability: 1.0,
        }
    }
}

/// `[platform.fee]`: every component of a fee policy. Percents are of the task's pay.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawFee {
    /// Commission deducted from the worker's pay (ignored when `tiers` are given).
    pub worker_percent: f64,
    /// Commission (service fee) added to what the requester pays.
    pub requester_percent: f64,
    /// Fixed fee per task deducted from the worker's pay, US$.
    pub worker_fixed_usd: f64,
    /// Fixed fee per task added to what the requester pays, US$.
    pub requester_fixed_usd: f64,
    /// Least worker-side commission per task, US$.
    pub worker_min_usd: f64,
    /// Least requester-side commission per task, US$.
    pub requester_min_usd: f64,
    /// Extra requester-side percent for batches of `batch_surcharge_min_assignments` or more.
    pub batch_surcharge_percent: f64,
    /// Batch size from which the surcharge applies.
    pub batch_surcharge_min_assignments: i64,
    /// Fee added to orders below `small_order_threshold_usd`, US$.
    pub small_order_fee_usd: f64,
    /// Orders below this pay the small-order fee, US$.
    pub small_order_threshold_usd: f64,
    /// Payment processing added to what the requester pays (not platform revenue).
    pub processing_percent: f64,
    /// Levy for a welfare fund, percent of each payment.
    pub levy_percent: f64,
    /// Who pays the levy: "worker" (deducted) or "requester" (added).
    pub levy_side: String,
    /// Least pay per hour of expected task time the platform allows, US$ (0 = none).
    pub pay_floor_usd_per_hour: f64,
    /// What happens to a task below the floor: "raise" its pay, or "drop" it.
    pub pay_floor_action: String,
    /// Share of requester-side fees that requesters pass back into lower posted pay, 0–1.
    pub pass_through: f64,
    /// Elasticity of tasks posted with respect to the all-in cost per task.
    pub demand_elasticity: f64,
    /// Tiered worker-side commission on lifetime billings per worker–requester pair.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<RawTier>,
}

impl Default for RawFee {
    fn default() -> Self {
        RawFee {
            worker_percent: 0.0,
            requester_percent: 20.0,
            worker_fixed_usd: 0.0,
            requester_fixed_usd: 0.0,
            worker_min_usd: 0.0,
            requester_min_usd: 0.01,
            batch_surcharge_percent: 0.0,
            batch_surcharge_min_assignments: 10,
            small_order_fee_usd: 0.0,
            small_order_threshold_usd: 0.0,
            processing_percent: 0.0,
            levy_percent: 0.0,
            levy_side: "worker".into(),
            pay_floor_usd_per_hour: 0.0,
            pay_floor_action: "raise".into(),
            pass_through: 0.0,
            demand_elasticity: 0.0,
            tiers: Vec::new(),
        }
    }
}

/// `[[platform.fee.tiers]]`: `percent` of billings up to `up_to_usd` (per pair, lifetime).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTier {
    /// Upper end of the tier in lifetime billings, US$; the last tier omits it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub up_to_usd: Option<f64>,
    /// Worker-side percent within the tier.
    pub percent: f64,
}

/// `[platform.visibility]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawVisibility {
    /// Gated tasks need at least this star rating.
    pub min_rating: f64,
    /// Gated tasks need at least this many reviews.
    pub min_reviews: i64,
    /// Visibility weight ∝ (shrunk rating / 5)^exponent; 0 means ratings do not matter.
    pub rating_exponent: f64,
    /// Weight of the prior in the shrunk rating, in reviews.
    pub prior_reviews: f64,
    /// The prior rating that few reviews are shrunk toward, stars.
    pub prior_rating: f64,
    /// Visibility multiplier for workers with no reviews yet.
    pub newcomer_boost: f64,
    /// Gated tasks need at least this share of work approved, 0–1.
    pub min_approval: f64,
    /// Gated tasks need at least this many approved tasks.
    pub min_approved_tasks: i64,
    /// Share of tasks posted without any gate, 0–1.
    pub open_share: f64,
}

impl Default for RawVisibility {
    fn default() -> Self {
        RawVisibility {
            min_rating: 0.0,
            min_reviews: 0,
            rating_exponent: 1.0,
            prior_reviews: 3.0,
            prior_rating: 4.5,
            newcomer_boost: 1.0,
            min_approval: 0.0,
            min_approved_tasks: 0,
            open_share: 1.0,
        }
    }
}

/// `[platform.payout]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawPayout {
    /// Days earnings are held before they can be paid out.
    pub delay_days: i64,
    /// Least balance paid out, US$.
    pub minimum_usd: f64,
    /// Payouts happen every this many days.
    pub interval_days: i64,
    /// Whether a leaving worker's balance below the minimum is kept by the platform.
    pub forfeit_below_minimum: bool,
}

impl Default for RawPayout {
    fn default() -> Self {
        RawPayout {
            delay_days: 0,
            minimum_usd: 0.0,
            interval_days: 1,
            forfeit_below_minimum: false,
        }
    }
}

/// `[learning]`: time per task falls with practice in the category (power law, with a
/// floor), and accuracy rises a little.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawLearning {
    /// Exponent of the power law (0 = no learning).
    pub exponent: f64,
    /// Best time as a share of the first-time duration.
    pub floor: f64,
    /// Rise in accuracy (share points) by the time the floor is reached.
    pub accuracy_gain: f64,
}

impl Default for RawLearning {
    fn default() -> Self {
        RawLearning {
            exponent: 0.0,
            floor: 0.59,
            accuracy_gain: 0.0,
        }
    }
}

/// `[switching]`: extra time on the first task after a change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawSwitching {
    /// Extra time after a change of category, percent.
    pub category_percent: f64,
    /// Extra time after a change of requester, percent.
    pub requester_percent: f64,
    /// `board`: probability of staying with a batch after each task.
    pub batch_stay: f64,
}

impl Default for RawSwitching {
    fn default() -> Self {
        RawSwitching {
            category_percent: 0.0,
            requester_percent: 0.0,
            batch_stay: 1.0,
        }
    }
}

/// `[unpaid]`: unpaid work besides searching the board.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawUnpaid {
    /// Probability that a started task is returned unfinished.
    pub return_probability: f64,
    /// `search`: unpaid seconds spent on each offer a worker considers.
    pub review_seconds: i64,
}

/// `[churn]`: workers leaving when pay stays below what they accept, and newcomers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawChurn {
    /// Working days in a row below the reservation wage before a worker leaves (0 = never).
    pub exit_patience_days: i64,
    /// Span of the moving average of recent hourly earnings, days.
    pub exit_window_days: f64,
    /// Newcomers per day (mean).
    pub entry_per_day: f64,
    /// Response of arrivals to recent hourly earnings (0 = a fixed rate).
    pub entry_elasticity: f64,
}

impl Default for RawChurn {
    fn default() -> Self {
        RawChurn {
            exit_patience_days: 0,
            exit_window_days: 14.0,
            entry_per_day: 0.0,
            entry_elasticity: 0.0,
        }
    }
}

/// `[tools]`: some workers invest unpaid time up front for a lasting speed-up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawTools {
    /// Share of workers who invest.
    pub share: f64,
    /// Unpaid hours invested before the speed-up starts.
    pub hours: f64,
    /// Time saved on every task afterwards, percent.
    pub speedup_percent: f64,
}

impl Default for RawTools {
    fn default() -> Self {
        RawTools {
            share: 0.0,
            hours: 10.0,
            speedup_percent: 20.0,
        }
    }
}

/// `[taxes]`: an estimated tax on each worker's net earnings over the metric period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawTaxes {
    /// Self-employment tax, percent of net earnings.
    pub self_employment_percent: f64,
    /// Net earnings per year below which no self-employment tax is due, US$.
    pub self_employment_threshold_usd: f64,
    /// Income tax, percent of net earnings above the allowance.
    pub income_tax_percent: f64,
    /// Net earnings per year free of income tax, US$.
    pub allowance_usd: f64,
}

impl Default for RawTaxes {
    fn default() -> Self {
        RawTaxes {
            self_employment_percent: 0.0,
            self_employment_threshold_usd: 400.0,
            income_tax_percent: 0.0,
            allowance_usd: 0.0,
        }
    }
}

/// `[charts]`: how charts are drawn (they never change results).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawCharts {
    /// Width of a chart, pixels at scale 1.
    pub width: i64,
    /// Height of a chart, pixels at scale 1.
    pub height: i64,
    /// Formats to write: "png", "svg" or both.
    pub formats: Vec<String>,
    /// Resolution multiplier for PNG (2 = twice the pixels, like a 2x display).
    pub scale: f64,
}

impl Default for RawCharts {
    fn default() -> Self {
        RawCharts {
            width: 1000,
            height: 650,
            formats: vec!["png".into(), "svg".into()],
            scale: 1.0,
        }
    }
}

/// `[[variants]]`: a named set of dotted-key overrides.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVariant {
    /// Name of the variant (unique, not "base").
    pub name: String,
    /// Dotted keys and their values, e.g. `{ "platform.fee.worker_percent" = 10.0 }`.
    #[serde(default)]
    pub set: toml::Table,
}
