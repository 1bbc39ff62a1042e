//! The rules that involve several keys (a single key's range, type and default are its
//! entry in `keys`), and the values derived from several keys: warm-up shorter than the
//! run, unique one-line names, tiers in order, shares that leave something to draw,
//! sizes a run can hold. Problems are located by file, line and key ([`Where`]).

use super::Scenario;
use super::dist::fmt_num;
use super::error::Problem;
use super::keys;
use super::locate::Locator;

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
    /// Reading an old folder's scenario for its charts: unknown keys are skipped and
    /// values this version does not accept take their defaults, instead of failing.
    pub lenient: bool,
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

/// Most platforms a market may have (a worker's memberships are a 32-bit set).
pub const MAX_PLATFORMS: usize = 32;

/// Most workers a run may register, day-1 workers and newcomers together (ids are
/// 32-bit, and `u32::MAX` marks "no membership").
pub const MAX_WORKERS: u64 = u32::MAX as u64 - 1;

/// Applies the rules to a built scenario (`tree` is the resolved file it was built from,
/// which says whether it wrote `[platform]` or `[[platforms]]`), and derives the values
/// that depend on several keys.
pub fn rules(tree: &toml::Table, s: &mut Scenario, at: &Where<'_>) -> Result<(), Box<Problem>> {
    if s.warmup_days >= s.days {
        return Err(at.problem(
            "simulation.warmup_days",
            Some(s.warmup_days.to_string()),
            format!("must be below simulation.days ({})", s.days),
        ));
    }
    check_name(at, "simulation.name", &s.name)?;
    if s.workers.count == 0 && s.churn.entry_per_day <= 0.0 {
        return Err(at.problem(
            "workers.count",
            Some("0".into()),
            "a market with no workers and no newcomers has nobody to do any task: set workers.count to 1 or \
             more, or let newcomers arrive with churn.entry_per_day",
        ));
    }
    let r = &s.requesters;
    shares(
        at,
        "requesters",
        ["rejecting_share", "nonpaying_share"],
        [r.rejecting_share, r.nonpaying_share],
    )?;
    categories(s, at)?;
    if s.workers.specialist_share > 0.0 && s.categories.iter().all(|c| !c.niche) {
        return Err(at.problem(
            "workers.specialist_share",
            Some(fmt_num(s.workers.specialist_share)),
            "specialists need a category to specialise in: mark one with niche = true",
        ));
    }
    let g = &s.demand.regimes;
    shares(
        at,
        "demand.regimes",
        ["boom_probability", "bust_probability"],
        [g.boom_probability, g.bust_probability],
    )?;
    if s.demand.hour_factors.is_some_and(|h| h.iter().all(|&w| w <= 0.0)) {
        return Err(at.problem(
            "demand.hour_factors",
            None,
            "needs at least one hour with a positive weight, or batches could be posted in no hour",
        ));
    }
    platforms(tree, s, at)?;
    check_sizes(s, at)?;
    let t = &s.taxes;
    if t.self_employment_ppm + t.income_ppm > crate::money::PPM {
        return Err(at.problem(
            "taxes.income_tax_percent",
            Some(fmt_num(t.income_ppm as f64 / 10_000.0)),
            format!(
                "self_employment_percent + income_tax_percent must be at most 100 (self_employment_percent is {}), \
                 or the estimated tax would exceed what workers earned",
                fmt_num(t.self_employment_ppm as f64 / 10_000.0)
            ),
        ));
    }
    Ok(())
}

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

/// Named, unique categories, at least one open to everyone and one with a share; niche
/// categories numbered as matching groups in file order.
fn categories(s: &mut Scenario, at: &Where<'_>) -> Result<(), Box<Problem>> {
    let list = &mut s.categories;
    if list.is_empty() {
        return Err(at.problem(
            "tasks.categories",
            Some("[]".into()),
            "needs at least one [[tasks.categories]]",
        ));
    }
    let mut niches = 0;
    for i in 0..list.len() {
        let p = format!("tasks.categories[{i}]");
        let c = &list[i];
        if c.name.trim().is_empty() {
            return Err(at.problem(&format!("{p}.name"), Some("\"\"".into()), "a category needs a name"));
        }
        let taken = list[..i].iter().any(|o| o.name == c.name);
        check_unique_name(at, &format!("{p}.name"), &c.name, taken, "category")?;
        if c.niche {
            niches += 1;
            list[i].group = niches;
        }
    }
    refuse_if(at, list.iter().all(|c| c.niche), "tasks.categories[0].niche")?;
    refuse_if(at, list.iter().all(|c| c.share <= 0.0), "tasks.categories[0].share")?;
    Ok(())
}

/// The market's platforms: one `[platform]` or several `[[platforms]]`, named uniquely,
/// with tiers in order and something to join and to post on.
fn platforms(tree: &toml::Table, s: &Scenario, at: &Where<'_>) -> Result<(), Box<Problem>> {
    let single = tree.contains_key("platform");
    if single && tree.contains_key("platforms") {
        return Err(at.problem(
            "platforms",
            None,
            "use either one [platform] or several [[platforms]], not both",
        ));
    }
    let list = &s.platforms;
    if list.len() > MAX_PLATFORMS {
        return Err(at.problem(
            "platforms",
            None,
            format!("a market has at most {MAX_PLATFORMS} platforms, not {}", list.len()),
        ));
    }
    for (i, p) in list.iter().enumerate() {
        let prefix = if single {
            "platform".to_string()
        } else {
            format!("platforms[{i}]")
        };
        let taken = list[..i].iter().any(|o| o.name == p.name);
        check_unique_name(at, &format!("{prefix}.name"), &p.name, taken, "platform")?;
        tiers(&p.fee.tiers, &prefix, at)?;
    }
    refuse_if(
        at,
        list.iter().all(|p| p.demand_share <= 0.0),
        "platforms[0].demand_share",
    )?;
    refuse_if(
        at,
        list.iter().all(|p| p.join_probability <= 0.0),
        "platforms[0].join_probability",
    )?;
    Ok(())
}

/// Lists none of whose elements has what the market needs: the first element's key,
/// the value shown, and the message.
#[rustfmt::skip]
const LACKING: [(&str, &str, &str); 4] = [
    ("tasks.categories[0].niche", "true", "at least one category must be open to every worker (niche = false)"),
    ("tasks.categories[0].share", "0", "at least one category needs a share above 0"),
    ("platforms[0].demand_share", "0", "at least one platform needs a demand_share above 0"),
    ("platforms[0].join_probability", "0", "at least one platform needs a join_probability above 0"),
];

/// Checks a name (see `check_name`) and refuses it when an earlier element of its list
/// already has it (`taken`).
fn check_unique_name(at: &Where<'_>, key: &str, name: &str, taken: bool, what: &str) -> Result<(), Box<Problem>> {
    check_name(at, key, name)?;
    if taken {
        return Err(at.problem(key, Some(format!("{name:?}")), format!("{what} names must be unique")));
    }
    Ok(())
}

/// Refuses two shares of `section` that add up to more than 1 (the second is named).
fn shares(at: &Where<'_>, section: &str, [first, second]: [&str; 2], [a, b]: [f64; 2]) -> Result<(), Box<Problem>> {
    if a + b > 1.0 {
        return Err(at.problem(
            &format!("{section}.{second}"),
            Some(fmt_num(b)),
            format!("{first} + {second} must be at most 1 ({first} is {})", fmt_num(a)),
        ));
    }
    Ok(())
}

/// Refuses the list of [`LACKING`] named by `key` when `all_lack`.
fn refuse_if(at: &Where<'_>, all_lack: bool, key: &str) -> Result<(), Box<Problem>> {
    match LACKING.iter().find(|l| l.0 == key) {
        Some(&(key, value, message)) if all_lack => Err(at.problem(key, Some(value.into()), message)),
        _ => Ok(()),
    }
}

/// Tiers rise in `up_to_usd`, and only the last one is open-ended.
fn tiers(tiers: &[crate::scenario::Tier], prefix: &str, at: &Where<'_>) -> Result<(), Box<Problem>> {
    let dollars = |cents: i64| fmt_num(cents as f64 / 100.0);
    let mut previous = 0i64;
    for (i, t) in tiers.iter().enumerate() {
        let key = format!("{prefix}.fee.tiers[{i}].up_to_usd");
        match (t.up_to_cents, i + 1 == tiers.len()) {
            (Some(cents), false) if cents <= previous => {
                return Err(at.problem(
                    &key,
                    Some(dollars(cents)),
                    format!(
                        "tiers must be in increasing order of up_to_usd (tier {} ends at {})",
                        i.saturating_sub(1),
                        dollars(previous)
                    ),
                ));
            }
            (Some(cents), false) => previous = cents,
            (None, false) => return Err(at.problem(&key, None, "every tier but the last needs up_to_usd")),
            (Some(cents), true) => {
                return Err(at.problem(
                    &key,
                    Some(dollars(cents)),
                    "the last tier has no upper end: leave up_to_usd out",
                ));
            }
            (None, true) => {}
        }
    }
    Ok(())
}

/// Refuses a scenario whose newcomers could outnumber the worker ids a run has: at
/// most `entry_per_day` arrivals a day on average (100 times that when arrivals respond
/// to earnings, the cap of that response), with a margin of ten standard deviations.
fn check_sizes(s: &Scenario, at: &Where<'_>) -> Result<(), Box<Problem>> {
    let c = &s.churn;
    let mean = c.entry_per_day * if c.entry_elasticity > 0.0 { 100.0 } else { 1.0 };
    let per_day = mean + 10.0 * mean.sqrt() + 10.0;
    let most = f64::from(s.workers.count)
        + if c.entry_per_day > 0.0 {
            per_day * f64::from(s.days)
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
                s.days,
                keys::group(MAX_WORKERS as i64)
            ),
        ));
    }
    Ok(())
}
