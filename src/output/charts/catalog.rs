//! Every chart gigsim draws, in one table: its file stem, the commands whose folders get
//! it, the family that computes it (one definition for the one variant of `run` and the
//! many of `compare`), the name the report gives it when it is not drawn, and what it
//! needs of a folder. Drawing, the report's notes on missing charts, the clean-up of
//! stale files and the README all go by this table, so a new chart is added in one
//! place.

use super::behaviour::{newcomers, window};
use super::data::FolderKind::{self, Compare, Run, Sweep};
use super::data::{Daily, Folder, Workers};
use crate::output::columns::HEADLINE;
use crate::units::TickFormat;

/// The code that computes a chart, for one variant (`run`) or many (`compare`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// Histogram of net income per worker.
    NetIncome,
    /// Histograms of pay per paid hour and per worked hour.
    HourlyWage,
    /// CDF of hourly wages against the wage floor.
    WageCdf,
    /// Lorenz curve of net income, with the Gini.
    Lorenz,
    /// Box plots of per-run statistics across replicates.
    ReplicateSpread,
    /// Tasks posted and done by day.
    DailyTasks,
    /// Histogram of ratings at the end.
    Ratings,
    /// One headline metric per variant with its CI.
    Metric,
    /// Change in each worker's income against base, by decile.
    WinnersLosers,
    /// Days from arrival to a first task.
    ColdStart,
    /// Pay per paid hour by experience before the run.
    Experience,
    /// Net income by number of platforms joined.
    IncomeByPlatforms,
    /// Each platform's pay, fees and hours.
    Platforms,
    /// One headline metric over the sweep's points.
    Sweep,
    /// `validate`: each moment against its target band.
    Validation,
}

/// What a chart needs of a folder; the first need not met is why it is not drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// A table that `--tables` can leave out.
    Table(&'static str),
    /// A file its command always writes.
    File(&'static str),
    /// Columns of `workers` that an older gigsim did not write.
    Columns(&'static [&'static str]),
    /// Workers who arrived after the warm-up.
    Newcomers,
    /// A worker who joined more than one platform.
    Multihoming,
    /// More than one platform in the scenario.
    SeveralPlatforms,
    /// `validation.csv`, which only `gigsim validate` writes (a folder without it gets no
    /// note: it was not asked for).
    Validation,
    /// Requesters who rate finished work (`requesters.rating_probability` above 0).
    Ratings,
}

/// One chart (or one per headline metric, where the stem has `<metric>`), for the
/// commands that draw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// File stem, stable across versions (`charts/<stem>.png` and `.svg`); `compare` and
    /// `sweep` put their command and `_` before it.
    pub stem: &'static str,
    /// The commands whose folders get it.
    pub commands: &'static [FolderKind],
    /// The code that computes it.
    pub family: Family,
    /// How the report names it when it is not drawn ("The wage CDF chart is …").
    pub name: &'static str,
    /// What it needs, in the order they are checked.
    pub needs: &'static [Need],
}

const WORKERS: Need = Need::Table("workers.parquet");
const DAILY: Need = Need::Table("daily.parquet");
const SWEEP_CSV: Need = Need::File("sweep.csv");
const COLD_START: &[Need] = &[
    WORKERS,
    Need::Columns(&["entered_day", "first_task_day", "exited_day"]),
    Need::Newcomers,
];
const EXPERIENCE: &[Need] = &[WORKERS, Need::Columns(&["experience_tasks"])];
const BY_PLATFORMS: &[Need] = &[WORKERS, Need::Columns(&["platforms_joined"]), Need::Multihoming];
const PLATFORMS: &[Need] = &[Need::SeveralPlatforms, Need::Table("platform_runs.parquet")];

const RUN: &[FolderKind] = &[Run];
const COMPARE: &[FolderKind] = &[Compare];
const BOTH: &[FolderKind] = &[Run, Compare];
const SWEEP: &[FolderKind] = &[Sweep];

const fn entry(
    stem: &'static str,
    commands: &'static [FolderKind],
    family: Family,
    name: &'static str,
    needs: &'static [Need],
) -> Entry {
    Entry {
        stem,
        commands,
        family,
        name,
        needs,
    }
}

/// Every chart, in the order the report shows them.
#[rustfmt::skip]
pub const CHARTS: &[Entry] = &[
    entry("net_income",             RUN,     Family::NetIncome,         "net income",             &[WORKERS]),
    entry("hourly_wage",            RUN,     Family::HourlyWage,        "hourly wage",            &[WORKERS]),
    entry("wage_cdf",               BOTH,    Family::WageCdf,           "wage CDF",               &[WORKERS]),
    entry("lorenz",                 BOTH,    Family::Lorenz,            "Lorenz curve",           &[WORKERS]),
    entry("<metric>",               COMPARE, Family::Metric,            "headline metric",        &[]),
    entry("replicate_spread",       BOTH,    Family::ReplicateSpread,   "replicate spread",       &[]),
    entry("daily_tasks",            RUN,     Family::DailyTasks,        "daily tasks",            &[DAILY]),
    entry("ratings",                RUN,     Family::Ratings,           "rating",                 &[WORKERS, Need::Ratings]),
    entry("winners_losers",         COMPARE, Family::WinnersLosers,     "winners-and-losers",     &[WORKERS]),
    entry("cold_start",             BOTH,    Family::ColdStart,         "cold-start",             COLD_START),
    entry("earnings_by_experience", BOTH,    Family::Experience,        "earnings-by-experience", EXPERIENCE),
    entry("income_by_platforms",    BOTH,    Family::IncomeByPlatforms, "income-by-platforms",    BY_PLATFORMS),
    entry("platforms",              BOTH,    Family::Platforms,         "platforms",              PLATFORMS),
    entry("<metric>",               SWEEP,   Family::Sweep,             "sweep",                  &[SWEEP_CSV]),
    entry("validation",             RUN,     Family::Validation,        "validation",             &[Need::Validation]),
];

impl Entry {
    /// Whether it is drawn once per headline metric.
    pub fn per_metric(&self) -> bool {
        self.stem.contains("<metric>")
    }

    /// Its stem in a folder of `command` (`<metric>` still to be filled in).
    pub fn stem_in(&self, command: FolderKind) -> String {
        match command {
            Run => self.stem.to_string(),
            Compare => format!("compare_{}", self.stem),
            Sweep => format!("sweep_{}", self.stem),
        }
    }

    /// Every stem it draws under, for each of its commands and headline metrics.
    pub fn stems(&self) -> Vec<String> {
        let per_metric = self.per_metric();
        self.commands
            .iter()
            .flat_map(|c| {
                let stem = self.stem_in(*c);
                if per_metric {
                    HEADLINE.iter().map(|m| stem.replace("<metric>", m)).collect()
                } else {
                    vec![stem]
                }
            })
            .collect()
    }
}

/// Every file stem gigsim draws a chart under, for any folder: with `.png` and `.svg`,
/// the only files in `charts/` that a redraw treats as its own.
pub fn known_stems() -> Vec<String> {
    CHARTS.iter().flat_map(Entry::stems).collect()
}

/// Why a chart is not drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Skip {
    /// The folder lacks a table or column the chart needs (fewer `--tables`, or an
    /// older gigsim); the clause says which.
    Missing(String),
    /// The scenario does not have what the chart shows (no newcomers, one platform).
    NotApplicable(String),
    /// The command that made the folder does not draw it (the validation chart outside
    /// `validate`): no note.
    NotRequested,
}

/// What decides which charts a folder gets, read once.
struct Facts<'a> {
    folder: &'a Folder,
    workers: Option<&'a Workers>,
    newcomers: bool,
    multihoming: bool,
    several_platforms: bool,
}

impl Facts<'_> {
    fn check(&self, need: Need) -> Result<(), Skip> {
        let missing = |clause: String| Err(Skip::Missing(clause));
        let not_applicable = |clause: &str| Err(Skip::NotApplicable(clause.into()));
        match need {
            Need::Table(file) if !self.folder.has(file) => {
                missing(format!("this folder has no {file} (the run chose fewer --tables)"))
            }
            Need::File(file) if !self.folder.has(file) => missing(format!("this folder has no {file}")),
            Need::Validation if !self.folder.has("validation.csv") => Err(Skip::NotRequested),
            Need::Columns(columns) if !columns.iter().all(|c| self.workers.is_some_and(|w| w.has(c))) => {
                missing(format!(
                    "this folder's workers.parquet has no {} column{} (it was written by an older gigsim)",
                    and_list(columns),
                    if columns.len() > 1 { "s" } else { "" }
                ))
            }
            Need::Newcomers if !self.newcomers => not_applicable(
                "no worker arrived after the warm-up (newcomers arrive when [churn] entry_per_day is above 0)",
            ),
            // Joining several platforms takes several: with one, say that, the deeper reason.
            Need::Multihoming if self.multihoming => Ok(()),
            Need::Multihoming if self.several_platforms => not_applicable("no worker joined more than one platform"),
            Need::Multihoming | Need::SeveralPlatforms if !self.several_platforms => {
                not_applicable("the scenario has one platform, which every worker joined")
            }
            // Without ratings the chart would show only the drawn start ratings.
            Need::Ratings if self.folder.scenario.requesters.rating_probability <= 0.0 => not_applicable(
                "requesters rate no work in this scenario (requesters.rating_probability is 0), so ratings only hold the drawn start values",
            ),
            _ => Ok(()),
        }
    }
}

/// Each chart of the folder's command, with why it is not drawn when it is not.
/// `workers` needs only the history columns; `daily` gives each variant's metric period.
pub fn plan(
    folder: &Folder,
    workers: Option<&Workers>,
    daily: Option<&Daily>,
) -> Vec<(&'static Entry, Result<(), Skip>)> {
    let by_variant = workers.map_or(&[][..], |w| &w.by_variant[..]);
    let facts = Facts {
        folder,
        workers,
        newcomers: by_variant.iter().enumerate().any(|(v, vw)| {
            let (warmup, end) = window(folder, daily, v);
            !newcomers(vw, warmup, end).is_empty()
        }),
        multihoming: by_variant
            .iter()
            .any(|vw| vw.platforms_joined.iter().any(|p| p.is_finite() && *p > 1.0)),
        several_platforms: folder.scenario.platforms.len() > 1 || folder.has("platform_runs.parquet"),
    };
    CHARTS
        .iter()
        .filter(|e| e.commands.contains(&folder.kind))
        .map(|e| (e, e.needs.iter().try_for_each(|n| facts.check(*n))))
        .collect()
}

/// The report's sentences on the charts of `plan` that are not drawn, missing ones
/// (`missing`) or those that do not apply: one per reason, naming every chart it keeps
/// out, in catalog order.
pub fn notes(plan: &[(&'static Entry, Result<(), Skip>)], missing: bool) -> Vec<String> {
    let mut reasons: Vec<(&str, Vec<&Entry>)> = Vec::new();
    for (entry, result) in plan {
        let clause = match result {
            Err(Skip::Missing(c)) if missing => c,
            Err(Skip::NotApplicable(c)) if !missing => c,
            _ => continue,
        };
        match reasons.iter_mut().find(|(c, _)| c == clause) {
            Some((_, entries)) => entries.push(entry),
            None => reasons.push((clause, vec![entry])),
        }
    }
    reasons
        .into_iter()
        .map(|(clause, entries)| {
            let names: Vec<&str> = entries.iter().map(|e| e.name).collect();
            let many = entries.len() > 1 || entries[0].per_metric();
            format!(
                "The {} {} not drawn: {clause}.",
                and_list(&names),
                if many { "charts are" } else { "chart is" }
            )
        })
        .collect()
}

/// "a", "a and b", "a, b and c".
fn and_list(items: &[&str]) -> String {
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => items.join(""),
    }
}

/// How a headline metric reads in charts: a short name, the axis description with its
/// unit, the tick format, and the factor from table units to axis units (cents → US$).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MetricInfo {
    /// Short name for titles.
    pub name: &'static str,
    /// Axis description with the unit.
    pub axis: &'static str,
    /// Tick format.
    pub format: TickFormat,
    /// Multiply table values by this for the axis.
    pub factor: f64,
}

use TickFormat::{Money, Number, Percent};

/// How each metric reads in charts: (column, name, axis, tick format, factor).
#[rustfmt::skip]
const METRICS: &[(&str, &str, &str, TickFormat, f64)] = &[
    ("worker_net_cents", "Workers' net income", "Net income of all workers, US$", Money, 0.01),
    ("platform_fee_cents", "Platform fees", "Platform fees, US$", Money, 0.01),
    ("gini_net_income", "Gini of net income", "Gini coefficient (0 = equal)", Number, 1.0),
    ("top10_share_net_income", "Top 10% share of net income", "Share of net income to the top 10%, %", Percent, 1.0),
    ("median_hourly_wage", "Median hourly wage, paid time", "US$ per paid hour", Money, 1.0),
    ("median_hourly_wage_all_time", "Median hourly wage, all worked time", "US$ per worked hour", Money, 1.0),
    ("share_below_wage_floor", "Share below the wage floor", "Share of workers, %", Percent, 1.0),
    ("tasks_unfilled", "Tasks unfilled", "Tasks", Number, 1.0),
    ("workers_active", "Active workers", "Workers", Number, 1.0),
    ("share_never_paid", "Share never paid", "Share of workers, %", Percent, 1.0),
];

/// How `metric` reads in charts ("Metric" and "Value" for a column charts do not know).
pub fn metric_info(metric: &str) -> MetricInfo {
    let (_, name, axis, format, factor) = METRICS
        .iter()
        .copied()
        .find(|m| m.0 == metric)
        .unwrap_or(("", "Metric", "Value", Number, 1.0));
    MetricInfo {
        name,
        axis,
        format,
        factor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_are_unique_and_the_readme_lists_them() {
        let stems = known_stems();
        let mut sorted = stems.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), stems.len(), "a stem is listed twice");
        let readme = include_str!("../../../README.md");
        for e in CHARTS {
            for c in e.commands {
                let stem = e.stem_in(*c);
                // The README's table names a behaviour chart once for run and compare.
                let listed = |s: &str| readme.contains(&format!("`{s}`"));
                assert!(
                    listed(&stem) || e.commands.len() > 1 && listed(e.stem),
                    "README lacks {stem}"
                );
            }
        }
    }

    #[test]
    fn notes_name_every_chart_a_reason_keeps_out_once() {
        let entry = |stem: &str| CHARTS.iter().find(|e| e.stem == stem).unwrap();
        let missing = |c: &str| Err(Skip::Missing(c.into()));
        let plan = [
            (entry("net_income"), missing("no workers")),
            (entry("replicate_spread"), Ok(())),
            (entry("daily_tasks"), missing("no days")),
            (entry("ratings"), missing("no workers")),
            (entry("platforms"), Err(Skip::NotApplicable("one platform".into()))),
        ];
        assert_eq!(
            notes(&plan, true),
            [
                "The net income and rating charts are not drawn: no workers.",
                "The daily tasks chart is not drawn: no days."
            ]
        );
        assert_eq!(notes(&plan, false), ["The platforms chart is not drawn: one platform."]);
    }

    #[test]
    fn lists_read_as_prose() {
        assert_eq!(and_list(&["a"]), "a");
        assert_eq!(and_list(&["a", "b"]), "a and b");
        assert_eq!(and_list(&["a", "b", "c"]), "a, b and c");
    }
}
