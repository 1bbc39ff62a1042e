//! `report.html`: one self-contained page per results folder — scenario, command line
//! and version, the headline table with confidence intervals (and paired differences
//! for comparisons and sweeps), every chart inlined as SVG with a caption, and links to
//! the tables in the folder. It needs no network: styles are inline and the bundled
//! DejaVu Sans is embedded as a data URL, so the SVG text is drawn with the font its
//! layout was measured in, on any machine. It prints without splitting a chart.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::OutputError;
use super::atomic::write_file;
use super::charts::data::{CsvTable, Folder, FolderKind};
use super::charts::theme::{FONT_BOLD, FONT_FACE_NAME, FONT_REGULAR};
use super::charts::{ChartFile, metric_info, skip_notes_of};
use super::columns;
use super::summary::format_value;
use crate::metrics::{self, Estimate};
use crate::units::{self, plural, three_digits};

/// Writes `report.html` into `results` and returns its path.
pub fn write_report(results: &Path, charts: &[ChartFile]) -> Result<PathBuf, OutputError> {
    write_report_in(results, charts, results)
}

/// Writes `report.html` of a folder already described (see [`Folder::of`]) into it.
pub fn write_report_of(folder: Folder, charts: &[ChartFile]) -> Result<PathBuf, OutputError> {
    let dest = folder.dir.clone();
    let html = report_html_of(folder, charts, &dest)?;
    let path = dest.join("report.html");
    write_file(&path, html.as_bytes())?;
    Ok(path)
}

/// Writes `report.html` of the results folder `results` into another folder `dest`
/// (`gigsim plot --out`); its links to tables and chart files lead back to where they are.
pub fn write_report_in(results: &Path, charts: &[ChartFile], dest: &Path) -> Result<PathBuf, OutputError> {
    let html = report_html_in(results, charts, dest)?;
    let path = dest.join("report.html");
    write_file(&path, html.as_bytes())?;
    Ok(path)
}

/// The report of `results` as HTML text.
pub fn report_html(results: &Path, charts: &[ChartFile]) -> Result<String, OutputError> {
    report_html_in(results, charts, results)
}

/// The report of `results` as HTML text, with links relative to the folder `dest` it
/// will be saved in.
pub fn report_html_in(results: &Path, charts: &[ChartFile], dest: &Path) -> Result<String, OutputError> {
    report_html_of(Folder::open(results)?, charts, dest)
}

/// [`report_html_in`] of a folder already described.
fn report_html_of(mut folder: Folder, charts: &[ChartFile], dest: &Path) -> Result<String, OutputError> {
    let results = folder.dir.clone();
    let results = results.as_path();
    folder.link_base = relative_dir(dest, results);
    folder.report_dir = dest.to_path_buf();
    let m = &folder.manifest;
    let mut h = String::with_capacity(3_000_000);
    page_head(&mut h, &m.gigsim_version, &m.scenario_name, &m.command);
    header(&mut h, &folder);
    headline(&mut h, &folder);
    validation_section(&mut h, &folder);
    experiment_section(&mut h, &folder)?;
    chart_section(&mut h, &folder, charts)?;
    tables_section(&mut h, &folder);
    h.push_str(
        "<footer><p>Confidence intervals are 95% intervals by Student's t across replicates: they measure \
         simulation error (how much the result would move with other random draws of the same market), \
         not uncertainty about real platforms. Paired differences compare variants within the same \
         replicate, which share their workers, requesters and demand (common random numbers).</p>\
         <p>Charts use the Okabe–Ito colour-blind-safe palette and DejaVu Sans (Bitstream Vera licence).</p>\
         </footer>\n</main>\n</body>\n</html>\n",
    );
    Ok(h)
}

/// The page up to `<main>`: title, styles and the embedded font.
fn page_head(h: &mut String, version: &str, scenario: &str, command: &str) {
    let title = format!("{scenario} — gigsim {command}");
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"gigsim {}\">\n<title>{}</title>\n<style>\n{}{}</style>\n</head>\n<body>\n<main>\n",
        escape(version),
        escape(&title),
        font_faces(),
        STYLE
    );
}

const STYLE: &str = r#"
:root { --ink: #212121; --muted: #5f5f5f; --rule: #dcdcdc; --band: #f5f7fa; --accent: #0072b2; }
* { box-sizing: border-box; }
html { font-size: 16px; }
body { margin: 0; color: var(--ink); background: #fff;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; line-height: 1.45; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 1.9rem; margin: 0 0 4px; }
h2 { font-size: 1.35rem; margin: 36px 0 12px; padding-bottom: 4px; border-bottom: 2px solid var(--rule); }
h3 { font-size: 1.05rem; margin: 20px 0 8px; }
p.description { font-size: 1.1rem; margin: 4px 0 14px; color: var(--muted); }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; font-size: 0.92rem; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.88em; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 10px; text-align: right; border-bottom: 1px solid var(--rule); white-space: nowrap; }
th:first-child, td:first-child, td.name, th.name { text-align: left; }
thead th { border-bottom: 2px solid #9a9a9a; vertical-align: bottom; }
tbody tr.group th { text-align: left; background: var(--band); font-weight: 600; padding-top: 8px; }
code.metric-code { color: var(--muted); font-size: 0.8em; }
td.sig { font-weight: 700; }
th .ci, td .ci { display: block; color: var(--muted); font-size: 0.8em; font-weight: normal; }
p.note { color: var(--muted); font-size: 0.9rem; }
figure.chart { margin: 0 0 28px; padding: 12px 12px 8px; border: 1px solid var(--rule); border-radius: 6px;
  break-inside: avoid; page-break-inside: avoid; }
figure.chart svg { display: block; width: 100%; height: auto; }
figcaption { font-size: 0.95rem; margin-top: 8px; }
figcaption .files { color: var(--muted); font-size: 0.88rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 0 20px; }
ul.files li { margin: 3px 0; }
a { color: var(--accent); }
footer { margin-top: 40px; color: var(--muted); font-size: 0.85rem; border-top: 1px solid var(--rule); }
@media (max-width: 640px) { main { padding: 14px; } .grid { grid-template-columns: 1fr; } }
@media print {
  @page { margin: 14mm 12mm; }
  html { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  figure.chart { border: none; padding: 0; margin: 0 0 6mm; break-inside: avoid; page-break-inside: avoid; }
  /* Two charts to an A4 or Letter page, each whole. */
  figure.chart svg { max-height: 100mm; }
  .grid { display: block; }
  table { font-size: 8.5pt; }
  tr, thead { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  .table-wrap { overflow: visible; }
}
"#;

/// `@font-face` rules embedding the bundled fonts, so the charts' SVG text uses them.
fn font_faces() -> String {
    let face = |weight: &str, bytes: &[u8]| {
        format!(
            "@font-face {{ font-family: \"{FONT_FACE_NAME}\"; font-style: normal; font-weight: {weight}; \
             src: url(data:font/ttf;base64,{}) format(\"truetype\"); }}\n",
            base64(bytes)
        )
    };
    face("normal", FONT_REGULAR) + &face("bold", FONT_BOLD)
}

/// Standard base64 (RFC 4648, with `=` padding), for data URLs.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Text made safe inside HTML elements and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A command line as it could be typed again: arguments with spaces or shell
/// characters quoted.
fn shell_line(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            let plain = !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,@+%".contains(c));
            if plain {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn header(h: &mut String, folder: &Folder) {
    let m = &folder.manifest;
    let _ = write!(h, "<header>\n<h1>{}</h1>\n", escape(&m.scenario_name));
    if !folder.scenario.description.trim().is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"description\">{}</p>",
            escape(folder.scenario.description.trim())
        );
    }
    let kind = match folder.kind {
        FolderKind::Run => "run of one variant",
        FolderKind::Compare => "comparison of variants against base",
        FolderKind::Sweep => "parameter sweep",
    };
    let mut commit: String = m.git_commit.chars().take(12).collect();
    if m.git_commit.ends_with("-dirty") {
        commit.push_str("-dirty");
    }
    let mut rows: Vec<(&str, String)> = vec![
        (
            "Command",
            format!("<code>{}</code>", escape(&shell_line(&m.command_line))),
        ),
        (
            "Study",
            format!(
                "{} ({}), {} replicate(s) per {}, {} runs, seed {}",
                escape(&m.command),
                kind,
                m.replicates,
                if folder.kind == FolderKind::Sweep {
                    "point"
                } else {
                    "variant"
                },
                m.runs,
                m.seed
            ),
        ),
        (
            "gigsim",
            format!(
                "{} (commit <code>{}</code>)",
                escape(&m.gigsim_version),
                escape(&commit)
            ),
        ),
        (
            "Started",
            format!(
                "{} UTC, {:.1} s wall time on {} thread(s)",
                escape(&m.started_utc),
                m.wall_seconds,
                m.threads
            ),
        ),
        ("Scenario file", format!("<code>{}</code>", escape(&m.scenario_file))),
    ];
    if folder.variants.len() > 1 {
        let label = if folder.kind == FolderKind::Sweep {
            "Points"
        } else {
            "Variants"
        };
        rows.push((label, escape(&folder.variants.join(", "))));
    }
    if !m.sweep_params.is_empty() {
        rows.push((
            "Swept keys",
            format!("<code>{}</code>", escape(&m.sweep_params.join(", "))),
        ));
    }
    rows.push((
        "Wage statistics",
        format!(
            "workers with at least {} paid hour(s); wage floor {}",
            units::hours(folder.min_hours_for_wage()),
            escape(&format_value(
                "median_hourly_wage",
                folder.scenario.reporting.wage_floor_usd
            ))
        ),
    ));
    h.push_str("<dl class=\"meta\">\n");
    for (k, v) in rows {
        let _ = writeln!(h, "<dt>{k}</dt><dd>{v}</dd>");
    }
    h.push_str("</dl>\n</header>\n");
}

/// A metric's friendly name, or its column name where charts have none.
fn metric_name(metric: &str) -> &str {
    let info = metric_info(metric);
    if info.name == "Metric" { metric } else { info.name }
}

/// A metric's friendly name and its column name.
fn metric_cells(metric: &str) -> String {
    format!(
        "<td class=\"name\">{}<br><code class=\"metric-code\">{}</code></td>",
        escape(metric_name(metric)),
        escape(metric)
    )
}

/// A value in the metric's unit, or an en dash when missing. Money in the thousands
/// drops its cents, which only make the table wider.
fn value(metric: &str, v: f64) -> String {
    if !v.is_finite() {
        "–".into()
    } else if columns::unit_of(metric) == "US cents" && v.abs() >= 100_000.0 {
        escape(&units::dollars(v / 100.0, 1.0))
    } else {
        escape(&format_value(metric, v))
    }
}

/// The interval in columns `{ci}_low` and `{ci}_high` of a row, each end written by
/// `write`, or "no CI" when it is missing (one replicate).
fn interval(t: &CsvTable, r: &[String], ci: &str, write: impl Fn(f64) -> String) -> String {
    let (lo, hi) = (t.number(r, &format!("{ci}_low")), t.number(r, &format!("{ci}_high")));
    if lo.is_finite() && hi.is_finite() {
        format!("{} to {}", write(lo), write(hi))
    } else {
        "no CI".into()
    }
}

/// A difference in the metric's unit with its sign; shares in percentage points.
fn difference(metric: &str, v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let sign = if v > 0.0 {
        "+"
    } else if v < 0.0 {
        "−"
    } else {
        ""
    };
    if columns::unit_of(metric) == "share" {
        format!("{sign}{}", units::pp(v))
    } else {
        format!("{sign}{}", value(metric, v.abs()))
    }
}

fn headline(h: &mut String, folder: &Folder) {
    h.push_str("<section id=\"headline\">\n<h2>Headline results</h2>\n");
    let read = |name: &str| {
        folder
            .has(name)
            .then(|| CsvTable::read(&folder.path(name)).ok())
            .flatten()
    };
    match folder.kind {
        FolderKind::Compare if folder.has("comparison.csv") => match read("comparison.csv") {
            Some(t) => comparison_table(h, &t, "variant", "base", &[]),
            None => h.push_str("<p class=\"note\">comparison.csv could not be read.</p>\n"),
        },
        FolderKind::Sweep if folder.has("sweep.csv") => match read("sweep.csv") {
            Some(t) => {
                let keys = super::charts::sweep::swept_keys(&t, &folder.manifest.sweep_params);
                let first = folder.variants.first().cloned().unwrap_or_default();
                comparison_table(h, &t, "point", &first, &keys);
            }
            None => h.push_str("<p class=\"note\">sweep.csv could not be read.</p>\n"),
        },
        _ => match read("summary.csv") {
            Some(t) => summary_table(h, &t),
            None => h.push_str("<p class=\"note\">This folder has no readable summary.csv.</p>\n"),
        },
    }
    h.push_str("</section>\n");
}

/// `validate`: each moment's simulated mean and CI against its target, with the source.
fn validation_section(h: &mut String, folder: &Folder) {
    if !folder.has("validation.csv") {
        return;
    }
    h.push_str("<section id=\"validation\">\n<h2>Validation against empirical targets</h2>\n");
    let Ok(t) = CsvTable::read(&folder.path("validation.csv")) else {
        h.push_str("<p class=\"note\">validation.csv could not be read.</p>\n</section>\n");
        return;
    };
    let inside = t.rows.iter().filter(|r| t.text(r, "inside") == "true").count();
    let _ = writeln!(
        h,
        "<p>{inside} of {} inside their targets: a moment is inside when its mean over replicates lies \
         within target ± tolerance (or in the range). The interval is the 95% CI across replicates \
         (simulation error only).</p>\n<div class=\"table-wrap\"><table>\n<thead><tr><th>Moment</th>\
         <th>Target</th><th>Simulated</th><th>95% CI</th><th>Inside</th><th class=\"name\">Source</th></tr></thead>\n<tbody>",
        plural(t.rows.len() as u64, "moment")
    );
    let num = |v: f64| three_digits(v);
    for r in &t.rows {
        let threshold = t.number(r, "threshold");
        let name = if threshold.is_finite() {
            format!("{} &gt; {}", escape(t.text(r, "moment")), num(threshold))
        } else {
            escape(t.text(r, "moment"))
        };
        let band = match (t.number(r, "target"), t.number(r, "tolerance")) {
            (v, tol) if v.is_finite() && tol.is_finite() => format!("{} ± {}", num(v), num(tol)),
            _ => format!("{} to {}", num(t.number(r, "low")), num(t.number(r, "high"))),
        };
        let ci = match (t.number(r, "ci_low"), t.number(r, "ci_high")) {
            (l, hi) if l.is_finite() && hi.is_finite() => format!("{} to {}", num(l), num(hi)),
            _ => "–".into(),
        };
        let inside = t.text(r, "inside") == "true";
        let _ = writeln!(
            h,
            "<tr><td class=\"name\"><code>{name}</code></td><td>{band}</td><td{}>{}</td><td>{ci}</td><td>{}</td><td class=\"name\">{}</td></tr>",
            if inside { "" } else { " class=\"sig\"" },
            num(t.number(r, "mean")),
            if inside { "yes" } else { "no" },
            escape(t.text(r, "source"))
        );
    }
    h.push_str("</tbody></table></div>\n</section>\n");
}

fn summary_table(h: &mut String, t: &CsvTable) {
    let variants = t.distinct("variant");
    h.push_str(
        "<p>Mean across replicates with its 95% confidence interval.</p>\n<div class=\"table-wrap\"><table>\n\
         <thead><tr><th>Metric</th><th>Mean</th><th>95% CI</th><th>SD</th><th>Replicates</th></tr></thead>\n<tbody>\n",
    );
    for variant in &variants {
        if variants.len() > 1 {
            let _ = writeln!(h, "<tr class=\"group\"><th colspan=\"5\">{}</th></tr>", escape(variant));
        }
        for r in t.rows.iter().filter(|r| t.text(r, "variant") == variant) {
            let metric = t.text(r, "metric");
            let _ = writeln!(
                h,
                "<tr>{}<td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                metric_cells(metric),
                value(metric, t.number(r, "mean")),
                interval(t, r, "ci", |v| value(metric, v)),
                value(metric, t.number(r, "sd")),
                escape(t.text(r, "n"))
            );
        }
    }
    h.push_str("</tbody></table></div>\n");
}

/// comparison.csv or sweep.csv: per metric, each variant (point) with its estimate and
/// its paired difference from the reference, the difference in bold when its CI
/// excludes zero.
fn comparison_table(h: &mut String, t: &CsvTable, name_col: &str, reference: &str, keys: &[String]) {
    let unpaired = t.column("diff_unpaired_ci_low").is_some();
    let what = if name_col == "point" { "Point" } else { "Variant" };
    let _ = write!(
        h,
        "<p>Mean across replicates with its 95% confidence interval (small print), and the paired difference \
         from <strong>{}</strong> (same replicates) with its 95% CI{}. A difference is in <strong>bold</strong> \
         when its paired CI excludes zero. Shares differ in percentage points (pp).</p>\n\
         <div class=\"table-wrap\"><table>\n<thead><tr><th class=\"name\">{what}</th>",
        escape(reference),
        if unpaired {
            "; the unpaired (Welch) CI of the same difference shows what pairing gains"
        } else {
            ""
        }
    );
    for k in keys {
        let _ = write!(h, "<th><code>{}</code></th>", escape(k));
    }
    h.push_str(
        "<th>Mean<span class=\"ci\">95% CI</span></th><th>Difference<span class=\"ci\">95% CI, paired</span></th>",
    );
    if unpaired {
        h.push_str("<th>Difference<span class=\"ci\">95% CI, unpaired</span></th>");
    }
    h.push_str("<th>Replicates</th></tr></thead>\n<tbody>\n");
    let columns = 4 + keys.len() + usize::from(unpaired);
    for metric in &t.distinct("metric") {
        let _ = writeln!(
            h,
            "<tr class=\"group\"><th colspan=\"{columns}\">{} <code>{}</code></th></tr>",
            escape(metric_name(metric)),
            escape(metric)
        );
        for r in t.rows.iter().filter(|r| t.text(r, "metric") == metric) {
            let variant = t.text(r, name_col);
            let is_reference = variant == reference;
            let (dlo, dhi) = (t.number(r, "diff_ci_low"), t.number(r, "diff_ci_high"));
            let sig = !is_reference && dlo.is_finite() && dhi.is_finite() && (dlo > 0.0 || dhi < 0.0);
            let _ = write!(h, "<tr><td class=\"name\">{}</td>", escape(variant));
            for k in keys {
                let _ = write!(h, "<td>{}</td>", escape(t.text(r, k)));
            }
            let _ = write!(
                h,
                "<td>{}<span class=\"ci\">{}</span></td>",
                value(metric, t.number(r, "mean")),
                interval(t, r, "ci", |v| value(metric, v))
            );
            if is_reference {
                h.push_str("<td>reference</td>");
                if unpaired {
                    h.push_str("<td></td>");
                }
            } else {
                let _ = write!(
                    h,
                    "<td{}>{}<span class=\"ci\">{}</span></td>",
                    if sig { " class=\"sig\"" } else { "" },
                    difference(metric, t.number(r, "diff_mean")),
                    interval(t, r, "diff_ci", |v| difference(metric, v))
                );
                if unpaired {
                    let _ = write!(
                        h,
                        "<td><span class=\"ci\">{}</span></td>",
                        interval(t, r, "diff_unpaired_ci", |v| difference(metric, v))
                    );
                }
            }
            let _ = writeln!(h, "<td>{}</td></tr>", escape(t.text(r, "n")));
        }
    }
    h.push_str("</tbody></table></div>\n");
}

/// A newcomer of a run in the field experiment: treated or control, and what they
/// earned net in the metric period.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Newcomer {
    /// Variant index.
    pub variant: usize,
    /// Replicate.
    pub replicate: u32,
    /// Whether they were treated (`churn.treated_share`).
    pub treated: bool,
    /// Net earnings, cents.
    pub net_cents: i64,
}

/// The treatment effect of one variant: treated against control newcomers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Effect {
    /// Variant index.
    pub variant: usize,
    /// Treated and control newcomers, all replicates.
    pub treated: usize,
    /// Control newcomers, all replicates.
    pub control: usize,
    /// Mean over replicates of the treated newcomers' mean net earnings, cents.
    pub treated_mean_cents: f64,
    /// The same for the control newcomers.
    pub control_mean_cents: f64,
    /// Per replicate, treated mean minus control mean; their mean with a t interval.
    pub difference: Estimate,
}

/// The treatment effect per variant. Each replicate is one experiment (its own
/// randomisation), so the difference of the two groups' mean net earnings is taken
/// within each replicate and the replicates' differences are pooled with a t
/// interval: the CI then covers both the sampling of newcomers within a run and the
/// run-to-run variation of the market. Replicates without both groups are left out;
/// variants without any treated newcomer have no effect.
pub fn treatment_effects(newcomers: &[Newcomer]) -> Vec<Effect> {
    let variants = newcomers.iter().map(|n| n.variant + 1).max().unwrap_or(0);
    let mut out = Vec::new();
    for variant in 0..variants {
        // (replicate, treated sum, treated count, control sum, control count)
        let mut runs: Vec<(u32, f64, usize, f64, usize)> = Vec::new();
        for n in newcomers.iter().filter(|n| n.variant == variant) {
            let k = match runs.iter().position(|r| r.0 == n.replicate) {
                Some(k) => k,
                None => {
                    runs.push((n.replicate, 0.0, 0, 0.0, 0));
                    runs.len() - 1
                }
            };
            let r = &mut runs[k];
            if n.treated {
                r.1 += n.net_cents as f64;
                r.2 += 1;
            } else {
                r.3 += n.net_cents as f64;
                r.4 += 1;
            }
        }
        let both: Vec<_> = runs.iter().filter(|r| r.2 > 0 && r.4 > 0).collect();
        if both.is_empty() {
            continue;
        }
        let treated: Vec<f64> = both.iter().map(|r| r.1 / r.2 as f64).collect();
        let control: Vec<f64> = both.iter().map(|r| r.3 / r.4 as f64).collect();
        let diffs: Vec<f64> = treated.iter().zip(&control).map(|(t, c)| t - c).collect();
        out.push(Effect {
            variant,
            treated: both.iter().map(|r| r.2).sum(),
            control: both.iter().map(|r| r.4).sum(),
            treated_mean_cents: metrics::mean(&treated).unwrap_or(f64::NAN),
            control_mean_cents: metrics::mean(&control).unwrap_or(f64::NAN),
            difference: Estimate::of(&diffs, 0.95),
        });
    }
    out
}

/// The newcomers (`entered_day > 0`) of `workers.parquet`, when it has the `treated`
/// column (none for folders written before the experiment existed), with the variant
/// names their indices refer to (the manifest's, then any others the table holds).
fn read_newcomers(folder: &Folder) -> Result<(Vec<String>, Vec<Newcomer>), OutputError> {
    use polars::prelude::*;
    let path = folder.path("workers.parquet");
    if !folder.has("workers.parquet") {
        return Ok((Vec::new(), Vec::new()));
    }
    let open = || {
        std::fs::File::open(&path).map_err(|e| OutputError::Read {
            path: path.clone(),
            source: e,
        })
    };
    let err = |e| OutputError::table("workers", e);
    let schema = ParquetReader::new(open()?).schema().map_err(err)?;
    if !schema.iter_names().any(|n| n.as_str() == "treated") {
        return Ok((Vec::new(), Vec::new()));
    }
    let columns = ["variant", "replicate", "entered_day", "treated", "net_cents"];
    let df = ParquetReader::new(open()?)
        .with_columns(Some(columns.iter().map(|c| c.to_string()).collect()))
        .finish()
        .map_err(err)?;
    let variant = df.column("variant").map_err(err)?.str().map_err(err)?.clone();
    let replicate = df.column("replicate").map_err(err)?.i64().map_err(err)?.clone();
    let entered = df.column("entered_day").map_err(err)?.i64().map_err(err)?.clone();
    let treated = df.column("treated").map_err(err)?.bool().map_err(err)?.clone();
    let net = df.column("net_cents").map_err(err)?.i64().map_err(err)?.clone();
    let mut names = folder.variants.clone();
    let mut out = Vec::new();
    for i in 0..df.height() {
        if entered.get(i).unwrap_or(0) == 0 {
            continue;
        }
        let name = variant.get(i).unwrap_or("");
        let v = match names.iter().position(|n| n == name) {
            Some(v) => v,
            None => {
                names.push(name.to_string());
                names.len() - 1
            }
        };
        out.push(Newcomer {
            variant: v,
            replicate: u32::try_from(replicate.get(i).unwrap_or(0)).unwrap_or(0),
            treated: treated.get(i).unwrap_or(false),
            net_cents: net.get(i).unwrap_or(0),
        });
    }
    Ok((names, out))
}

/// The field experiment (`churn.treated_share`, Pallais 2014): treated against control
/// newcomers' net earnings per variant, with the CI of the difference. Only for
/// folders whose workers table has treated newcomers.
fn experiment_section(h: &mut String, folder: &Folder) -> Result<(), OutputError> {
    let (names, newcomers) = read_newcomers(folder)?;
    if !newcomers.iter().any(|n| n.treated) {
        return Ok(());
    }
    let effects = treatment_effects(&newcomers);
    h.push_str(
        "<section id=\"experiment\">\n<h2>Field experiment: treated against control newcomers</h2>\n\
         <p>A random share of newcomers joined with one approved hire and a 5-star review \
         (<code>churn.treated_share</code>, after Pallais 2014); the others are the control group. \
         Net earnings over the metric period, mean per newcomer; the difference is taken within each \
         replicate and pooled across replicates with a 95% t interval. Newcomers who arrived later had less \
         time to earn, in both groups alike.</p>\n<div class=\"table-wrap\"><table>\n<thead><tr>\
         <th class=\"name\">Variant</th><th>Treated</th><th>Control</th><th>Mean net, treated</th>\
         <th>Mean net, control</th><th>Difference<span class=\"ci\">95% CI</span></th><th>Replicates</th>\
         </tr></thead>\n<tbody>\n",
    );
    let money = |v: f64| value("worker_net_cents", v);
    for e in &effects {
        let d = &e.difference;
        let ci = match (d.ci_low, d.ci_high) {
            (Some(lo), Some(hi)) => format!(
                "{} to {}",
                difference("worker_net_cents", lo),
                difference("worker_net_cents", hi)
            ),
            _ => "no CI".into(),
        };
        let sig = matches!((d.ci_low, d.ci_high), (Some(lo), Some(hi)) if lo > 0.0 || hi < 0.0);
        let _ = writeln!(
            h,
            "<tr><td class=\"name\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td{}>{}<span class=\"ci\">{}</span></td><td>{}</td></tr>",
            escape(&names[e.variant]),
            e.treated,
            e.control,
            money(e.treated_mean_cents),
            money(e.control_mean_cents),
            if sig { " class=\"sig\"" } else { "" },
            difference("worker_net_cents", d.mean),
            ci,
            d.n
        );
    }
    h.push_str("</tbody></table></div>\n</section>\n");
    Ok(())
}

/// A chart's SVG made fit for inlining: scalable to the page width, labelled for
/// screen readers.
fn inline_svg(svg: &str, title: &str) -> String {
    let body = match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    };
    body.replacen(
        "<svg ",
        &format!(
            "<svg role=\"img\" aria-label=\"{}\" preserveAspectRatio=\"xMidYMid meet\" ",
            escape(title)
        ),
        1,
    )
}

/// A link target relative to the report's folder where possible.
fn href(folder: &Folder, path: &Path) -> String {
    let target = match (path.strip_prefix(&folder.report_dir), path.strip_prefix(&folder.dir)) {
        (Ok(rel), _) => rel.to_path_buf(),
        (_, Ok(rel)) => folder.link_base.join(rel),
        _ => path.to_path_buf(),
    };
    target
        .components()
        .map(|c| percent_encode(&c.as_os_str().to_string_lossy()))
        .collect::<Vec<_>>()
        .join("/")
        .replace("//", "/")
}

/// The path from folder `from` to folder `to` (`../results` and the like); empty when
/// they are the same. Falls back to `to` as given when the paths cannot be resolved.
fn relative_dir(from: &Path, to: &Path) -> PathBuf {
    let (Ok(from), Ok(to_abs)) = (std::fs::canonicalize(from), std::fs::canonicalize(to)) else {
        return to.to_path_buf();
    };
    let a: Vec<_> = from.components().collect();
    let b: Vec<_> = to_abs.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..a.len() {
        out.push("..");
    }
    for c in &b[common..] {
        out.push(c);
    }
    out
}

fn percent_encode(part: &str) -> String {
    let mut out = String::new();
    for b in part.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else if b == b'/' {
            out.push('/');
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Small charts (one headline metric each) go two to a row on wide screens.
fn is_small_multiple(stem: &str) -> bool {
    (stem.starts_with("compare_") && super::columns::HEADLINE.iter().any(|m| stem == format!("compare_{m}")))
        || stem.starts_with("sweep_")
}

fn chart_section(h: &mut String, folder: &Folder, charts: &[ChartFile]) -> Result<(), OutputError> {
    h.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n");
    let (missing, not_applicable) = skip_notes_of(folder.clone())?;
    for note in missing.into_iter().chain(not_applicable) {
        let _ = writeln!(h, "<p class=\"note\">{}</p>", escape(&note));
    }
    figures(h, charts, |p| href(folder, p));
    h.push_str("</section>\n");
    Ok(())
}

/// Every chart as a numbered figure with its caption and links to its files (`link`
/// makes each file's address); small multiples two to a row.
fn figures(h: &mut String, charts: &[ChartFile], link: impl Fn(&Path) -> String) {
    if charts.is_empty() {
        h.push_str("<p class=\"note\">No charts were drawn for this folder.</p>\n");
    }
    let mut open_grid = false;
    for (i, chart) in charts.iter().enumerate() {
        let small = is_small_multiple(&chart.stem);
        if small && !open_grid {
            h.push_str("<div class=\"grid\">\n");
            open_grid = true;
        } else if !small && open_grid {
            h.push_str("</div>\n");
            open_grid = false;
        }
        let files: Vec<String> = chart
            .files
            .iter()
            .map(|p| {
                let ext = p
                    .extension()
                    .map(|e| e.to_string_lossy().to_uppercase())
                    .unwrap_or_default();
                format!("<a href=\"{}\">{}</a>", escape(&link(p)), escape(&ext))
            })
            .collect();
        let _ = write!(
            h,
            "<figure class=\"chart\" id=\"{}\">\n{}\n<figcaption><strong>Figure {}.</strong> {}",
            escape(&chart.stem),
            inline_svg(&chart.svg, &chart.title),
            i + 1,
            escape(&chart.caption)
        );
        if !files.is_empty() {
            let _ = write!(
                h,
                " <span class=\"files\">(<code>{}</code>: {})</span>",
                escape(&chart.stem),
                files.join(", ")
            );
        }
        h.push_str("</figcaption>\n</figure>\n");
    }
    if open_grid {
        h.push_str("</div>\n");
    }
}

/// The report page of a `calibrate` or `sensitivity` folder, which holds no run
/// tables: what was run, the key tables, the charts and the files.
pub struct SearchPage<'a> {
    /// The scenario name (the page's heading).
    pub scenario: &'a str,
    /// The command (`calibrate`, `sensitivity`).
    pub command: &'a str,
    /// A sentence saying what the folder holds.
    pub lead: String,
    /// The command line that wrote the folder.
    pub command_line: Vec<String>,
    /// Facts about the study: label and plain text.
    pub meta: Vec<(&'a str, String)>,
    /// Tables: heading, a note under it, column names and rows of plain text.
    pub tables: Vec<SearchTable>,
    /// The folder's files: name and what it holds (listed where present).
    pub files: Vec<(&'a str, &'a str)>,
}

/// One table of a [`SearchPage`].
pub struct SearchTable {
    /// Its heading.
    pub heading: String,
    /// A note under the heading.
    pub note: String,
    /// Column names.
    pub header: Vec<String>,
    /// Rows of cells (plain text).
    pub rows: Vec<Vec<String>>,
}

/// Writes `report.html` of a calibrate or sensitivity folder `out` and returns its path.
pub fn write_search_report(out: &Path, page: &SearchPage<'_>, charts: &[ChartFile]) -> Result<PathBuf, OutputError> {
    let mut h = String::with_capacity(1_000_000);
    page_head(&mut h, super::manifest::VERSION, page.scenario, page.command);
    let _ = write!(
        h,
        "<header>\n<h1>{}</h1>\n<p class=\"description\">{}</p>\n<dl class=\"meta\">\n<dt>Command</dt><dd><code>{}</code></dd>\n",
        escape(page.scenario),
        escape(&page.lead),
        escape(&shell_line(&page.command_line))
    );
    for (k, v) in &page.meta {
        let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(v));
    }
    h.push_str("</dl>\n</header>\n");
    for t in &page.tables {
        let _ = write!(
            h,
            "<section>\n<h2>{}</h2>\n<p class=\"note\">{}</p>\n<div class=\"table-wrap\"><table>\n<thead><tr>",
            escape(&t.heading),
            escape(&t.note)
        );
        for c in &t.header {
            let _ = write!(h, "<th>{}</th>", escape(c));
        }
        h.push_str("</tr></thead>\n<tbody>\n");
        for r in &t.rows {
            h.push_str("<tr>");
            for c in r {
                let _ = write!(h, "<td>{}</td>", escape(c));
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</tbody>\n</table></div>\n</section>\n");
    }
    h.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n");
    let link = |p: &Path| {
        p.strip_prefix(out)
            .unwrap_or(p)
            .components()
            .map(|c| percent_encode(&c.as_os_str().to_string_lossy()))
            .collect::<Vec<_>>()
            .join("/")
    };
    figures(&mut h, charts, link);
    h.push_str("</section>\n<section id=\"tables\">\n<h2>Tables and files</h2>\n<ul class=\"files\">\n");
    for (name, what) in &page.files {
        let path = out.join(name);
        let size = match std::fs::metadata(&path) {
            Ok(meta) => human_size(meta.len()),
            // The manifest is written after the report, as the mark of a finished folder.
            Err(_) if name.ends_with(".json") => "written last".into(),
            Err(_) => continue,
        };
        let _ = writeln!(
            h,
            "<li><a href=\"{}\"><code>{}</code></a> ({size}) — {}</li>",
            escape(&percent_encode(name)),
            escape(name),
            escape(what)
        );
    }
    h.push_str(
        "</ul>\n</section>\n<footer><p>Every evaluation runs the same replicate seeds (common random numbers), \
         so differences between points are the parameters' effects, not sampling noise.</p>\
         <p>Charts use the Okabe–Ito colour-blind-safe palette and DejaVu Sans (Bitstream Vera licence).</p>\
         </footer>\n</main>\n</body>\n</html>\n",
    );
    let path = out.join("report.html");
    write_file(&path, h.as_bytes())?;
    Ok(path)
}

/// The tables and files of the folder, linked where present.
fn tables_section(h: &mut String, folder: &Folder) {
    const FILES: &[(&str, &str)] = &[
        (
            "summary.csv",
            "each headline metric per variant: mean, SD and 95% CI across replicates",
        ),
        (
            "comparison.csv",
            "each variant against base: estimates and paired differences",
        ),
        (
            "sweep.csv",
            "each sweep point: parameter values, estimates and paired differences from the first point",
        ),
        ("runs.parquet", "one row per run (variant × replicate)"),
        ("runs.csv", "the same, as CSV"),
        ("workers.parquet", "one row per worker per run"),
        ("workers.csv", "the same, as CSV"),
        ("daily.parquet", "one row per day per run"),
        ("daily.csv", "the same, as CSV"),
        ("columns.md", "every column: unit and definition"),
        ("scenario.toml", "the resolved scenario, every default filled in"),
        (
            "manifest.json",
            "what produced this folder: version, command, seed, plan",
        ),
    ];
    h.push_str("<section id=\"tables\">\n<h2>Tables and files</h2>\n<ul class=\"files\">\n");
    let mut any = false;
    for (name, what) in FILES {
        let path = folder.path(name);
        if let Ok(meta) = std::fs::metadata(&path) {
            any = true;
            let _ = writeln!(
                h,
                "<li><a href=\"{}\"><code>{}</code></a> ({}) — {}</li>",
                escape(&href(folder, &path)),
                escape(name),
                human_size(meta.len()),
                escape(what)
            );
        } else if *name == "manifest.json" {
            // The manifest is written after the report, as the mark of a finished folder.
            let _ = writeln!(
                h,
                "<li><a href=\"{}\"><code>{}</code></a> (written last) — {}</li>",
                escape(&href(folder, &path)),
                escape(name),
                escape(what)
            );
        }
    }
    if !any {
        h.push_str("<li>No tables found beside this report.</li>\n");
    }
    h.push_str("</ul>\n</section>\n");
}

fn human_size(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.1} MB", b / 1e6)
    } else if b >= 1e3 {
        format!("{:.0} kB", b / 1e3)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        // RFC 4648 §10.
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
        assert_eq!(base64(&[0xff, 0xfe, 0x00]), "//4A");
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            escape("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn command_lines_are_quoted_for_the_shell() {
        let args = ["gigsim", "run", "my scenario.toml", "--out", "it's"].map(String::from);
        assert_eq!(shell_line(&args), r#"gigsim run 'my scenario.toml' --out 'it'\''s'"#);
    }

    #[test]
    fn differences_carry_sign_and_unit() {
        assert_eq!(difference("share_below_wage_floor", -0.0123), "−1.2 pp");
        assert_eq!(difference("worker_net_cents", 12_345.0), "+$123.45");
        assert_eq!(difference("worker_net_cents", -2_000_000.0), "−$20,000");
        assert_eq!(value("worker_net_cents", 41_829_058.0), "$418,291");
        assert_eq!(difference("gini_net_income", 0.0), "0.000");
        assert_eq!(difference("gini_net_income", f64::NAN), "–");
    }

    #[test]
    fn treatment_effects_pool_within_replicate_differences() {
        let n = |variant, replicate, treated, net_cents| Newcomer {
            variant,
            replicate,
            treated,
            net_cents,
        };
        let rows = [
            // Replicate 0: treated 300, 500 (mean 400); control 100 → difference 300.
            n(0, 0, true, 300),
            n(0, 0, true, 500),
            n(0, 0, false, 100),
            // Replicate 1: treated 200; control 0, 200 (mean 100) → difference 100.
            n(0, 1, true, 200),
            n(0, 1, false, 0),
            n(0, 1, false, 200),
            // Replicate 2 has no control: left out.
            n(0, 2, true, 9_999),
            // Variant 1 treated nobody: no effect.
            n(1, 0, false, 50),
        ];
        let effects = treatment_effects(&rows);
        assert_eq!(effects.len(), 1);
        let e = &effects[0];
        assert_eq!((e.variant, e.treated, e.control), (0, 3, 3));
        assert_eq!((e.treated_mean_cents, e.control_mean_cents), (300.0, 100.0));
        assert_eq!((e.difference.n, e.difference.mean), (2, 200.0));
        // sd of (300, 100) is 141.42; t(0.975, 1) = 12.706; half width 12.706 × 100.
        let half = e.difference.ci_high.unwrap() - 200.0;
        assert!((half - 1270.62).abs() < 0.05, "{half}");
    }

    #[test]
    fn inlined_svg_scales_and_has_a_label() {
        let s = inline_svg(
            "<?xml version=\"1.0\"?>\n<svg width=\"10\" height=\"5\" viewBox=\"0 0 10 5\"></svg>",
            "A & B",
        );
        assert!(s.starts_with("<svg role=\"img\" aria-label=\"A &amp; B\""));
        assert!(s.contains("viewBox"));
    }
}
