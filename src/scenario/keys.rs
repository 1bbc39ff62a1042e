//! Every key a scenario may hold: its unit, what values are allowed, and what it means.
//!
//! This table is the single source for three things that must agree: the range checks
//! of `validate`, the commented scenario that `gigsim init` prints, and the numeric keys
//! that `sweep` accepts. Paths use `[]` for an element of an array of tables
//! (`tasks.categories[].share`). A test checks that every key of the default scenario
//! has an entry here and every entry is reachable.

/// What values a key accepts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Allowed {
    /// A table of further keys.
    Section,
    /// An array of tables, each with the keys under `path[]`.
    Tables,
    /// A whole number in `min..=max`.
    Int {
        /// Smallest allowed.
        min: i64,
        /// Largest allowed.
        max: i64,
    },
    /// A number in `min..=max`.
    Float {
        /// Smallest allowed.
        min: f64,
        /// Largest allowed.
        max: f64,
    },
    /// Free text of at most this many characters.
    Text(usize),
    /// One of these words.
    Choice(&'static [&'static str]),
    /// `true` or `false`.
    Bool,
    /// A distribution whose draws are clamped to `min..=max`.
    Dist {
        /// Smallest value a draw may take.
        min: f64,
        /// Largest value a draw may take.
        max: f64,
    },
    /// A list of exactly `len` numbers, each in `min..=max`.
    FloatList {
        /// Required length.
        len: usize,
        /// Smallest allowed element.
        min: f64,
        /// Largest allowed element.
        max: f64,
    },
    /// A table of dotted keys and values (variant overrides), checked by applying them.
    Overrides,
    /// A non-empty list of distinct words, each one of these.
    ChoiceList(&'static [&'static str]),
}

impl Allowed {
    /// Whether `sweep` can vary the key (a number).
    pub fn is_numeric(self) -> bool {
        matches!(self, Allowed::Int { .. } | Allowed::Float { .. })
    }

    /// What is allowed, in words, for messages and for `gigsim init`.
    pub fn describe(self) -> String {
        use super::dist::fmt_num;
        match self {
            Allowed::Section => "a table".into(),
            Allowed::Tables => "an array of tables".into(),
            Allowed::Int { min, max } => {
                format!("a whole number from {} to {}", group(min), group(max))
            }
            Allowed::Float { min, max } => {
                format!("a number from {} to {}", fmt_num(min), fmt_num(max))
            }
            Allowed::Text(n) => format!("text of at most {n} characters"),
            Allowed::Choice(words) => {
                let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
                format!("one of {}", quoted.join(", "))
            }
            Allowed::Bool => "true or false".into(),
            Allowed::Dist { min, max } => format!(
                "a distribution {{ dist = \"fixed\"|\"uniform\"|\"normal\"|\"lognormal\"|\"beta\"|\"pareto\", … }} with values from {} to {}",
                fmt_num(min),
                fmt_num(max)
            ),
            Allowed::FloatList { len, min, max } => {
                format!("a list of {len} numbers from {} to {}", fmt_num(min), fmt_num(max))
            }
            Allowed::Overrides => "a table of dotted keys and values".into(),
            Allowed::ChoiceList(words) => {
                let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
                format!("a list of one or more of {}", quoted.join(", "))
            }
        }
    }
}

/// Formats an integer with thousands separators (1000000 → 1,000,000).
pub fn group(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0 { format!("-{out}") } else { out }
}

/// One documented key.
#[derive(Clone, Copy, Debug)]
pub struct Key {
    /// Dotted path, `[]` marking an element of an array of tables.
    pub path: &'static str,
    /// Unit of the value ("" for none).
    pub unit: &'static str,
    /// Allowed values.
    pub allowed: Allowed,
    /// What the key means, one or two sentences; may cite a source.
    pub doc: &'static str,
}

const PERCENT: Allowed = Allowed::Float { min: 0.0, max: 100.0 };
const PROBABILITY: Allowed = Allowed::Float { min: 0.0, max: 1.0 };
const USD: Allowed = Allowed::Float {
    min: 0.0,
    max: 1_000_000.0,
};
const COUNT: Allowed = Allowed::Int {
    min: 0,
    max: 1_000_000_000,
};

const fn key(path: &'static str, unit: &'static str, allowed: Allowed, doc: &'static str) -> Key {
    Key {
        path,
        unit,
        allowed,
        doc,
    }
}

/// All keys, in the order `gigsim init` prints them.
pub const KEYS: &[Key] = &[
    key(
        "simulation",
        "",
        Allowed::Section,
        "How long, how often and how to report.",
    ),
    key(
        "simulation.name",
        "",
        Allowed::Text(80),
        "Name of the scenario; results go to output/<name>/<date-time>/.",
    ),
    key(
        "simulation.description",
        "",
        Allowed::Text(2000),
        "What the scenario models, for reports.",
    ),
    key(
        "simulation.days",
        "days",
        Allowed::Int { min: 1, max: 36_500 },
        "Days simulated; a day is the step of the model.",
    ),
    key(
        "simulation.warmup_days",
        "days",
        Allowed::Int { min: 0, max: 36_499 },
        "Days simulated first and left out of every metric (must be below days).",
    ),
    key(
        "simulation.replicates",
        "",
        Allowed::Int { min: 1, max: 1_000_000 },
        "Independent replicates; confidence intervals measure simulation error across them.",
    ),
    key(
        "simulation.seed",
        "",
        Allowed::Int { min: 0, max: i64::MAX },
        "Master seed: the same seed and scenario give identical tables.",
    ),
    key(
        "simulation.wage_floor_usd",
        "US$/h",
        Allowed::Float {
            min: 0.0,
            max: 10_000.0,
        },
        "Hourly wage that share_below_wage_floor compares against (7.25 is the US federal minimum).",
    ),
    key(
        "simulation.min_hours_for_wage",
        "hours",
        Allowed::Float {
            min: 0.0,
            max: 1_000_000.0,
        },
        "Paid hours a worker needs before wage statistics include them.",
    ),
    key(
        "workers",
        "",
        Allowed::Section,
        "The worker population on day 1. Traits are drawn once per worker.",
    ),
    key("workers.count", "workers", COUNT, "Workers registered on day 1."),
    key(
        "workers.skill",
        "share",
        Allowed::Dist { min: 0.0, max: 1.0 },
        "Share of tasks a worker does well; poor work risks rejection.",
    ),
    key(
        "workers.speed",
        "multiplier",
        Allowed::Dist { min: 0.01, max: 100.0 },
        "Speed multiplier: speed 2 needs half the expected time of a task.",
    ),
    key(
        "workers.reservation_wage",
        "US$/h",
        Allowed::Dist {
            min: 0.0,
            max: 10_000.0,
        },
        "Least pay per hour of expected work a worker accepts; log-normal with median $1.38/h on MTurk (Horton & Chilton, EC 2010).",
    ),
    key(
        "workers.hours_per_day",
        "hours",
        Allowed::Dist { min: 0.0, max: 24.0 },
        "Hours a worker is available on a day they work.",
    ),
    key(
        "workers.days_per_week",
        "days",
        Allowed::Dist { min: 0.0, max: 7.0 },
        "Days worked in an average week; each day is worked with probability days/7.",
    ),
    key(
        "workers.initial_rating",
        "stars",
        Allowed::Dist { min: 1.0, max: 5.0 },
        "Star rating on day 1.",
    ),
    key(
        "workers.initial_reviews",
        "reviews",
        Allowed::Dist { min: 0.0, max: 1e9 },
        "Reviews behind the day-1 rating (rounded).",
    ),
    key(
        "workers.experience_tasks",
        "tasks",
        Allowed::Dist { min: 0.0, max: 1e9 },
        "Tasks done before day 1 (rounded); they count toward approval gates.",
    ),
    key(
        "workers.initial_approval",
        "share",
        Allowed::Dist { min: 0.0, max: 1.0 },
        "Share of the earlier tasks that was approved.",
    ),
    key(
        "workers.efficiency",
        "share",
        Allowed::Dist { min: 0.05, max: 1.0 },
        "Share of working time that is productive; interruptions make every task take duration / efficiency.",
    ),
    key(
        "workers.weekday_factors",
        "multipliers",
        Allowed::FloatList {
            len: 7,
            min: 0.0,
            max: 7.0,
        },
        "Multipliers of the chance of working on Monday to Sunday (capped at certainty), so supply can peak on other days than demand.",
    ),
    key(
        "workers.specialist_share",
        "share",
        PROBABILITY,
        "Share of workers who specialise in one niche category (chosen by its share) and take only its tasks.",
    ),
    key(
        "requesters",
        "",
        Allowed::Section,
        "The requesters who post work, pay, reject and rate.",
    ),
    key(
        "requesters.count",
        "requesters",
        Allowed::Int {
            min: 1,
            max: 100_000_000,
        },
        "Requesters posting work.",
    ),
    key(
        "requesters.concentration",
        "Zipf exponent",
        Allowed::Float { min: 0.0, max: 5.0 },
        "Requester k posts in proportion to 1/k^s; about 1 gives MTurk's top 10% posting most of the work (Ipeirotis 2010).",
    ),
    key(
        "requesters.rejection_rate",
        "share",
        Allowed::Dist { min: 0.0, max: 1.0 },
        "Share of poorly done work a requester rejects (drawn per requester); rejected work is unpaid.",
    ),
    key(
        "requesters.rating_probability",
        "probability",
        PROBABILITY,
        "Probability that a requester rates a finished task.",
    ),
    key(
        "requesters.good_work_stars",
        "stars",
        Allowed::Float { min: 1.0, max: 5.0 },
        "Mean stars for work done well.",
    ),
    key(
        "requesters.poor_work_stars",
        "stars",
        Allowed::Float { min: 1.0, max: 5.0 },
        "Mean stars for poor work that was accepted (rejected work gets 1 star).",
    ),
    key(
        "requesters.rating_noise",
        "stars",
        Allowed::Float { min: 0.0, max: 5.0 },
        "Standard deviation of stars around those means.",
    ),
    key(
        "requesters.rejecting_share",
        "share",
        PROBABILITY,
        "Share of requesters who reject most work whatever its quality; a worker they reject avoids them afterwards.",
    ),
    key(
        "requesters.rejecting_rate",
        "share",
        PROBABILITY,
        "Share of all work those requesters reject.",
    ),
    key(
        "requesters.nonpaying_share",
        "share",
        PROBABILITY,
        "Share of requesters who accept work and never pay (the time is unpaid); a worker they cheat avoids them afterwards.",
    ),
    key(
        "tasks",
        "",
        Allowed::Section,
        "Kinds of task. Each posted batch belongs to one category.",
    ),
    key(
        "tasks.categories",
        "",
        Allowed::Tables,
        "The categories; a scenario that lists any replaces the default ones.",
    ),
    key(
        "tasks.categories[].name",
        "",
        Allowed::Text(80),
        "Name of the category (unique).",
    ),
    key(
        "tasks.categories[].share",
        "weight",
        Allowed::Float { min: 0.0, max: 1e9 },
        "Relative share of posted tasks.",
    ),
    key(
        "tasks.categories[].pay_usd",
        "US$",
        Allowed::Dist {
            min: 0.01,
            max: 1_000_000.0,
        },
        "Pay per task (rounded to the cent). The modal MTurk reward was $0.05 in 2014 (Difallah et al., WWW 2015).",
    ),
    key(
        "tasks.categories[].duration_seconds",
        "seconds",
        Allowed::Dist {
            min: 1.0,
            max: 2_592_000.0,
        },
        "Expected time per task at speed 1; jobs longer than a day carry over.",
    ),
    key(
        "tasks.categories[].batch_size",
        "tasks",
        Allowed::Dist {
            min: 1.0,
            max: 1_000_000.0,
        },
        "Tasks (assignments) per posted batch (rounded).",
    ),
    key(
        "tasks.categories[].niche",
        "",
        Allowed::Bool,
        "A niche category: only its specialists (workers.specialist_share) take its tasks; they face fewer competitors and thinner demand.",
    ),
    key(
        "tasks.categories[].travel_seconds",
        "seconds",
        Allowed::Dist {
            min: 0.0,
            max: 86_400.0,
        },
        "Travel time added to each task's duration (dispatch and local jobs; there is no geography).",
    ),
    key(
        "tasks.categories[].pay_basis",
        "",
        Allowed::Choice(&["task", "hour"]),
        "\"task\": pay_usd is per task; \"hour\": pay_usd is a rate per hour of expected time (TaskRabbit-style jobs).",
    ),
    key(
        "demand",
        "",
        Allowed::Section,
        "Tasks posted per day = tasks_per_day × weekday × season × regime × noise × shocks.",
    ),
    key(
        "demand.tasks_per_day",
        "tasks",
        Allowed::Float { min: 0.0, max: 1e10 },
        "Tasks posted on an average day.",
    ),
    key(
        "demand.weekday_factors",
        "multipliers",
        Allowed::FloatList {
            len: 7,
            min: 0.0,
            max: 100.0,
        },
        "Multipliers for Monday to Sunday; day 1 is a Monday. MTurk demand has a strong weekly cycle (Ipeirotis 2009).",
    ),
    key(
        "demand.season_amplitude",
        "share",
        PROBABILITY,
        "Amplitude of the yearly cycle (0.2 = ±20%, a cosine).",
    ),
    key(
        "demand.season_peak_day",
        "day of year",
        Allowed::Int { min: 1, max: 365 },
        "Day of the year when the yearly cycle peaks (day 1 is day 1 of the year).",
    ),
    key(
        "demand.noise_sigma",
        "log scale",
        Allowed::Float { min: 0.0, max: 5.0 },
        "Standard deviation of the daily log-normal noise; corrected so its mean is one.",
    ),
    key(
        "demand.noise_autocorrelation",
        "",
        Allowed::Float { min: 0.0, max: 0.999 },
        "Day-to-day autocorrelation of the noise (AR(1) in logs).",
    ),
    key(
        "demand.regimes",
        "",
        Allowed::Section,
        "Boom and bust regimes: a Markov chain that starts in the normal regime.",
    ),
    key(
        "demand.regimes.boom_probability",
        "per day",
        PROBABILITY,
        "Daily probability that a boom starts while demand is normal.",
    ),
    key(
        "demand.regimes.bust_probability",
        "per day",
        PROBABILITY,
        "Daily probability that a bust starts while demand is normal (boom + bust at most 1).",
    ),
    key(
        "demand.regimes.mean_days",
        "days",
        Allowed::Float {
            min: 1.0,
            max: 36_500.0,
        },
        "Mean length of a boom or a bust.",
    ),
    key(
        "demand.regimes.boom_multiplier",
        "multiplier",
        Allowed::Float { min: 0.0, max: 100.0 },
        "Demand multiplier during a boom.",
    ),
    key(
        "demand.regimes.bust_multiplier",
        "multiplier",
        Allowed::Float { min: 0.0, max: 100.0 },
        "Demand multiplier during a bust.",
    ),
    key(
        "demand.shocks",
        "",
        Allowed::Tables,
        "Scheduled shocks, e.g. [[demand.shocks]] start_day = 30, days = 14, multiplier = 0.5.",
    ),
    key(
        "demand.shocks[].start_day",
        "day",
        Allowed::Int { min: 1, max: 36_500 },
        "First day of the shock.",
    ),
    key(
        "demand.shocks[].days",
        "days",
        Allowed::Int { min: 1, max: 36_500 },
        "Length of the shock.",
    ),
    key(
        "demand.shocks[].multiplier",
        "multiplier",
        Allowed::Float { min: 0.0, max: 1000.0 },
        "Demand multiplier while the shock lasts.",
    ),
    key(
        "platform",
        "",
        Allowed::Section,
        "The platform: how tasks meet workers, what it charges, who it shows, when it pays.",
    ),
    key("platform.name", "", Allowed::Text(80), "Name of the platform."),
    key(
        "platform.matching",
        "",
        Allowed::Choice(&["search", "board", "dispatch"]),
        "\"search\" (Upwork, Fiverr): a requester draws workers by visibility weight; \"board\" (MTurk): workers pick from a task board in a random order each round; \"dispatch\" (DoorDash, TaskRabbit same-day): the platform offers each job to an available worker.",
    ),
    key(
        "platform.offers_per_task",
        "offers",
        Allowed::Int { min: 1, max: 1_000_000 },
        "search: workers a requester offers a task to (declines count) before it stays unfilled.",
    ),
    key(
        "platform.board_choices",
        "batches",
        Allowed::Int { min: 1, max: 1_000 },
        "board: batches a worker looks at before picking the best one they accept.",
    ),
    key(
        "platform.search_seconds",
        "seconds",
        Allowed::Int { min: 0, max: 86_400 },
        "board: unpaid seconds spent searching for each pick.",
    ),
    key(
        "platform.join_probability",
        "probability",
        PROBABILITY,
        "With several [[platforms]]: the chance that a worker joins this platform (every worker joins at least one: the most likely).",
    ),
    key(
        "platform.requester_join_probability",
        "probability",
        PROBABILITY,
        "With several [[platforms]]: the chance that a requester posts here. A requester posts each batch on one of their platforms, by demand_share; one who joins none posts on the most likely (1 everywhere: every requester posts everywhere).",
    ),
    key(
        "platform.demand_share",
        "weight",
        Allowed::Float { min: 0.0, max: 1e9 },
        "With several [[platforms]]: this platform's relative share of posted work.",
    ),
    key(
        "platform.fee",
        "",
        Allowed::Section,
        "The fee policy; every fee is computed per task in integer cents and rounded to the nearest cent, halves up.",
    ),
    key(
        "platform.fee.worker_percent",
        "percent",
        PERCENT,
        "Commission deducted from the worker's pay (flat; ignored when tiers are given).",
    ),
    key(
        "platform.fee.requester_percent",
        "percent",
        PERCENT,
        "Commission added to what the requester pays; MTurk: 20% from July 2015, 10% before (Amazon's notice, 23 Jun 2015).",
    ),
    key(
        "platform.fee.worker_fixed_usd",
        "US$",
        USD,
        "Fixed fee per task deducted from the worker's pay.",
    ),
    key(
        "platform.fee.requester_fixed_usd",
        "US$",
        USD,
        "Fixed fee per task added to what the requester pays.",
    ),
    key(
        "platform.fee.worker_min_usd",
        "US$",
        USD,
        "Least worker-side commission per task.",
    ),
    key(
        "platform.fee.requester_min_usd",
        "US$",
        USD,
        "Least requester-side commission per task; MTurk: $0.01 per assignment.",
    ),
    key(
        "platform.fee.batch_surcharge_percent",
        "percent",
        PERCENT,
        "Extra requester-side commission for large batches; MTurk 2015: +20% for 10 or more assignments.",
    ),
    key(
        "platform.fee.batch_surcharge_min_assignments",
        "tasks",
        Allowed::Int { min: 1, max: 1_000_000 },
        "Batch size from which the surcharge applies.",
    ),
    key(
        "platform.fee.small_order_fee_usd",
        "US$",
        USD,
        "Fee added to orders below the threshold; Fiverr: $3 under $100.",
    ),
    key(
        "platform.fee.small_order_threshold_usd",
        "US$",
        USD,
        "Orders paying less than this pay the small-order fee (0 = none).",
    ),
    key(
        "platform.fee.processing_percent",
        "percent",
        PERCENT,
        "Payment processing added to what the requester pays, not platform revenue; Upwork 2016–2023: 2.75%.",
    ),
    key(
        "platform.fee.levy_percent",
        "percent",
        PERCENT,
        "Levy for a welfare fund, a percent of each payment.",
    ),
    key(
        "platform.fee.levy_side",
        "",
        Allowed::Choice(&["worker", "requester"]),
        "Who pays the levy: deducted from the worker or added for the requester.",
    ),
    key(
        "platform.fee.pay_floor_usd_per_hour",
        "US$/h",
        Allowed::Float {
            min: 0.0,
            max: 10_000.0,
        },
        "Least pay per hour of expected task time the platform allows (0 = none); Prolific: $8.00/h.",
    ),
    key(
        "platform.fee.pay_floor_action",
        "",
        Allowed::Choice(&["raise", "drop"]),
        "A task below the floor has its pay raised to it, or is not posted.",
    ),
    key(
        "platform.fee.pass_through",
        "share",
        PROBABILITY,
        "Share of requester-side fees that requesters pass back into lower posted pay.",
    ),
    key(
        "platform.fee.demand_elasticity",
        "elasticity",
        Allowed::Float { min: 0.0, max: 20.0 },
        "Tasks posted scale with (all-in cost per task / the base scenario's)^(−elasticity); 0 keeps demand fixed.",
    ),
    key(
        "platform.fee.tiers",
        "",
        Allowed::Tables,
        "Tiered worker-side commission on lifetime billings per worker–requester pair, replacing worker_percent; Upwork 2016–2023: 20% to $500, 10% to $10,000, 5% above.",
    ),
    key(
        "platform.fee.tiers[].up_to_usd",
        "US$",
        USD,
        "Upper end of the tier in lifetime billings with one requester; omitted on the last tier.",
    ),
    key(
        "platform.fee.tiers[].percent",
        "percent",
        PERCENT,
        "Commission on billings within the tier.",
    ),
    key(
        "platform.visibility",
        "",
        Allowed::Section,
        "Who is shown first (weight) and who is shown at all (gates on gated tasks).",
    ),
    key(
        "platform.visibility.min_rating",
        "stars",
        Allowed::Float { min: 0.0, max: 5.0 },
        "Gated tasks need at least this rating (workers with no reviews have none).",
    ),
    key(
        "platform.visibility.min_reviews",
        "reviews",
        COUNT,
        "Gated tasks need at least this many reviews.",
    ),
    key(
        "platform.visibility.rating_exponent",
        "",
        Allowed::Float { min: 0.0, max: 100.0 },
        "Weight ∝ (shrunk rating / 5)^exponent; 0 means ratings do not matter.",
    ),
    key(
        "platform.visibility.prior_reviews",
        "reviews",
        Allowed::Float { min: 0.0, max: 1e6 },
        "Weight of the prior in the shrunk rating, so one early review does not decide a career.",
    ),
    key(
        "platform.visibility.prior_rating",
        "stars",
        Allowed::Float { min: 1.0, max: 5.0 },
        "The rating that few reviews are shrunk toward.",
    ),
    key(
        "platform.visibility.newcomer_boost",
        "multiplier",
        Allowed::Float { min: 0.0, max: 1000.0 },
        "Weight multiplier for workers with no reviews yet.",
    ),
    key(
        "platform.visibility.min_approval",
        "share",
        PROBABILITY,
        "Gated tasks need at least this share of work approved; MTurk requesters often ask 95%.",
    ),
    key(
        "platform.visibility.min_approved_tasks",
        "tasks",
        COUNT,
        "Gated tasks need at least this many approved tasks.",
    ),
    key(
        "platform.visibility.open_share",
        "share",
        PROBABILITY,
        "Share of tasks posted without any gate, so newcomers can start.",
    ),
    key(
        "platform.payout",
        "",
        Allowed::Section,
        "When earnings reach workers' pockets.",
    ),
    key(
        "platform.payout.delay_days",
        "days",
        Allowed::Int { min: 0, max: 3650 },
        "Days earnings are held before they can be paid out.",
    ),
    key(
        "platform.payout.minimum_usd",
        "US$",
        USD,
        "Least balance that is paid out.",
    ),
    key(
        "platform.payout.interval_days",
        "days",
        Allowed::Int { min: 1, max: 3650 },
        "Payouts happen every this many days (7 = weekly).",
    ),
    key(
        "platform.payout.forfeit_below_minimum",
        "",
        Allowed::Bool,
        "Whether a leaving worker's balance below the minimum is kept by the platform (forfeited_cents) rather than paid.",
    ),
    key(
        "platform.dispatch",
        "",
        Allowed::Section,
        "dispatch (DoorDash, Uber Eats): the platform offers each job to an available worker, who may decline; acceptance rate and rating gate future offers; pay surges when demand outruns supply.",
    ),
    key(
        "platform.dispatch.min_acceptance",
        "share",
        PROBABILITY,
        "Offers go only to workers whose recent acceptance rate (accepted / offered over about acceptance_window_days, shrunk toward 1 by five offers) is at least this. A worker below it gets no offers until old refusals fade.",
    ),
    key(
        "platform.dispatch.acceptance_window_days",
        "days",
        Allowed::Float { min: 1.0, max: 3650.0 },
        "Offers count toward the acceptance rate with a weight that falls by a factor e every this many days, so the rate is about the recent window (DoorDash counts the last 100 offers, a few days of work; the default is an assumption).",
    ),
    key(
        "platform.dispatch.min_rating",
        "stars",
        Allowed::Float { min: 0.0, max: 5.0 },
        "Offers go only to workers whose mean rating is at least this, once they have rating_gate_reviews reviews; a worker below it after that gets no more offers. Uber drivers risk deactivation below about 4.6 stars.",
    ),
    key(
        "platform.dispatch.rating_gate_reviews",
        "reviews",
        Allowed::Int { min: 0, max: 1_000_000 },
        "Reviews a worker has before min_rating applies, so a newcomer is not shut out by one early 4-star review (an assumption: Uber averages the last 500 rated trips).",
    ),
    key(
        "platform.dispatch.decline_probability",
        "probability",
        PROBABILITY,
        "Chance that a worker turns down an offer they would otherwise take.",
    ),
    key(
        "platform.dispatch.surge_threshold",
        "ratio",
        Allowed::Float { min: 0.0, max: 100.0 },
        "Demand over supply, in hours of work against hours available, above which pay surges.",
    ),
    key(
        "platform.dispatch.surge_slope",
        "",
        Allowed::Float { min: 0.0, max: 100.0 },
        "Pay multiplier gained per unit of demand/supply above the threshold (0 = no surge).",
    ),
    key(
        "platform.dispatch.surge_cap",
        "multiplier",
        Allowed::Float { min: 1.0, max: 100.0 },
        "Highest surge multiplier.",
    ),
    key(
        "platforms",
        "",
        Allowed::Tables,
        "Several platforms in one market instead of one [platform]: each [[platforms]] has a name and every key of [platform] ([platforms.fee], [platforms.visibility], …). Workers join one or several and split their time by expected pay; overrides name a platform: platforms.fiverr.fee.worker_percent.",
    ),
    key(
        "learning",
        "",
        Allowed::Section,
        "Practice makes tasks quicker: time per task = first-time duration x (1 + tasks done in the category)^(-exponent), never below floor. Training cuts task time by up to 41% and raises accuracy by up to 5% (Gadiraju et al. 2015); practice makes workers faster more than better (Hata et al., CSCW 2017).",
    ),
    key(
        "learning.exponent",
        "",
        Allowed::Float { min: 0.0, max: 2.0 },
        "Exponent of the power law; 0 turns learning off.",
    ),
    key(
        "learning.floor",
        "share",
        Allowed::Float { min: 0.05, max: 1.0 },
        "Best time as a share of the first-time duration (0.59 = up to 41% faster).",
    ),
    key(
        "learning.accuracy_gain",
        "share",
        PROBABILITY,
        "Rise in the share of tasks done well by the time the floor is reached (0.05 = +5 points).",
    ),
    key(
        "switching",
        "",
        Allowed::Section,
        "The first task after a change of category or requester takes longer: up to +57% after a change of task type (Lasecki et al., CHI 2015).",
    ),
    key(
        "switching.category_percent",
        "percent",
        Allowed::Float { min: 0.0, max: 500.0 },
        "Extra time on the first task after a change of category.",
    ),
    key(
        "switching.requester_percent",
        "percent",
        Allowed::Float { min: 0.0, max: 500.0 },
        "Extra time on the first task for a new requester.",
    ),
    key(
        "switching.batch_stay",
        "probability",
        PROBABILITY,
        "board: probability of staying with a batch after each task (1 = until it runs out or the day ends).",
    ),
    key(
        "unpaid",
        "",
        Allowed::Section,
        "Unpaid work besides searching the board (platform.search_seconds) and rejected work: about 20 minutes unpaid per paid hour in the ILO's surveys of crowd workers.",
    ),
    key(
        "unpaid.return_probability",
        "probability",
        PROBABILITY,
        "A started task is returned unfinished: the time spent (a uniform share of its duration) is unpaid and the task goes back.",
    ),
    key(
        "unpaid.review_seconds",
        "seconds",
        Allowed::Int { min: 0, max: 86_400 },
        "search: unpaid seconds a worker spends on each offer they consider (reading the brief, a proposal).",
    ),
    key(
        "churn",
        "",
        Allowed::Section,
        "Workers leave when their recent hourly earnings stay below their reservation wage; newcomers arrive with no reviews (cold start).",
    ),
    key(
        "churn.exit_patience_days",
        "days",
        Allowed::Int { min: 0, max: 36_500 },
        "Working days in a row with recent earnings below the reservation wage before a worker leaves; 0 = nobody leaves.",
    ),
    key(
        "churn.exit_window_days",
        "days",
        Allowed::Float { min: 1.0, max: 365.0 },
        "Span of the moving average of a worker's hourly earnings (net per available hour).",
    ),
    key(
        "churn.entry_per_day",
        "workers",
        Allowed::Float {
            min: 0.0,
            max: 10_000_000.0,
        },
        "Newcomers per day, on average (Poisson); they are the same people, in the same order, in every variant.",
    ),
    key(
        "churn.entry_elasticity",
        "",
        Allowed::Float { min: 0.0, max: 10.0 },
        "Arrivals scale with (recent mean hourly earnings / median reservation wage)^elasticity; 0 = a fixed rate.",
    ),
    key(
        "tools",
        "",
        Allowed::Section,
        "Some workers invest unpaid time up front (scripts, templates) for a lasting speed-up.",
    ),
    key("tools.share", "share", PROBABILITY, "Share of workers who invest."),
    key(
        "tools.hours",
        "hours",
        Allowed::Float {
            min: 0.0,
            max: 10_000.0,
        },
        "Unpaid hours invested, on their first working days.",
    ),
    key(
        "tools.speedup_percent",
        "percent",
        Allowed::Float { min: 0.0, max: 90.0 },
        "Time saved on every task once the investment is made.",
    ),
    key(
        "taxes",
        "",
        Allowed::Section,
        "An estimated tax on each worker's net earnings over the metric period (thresholds prorated from a year), so the workers table reads like a worker's earnings tracker.",
    ),
    key(
        "taxes.self_employment_percent",
        "percent",
        PERCENT,
        "Self-employment tax on net earnings (US: 15.3%).",
    ),
    key(
        "taxes.self_employment_threshold_usd",
        "US$/year",
        USD,
        "No self-employment tax below these net earnings per year (US: $400).",
    ),
    key(
        "taxes.income_tax_percent",
        "percent",
        PERCENT,
        "Income tax on net earnings above the allowance.",
    ),
    key(
        "taxes.allowance_usd",
        "US$/year",
        USD,
        "Net earnings per year free of income tax.",
    ),
    key(
        "charts",
        "",
        Allowed::Section,
        "How charts are drawn; they never change results, and `gigsim plot --charts FILE` redraws them with another [charts] section.",
    ),
    key(
        "charts.width",
        "pixels",
        Allowed::Int { min: 320, max: 8000 },
        "Width of a chart at scale 1.",
    ),
    key(
        "charts.height",
        "pixels",
        Allowed::Int { min: 240, max: 8000 },
        "Height of a chart at scale 1.",
    ),
    key(
        "charts.formats",
        "",
        Allowed::ChoiceList(&["png", "svg"]),
        "Formats written for every chart.",
    ),
    key(
        "charts.scale",
        "multiplier",
        Allowed::Float { min: 0.5, max: 4.0 },
        "Resolution multiplier for PNG (2 = twice the pixels, for print or high-density screens).",
    ),
    key(
        "variants",
        "",
        Allowed::Tables,
        "Named variants: the scenario as written is variant \"base\"; each variant overrides dotted keys.",
    ),
    key(
        "variants[].name",
        "",
        Allowed::Text(80),
        "Name of the variant (unique, not \"base\").",
    ),
    key(
        "variants[].set",
        "",
        Allowed::Overrides,
        "Overrides, e.g. { \"platform.fee.worker_percent\" = 10.0 }.",
    ),
];

/// The key at a normalized path (array indices replaced by `[]`), if there is one. Keys
/// of an element of `[[platforms]]` are those of `[platform]`.
pub fn find(path: &str) -> Option<&'static Key> {
    let path = path
        .strip_prefix("platforms[]")
        .map_or_else(|| path.to_string(), |rest| format!("platform{rest}"));
    KEYS.iter().find(|k| k.path == path)
}

/// The keys directly below a section or array-of-tables element path (an element of
/// `[[platforms]]` has the keys of `[platform]`).
pub fn children(prefix: &str) -> Vec<&'static Key> {
    let prefix = prefix
        .strip_prefix("platforms[]")
        .map_or_else(|| prefix.to_string(), |rest| format!("platform{rest}"));
    KEYS.iter()
        .filter(|k| {
            k.path
                .strip_prefix(prefix.as_str())
                .and_then(|rest| rest.strip_prefix('.'))
                .is_some_and(|rest| !rest.contains('.'))
        })
        .collect()
}

/// Replaces concrete array indices in a dotted path (`tasks.categories[2].share`) with
/// `[]` (`tasks.categories[].share`).
pub fn normalize(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_unique_and_parents_exist() {
        for (i, k) in KEYS.iter().enumerate() {
            assert!(KEYS[..i].iter().all(|o| o.path != k.path), "duplicate {}", k.path);
            if let Some((parent, _)) = k.path.rsplit_once('.') {
                let parent = parent.trim_end_matches("[]");
                assert!(find(parent).is_some(), "{} has no parent entry", k.path);
            }
        }
    }

    #[test]
    fn normalize_strips_indices() {
        assert_eq!(normalize("tasks.categories[12].share"), "tasks.categories[].share");
        assert_eq!(normalize("workers.count"), "workers.count");
    }

    #[test]
    fn grouping_of_thousands() {
        assert_eq!(group(0), "0");
        assert_eq!(group(1000), "1,000");
        assert_eq!(group(-1234567), "-1,234,567");
    }

    #[test]
    fn children_are_direct() {
        let names: Vec<_> = children("demand.regimes").iter().map(|k| k.path).collect();
        assert!(names.contains(&"demand.regimes.mean_days"));
        assert!(!children("demand").iter().any(|k| k.path == "demand.regimes.mean_days"));
        assert!(
            children("tasks.categories[]")
                .iter()
                .any(|k| k.path == "tasks.categories[].share")
        );
        assert!(
            children("platforms[].fee.tiers[]")
                .iter()
                .any(|k| k.path == "platform.fee.tiers[].percent")
        );
        assert_eq!(
            find("platforms[].fee.worker_percent").map(|k| k.path),
            Some("platform.fee.worker_percent")
        );
    }
}
