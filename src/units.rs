//! How numbers read on the terminal, in charts and in the report, one formatter per unit: dollars, percent
//! and percentage points, counts, hours, and estimates with their CI. Tick labels
//! ([`TickFormat`]) and the short values of legends and heat-map cells ([`compact`]) are
//! made of the same pieces, so a share reads alike on an axis and in a caption.

use crate::metrics::Estimate;
use crate::output::summary::group_float;

/// How the values on an axis read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TickFormat {
    /// US dollars: `$1.50`, `$12,000`.
    Money,
    /// A share 0–1 shown as a percent: `20%`, `2.5%`.
    Percent,
    /// A plain number with thousands separators: `12,000`, `0.35`.
    Number,
}

impl TickFormat {
    /// A tick value, with as many decimals as the spacing of the ticks needs (`step` 0
    /// means "each value on its own", as on a log axis).
    pub fn format(self, v: f64, step: f64) -> String {
        if !v.is_finite() {
            return String::new();
        }
        // Ticks computed as multiples of a step can land at -0.0 or 1e-17.
        let v = if step > 0.0 && v.abs() < step * 1e-6 { 0.0 } else { v };
        match self {
            TickFormat::Money => dollars(v, step),
            TickFormat::Percent => percent(v, tick_decimals(step * 100.0, v * 100.0)),
            TickFormat::Number => group_float(v, tick_decimals(step, v)),
        }
    }
}

/// Decimals that show ticks `step` apart, or a lone value `v` when there is no step.
fn tick_decimals(step: f64, v: f64) -> usize {
    if step > 0.0 {
        decimals_for(step)
    } else {
        decimals_of_value(v)
    }
}

/// A value short enough for a heat-map cell or a legend: `$418k`, `$6.64`, `60.1%`,
/// `0.359`, `12.3k`.
pub fn compact(format: TickFormat, v: f64) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    let sign = if v < 0.0 { "-" } else { "" };
    let a = v.abs();
    let scaled = |a: f64| {
        abbreviated(a, SHORT).unwrap_or_else(|| {
            if a >= 100.0 {
                group_float(a, 0)
            } else if a >= 1.0 {
                format!("{a:.2}")
            } else {
                format!("{a:.3}")
            }
        })
    };
    match format {
        TickFormat::Money if a < 100.0 => format!("{sign}${a:.2}"),
        TickFormat::Money => format!("{sign}${}", scaled(a)),
        TickFormat::Percent => percent(v, 1),
        TickFormat::Number => format!("{sign}{}", scaled(a)),
    }
}

/// Dollars: whole dollars when the ticks are whole, cents otherwise (never `$1.5`).
pub fn dollars(v: f64, step: f64) -> String {
    let whole = if step > 0.0 {
        (step - step.round()).abs() < 1e-9 && step >= 1.0
    } else {
        (v - v.round()).abs() < 1e-9
    };
    let decimals = if whole {
        0
    } else if step > 0.0 {
        decimals_for(step).max(2)
    } else {
        decimals_of_value(v).max(2)
    };
    let text = group_float(v.abs(), decimals);
    if v < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("-${text}")
    } else {
        format!("${text}")
    }
}

/// Dollars with cents below $100, whole dollars above.
pub fn dollars_label(v: f64) -> String {
    if v.abs() >= 100.0 {
        dollars(v.round(), 1.0)
    } else {
        dollars(v, 0.01)
    }
}

/// A share as a percent with `decimals` decimals: `20%`, `2.5%`.
pub fn percent(share: f64, decimals: usize) -> String {
    format!("{}%", group_float(share * 100.0, decimals))
}

/// A share of people as short as it stays honest: `<0.1%`, `6.1%`, `60%`.
pub fn share(share: f64) -> String {
    let p = share * 100.0;
    if p > 0.0 && p < 0.1 {
        "<0.1%".into()
    } else {
        percent(share, if p < 10.0 { 1 } else { 0 })
    }
}

/// The relative difference of `b` against `a`, as `+14%` or `−10%` (empty when
/// undefined).
pub fn change(a: f64, b: f64) -> String {
    if !(a.is_finite() && b.is_finite()) || a <= 0.0 {
        return String::new();
    }
    let p = b / a - 1.0;
    let size = percent(p.abs(), 0);
    // A change that rounds to nothing has no direction ("−0%" read as a loss).
    if size == "0%" {
        return size;
    }
    format!("{}{size}", if p >= 0.0 { "+" } else { "−" })
}

/// A difference of shares in percentage points, without its sign: `1.2 pp`.
pub fn pp(difference: f64) -> String {
    format!("{:.1} pp", difference.abs() * 100.0)
}

/// A whole number with thousands separators: `2,000`.
pub fn grouped(n: usize) -> String {
    group_float(n as f64, 0)
}

/// "1 worker", "2,000 workers".
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", grouped(n))
    }
}

/// "1 replicate", "3 replicates".
pub fn replicates(n: usize) -> String {
    count(n, "replicate", "replicates")
}

/// The names of thousands, millions and billions in charts: `35k`, `1.2M`, `3.4B`.
pub const SHORT: [&str; 3] = ["k", "M", "B"];

/// The names of thousands, millions and billions in words, for the terminal.
pub const WORDS: [&str; 3] = [" thousand", " million", " billion"];

/// A large number in thousands (from 10,000, below which it reads in full), millions or
/// billions, named by `names`; `None` below 10,000.
pub fn abbreviated(v: f64, names: [&str; 3]) -> Option<String> {
    if v >= 1e9 {
        Some(format!("{:.1}{}", v / 1e9, names[2]))
    } else if v >= 1e6 {
        Some(format!("{:.1}{}", v / 1e6, names[1]))
    } else if v >= 1e4 {
        Some(format!("{:.0}{}", v / 1e3, names[0]))
    } else {
        None
    }
}

/// A count of tasks for a label: 950, 9,500, 95k, 1.3M.
pub fn tasks(v: f64) -> String {
    abbreviated(v, SHORT).unwrap_or_else(|| group_float(v, 0))
}

/// Hours with the decimals they were given, up to two: `1`, `2.5`, `0.25`.
pub fn hours(h: f64) -> String {
    group_float(h, decimals_for(h.abs()).min(2))
}

/// "1 paid hour", "2.5 paid hours".
pub fn paid_hours(h: f64) -> String {
    if (h - 1.0).abs() < 1e-9 {
        "1 paid hour".into()
    } else {
        format!("{} paid hours", hours(h))
    }
}

/// An estimate as "0.359 (95% CI 0.341 to 0.377)", or with a note when there is no CI.
pub fn estimate(e: &Estimate, format: TickFormat) -> String {
    let v = |x: f64| compact(format, x);
    match (e.ci_low, e.ci_high) {
        _ if e.n == 0 => "n/a".into(),
        (Some(lo), Some(hi)) => format!("{} (95% CI {} to {})", v(e.mean), v(lo), v(hi)),
        _ => format!("{} (one replicate: no CI)", v(e.mean)),
    }
}

/// Decimals that show a spacing of `step` exactly (0.25 → 2, 5 → 0).
pub fn decimals_for(step: f64) -> usize {
    if !(step.is_finite() && step > 0.0) {
        return 0;
    }
    for d in 0..=6 {
        let scaled = step * 10f64.powi(d);
        if (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0) {
            return d as usize;
        }
    }
    6
}

/// Decimals for a lone value, as on a log axis (0.05 → 2, 20 → 0).
fn decimals_of_value(v: f64) -> usize {
    if v == 0.0 || !v.is_finite() {
        return 0;
    }
    decimals_for(v.abs()).min(4)
}

/// `n` and the noun, singular for one: "1 replicate", "3 replicates".
pub fn plural(n: impl Into<u64>, noun: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `v` with at most three significant digits, grouped by thousands above 1,000
/// ("1,230", "45.6", "0.123"), for rates whose later digits are noise.
pub fn three_digits(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let magnitude = if v == 0.0 { 0 } else { v.abs().log10().floor() as i32 };
    let decimals = (2 - magnitude).max(0) as usize;
    // Above 999 the digits past the third become zeros; below, `decimals` rounds.
    let rounded = if magnitude > 2 {
        let scale = 10f64.powi(magnitude - 2);
        (v / scale).round() * scale
    } else {
        v
    };
    group_float(rounded, decimals)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_ticks_show_cents_only_when_needed() {
        assert_eq!(TickFormat::Money.format(1.5, 0.5), "$1.50");
        assert_eq!(TickFormat::Money.format(12_000.0, 2_000.0), "$12,000");
        assert_eq!(TickFormat::Money.format(0.0, 0.25), "$0.00");
        assert_eq!(TickFormat::Money.format(-3.0, 1.0), "-$3");
        assert_eq!(TickFormat::Money.format(0.05, 0.0), "$0.05");
        assert_eq!(TickFormat::Money.format(100.0, 0.0), "$100");
        assert_eq!(TickFormat::Money.format(-1e-12, 0.5), "$0.00");
    }

    #[test]
    fn percent_and_number_ticks() {
        assert_eq!(TickFormat::Percent.format(0.2, 0.2), "20%");
        assert_eq!(TickFormat::Percent.format(0.025, 0.005), "2.5%");
        assert_eq!(TickFormat::Number.format(12_345.0, 5_000.0), "12,345");
        assert_eq!(TickFormat::Number.format(0.35, 0.05), "0.35");
        assert_eq!(TickFormat::Number.format(f64::NAN, 1.0), "");
    }

    #[test]
    fn compact_values_fit_in_cells() {
        assert_eq!(compact(TickFormat::Money, 418_290.58), "$418k");
        assert_eq!(compact(TickFormat::Money, 6.642), "$6.64");
        assert_eq!(compact(TickFormat::Money, -2_500_000.0), "-$2.5M");
        assert_eq!(compact(TickFormat::Percent, 0.6012), "60.1%");
        assert_eq!(compact(TickFormat::Number, 0.3591), "0.359");
        assert_eq!(compact(TickFormat::Number, 1_997.0), "1,997");
        assert_eq!(compact(TickFormat::Number, f64::NAN), "n/a");
    }

    #[test]
    fn shares_counts_and_hours_are_short() {
        assert_eq!(share(0.0004), "<0.1%");
        assert_eq!(share(0.061), "6.1%");
        assert_eq!(share(0.6012), "60%");
        assert_eq!(percent(0.6012, 0), "60%");
        assert_eq!(change(10.0, 11.4), "+14%");
        assert_eq!(change(10.0, 9.0), "−10%");
        assert_eq!(change(10.0, 9.99), "0%");
        assert_eq!(change(10.0, 10.01), "0%");
        assert_eq!(change(0.0, 9.0), "");
        assert_eq!(pp(-0.0123), "1.2 pp");
        assert_eq!(count(1, "worker", "workers"), "1 worker");
        assert_eq!(count(2_000, "worker", "workers"), "2,000 workers");
        assert_eq!(replicates(3), "3 replicates");
        assert_eq!(tasks(950.0), "950");
        assert_eq!(tasks(9_500.0), "9,500");
        assert_eq!(tasks(95_000.0), "95k");
        assert_eq!(tasks(1_260_000.0), "1.3M");
        assert_eq!(abbreviated(35_000.0, WORDS).as_deref(), Some("35 thousand"));
        assert_eq!(abbreviated(9_999.0, WORDS), None);
        assert_eq!(paid_hours(1.0), "1 paid hour");
        assert_eq!(paid_hours(2.5), "2.5 paid hours");
        assert_eq!(hours(0.25), "0.25");
    }

    #[test]
    fn estimates_read_with_or_without_ci() {
        let e = Estimate::of(&[0.3, 0.4], 0.95);
        assert!(estimate(&e, TickFormat::Number).starts_with("0.350 (95% CI -0.285 to"));
        let one = Estimate::of(&[0.3], 0.95);
        assert_eq!(estimate(&one, TickFormat::Number), "0.300 (one replicate: no CI)");
        assert_eq!(estimate(&Estimate::of(&[], 0.95), TickFormat::Number), "n/a");
    }

    #[test]
    fn counts_and_rates_in_words() {
        assert_eq!(plural(1u32, "replicate"), "1 replicate");
        assert_eq!(plural(3u32, "replicate"), "3 replicates");
        assert_eq!(plural(0u32, "run"), "0 runs");
        assert_eq!(three_digits(1234.5678), "1,230");
        assert_eq!(three_digits(45.678), "45.7");
        assert_eq!(three_digits(0.12345), "0.123");
        assert_eq!(three_digits(7.0), "7.00");
        assert_eq!(three_digits(2_345_678.0), "2,350,000");
        assert_eq!(three_digits(-0.0001), "-0.000100");
        assert_eq!(three_digits(0.0), "0.00");
    }
}
