//! Every key a scenario may hold, stated once: its path, unit, allowed values, default,
//! meaning, and how its value lands in the checked [`Scenario`] (converted to the
//! model's units: dollars to cents, percents to parts per million, hours to seconds).
//!
//! Everything else follows from this table: `resolve` checks a file against it (unknown
//! keys, types, ranges, defaults filled in), `build` turns the resolved file into a
//! [`Scenario`] by calling each key's `set`, `render` prints it with its documentation
//! (`gigsim init`), `overrides` and `sweep` find numeric keys in it. Rules that involve
//! several keys live in `validate`. Paths use `[]` for an element of an array of tables
//! (`tasks.categories[].share`); an element of `[[platforms]]` has the keys of
//! `[platform]`.
//!
//! Adding a key is one entry here plus the model code that reads the field it sets.

use super::choice;
use super::dist::{Dist, fmt_num};
use super::settings::*;
use crate::money::{percent_to_ppm, usd_to_cents};

/// What values a key accepts.
#[derive(Clone, Copy, Debug)]
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
    /// One of the words of a serde enum ([`choice::words`]).
    Choice(fn() -> &'static [&'static str]),
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
    /// A non-empty list of distinct words of a serde enum.
    ChoiceList(fn() -> &'static [&'static str]),
}

impl Allowed {
    /// Whether `sweep` can vary the key (a number).
    pub fn is_numeric(self) -> bool {
        matches!(self, Allowed::Int { .. } | Allowed::Float { .. })
    }

    /// What is allowed, in words, for messages and for `gigsim init`.
    pub fn describe(self) -> String {
        let quoted = |words: &[&str]| words.iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(", ");
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
            Allowed::Choice(words) => format!("one of {}", quoted(words())),
            Allowed::Bool => "true or false".into(),
            Allowed::Dist { min, max } => format!(
                "a distribution {{ dist = {}, … }} with values from {} to {}",
                choice::words::<super::dist::DistKind>()
                    .iter()
                    .map(|w| format!("\"{w}\""))
                    .collect::<Vec<_>>()
                    .join("|"),
                fmt_num(min),
                fmt_num(max)
            ),
            Allowed::FloatList { len, min, max } => {
                format!("a list of {len} numbers from {} to {}", fmt_num(min), fmt_num(max))
            }
            Allowed::Overrides => "a table of dotted keys and values".into(),
            Allowed::ChoiceList(words) => format!("a list of one or more of {}", quoted(words())),
        }
    }
}

/// Formats an integer with thousands separators (1000000 → 1,000,000).
pub fn group(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0 { format!("-{out}") } else { out }
}

/// What a key is when the file leaves it out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fill {
    /// This value, written as TOML (a section's is `{}`: its keys take their defaults).
    Value(&'static str),
    /// No default: the file must give it.
    Required,
    /// No default: left out, it is not set.
    Optional,
    /// A section that is there (with its defaults) unless the file writes this sibling
    /// key: `[platform]` stands for the market's one platform unless `[[platforms]]`
    /// are written.
    UnlessGiven(&'static str),
}

/// A checked value of a key, as its `set` receives it.
#[derive(Debug)]
pub enum Val<'a> {
    /// A whole number.
    Int(i64),
    /// A number.
    Float(f64),
    /// Text or a choice word.
    Text(&'a str),
    /// `true` or `false`.
    Bool(bool),
    /// A built distribution.
    Dist(Dist),
    /// A list of numbers.
    Floats(Vec<f64>),
    /// A list of choice words.
    Words(Vec<&'a str>),
    /// The number of elements of an array of tables (1 for a section).
    Count(usize),
}

impl Val<'_> {
    /// The whole number (a key allowed `Int`).
    pub fn int(&self) -> i64 {
        match self {
            Val::Int(x) => *x,
            other => unreachable!("not a whole number: {other:?}"),
        }
    }

    /// The number (a key allowed `Float`).
    pub fn float(&self) -> f64 {
        match self {
            Val::Float(x) => *x,
            other => unreachable!("not a number: {other:?}"),
        }
    }

    /// The text (a key allowed `Text`).
    pub fn text(&self) -> &str {
        match self {
            Val::Text(t) => t,
            other => unreachable!("not text: {other:?}"),
        }
    }

    /// The choice as its enum (a key allowed `Choice` of `T`'s words).
    pub fn choice<T: for<'de> serde::Deserialize<'de>>(&self) -> T {
        choice::parse(self.text()).expect("checked against the enum's words")
    }

    /// `true` or `false` (a key allowed `Bool`).
    pub fn bool(&self) -> bool {
        match self {
            Val::Bool(b) => *b,
            other => unreachable!("not true or false: {other:?}"),
        }
    }

    /// The distribution (a key allowed `Dist`).
    pub fn dist(self) -> Dist {
        match self {
            Val::Dist(d) => d,
            other => unreachable!("not a distribution: {other:?}"),
        }
    }

    /// A list of 24 numbers (hours 0 to 23).
    pub fn twenty_four(&self) -> [f64; 24] {
        match self {
            Val::Floats(list) => std::array::from_fn(|i| list[i]),
            other => unreachable!("not a list of numbers: {other:?}"),
        }
    }

    /// A list of seven numbers (Monday to Sunday).
    pub fn seven(&self) -> [f64; 7] {
        match self {
            Val::Floats(list) => std::array::from_fn(|i| list[i]),
            other => unreachable!("not a list of numbers: {other:?}"),
        }
    }

    /// The choice words (a key allowed `ChoiceList`).
    pub fn words(&self) -> &[&str] {
        match self {
            Val::Words(w) => w,
            other => unreachable!("not a list of words: {other:?}"),
        }
    }

    /// The number of elements (an array of tables, or 1 for a section).
    pub fn count(&self) -> usize {
        match self {
            Val::Count(n) => *n,
            other => unreachable!("not a count: {other:?}"),
        }
    }
}

/// How a value lands in the scenario: `ix` holds the indices of the arrays of tables on
/// the key's path (for keys of `[platform]` or `[[platforms]]` the platform comes first,
/// then a fee tier; for a category or a shock, its position).
pub type Set = fn(s: &mut Scenario, ix: &[usize], v: Val<'_>);

/// One documented key.
#[derive(Clone, Copy, Debug)]
pub struct Key {
    /// Dotted path, `[]` marking an element of an array of tables.
    pub path: &'static str,
    /// Unit of the value ("" for none).
    pub unit: &'static str,
    /// Allowed values.
    pub allowed: Allowed,
    /// The value when the file leaves the key out.
    pub fill: Fill,
    /// What the key means, one or two sentences; may cite a source.
    pub doc: &'static str,
    /// Where its value goes in the scenario.
    pub set: Set,
}

impl Key {
    /// The last part of the path (`worker_percent`).
    pub fn leaf(&self) -> &'static str {
        self.path.rsplit('.').next().unwrap_or(self.path).trim_end_matches("[]")
    }
}

/// The `set` of keys that land nowhere themselves (plain sections, variants).
const NONE: Set = |_, _, _| {};

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

const fn key(path: &'static str, unit: &'static str, allowed: Allowed, fill: Fill, doc: &'static str, set: Set) -> Key {
    Key {
        path,
        unit,
        allowed,
        fill,
        doc,
        set,
    }
}

/// A section whose keys land in the scenario themselves.
const fn section(path: &'static str, doc: &'static str) -> Key {
    key(path, "", Allowed::Section, Fill::Value("{}"), doc, NONE)
}

/// A checked count as `u32` (ranges keep every count within it).
fn u32_of(x: i64) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

/// The fee policy of the platform a key of `[platform.fee]` belongs to.
fn fee<'s>(s: &'s mut Scenario, ix: &[usize]) -> &'s mut FeePolicy {
    &mut s.platforms[ix[0]].fee
}

/// All keys, in the order `gigsim init` prints them.
pub const KEYS: &[Key] = &[
    section("simulation", "How long, how often and how to report."),
    key(
        "simulation.name",
        "",
        Allowed::Text(80),
        Fill::Value(r#""scenario""#),
        "Name of the scenario; results go to output/<name>/<date-time>/.",
        |s, _, v| s.name = v.text().to_string(),
    ),
    key(
        "simulation.description",
        "",
        Allowed::Text(2000),
        Fill::Value(r#""""#),
        "What the scenario models, for reports.",
        |s, _, v| s.description = v.text().to_string(),
    ),
    key(
        "simulation.days",
        "days",
        Allowed::Int { min: 1, max: 36_500 },
        Fill::Value("30"),
        "Days simulated; a day is the step of the model.",
        |s, _, v| s.days = u32_of(v.int()),
    ),
    key(
        "simulation.warmup_days",
        "days",
        Allowed::Int { min: 0, max: 36_499 },
        Fill::Value("0"),
        "Days simulated first and left out of every metric (must be below days).",
        |s, _, v| s.warmup_days = u32_of(v.int()),
    ),
    key(
        "simulation.replicates",
        "",
        Allowed::Int { min: 1, max: 1_000_000 },
        Fill::Value("10"),
        "Independent replicates; confidence intervals measure simulation error across them.",
        |s, _, v| s.replicates = u32_of(v.int()),
    ),
    key(
        "simulation.seed",
        "",
        Allowed::Int { min: 0, max: i64::MAX },
        Fill::Value("1"),
        "Master seed: the same seed and scenario give identical tables.",
        |s, _, v| s.seed = v.int() as u64,
    ),
    key(
        "simulation.wage_floor_usd",
        "US$/h",
        Allowed::Float {
            min: 0.0,
            max: 10_000.0,
        },
        Fill::Value("7.25"),
        "Hourly wage that share_below_wage_floor compares against (7.25 is the US federal minimum).",
        |s, _, v| s.reporting.wage_floor_usd = v.float(),
    ),
    key(
        "simulation.min_hours_for_wage",
        "hours",
        Allowed::Float {
            min: 0.0,
            max: 1_000_000.0,
        },
        Fill::Value("1.0"),
        "Paid hours a worker needs before wage statistics include them.",
        |s, _, v| s.reporting.min_paid_seconds = v.float() * 3600.0,
    ),
    section(
        "workers",
        "The worker population on day 1. Traits are drawn once per worker.",
    ),
    key(
        "workers.count",
        "workers",
        COUNT,
        Fill::Value("1000"),
        "Workers registered on day 1.",
        |s, _, v| s.workers.count = u32_of(v.int()),
    ),
    key(
        "workers.skill",
        "share",
        Allowed::Dist { min: 0.0, max: 1.0 },
        Fill::Value(r#"{ dist = "beta", a = 8.0, b = 2.0 }"#),
        "Share of tasks a worker does well; poor work risks rejection.",
        |s, _, v| s.workers.skill = v.dist(),
    ),
    key(
        "workers.speed",
        "multiplier",
        Allowed::Dist { min: 0.01, max: 100.0 },
        Fill::Value(r#"{ dist = "lognormal", median = 1.0, sigma = 0.3, min = 0.25, max = 4.0 }"#),
        "Speed multiplier: speed 2 needs half the expected time of a task.",
        |s, _, v| s.workers.speed = v.dist(),
    ),
    key(
        "workers.reservation_wage",
        "US$/h",
        Allowed::Dist {
            min: 0.0,
            max: 10_000.0,
        },
        Fill::Value(r#"{ dist = "lognormal", median = 1.38, sigma = 0.8, max = 100.0 }"#),
        "Least pay per hour of expected work a worker accepts; log-normal with median $1.38/h on MTurk (Horton & Chilton, EC 2010).",
        |s, _, v| s.workers.reservation_wage = v.dist(),
    ),
    key(
        "workers.hours_per_day",
        "hours",
        Allowed::Dist { min: 0.0, max: 24.0 },
        Fill::Value(r#"{ dist = "lognormal", median = 2.0, sigma = 0.6, min = 0.25, max = 12.0 }"#),
        "Hours a worker is available on a day they work.",
        |s, _, v| s.workers.hours_per_day = v.dist(),
    ),
    key(
        "workers.days_per_week",
        "days",
        Allowed::Dist { min: 0.0, max: 7.0 },
        Fill::Value(r#"{ dist = "uniform", low = 1.0, high = 7.0 }"#),
        "Days worked in an average week; each day is worked with probability days/7.",
        |s, _, v| s.workers.days_per_week = v.dist(),
    ),
    key(
        "workers.search_patience_minutes",
        "minutes",
        Allowed::Dist { min: 0.0, max: 1440.0 },
        Fill::Value(r#"{ dist = "fixed", value = 0.0 }"#),
        "Longest a worker stays logged on looking for work that suits them before logging off for the day, drawn per worker: time a day's work leaves over is unpaid search up to this much (on a board, counted from their last pick that found work), and idle (not logged on) after it. Unpaid search is what separates the all-time from the paid-time hourly wage (Hara et al. 2018, CHI). 0 = off: time left over is idle, and a board worker stops after three fruitless picks.",
        |s, _, v| s.workers.search_patience = v.dist(),
    ),
    key(
        "workers.session_start_hour",
        "hour of day",
        Allowed::Dist { min: 0.0, max: 24.0 },
        Fill::Value(r#"{ dist = "uniform", low = 0.0, high = 24.0 }"#),
        "Hour of the day a worker logs on, drawn once per worker (an assumption by default: starts spread evenly over the day). Their session lasts the day's paid + unpaid time and wraps past midnight into the early hours; the daily table reports the peak number logged on at once, and with demand.hour_factors a worker can take only tasks posted before their available hours end.",
        |s, _, v| s.workers.session_start_hour = v.dist(),
    ),
    key(
        "workers.initial_rating",
        "stars",
        Allowed::Dist { min: 1.0, max: 5.0 },
        Fill::Value(r#"{ dist = "normal", mean = 4.6, sd = 0.3 }"#),
        "Star rating on day 1.",
        |s, _, v| s.workers.initial_rating = v.dist(),
    ),
    key(
        "workers.initial_reviews",
        "reviews",
        Allowed::Dist { min: 0.0, max: 1e9 },
        Fill::Value(r#"{ dist = "lognormal", median = 10.0, sigma = 1.2, max = 10000.0 }"#),
        "Reviews behind the day-1 rating (rounded).",
        |s, _, v| s.workers.initial_reviews = v.dist(),
    ),
    key(
        "workers.experience_tasks",
        "tasks",
        Allowed::Dist { min: 0.0, max: 1e9 },
        Fill::Value(r#"{ dist = "lognormal", median = 200.0, sigma = 1.5, max = 1000000.0 }"#),
        "Tasks done before day 1 (rounded); they count toward approval gates.",
        |s, _, v| s.workers.experience_tasks = v.dist(),
    ),
    key(
        "workers.initial_approval",
        "share",
        Allowed::Dist { min: 0.0, max: 1.0 },
        Fill::Value(r#"{ dist = "beta", a = 60.0, b = 1.0 }"#),
        "Share of the earlier tasks that was approved.",
        |s, _, v| s.workers.initial_approval = v.dist(),
    ),
    key(
        "workers.efficiency",
        "share",
        Allowed::Dist { min: 0.05, max: 1.0 },
        Fill::Value(r#"{ dist = "fixed", value = 1.0 }"#),
        "Share of working time that is productive; interruptions make every task take duration / efficiency.",
        |s, _, v| s.workers.efficiency = v.dist(),
    ),
    key(
        "workers.weekday_factors",
        "multipliers",
        Allowed::FloatList {
            len: 7,
            min: 0.0,
            max: 7.0,
        },
        Fill::Value("[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]"),
        "Multipliers of the chance of working on Monday to Sunday (capped at certainty), so supply can peak on other days than demand.",
        |s, _, v| s.workers.weekday = v.seven(),
    ),
    key(
        "workers.specialist_share",
        "share",
        PROBABILITY,
        Fill::Value("0.0"),
        "Share of workers who specialise in one niche category (chosen by its share) and take only its tasks.",
        |s, _, v| s.workers.specialist_share = v.float(),
    ),
    key(
        "workers.dormant_share",
        "share",
        PROBABILITY,
        Fill::Value("0.0"),
        "Share of sign-ups (day-1 workers and newcomers alike, drawn per worker from its own stream) whose profile goes dormant: on their first dormant_sessions working days they log on and look for work for dormant_session_minutes (unpaid search), never take a task, and then never log on again. They stay registered, as a profile is not deleted when its owner stops logging on: they count in workers_registered and share_never_paid, and in workers_ever_active only while their sessions fall in the metric period. Kässi, Lehdonvirta and Stephany (2021, Open Research Europe 1:53) count about 163 million registered freelancer profiles worldwide, of which about 14 million ever obtained work. 0 = every profile is used.",
        |s, _, v| s.workers.dormant_share = v.float(),
    ),
    key(
        "workers.dormant_sessions",
        "days",
        Allowed::Int { min: 1, max: 36_500 },
        Fill::Value("3"),
        "Working days a dormant profile logs on before it lapses.",
        |s, _, v| s.workers.dormant_sessions = u32_of(v.int()),
    ),
    key(
        "workers.dormant_session_minutes",
        "minutes",
        Allowed::Float { min: 0.0, max: 1440.0 },
        Fill::Value("20.0"),
        "Minutes a dormant profile spends looking for work in each session (unpaid search, capped by the day's hours); the rest of its day is idle.",
        |s, _, v| s.workers.dormant_session_seconds = (v.float() * 60.0).round() as u32,
    ),
    section("requesters", "The requesters who post work, pay, reject and rate."),
    key(
        "requesters.count",
        "requesters",
        Allowed::Int {
            min: 1,
            max: 100_000_000,
        },
        Fill::Value("100"),
        "Requesters posting work.",
        |s, _, v| s.requesters.count = u32_of(v.int()),
    ),
    key(
        "requesters.concentration",
        "Zipf exponent",
        Allowed::Float { min: 0.0, max: 5.0 },
        Fill::Value("1.0"),
        "Requester k posts in proportion to 1/k^s; about 1 gives MTurk's top 10% posting most of the work (Ipeirotis 2010).",
        |s, _, v| s.requesters.concentration = v.float(),
    ),
    key(
        "requesters.rejection_rate",
        "share",
        Allowed::Dist { min: 0.0, max: 1.0 },
        Fill::Value(r#"{ dist = "beta", a = 2.0, b = 8.0 }"#),
        "Share of poorly done work a requester rejects (drawn per requester); rejected work is unpaid.",
        |s, _, v| s.requesters.rejection_rate = v.dist(),
    ),
    key(
        "requesters.rating_probability",
        "probability",
        PROBABILITY,
        Fill::Value("0.2"),
        "Probability that a requester rates a finished task.",
        |s, _, v| s.requesters.rating_probability = v.float(),
    ),
    key(
        "requesters.good_work_stars",
        "stars",
        Allowed::Float { min: 1.0, max: 5.0 },
        Fill::Value("4.8"),
        "Mean stars for work done well.",
        |s, _, v| s.requesters.good_work_stars = v.float(),
    ),
    key(
        "requesters.poor_work_stars",
        "stars",
        Allowed::Float { min: 1.0, max: 5.0 },
        Fill::Value("3.0"),
        "Mean stars for poor work that was accepted (rejected work gets 1 star).",
        |s, _, v| s.requesters.poor_work_stars = v.float(),
    ),
    key(
        "requesters.rating_noise",
        "stars",
        Allowed::Float { min: 0.0, max: 5.0 },
        Fill::Value("0.6"),
        "Standard deviation of stars around those means.",
        |s, _, v| s.requesters.rating_noise = v.float(),
    ),
    key(
        "requesters.rejecting_share",
        "share",
        PROBABILITY,
        Fill::Value("0.0"),
        "Share of requesters who reject most work whatever its quality; a worker they reject avoids them afterwards.",
        |s, _, v| s.requesters.rejecting_share = v.float(),
    ),
    key(
        "requesters.rejecting_rate",
        "share",
        PROBABILITY,
        Fill::Value("0.9"),
        "Share of all work those requesters reject.",
        |s, _, v| s.requesters.rejecting_rate = v.float(),
    ),
    key(
        "requesters.nonpaying_share",
        "share",
        PROBABILITY,
        Fill::Value("0.0"),
        "Share of requesters who accept work and never pay (the time is unpaid); a worker they cheat avoids them afterwards.",
        |s, _, v| s.requesters.nonpaying_share = v.float(),
    ),
    key(
        "requesters.leniency",
        "probability",
        PROBABILITY,
        Fill::Value("0.0"),
        "How strongly raters follow the market's norm: with probability leniency × norm, where the norm is the recent share of 5-star ratings given on the platform (a moving average over days), a rater who would give less than 5 stars to approved work gives 5 (a rejection is its own low rating and is left at 1 star). The share of top ratings then climbs from the honest share h toward h / (1 - (1 - h) × leniency), at a pace set by norm_window_days, so average feedback drifts up over calendar time as it did on oDesk/Upwork (Filippas, Horton and Golden, \"Reputation Inflation\", Marketing Science 2022). 0 = honest ratings.",
        |s, _, v| s.requesters.leniency = v.float(),
    ),
    key(
        "requesters.norm_window_days",
        "days",
        Allowed::Float { min: 1.0, max: 3650.0 },
        Fill::Value("30.0"),
        "Span of the moving average of the daily share of 5-star ratings that raters' leniency follows.",
        |s, _, v| s.requesters.norm_weight = 2.0 / (v.float() + 1.0),
    ),
    key(
        "requesters.feedback",
        "",
        Allowed::Choice(choice::words::<Feedback>),
        Fill::Value(r#""public""#),
        "\"public\": the worker and the market see each rating, so raters follow the norm (requesters.leniency applies). \"private\": only the platform sees ratings; raters give their honest stars whatever the norm (Filippas, Horton and Golden 2022 found the private feedback a platform added was not inflated), and the platform still ranks workers by them, so in the model private feedback switches leniency off and changes nothing else.",
        |s, _, v| s.requesters.feedback = v.choice(),
    ),
    section("tasks", "Kinds of task. Each posted batch belongs to one category."),
    key(
        "tasks.categories",
        "",
        Allowed::Tables,
        Fill::Value(
            r#"[
            { name = "labelling", share = 0.6, pay_usd = { dist = "lognormal", median = 0.05, sigma = 0.7, min = 0.01, max = 1.0 }, duration_seconds = { dist = "lognormal", median = 30.0, sigma = 0.5, min = 5.0, max = 600.0 }, batch_size = { dist = "lognormal", median = 20.0, sigma = 1.0, min = 1.0, max = 1000.0 } },
            { name = "survey", share = 0.3, pay_usd = { dist = "lognormal", median = 0.5, sigma = 0.6, min = 0.05, max = 5.0 }, duration_seconds = { dist = "lognormal", median = 300.0, sigma = 0.5, min = 60.0, max = 3600.0 }, batch_size = { dist = "lognormal", median = 30.0, sigma = 0.8, min = 1.0, max = 500.0 } },
            { name = "transcription", share = 0.1, pay_usd = { dist = "lognormal", median = 1.0, sigma = 0.5, min = 0.1, max = 5.0 }, duration_seconds = { dist = "lognormal", median = 480.0, sigma = 0.4, min = 60.0, max = 3600.0 }, batch_size = { dist = "lognormal", median = 5.0, sigma = 0.8, min = 1.0, max = 100.0 } },
        ]"#,
        ),
        "The categories; a scenario that lists any replaces the default ones.",
        |s, _, v| s.categories.resize_with(v.count(), Category::default),
    ),
    key(
        "tasks.categories[].name",
        "",
        Allowed::Text(80),
        Fill::Required,
        "Name of the category (unique).",
        |s, ix, v| s.categories[ix[0]].name = v.text().to_string(),
    ),
    key(
        "tasks.categories[].share",
        "weight",
        Allowed::Float { min: 0.0, max: 1e9 },
        Fill::Required,
        "Relative share of posted tasks.",
        |s, ix, v| s.categories[ix[0]].share = v.float(),
    ),
    key(
        "tasks.categories[].pay_usd",
        "US$",
        Allowed::Dist {
            min: 0.01,
            max: 1_000_000.0,
        },
        Fill::Required,
        "Pay per task (rounded to the cent). The modal MTurk reward was $0.05 in 2014 (Difallah et al., WWW 2015).",
        |s, ix, v| s.categories[ix[0]].pay_usd = v.dist(),
    ),
    key(
        "tasks.categories[].duration_seconds",
        "seconds",
        Allowed::Dist {
            min: 1.0,
            max: 2_592_000.0,
        },
        Fill::Required,
        "Expected time per task at speed 1; jobs longer than a day carry over.",
        |s, ix, v| s.categories[ix[0]].duration_seconds = v.dist(),
    ),
    key(
        "tasks.categories[].batch_size",
        "tasks",
        Allowed::Dist {
            min: 1.0,
            max: 1_000_000.0,
        },
        Fill::Required,
        "Tasks (assignments) per posted batch (rounded).",
        |s, ix, v| s.categories[ix[0]].batch_size = v.dist(),
    ),
    key(
        "tasks.categories[].niche",
        "",
        Allowed::Bool,
        Fill::Value("false"),
        "A niche category: only its specialists (workers.specialist_share) take its tasks; they face fewer competitors and thinner demand.",
        |s, ix, v| s.categories[ix[0]].niche = v.bool(),
    ),
    key(
        "tasks.categories[].travel_seconds",
        "seconds",
        Allowed::Dist {
            min: 0.0,
            max: 86_400.0,
        },
        Fill::Value(r#"{ dist = "fixed", value = 0.0 }"#),
        "Travel time added to each task's duration (dispatch and local jobs; there is no geography).",
        |s, ix, v| s.categories[ix[0]].travel_seconds = v.dist(),
    ),
    key(
        "tasks.categories[].pay_basis",
        "",
        Allowed::Choice(choice::words::<PayBasis>),
        Fill::Value(r#""task""#),
        "\"task\": pay_usd is per task; \"hour\": pay_usd is a rate per hour of expected time (TaskRabbit-style jobs).",
        |s, ix, v| s.categories[ix[0]].hourly = v.choice::<PayBasis>() == PayBasis::Hour,
    ),
    section(
        "demand",
        "Tasks posted per day = tasks_per_day × weekday × season × regime × noise × shocks.",
    ),
    key(
        "demand.tasks_per_day",
        "tasks",
        Allowed::Float { min: 0.0, max: 1e10 },
        Fill::Value("20000.0"),
        "Tasks posted on an average day.",
        |s, _, v| s.demand.tasks_per_day = v.float(),
    ),
    key(
        "demand.weekday_factors",
        "multipliers",
        Allowed::FloatList {
            len: 7,
            min: 0.0,
            max: 100.0,
        },
        Fill::Value("[1.1, 1.1, 1.05, 1.0, 0.95, 0.9, 0.9]"),
        "Multipliers for Monday to Sunday; day 1 is a Monday. MTurk demand has a strong weekly cycle (Ipeirotis 2009).",
        |s, _, v| s.demand.weekday = v.seven(),
    ),
    key(
        "demand.hour_factors",
        "weights",
        Allowed::FloatList {
            len: 24,
            min: 0.0,
            max: 100.0,
        },
        Fill::Optional,
        "Weights of the hours 0 to 23 in which batches are posted (each batch in one hour, drawn by these weights). A task posted in hour h can be taken only by a worker whose available hours that day (from workers.session_start_hour, for workers.hours_per_day) reach past h:00, so demand posted when few workers are on goes unfilled. Left out: every batch is posted at midnight and anyone working that day may take it.",
        |s, _, v| s.demand.hour_factors = Some(v.twenty_four()),
    ),
    key(
        "demand.season_amplitude",
        "share",
        PROBABILITY,
        Fill::Value("0.0"),
        "Amplitude of the yearly cycle (0.2 = ±20%, a cosine).",
        |s, _, v| s.demand.season_amplitude = v.float(),
    ),
    key(
        "demand.season_peak_day",
        "day of year",
        Allowed::Int { min: 1, max: 365 },
        Fill::Value("335"),
        "Day of the year when the yearly cycle peaks (day 1 is day 1 of the year).",
        |s, _, v| s.demand.season_peak_day = u32_of(v.int()),
    ),
    key(
        "demand.noise_sigma",
        "log scale",
        Allowed::Float { min: 0.0, max: 5.0 },
        Fill::Value("0.1"),
        "Standard deviation of the daily log-normal noise; corrected so its mean is one.",
        |s, _, v| s.demand.noise_sigma = v.float(),
    ),
    key(
        "demand.noise_autocorrelation",
        "",
        Allowed::Float { min: 0.0, max: 0.999 },
        Fill::Value("0.5"),
        "Day-to-day autocorrelation of the noise (AR(1) in logs).",
        |s, _, v| s.demand.noise_autocorrelation = v.float(),
    ),
    section(
        "demand.regimes",
        "Boom and bust regimes: a Markov chain that starts in the normal regime.",
    ),
    key(
        "demand.regimes.boom_probability",
        "per day",
        PROBABILITY,
        Fill::Value("0.0"),
        "Daily probability that a boom starts while demand is normal.",
        |s, _, v| s.demand.regimes.boom_probability = v.float(),
    ),
    key(
        "demand.regimes.bust_probability",
        "per day",
        PROBABILITY,
        Fill::Value("0.0"),
        "Daily probability that a bust starts while demand is normal (boom + bust at most 1).",
        |s, _, v| s.demand.regimes.bust_probability = v.float(),
    ),
    key(
        "demand.regimes.mean_days",
        "days",
        Allowed::Float {
            min: 1.0,
            max: 36_500.0,
        },
        Fill::Value("30.0"),
        "Mean length of a boom or a bust.",
        |s, _, v| s.demand.regimes.mean_days = v.float(),
    ),
    key(
        "demand.regimes.boom_multiplier",
        "multiplier",
        Allowed::Float { min: 0.0, max: 100.0 },
        Fill::Value("1.3"),
        "Demand multiplier during a boom.",
        |s, _, v| s.demand.regimes.boom_multiplier = v.float(),
    ),
    key(
        "demand.regimes.bust_multiplier",
        "multiplier",
        Allowed::Float { min: 0.0, max: 100.0 },
        Fill::Value("0.7"),
        "Demand multiplier during a bust.",
        |s, _, v| s.demand.regimes.bust_multiplier = v.float(),
    ),
    key(
        "demand.shocks",
        "",
        Allowed::Tables,
        Fill::Value("[]"),
        "Scheduled shocks, e.g. [[demand.shocks]] start_day = 30, days = 14, multiplier = 0.5.",
        |s, _, v| s.demand.shocks.resize(v.count(), Shock::default()),
    ),
    key(
        "demand.shocks[].start_day",
        "day",
        Allowed::Int { min: 1, max: 36_500 },
        Fill::Required,
        "First day of the shock.",
        |s, ix, v| s.demand.shocks[ix[0]].start_day = u32_of(v.int()),
    ),
    key(
        "demand.shocks[].days",
        "days",
        Allowed::Int { min: 1, max: 36_500 },
        Fill::Required,
        "Length of the shock.",
        |s, ix, v| s.demand.shocks[ix[0]].days = u32_of(v.int()),
    ),
    key(
        "demand.shocks[].multiplier",
        "multiplier",
        Allowed::Float { min: 0.0, max: 1000.0 },
        Fill::Required,
        "Demand multiplier while the shock lasts.",
        |s, ix, v| s.demand.shocks[ix[0]].multiplier = v.float(),
    ),
    key(
        "platform",
        "",
        Allowed::Section,
        Fill::UnlessGiven("platforms"),
        "The platform: how tasks meet workers, what it charges, who it shows, when it pays.",
        |s, _, v| s.platforms.resize_with(v.count(), PlatformParams::default),
    ),
    key(
        "platform.name",
        "",
        Allowed::Text(80),
        Fill::Value(r#""platform""#),
        "Name of the platform.",
        |s, ix, v| s.platforms[ix[0]].name = v.text().to_string(),
    ),
    key(
        "platform.matching",
        "",
        Allowed::Choice(choice::words::<Matching>),
        Fill::Value(r#""board""#),
        "\"search\" (Upwork, Fiverr): a requester draws workers by visibility weight; \"board\" (MTurk): workers pick from a task board in a random order each round; \"dispatch\" (DoorDash, TaskRabbit same-day): the platform offers each job to an available worker.",
        |s, ix, v| s.platforms[ix[0]].matching = v.choice(),
    ),
    key(
        "platform.offers_per_task",
        "offers",
        Allowed::Int { min: 1, max: 1_000_000 },
        Fill::Value("10"),
        "search: workers a requester offers a task to (declines count) before it stays unfilled.",
        |s, ix, v| s.platforms[ix[0]].offers_per_task = u32_of(v.int()),
    ),
    key(
        "platform.board_choices",
        "batches",
        Allowed::Int { min: 1, max: 1_000 },
        Fill::Value("5"),
        "board: batches a worker looks at before picking the best one they accept.",
        |s, ix, v| s.platforms[ix[0]].board_choices = u32_of(v.int()),
    ),
    key(
        "platform.search_seconds",
        "seconds",
        Allowed::Int { min: 0, max: 86_400 },
        Fill::Value("30"),
        "board: unpaid seconds spent searching for each pick.",
        |s, ix, v| s.platforms[ix[0]].search_seconds = u32_of(v.int()),
    ),
    key(
        "platform.join_probability",
        "probability",
        PROBABILITY,
        Fill::Value("1.0"),
        "With several [[platforms]]: the chance that a worker joins this platform (every worker joins at least one: the most likely).",
        |s, ix, v| s.platforms[ix[0]].join_probability = v.float(),
    ),
    key(
        "platform.requester_join_probability",
        "probability",
        PROBABILITY,
        Fill::Value("1.0"),
        "With several [[platforms]]: the chance that a requester posts here. A requester posts each batch on one of their platforms, by demand_share; one who joins none posts on the most likely (1 everywhere: every requester posts everywhere).",
        |s, ix, v| s.platforms[ix[0]].requester_join_probability = v.float(),
    ),
    key(
        "platform.demand_share",
        "weight",
        Allowed::Float { min: 0.0, max: 1e9 },
        Fill::Value("1.0"),
        "With several [[platforms]]: this platform's relative share of posted work.",
        |s, ix, v| s.platforms[ix[0]].demand_share = v.float(),
    ),
    section(
        "platform.fee",
        "The fee policy; every fee is computed per task in integer cents and rounded to the nearest cent, halves up.",
    ),
    key(
        "platform.fee.worker_percent",
        "percent",
        PERCENT,
        Fill::Value("0.0"),
        "Commission deducted from the worker's pay (flat; ignored when tiers are given).",
        |s, ix, v| fee(s, ix).worker_ppm = percent_to_ppm(v.float()),
    ),
    key(
        "platform.fee.requester_percent",
        "percent",
        PERCENT,
        Fill::Value("20.0"),
        "Commission added to what the requester pays; MTurk: 20% from July 2015, 10% before (Amazon's notice, 23 Jun 2015).",
        |s, ix, v| fee(s, ix).requester_ppm = percent_to_ppm(v.float()),
    ),
    key(
        "platform.fee.worker_fixed_usd",
        "US$",
        USD,
        Fill::Value("0.0"),
        "Fixed fee per task deducted from the worker's pay.",
        |s, ix, v| fee(s, ix).worker_fixed_cents = usd_to_cents(v.float()),
    ),
    key(
        "platform.fee.requester_fixed_usd",
        "US$",
        USD,
        Fill::Value("0.0"),
        "Fixed fee per task added to what the requester pays.",
        |s, ix, v| fee(s, ix).requester_fixed_cents = usd_to_cents(v.float()),
    ),
    key(
        "platform.fee.worker_min_usd",
        "US$",
        USD,
        Fill::Value("0.0"),
        "Least worker-side commission per task.",
        |s, ix, v| fee(s, ix).worker_min_cents = usd_to_cents(v.float()),
    ),
    key(
        "platform.fee.requester_min_usd",
        "US$",
        USD,
        Fill::Value("0.01"),
        "Least requester-side commission per task; MTurk: $0.01 per assignment.",
        |s, ix, v| fee(s, ix).requester_min_cents = usd_to_cents(v.float()),
    ),
    key(
        "platform.fee.batch_surcharge_percent",
        "percent",
        PERCENT,
        Fill::Value("0.0"),
        "Extra requester-side commission for large batches; MTurk 2015: +20% for 10 or more assignments.",
        |s, ix, v| fee(s, ix).batch_surcharge_ppm = percent_to_ppm(v.float()),
    ),
    key(
        "platform.fee.batch_surcharge_min_assignments",
        "tasks",
        Allowed::Int { min: 1, max: 1_000_000 },
        Fill::Value("10"),
        "Batch size from which the surcharge applies.",
        |s, ix, v| fee(s, ix).batch_surcharge_min_assignments = u32_of(v.int()),
    ),
    key(
        "platform.fee.small_order_fee_usd",
        "US$",
        USD,
        Fill::Value("0.0"),
        "Fee added to orders below the threshold; Fiverr: $3 under $100.",
        |s, ix, v| fee(s, ix).small_order_fee_cents = usd_to_cents(v.float()),
    ),
    key(
        "platform.fee.small_order_threshold_usd",
        "US$",
        USD,
        Fill::Value("0.0"),
        "Orders paying less than this pay the small-order fee (0 = none).",
        |s, ix, v| fee(s, ix).small_order_threshold_cents = usd_to_cents(v.float()),
    ),
    key(
        "platform.fee.processing_percent",
        "percent",
        PERCENT,
        Fill::Value("0.0"),
        "Payment processing added to what the requester pays, not platform revenue; Upwork 2016–2023: 2.75%.",
        |s, ix, v| fee(s, ix).processing_ppm = percent_to_ppm(v.float()),
    ),
    key(
        "platform.fee.levy_percent",
        "percent",
        PERCENT,
        Fill::Value("0.0"),
        "Levy for a welfare fund, a percent of each payment.",
        |s, ix, v| fee(s, ix).levy_ppm = percent_to_ppm(v.float()),
    ),
    key(
        "platform.fee.levy_side",
        "",
        Allowed::Choice(choice::words::<Side>),
        Fill::Value(r#""worker""#),
        "Who pays the levy: deducted from the worker or added for the requester.",
        |s, ix, v| fee(s, ix).levy_side = v.choice(),
    ),
    key(
        "platform.fee.pay_floor_usd_per_hour",
        "US$/h",
        Allowed::Float {
            min: 0.0,
            max: 10_000.0,
        },
        Fill::Value("0.0"),
        "Least pay per hour of expected task time the platform allows (0 = none); Prolific: $8.00/h.",
        |s, ix, v| fee(s, ix).pay_floor_cents_per_hour = usd_to_cents(v.float()),
    ),
    key(
        "platform.fee.pay_floor_action",
        "",
        Allowed::Choice(choice::words::<FloorAction>),
        Fill::Value(r#""raise""#),
        "A task below the floor has its pay raised to it, or is not posted.",
        |s, ix, v| fee(s, ix).pay_floor_action = v.choice(),
    ),
    key(
        "platform.fee.pass_through",
        "share",
        PROBABILITY,
        Fill::Value("0.0"),
        "Share of requester-side fees that requesters pass back into lower posted pay.",
        |s, ix, v| fee(s, ix).pass_through = v.float(),
    ),
    key(
        "platform.fee.demand_elasticity",
        "elasticity",
        Allowed::Float { min: 0.0, max: 20.0 },
        Fill::Value("0.0"),
        "Tasks posted scale with (all-in cost per task / the base scenario's)^(−elasticity); 0 keeps demand fixed.",
        |s, ix, v| fee(s, ix).demand_elasticity = v.float(),
    ),
    key(
        "platform.fee.tiers",
        "",
        Allowed::Tables,
        Fill::Value("[]"),
        "Tiered worker-side commission on lifetime billings per worker–requester pair, replacing worker_percent; Upwork 2016–2023: 20% to $500, 10% to $10,000, 5% above.",
        |s, ix, v| fee(s, ix).tiers.resize(v.count(), Tier::default()),
    ),
    key(
        "platform.fee.tiers[].up_to_usd",
        "US$",
        USD,
        Fill::Optional,
        "Upper end of the tier in lifetime billings with one requester; omitted on the last tier.",
        |s, ix, v| fee(s, ix).tiers[ix[1]].up_to_cents = Some(usd_to_cents(v.float())),
    ),
    key(
        "platform.fee.tiers[].percent",
        "percent",
        PERCENT,
        Fill::Required,
        "Commission on billings within the tier.",
        |s, ix, v| fee(s, ix).tiers[ix[1]].ppm = percent_to_ppm(v.float()),
    ),
    section(
        "platform.visibility",
        "Who is shown first (weight) and who is shown at all (gates on gated tasks).",
    ),
    key(
        "platform.visibility.min_rating",
        "stars",
        Allowed::Float { min: 0.0, max: 5.0 },
        Fill::Value("0.0"),
        "Gated tasks need at least this rating (workers with no reviews have none).",
        |s, ix, v| s.platforms[ix[0]].visibility.min_rating = v.float(),
    ),
    key(
        "platform.visibility.min_reviews",
        "reviews",
        COUNT,
        Fill::Value("0"),
        "Gated tasks need at least this many reviews.",
        |s, ix, v| s.platforms[ix[0]].visibility.min_reviews = u32_of(v.int()),
    ),
    key(
        "platform.visibility.rating_exponent",
        "",
        Allowed::Float { min: 0.0, max: 100.0 },
        Fill::Value("1.0"),
        "Weight ∝ (shrunk rating / 5)^exponent; 0 means ratings do not matter.",
        |s, ix, v| s.platforms[ix[0]].visibility.rating_exponent = v.float(),
    ),
    key(
        "platform.visibility.prior_reviews",
        "reviews",
        Allowed::Float { min: 0.0, max: 1e6 },
        Fill::Value("3.0"),
        "Weight of the prior in the shrunk rating, so one early review does not decide a career.",
        |s, ix, v| s.platforms[ix[0]].visibility.prior_reviews = v.float(),
    ),
    key(
        "platform.visibility.prior_rating",
        "stars",
        Allowed::Float { min: 1.0, max: 5.0 },
        Fill::Value("4.5"),
        "The rating that few reviews are shrunk toward.",
        |s, ix, v| s.platforms[ix[0]].visibility.prior_rating = v.float(),
    ),
    key(
        "platform.visibility.newcomer_boost",
        "multiplier",
        Allowed::Float { min: 0.0, max: 1000.0 },
        Fill::Value("1.0"),
        "Weight multiplier for workers with no reviews yet.",
        |s, ix, v| s.platforms[ix[0]].visibility.newcomer_boost = v.float(),
    ),
    key(
        "platform.visibility.min_approval",
        "share",
        PROBABILITY,
        Fill::Value("0.0"),
        "Gated tasks need at least this share of work approved; MTurk requesters often ask 95%.",
        |s, ix, v| s.platforms[ix[0]].visibility.min_approval = v.float(),
    ),
    key(
        "platform.visibility.min_approved_tasks",
        "tasks",
        COUNT,
        Fill::Value("0"),
        "Gated tasks need at least this many approved tasks.",
        |s, ix, v| s.platforms[ix[0]].visibility.min_approved_tasks = u32_of(v.int()),
    ),
    key(
        "platform.visibility.open_share",
        "share",
        PROBABILITY,
        Fill::Value("1.0"),
        "Share of tasks posted without any gate, so newcomers can start.",
        |s, ix, v| s.platforms[ix[0]].visibility.open_share = v.float(),
    ),
    section("platform.payout", "When earnings reach workers' pockets."),
    key(
        "platform.payout.delay_days",
        "days",
        Allowed::Int { min: 0, max: 3650 },
        Fill::Value("0"),
        "Days earnings are held before they can be paid out.",
        |s, ix, v| s.platforms[ix[0]].payout.delay_days = u32_of(v.int()),
    ),
    key(
        "platform.payout.minimum_usd",
        "US$",
        USD,
        Fill::Value("0.0"),
        "Least balance that is paid out.",
        |s, ix, v| s.platforms[ix[0]].payout.minimum_cents = usd_to_cents(v.float()),
    ),
    key(
        "platform.payout.interval_days",
        "days",
        Allowed::Int { min: 1, max: 3650 },
        Fill::Value("1"),
        "Payouts happen every this many days (7 = weekly).",
        |s, ix, v| s.platforms[ix[0]].payout.interval_days = u32_of(v.int()),
    ),
    key(
        "platform.payout.forfeit_below_minimum",
        "",
        Allowed::Bool,
        Fill::Value("false"),
        "Whether a leaving worker's balance below the minimum is kept by the platform (forfeited_cents) rather than paid.",
        |s, ix, v| s.platforms[ix[0]].payout.forfeit_below_minimum = v.bool(),
    ),
    section(
        "platform.dispatch",
        "dispatch (DoorDash, Uber Eats): the platform offers each job to an available worker, who may decline; acceptance rate and rating gate future offers; pay surges when demand outruns supply.",
    ),
    key(
        "platform.dispatch.min_acceptance",
        "share",
        PROBABILITY,
        Fill::Value("0.0"),
        "Offers go only to workers whose recent acceptance rate (accepted / offered over about acceptance_window_days, shrunk toward 1 by five offers) is at least this. A worker below it gets no offers until old refusals fade.",
        |s, ix, v| s.platforms[ix[0]].dispatch.min_acceptance = v.float(),
    ),
    key(
        "platform.dispatch.acceptance_window_days",
        "days",
        Allowed::Float { min: 1.0, max: 3650.0 },
        Fill::Value("7.0"),
        "Offers count toward the acceptance rate with a weight that falls by a factor e every this many days, so the rate is about the recent window (DoorDash counts the last 100 offers, a few days of work; the default is an assumption).",
        |s, ix, v| s.platforms[ix[0]].dispatch.acceptance_decay = (-1.0 / v.float()).exp(),
    ),
    key(
        "platform.dispatch.min_rating",
        "stars",
        Allowed::Float { min: 0.0, max: 5.0 },
        Fill::Value("0.0"),
        "Offers go only to workers whose mean rating is at least this, once they have rating_gate_reviews reviews; a worker below it after that gets no more offers. Uber drivers risk deactivation below about 4.6 stars.",
        |s, ix, v| s.platforms[ix[0]].dispatch.min_rating = v.float(),
    ),
    key(
        "platform.dispatch.rating_gate_reviews",
        "reviews",
        Allowed::Int { min: 0, max: 1_000_000 },
        Fill::Value("20"),
        "Reviews a worker has before min_rating applies, so a newcomer is not shut out by one early 4-star review (an assumption: Uber averages the last 500 rated trips).",
        |s, ix, v| s.platforms[ix[0]].dispatch.rating_gate_reviews = u32_of(v.int()),
    ),
    key(
        "platform.dispatch.decline_probability",
        "probability",
        PROBABILITY,
        Fill::Value("0.0"),
        "Chance that a worker turns down an offer they would otherwise take.",
        |s, ix, v| s.platforms[ix[0]].dispatch.decline_probability = v.float(),
    ),
    key(
        "platform.dispatch.surge_threshold",
        "ratio",
        Allowed::Float { min: 0.0, max: 100.0 },
        Fill::Value("1.0"),
        "Demand over supply, in hours of work against hours available, above which pay surges.",
        |s, ix, v| s.platforms[ix[0]].dispatch.surge_threshold = v.float(),
    ),
    key(
        "platform.dispatch.surge_slope",
        "",
        Allowed::Float { min: 0.0, max: 100.0 },
        Fill::Value("0.0"),
        "Pay multiplier gained per unit of demand/supply above the threshold (0 = no surge).",
        |s, ix, v| s.platforms[ix[0]].dispatch.surge_slope = v.float(),
    ),
    key(
        "platform.dispatch.surge_cap",
        "multiplier",
        Allowed::Float { min: 1.0, max: 100.0 },
        Fill::Value("1.0"),
        "Highest surge multiplier.",
        |s, ix, v| s.platforms[ix[0]].dispatch.surge_cap = v.float(),
    ),
    key(
        "platforms",
        "",
        Allowed::Tables,
        Fill::Value("[]"),
        "Several platforms in one market instead of one [platform]: each [[platforms]] has a name and every key of [platform] ([platforms.fee], [platforms.visibility], …). Workers join one or several and split their time by expected pay; overrides name a platform: platforms.fiverr.fee.worker_percent.",
        |s, _, v| s.platforms.resize_with(v.count(), PlatformParams::default),
    ),
    section(
        "learning",
        "Practice makes tasks quicker: time per task = first-time duration x (1 + tasks done in the category)^(-exponent), never below floor. Training cuts task time by up to 41% and raises accuracy by up to 5% (Gadiraju et al. 2015); practice makes workers faster more than better (Hata et al., CSCW 2017).",
    ),
    key(
        "learning.exponent",
        "",
        Allowed::Float { min: 0.0, max: 2.0 },
        Fill::Value("0.0"),
        "Exponent of the power law; 0 turns learning off.",
        |s, _, v| s.learning.exponent = v.float(),
    ),
    key(
        "learning.floor",
        "share",
        Allowed::Float { min: 0.05, max: 1.0 },
        Fill::Value("0.59"),
        "Best time as a share of the first-time duration (0.59 = up to 41% faster).",
        |s, _, v| s.learning.floor = v.float(),
    ),
    key(
        "learning.accuracy_gain",
        "share",
        PROBABILITY,
        Fill::Value("0.0"),
        "Rise in the share of tasks done well by the time the floor is reached (0.05 = +5 points).",
        |s, _, v| s.learning.accuracy_gain = v.float(),
    ),
    section(
        "switching",
        "The first task after a change of category or requester takes longer: up to +57% after a change of task type (Lasecki et al., CHI 2015).",
    ),
    key(
        "switching.category_percent",
        "percent",
        Allowed::Float { min: 0.0, max: 500.0 },
        Fill::Value("0.0"),
        "Extra time on the first task after a change of category.",
        |s, _, v| s.switching.category = v.float() / 100.0,
    ),
    key(
        "switching.requester_percent",
        "percent",
        Allowed::Float { min: 0.0, max: 500.0 },
        Fill::Value("0.0"),
        "Extra time on the first task for a new requester.",
        |s, _, v| s.switching.requester = v.float() / 100.0,
    ),
    key(
        "switching.batch_stay",
        "probability",
        PROBABILITY,
        Fill::Value("1.0"),
        "board: probability of staying with a batch after each task (1 = until it runs out or the day ends).",
        |s, _, v| s.switching.batch_stay = v.float(),
    ),
    section(
        "unpaid",
        "Unpaid work besides searching the board (platform.search_seconds) and rejected work: about 20 minutes unpaid per paid hour in the ILO's surveys of crowd workers.",
    ),
    key(
        "unpaid.return_probability",
        "probability",
        PROBABILITY,
        Fill::Value("0.0"),
        "A started task is returned unfinished: the time spent (a uniform share of its duration) is unpaid and the task goes back.",
        |s, _, v| s.unpaid.return_probability = v.float(),
    ),
    key(
        "unpaid.review_seconds",
        "seconds",
        Allowed::Int { min: 0, max: 86_400 },
        Fill::Value("0"),
        "search: unpaid seconds a worker spends on each offer they consider (reading the brief, a proposal).",
        |s, _, v| s.unpaid.review_seconds = u32_of(v.int()),
    ),
    section(
        "churn",
        "Workers leave when their recent hourly earnings stay below their reservation wage; newcomers arrive with no reviews (cold start).",
    ),
    key(
        "churn.exit_patience_days",
        "days",
        Allowed::Int { min: 0, max: 36_500 },
        Fill::Value("0"),
        "Working days in a row with recent earnings below the reservation wage before a worker leaves; 0 = nobody leaves.",
        |s, _, v| s.churn.exit_patience_days = u32_of(v.int()),
    ),
    key(
        "churn.exit_window_days",
        "days",
        Allowed::Float { min: 1.0, max: 365.0 },
        Fill::Value("14.0"),
        "Span of the moving average of a worker's hourly earnings (net per available hour).",
        |s, _, v| s.churn.ewma_weight = 2.0 / (v.float() + 1.0),
    ),
    key(
        "churn.exit_hazard_percent",
        "percent per day",
        Allowed::Float { min: 0.0, max: 100.0 },
        Fill::Value("0.0"),
        "Chance each day that a worker leaves for reasons other than pay (life events, another job), whether they work that day or not: a pool's half-life is ln 2 / hazard days (0.19% a day gives about a year). 0 = only pay makes workers leave.",
        |s, _, v| s.churn.exit_hazard = v.float() / 100.0,
    ),
    key(
        "churn.entry_per_day",
        "workers",
        Allowed::Float {
            min: 0.0,
            max: 10_000_000.0,
        },
        Fill::Value("0.0"),
        "Newcomers per day, on average (Poisson); they are the same people, in the same order, in every variant.",
        |s, _, v| s.churn.entry_per_day = v.float(),
    ),
    key(
        "churn.entry_elasticity",
        "",
        Allowed::Float { min: 0.0, max: 10.0 },
        Fill::Value("0.0"),
        "Arrivals scale with (recent mean hourly earnings / median reservation wage)^elasticity; 0 = a fixed rate.",
        |s, _, v| s.churn.entry_elasticity = v.float(),
    ),
    key(
        "churn.treated_share",
        "share",
        PROBABILITY,
        Fill::Value("0.0"),
        "A field experiment (Pallais 2014, AER, \"Inefficient Hiring in Entry-Level Labor Markets\"): a random share of newcomers (not day-1 workers) gets one hire and a public review on entry: they join with one approved task and one 5-star review, outside the books (no pay moves). Drawn per newcomer from its own stream, so every variant treats the same people and no other draw changes; `workers.treated` marks them and the report compares their net earnings with the other newcomers'. 0 = no experiment.",
        |s, _, v| s.churn.treated_share = v.float(),
    ),
    section(
        "tools",
        "Some workers invest unpaid time up front (scripts, templates) for a lasting speed-up.",
    ),
    key(
        "tools.share",
        "share",
        PROBABILITY,
        Fill::Value("0.0"),
        "Share of workers who invest.",
        |s, _, v| s.tools.share = v.float(),
    ),
    key(
        "tools.hours",
        "hours",
        Allowed::Float {
            min: 0.0,
            max: 10_000.0,
        },
        Fill::Value("10.0"),
        "Unpaid hours invested, on their first working days.",
        |s, _, v| s.tools.seconds = (v.float() * 3600.0).round() as u32,
    ),
    key(
        "tools.speedup_percent",
        "percent",
        Allowed::Float { min: 0.0, max: 90.0 },
        Fill::Value("20.0"),
        "Time saved on every task once the investment is made.",
        |s, _, v| s.tools.time_multiplier = 1.0 - v.float() / 100.0,
    ),
    section(
        "taxes",
        "An estimated tax on each worker's net earnings over the metric period (thresholds prorated from a year), so the workers table reads like a worker's earnings tracker.",
    ),
    key(
        "taxes.self_employment_percent",
        "percent",
        PERCENT,
        Fill::Value("0.0"),
        "Self-employment tax on net earnings (US: 15.3%).",
        |s, _, v| s.taxes.self_employment_ppm = percent_to_ppm(v.float()),
    ),
    key(
        "taxes.self_employment_threshold_usd",
        "US$/year",
        USD,
        Fill::Value("400.0"),
        "No self-employment tax below these net earnings per year (US: $400).",
        |s, _, v| s.taxes.self_employment_threshold_cents = usd_to_cents(v.float()),
    ),
    key(
        "taxes.income_tax_percent",
        "percent",
        PERCENT,
        Fill::Value("0.0"),
        "Income tax on net earnings above the allowance.",
        |s, _, v| s.taxes.income_ppm = percent_to_ppm(v.float()),
    ),
    key(
        "taxes.allowance_usd",
        "US$/year",
        USD,
        Fill::Value("0.0"),
        "Net earnings per year free of income tax.",
        |s, _, v| s.taxes.allowance_cents = usd_to_cents(v.float()),
    ),
    section(
        "charts",
        "How charts are drawn; they never change results, and `gigsim plot --charts FILE` redraws them with another [charts] section.",
    ),
    key(
        "charts.width",
        "pixels",
        Allowed::Int { min: 320, max: 8000 },
        Fill::Value("1000"),
        "Width of a chart at scale 1.",
        |s, _, v| s.charts.width = u32_of(v.int()),
    ),
    key(
        "charts.height",
        "pixels",
        Allowed::Int { min: 240, max: 8000 },
        Fill::Value("650"),
        "Height of a chart at scale 1.",
        |s, _, v| s.charts.height = u32_of(v.int()),
    ),
    key(
        "charts.formats",
        "",
        Allowed::ChoiceList(choice::words::<ChartFormat>),
        Fill::Value(r#"["png", "svg"]"#),
        "Formats written for every chart.",
        |s, _, v| s.charts.formats = v.words().iter().map(|w| choice::parse(w).expect("checked")).collect(),
    ),
    key(
        "charts.scale",
        "multiplier",
        Allowed::Float { min: 0.5, max: 4.0 },
        Fill::Value("1.0"),
        "Resolution multiplier for PNG (2 = twice the pixels, for print or high-density screens).",
        |s, _, v| s.charts.scale = v.float(),
    ),
    key(
        "variants",
        "",
        Allowed::Tables,
        Fill::Value("[]"),
        "Named variants: the scenario as written is variant \"base\"; each variant overrides dotted keys.",
        NONE,
    ),
    key(
        "variants[].name",
        "",
        Allowed::Text(80),
        Fill::Required,
        "Name of the variant (unique, not \"base\").",
        NONE,
    ),
    key(
        "variants[].set",
        "",
        Allowed::Overrides,
        Fill::Value("{}"),
        "Overrides, e.g. { \"platform.fee.worker_percent\" = 10.0 }.",
        NONE,
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
/// `[[platforms]]` has the keys of `[platform]`; `""` gives the top-level sections).
pub fn children(prefix: &str) -> Vec<&'static Key> {
    if prefix.is_empty() {
        return KEYS.iter().filter(|k| !k.path.contains('.')).collect();
    }
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
    fn every_default_is_allowed() {
        // Resolving an empty file fills in every default and checks it against its key.
        let tree = crate::scenario::defaults_tree();
        assert!(tree.contains_key("platform") && !tree.contains_key("platforms"));
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
        assert!(children("").iter().any(|k| k.path == "simulation"));
    }
}
