//! Numbers and counts in words, the same on the terminal, in the report and on the
//! charts.

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
    let text = format!("{rounded:.decimals$}");
    let text = if text.starts_with('-') && text.trim_start_matches(['-', '0', '.']).is_empty() {
        text[1..].to_string()
    } else {
        text
    };
    group_thousands(&text)
}

/// Groups the integer digits of a formatted number by thousands with commas.
fn group_thousands(text: &str) -> String {
    let (sign, rest) = text.strip_prefix('-').map_or(("", text), |r| ("-", r));
    let (int, frac) = rest.split_once('.').map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
