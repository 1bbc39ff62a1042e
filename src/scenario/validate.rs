//! From the scenario as written to the scenario the model runs: every value checked
//! against the range `keys` allows, distributions built, units converted (dollars to
//! cents, percents to parts per million, hours to seconds), cross-key rules enforced.

use super::Scenario;
use super::dist::{Dist, RawDist, fmt_num};
use super::error::Problem;
use super::keys::{self, Allowed};
use super::locate::{Locator, Seg, path_string};
use super::raw::{RawPlatform, RawScenario};
use crate::model::behaviour::{Churn, Learning, Switching, Taxes, Tools, Unpaid};
use crate::model::demand::{DemandParams, Regimes, Shock};
use crate::model::fees::{FeePolicy, FloorAction, Side, Tier, percent_to_ppm, usd_to_cents};
use crate::model::payouts::PayoutRule;
use crate::model::posting::Category;
use crate::model::record::WageReporting;
use crate::model::requester::RequesterParams;
use crate::model::visibility::Visibility;
use crate::model::worker::WorkerParams;
use crate::model::{Dispatch, Matching, PlatformParams};

/// Where problems are reported: the file, its text, and what is being checked.
pub struct Where<'a> {
    /// The file as the user named it.
    pub file: &'a str,
    /// Positions of keys in the file.
    pub locator: &'a Locator<'a>,
    /// A variant or sweep being checked.
    pub context: Option<String>,
    /// For overrides: the line of the override, used when the key is not in the file.
    pub fallback_line: Option<usize>,
}

impl Where<'_> {
    /// A problem at a dotted key path.
    pub fn problem(&self, key: &str, value: Option<String>, message: impl Into<String>) -> Box<Problem> {
        let path = super::locate::parse_path(key);
        let (line, value) = if self.context.is_some() {
            (self.fallback_line, value)
        } else {
            // Show the value as the file writes it, where it does.
            let written = value.as_ref().and(self.locator.value_text(&path)).map(String::from);
            (self.locator.line_of(&path).or(self.fallback_line), written.or(value))
        };
        Box::new(Problem {
            file: self.file.to_string(),
            line,
            context: self.context.clone(),
            key: key.to_string(),
            value,
            message: message.into(),
        })
    }
}

/// Checks every value of a resolved scenario tree against the range its key allows.
pub fn check_ranges(tree: &toml::Table, at: &Where<'_>) -> Result<(), Box<Problem>> {
    walk(tree, &mut Vec::new(), at)
}

fn walk(table: &toml::Table, path: &mut Vec<Seg>, at: &Where<'_>) -> Result<(), Box<Problem>> {
    for (k, v) in table {
        path.push(Seg::Key(k.clone()));
        let p = path_string(path);
        let Some(key) = keys::find(&keys::normalize(&p)) else {
            return Err(at.problem(&p, Some(v.to_string()), "unknown key"));
        };
        check_value(key.allowed, v, path, &p, at)?;
        path.pop();
    }
    Ok(())
}

fn check_value(
    allowed: Allowed,
    v: &toml::Value,
    path: &mut Vec<Seg>,
    p: &str,
    at: &Where<'_>,
) -> Result<(), Box<Problem>> {
    let bad = || at.problem(p, Some(v.to_string()), format!("expected {}", allowed.describe()));
    match allowed {
        Allowed::Section => walk(v.as_table().ok_or_else(bad)?, path, at)?,
        Allowed::Tables => {
            for (i, item) in v.as_array().ok_or_else(bad)?.iter().enumerate() {
                path.push(Seg::Index(i));
                walk(item.as_table().ok_or_else(bad)?, path, at)?;
                path.pop();
            }
        }
        Allowed::Int { min, max } => {
            let x = v.as_integer().ok_or_else(bad)?;
            if x < min || x > max {
                return Err(bad());
            }
        }
        Allowed::Float { min, max } => {
            let x = v
                .as_float()
                .or_else(|| v.as_integer().map(|i| i as f64))
                .ok_or_else(bad)?;
            if !(x >= min && x <= max) {
                return Err(bad());
            }
        }
        Allowed::Text(n) => {
            if v.as_str().ok_or_else(bad)?.chars().count() > n {
                return Err(bad());
            }
        }
        Allowed::Choice(words) => {
            if !words.contains(&v.as_str().ok_or_else(bad)?) {
                return Err(bad());
            }
        }
        Allowed::Bool => {
            v.as_bool().ok_or_else(bad)?;
        }
        Allowed::FloatList { len, min, max } => {
            let items = v.as_array().ok_or_else(bad)?;
            if items.len() != len {
                return Err(bad());
            }
            for item in items {
                let x = item
                    .as_float()
                    .or_else(|| item.as_integer().map(|i| i as f64))
                    .ok_or_else(bad)?;
                if !(x >= min && x <= max) {
                    return Err(bad());
                }
            }
        }
        Allowed::ChoiceList(words) => {
            let items = v.as_array().ok_or_else(bad)?;
            if items.is_empty() {
                return Err(bad());
            }
            for (i, item) in items.iter().enumerate() {
                let word = item.as_str().ok_or_else(bad)?;
                if !words.contains(&word) || items[..i].iter().any(|o| o.as_str() == Some(word)) {
                    return Err(bad());
                }
            }
        }
        // Distributions are checked when built; overrides when applied.
        Allowed::Dist { .. } | Allowed::Overrides => {}
    }
    Ok(())
}

/// Builds a distribution, checking it against the range of its key.
fn dist(at: &Where<'_>, path: &str, raw: &RawDist) -> Result<Dist, Box<Problem>> {
    let Some(Allowed::Dist { min, max }) = keys::find(&keys::normalize(path)).map(|k| k.allowed) else {
        unreachable!("{path} is documented as a distribution in keys.rs");
    };
    raw.build(min, max).map_err(|e| {
        let key = format!("{path}.{}", e.param);
        let value = raw_param(raw, &e.param);
        at.problem(&key, value, e.allowed)
    })
}

fn raw_param(raw: &RawDist, name: &str) -> Option<String> {
    toml::Value::try_from(raw).ok()?.get(name).map(|v| v.to_string())
}

/// A checked list of seven weekday factors as an array.
fn seven(list: &[f64]) -> [f64; 7] {
    let mut out = [1.0; 7];
    out.copy_from_slice(&list[..7]);
    out
}

fn u32_of(x: i64) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

/// Most platforms a market may have (a worker's memberships are a 32-bit set).
pub use crate::model::market::MAX_PLATFORMS;

/// Most workers a run may register, day-1 workers and newcomers together (ids are
/// 32-bit, and `u32::MAX` marks "no membership").
pub const MAX_WORKERS: u64 = u32::MAX as u64 - 1;

/// A name is one line of text: no control characters (a newline in a name would break
/// the lines of CSV readers, charts and job scripts it is written into).
fn check_name(at: &Where<'_>, key: &str, name: &str) -> Result<(), Box<Problem>> {
    if name.chars().any(char::is_control) {
        return Err(at.problem(
            key,
            Some(format!("{name:?}")),
            "a name is one line of text without control characters (newlines, tabs, …)",
        ));
    }
    Ok(())
}

/// Refuses a scenario whose newcomers could outnumber the worker ids a run has: at
/// most `entry_per_day` arrivals a day on average (100 times that when arrivals respond
/// to earnings, the cap of that response), with a margin of ten standard deviations.
fn check_sizes(raw: &RawScenario, at: &Where<'_>) -> Result<(), Box<Problem>> {
    let c = &raw.churn;
    let mean = c.entry_per_day * if c.entry_elasticity > 0.0 { 100.0 } else { 1.0 };
    let per_day = mean + 10.0 * mean.sqrt() + 10.0;
    let most = raw.workers.count as f64
        + if c.entry_per_day > 0.0 {
            per_day * raw.simulation.days as f64
        } else {
            0.0
        };
    if most > MAX_WORKERS as f64 {
        return Err(at.problem(
            "churn.entry_per_day",
            Some(fmt_num(c.entry_per_day)),
            format!(
                "workers.count and the newcomers of {} days could exceed {} workers, the most a run can hold; \
                 lower entry_per_day, days or workers.count",
                raw.simulation.days,
                keys::group(MAX_WORKERS as i64)
            ),
        ));
    }
    Ok(())
}

/// Builds the model's scenario from a range-checked raw scenario.
pub fn build(raw: &RawScenario, at: &Where<'_>) -> Result<Scenario, Box<Problem>> {
    let s = &raw.simulation;
    if s.warmup_days >= s.days {
        return Err(at.problem(
            "simulation.warmup_days",
            Some(s.warmup_days.to_string()),
            format!("must be below simulation.days ({})", s.days),
        ));
    }
    check_name(at, "simulation.name", &s.name)?;
    let w = &raw.workers;
    let workers = WorkerParams {
        count: u32_of(w.count),
        skill: dist(at, "workers.skill", &w.skill)?,
        speed: dist(at, "workers.speed", &w.speed)?,
        reservation_wage: dist(at, "workers.reservation_wage", &w.reservation_wage)?,
        hours_per_day: dist(at, "workers.hours_per_day", &w.hours_per_day)?,
        days_per_week: dist(at, "workers.days_per_week", &w.days_per_week)?,
        initial_rating: dist(at, "workers.initial_rating", &w.initial_rating)?,
        initial_reviews: dist(at, "workers.initial_reviews", &w.initial_reviews)?,
        experience_tasks: dist(at, "workers.experience_tasks", &w.experience_tasks)?,
        initial_approval: dist(at, "workers.initial_approval", &w.initial_approval)?,
        efficiency: dist(at, "workers.efficiency", &w.efficiency)?,
        weekday: seven(&w.weekday_factors),
        specialist_share: w.specialist_share,
    };
    let r = &raw.requesters;
    let requesters = RequesterParams {
        count: u32_of(r.count),
        concentration: r.concentration,
        rejection_rate: dist(at, "requesters.rejection_rate", &r.rejection_rate)?,
        rating_probability: r.rating_probability,
        good_work_stars: r.good_work_stars,
        poor_work_stars: r.poor_work_stars,
        rating_noise: r.rating_noise,
        rejecting_share: r.rejecting_share,
        rejecting_rate: r.rejecting_rate,
        nonpaying_share: r.nonpaying_share,
    };
    if r.rejecting_share + r.nonpaying_share > 1.0 {
        return Err(at.problem(
            "requesters.nonpaying_share",
            Some(fmt_num(r.nonpaying_share)),
            format!(
                "rejecting_share + nonpaying_share must be at most 1 (rejecting_share is {})",
                fmt_num(r.rejecting_share)
            ),
        ));
    }
    let categories = categories(raw, at)?;
    if raw.workers.specialist_share > 0.0 && categories.iter().all(|c| c.group == 0) {
        return Err(at.problem(
            "workers.specialist_share",
            Some(fmt_num(raw.workers.specialist_share)),
            "specialists need a category to specialise in: mark one with niche = true",
        ));
    }
    let demand = demand(raw, at)?;
    let platforms = platforms(raw, at)?;
    check_sizes(raw, at)?;
    let t = &raw.taxes;
    if t.self_employment_percent + t.income_tax_percent > 100.0 {
        return Err(at.problem(
            "taxes.income_tax_percent",
            Some(fmt_num(t.income_tax_percent)),
            format!(
                "self_employment_percent + income_tax_percent must be at most 100 (self_employment_percent is {}), \
                 or the estimated tax would exceed what workers earned",
                fmt_num(t.self_employment_percent)
            ),
        ));
    }
    Ok(Scenario {
        name: s.name.clone(),
        description: s.description.clone(),
        days: u32_of(s.days),
        warmup_days: u32_of(s.warmup_days),
        replicates: u32_of(s.replicates),
        seed: s.seed as u64,
        reporting: WageReporting {
            wage_floor_usd: s.wage_floor_usd,
            min_paid_seconds: s.min_hours_for_wage * 3600.0,
        },
        workers,
        requesters,
        categories,
        demand,
        platforms,
        learning: Learning::new(raw.learning.exponent, raw.learning.floor, raw.learning.accuracy_gain),
        switching: Switching {
            category: raw.switching.category_percent / 100.0,
            requester: raw.switching.requester_percent / 100.0,
            batch_stay: raw.switching.batch_stay,
        },
        unpaid: Unpaid {
            return_probability: raw.unpaid.return_probability,
            review_seconds: u32_of(raw.unpaid.review_seconds),
        },
        churn: Churn {
            exit_patience_days: u32_of(raw.churn.exit_patience_days),
            ewma_weight: 2.0 / (raw.churn.exit_window_days + 1.0),
            entry_per_day: raw.churn.entry_per_day,
            entry_elasticity: raw.churn.entry_elasticity,
        },
        tools: Tools {
            share: raw.tools.share,
            seconds: (raw.tools.hours * 3600.0).round() as u32,
            time_multiplier: 1.0 - raw.tools.speedup_percent / 100.0,
        },
        taxes: Taxes::new(
            raw.taxes.self_employment_percent,
            raw.taxes.self_employment_threshold_usd,
            raw.taxes.income_tax_percent,
            raw.taxes.allowance_usd,
        ),
    })
}

fn categories(raw: &RawScenario, at: &Where<'_>) -> Result<Vec<Category>, Box<Problem>> {
    let list = &raw.tasks.categories;
    if list.is_empty() {
        return Err(at.problem(
            "tasks.categories",
            Some("[]".into()),
            "needs at least one [[tasks.categories]]",
        ));
    }
    let mut out = Vec::with_capacity(list.len());
    for (i, c) in list.iter().enumerate() {
        let p = format!("tasks.categories[{i}]");
        if c.name.trim().is_empty() {
            return Err(at.problem(&format!("{p}.name"), Some("\"\"".into()), "a category needs a name"));
        }
        check_name(at, &format!("{p}.name"), &c.name)?;
        if list[..i].iter().any(|o| o.name == c.name) {
            return Err(at.problem(
                &format!("{p}.name"),
                Some(format!("{:?}", c.name)),
                "category names must be unique",
            ));
        }
        out.push(Category {
            name: c.name.clone(),
            share: c.share,
            pay_usd: dist(at, &format!("{p}.pay_usd"), &c.pay_usd)?,
            duration_seconds: dist(at, &format!("{p}.duration_seconds"), &c.duration_seconds)?,
            batch_size: dist(at, &format!("{p}.batch_size"), &c.batch_size)?,
            travel_seconds: dist(at, &format!("{p}.travel_seconds"), &c.travel_seconds)?,
            hourly: c.pay_basis == "hour",
            group: if c.niche {
                1 + list[..i].iter().filter(|o| o.niche).count() as u16
            } else {
                0
            },
        });
    }
    if list.iter().all(|c| c.niche) {
        return Err(at.problem(
            "tasks.categories[0].niche",
            Some("true".into()),
            "at least one category must be open to every worker (niche = false)",
        ));
    }
    if list.iter().all(|c| c.share <= 0.0) {
        return Err(at.problem(
            "tasks.categories[0].share",
            Some("0".into()),
            "at least one category needs a share above 0",
        ));
    }
    Ok(out)
}

fn demand(raw: &RawScenario, at: &Where<'_>) -> Result<DemandParams, Box<Problem>> {
    let d = &raw.demand;
    let g = &d.regimes;
    if g.boom_probability + g.bust_probability > 1.0 {
        return Err(at.problem(
            "demand.regimes.bust_probability",
            Some(fmt_num(g.bust_probability)),
            format!(
                "boom_probability + bust_probability must be at most 1 (boom is {})",
                fmt_num(g.boom_probability)
            ),
        ));
    }
    Ok(DemandParams {
        tasks_per_day: d.tasks_per_day,
        weekday: seven(&d.weekday_factors),
        season_amplitude: d.season_amplitude,
        season_peak_day: u32_of(d.season_peak_day),
        noise_sigma: d.noise_sigma,
        noise_autocorrelation: d.noise_autocorrelation,
        regimes: Regimes {
            boom_probability: g.boom_probability,
            bust_probability: g.bust_probability,
            mean_days: g.mean_days,
            boom_multiplier: g.boom_multiplier,
            bust_multiplier: g.bust_multiplier,
        },
        shocks: d
            .shocks
            .iter()
            .map(|s| Shock {
                start_day: u32_of(s.start_day),
                days: u32_of(s.days),
                multiplier: s.multiplier,
            })
            .collect(),
    })
}

/// The market's platforms: the one `[platform]`, or every `[[platforms]]`.
fn platforms(raw: &RawScenario, at: &Where<'_>) -> Result<Vec<PlatformParams>, Box<Problem>> {
    if raw.platform.is_some() && !raw.platforms.is_empty() {
        return Err(at.problem(
            "platforms",
            None,
            "use either one [platform] or several [[platforms]], not both",
        ));
    }
    let list = raw.platform_list();
    if list.len() > MAX_PLATFORMS {
        return Err(at.problem(
            "platforms",
            None,
            format!("a market has at most {MAX_PLATFORMS} platforms, not {}", list.len()),
        ));
    }
    let mut out = Vec::with_capacity(list.len());
    for (i, p) in list.iter().enumerate() {
        let prefix = if raw.platform.is_some() {
            "platform".to_string()
        } else {
            format!("platforms[{i}]")
        };
        check_name(at, &format!("{prefix}.name"), &p.name)?;
        if list[..i].iter().any(|o| o.name == p.name) {
            return Err(at.problem(
                &format!("{prefix}.name"),
                Some(format!("{:?}", p.name)),
                "platform names must be unique",
            ));
        }
        out.push(platform(p, &prefix, at)?);
    }
    if list.iter().all(|p| p.demand_share <= 0.0) {
        return Err(at.problem(
            "platforms[0].demand_share",
            Some("0".into()),
            "at least one platform needs a demand_share above 0",
        ));
    }
    if list.iter().all(|p| p.join_probability <= 0.0) {
        return Err(at.problem(
            "platforms[0].join_probability",
            Some("0".into()),
            "at least one platform needs a join_probability above 0",
        ));
    }
    Ok(out)
}

fn platform(p: &RawPlatform, prefix: &str, at: &Where<'_>) -> Result<PlatformParams, Box<Problem>> {
    let f = &p.fee;
    let mut tiers = Vec::with_capacity(f.tiers.len());
    let mut previous = 0i64;
    for (i, t) in f.tiers.iter().enumerate() {
        let key = format!("{prefix}.fee.tiers[{i}].up_to_usd");
        let last = i + 1 == f.tiers.len();
        let up_to = match (t.up_to_usd, last) {
            (Some(usd), false) => {
                let cents = usd_to_cents(usd);
                if cents <= previous {
                    return Err(at.problem(
                        &key,
                        Some(fmt_num(usd)),
                        format!(
                            "tiers must be in increasing order of up_to_usd (tier {} ends at {})",
                            i.saturating_sub(1),
                            fmt_num(previous as f64 / 100.0)
                        ),
                    ));
                }
                previous = cents;
                Some(cents)
            }
            (None, false) => {
                return Err(at.problem(&key, None, "every tier but the last needs up_to_usd"));
            }
            (Some(usd), true) => {
                return Err(at.problem(
                    &key,
                    Some(fmt_num(usd)),
                    "the last tier has no upper end: leave up_to_usd out",
                ));
            }
            (None, true) => None,
        };
        tiers.push(Tier {
            up_to_cents: up_to,
            ppm: percent_to_ppm(t.percent),
        });
    }
    let fee = FeePolicy {
        worker_ppm: percent_to_ppm(f.worker_percent),
        requester_ppm: percent_to_ppm(f.requester_percent),
        worker_fixed_cents: usd_to_cents(f.worker_fixed_usd),
        requester_fixed_cents: usd_to_cents(f.requester_fixed_usd),
        worker_min_cents: usd_to_cents(f.worker_min_usd),
        requester_min_cents: usd_to_cents(f.requester_min_usd),
        batch_surcharge_ppm: percent_to_ppm(f.batch_surcharge_percent),
        batch_surcharge_min_assignments: u32_of(f.batch_surcharge_min_assignments),
        small_order_fee_cents: usd_to_cents(f.small_order_fee_usd),
        small_order_threshold_cents: usd_to_cents(f.small_order_threshold_usd),
        processing_ppm: percent_to_ppm(f.processing_percent),
        levy_ppm: percent_to_ppm(f.levy_percent),
        levy_side: if f.levy_side == "requester" {
            Side::Requester
        } else {
            Side::Worker
        },
        pay_floor_cents_per_hour: usd_to_cents(f.pay_floor_usd_per_hour),
        pay_floor_action: if f.pay_floor_action == "drop" {
            FloorAction::Drop
        } else {
            FloorAction::Raise
        },
        pass_through: f.pass_through,
        demand_elasticity: f.demand_elasticity,
        tiers,
    };
    let v = &p.visibility;
    let o = &p.payout;
    Ok(PlatformParams {
        name: p.name.clone(),
        join_probability: p.join_probability,
        demand_share: p.demand_share,
        requester_join_probability: p.requester_join_probability,
        matching: match p.matching.as_str() {
            "search" => Matching::Search,
            "dispatch" => Matching::Dispatch,
            _ => Matching::Board,
        },
        offers_per_task: u32_of(p.offers_per_task),
        board_choices: u32_of(p.board_choices),
        search_seconds: u32_of(p.search_seconds),
        fee,
        visibility: Visibility {
            min_rating: v.min_rating,
            min_reviews: u32_of(v.min_reviews),
            rating_exponent: v.rating_exponent,
            prior_reviews: v.prior_reviews,
            prior_rating: v.prior_rating,
            newcomer_boost: v.newcomer_boost,
            min_approval: v.min_approval,
            min_approved_tasks: u32_of(v.min_approved_tasks),
            open_share: v.open_share,
        },
        payout: PayoutRule {
            delay_days: u32_of(o.delay_days),
            minimum_cents: usd_to_cents(o.minimum_usd),
            interval_days: u32_of(o.interval_days),
            forfeit_below_minimum: o.forfeit_below_minimum,
        },
        dispatch: Dispatch {
            min_acceptance: p.dispatch.min_acceptance,
            min_rating: p.dispatch.min_rating,
            rating_gate_reviews: u32_of(p.dispatch.rating_gate_reviews),
            acceptance_decay: (-1.0 / p.dispatch.acceptance_window_days).exp(),
            decline_probability: p.dispatch.decline_probability,
            surge_threshold: p.dispatch.surge_threshold,
            surge_slope: p.dispatch.surge_slope,
            surge_cap: p.dispatch.surge_cap,
        },
    })
}
