//! The look of every chart, in one place: the bundled font, the colour-blind-safe
//! palette, text sizes, and where ticks go (how their values read is in `units`).
//! Charts take colours and sizes from here and nowhere else, so a variant has the same
//! colour in every chart and every chart reads at the same size.

use std::sync::OnceLock;

use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontFamily, FontStyle, RGBColor, TextStyle};

/// The family name SVG text carries. The report embeds the bundled font under the
/// first name, so the browser draws exactly the glyphs whose widths the layout
/// measured; standalone SVG files fall back to the viewer's sans-serif.
pub const FONT_FAMILY: &str = "DejaVu Sans, sans-serif";

/// The family name of the embedded font in the report's `@font-face`.
pub const FONT_FACE_NAME: &str = "DejaVu Sans";

/// DejaVu Sans, regular (Bitstream Vera licence, `assets/fonts/LICENSE-DejaVu.txt`).
pub static FONT_REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

/// DejaVu Sans, bold.
pub static FONT_BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Registers the bundled fonts with plotters, once per process. plotters is built
/// without fontconfig, so text is drawn only from fonts registered here; the generic
/// family names are registered too so that no default of plotters can ask for a font
/// that is not there. Returns false if the bundled bytes do not parse (a broken build).
pub fn register_fonts() -> bool {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    *REGISTERED.get_or_init(|| {
        let mut ok = true;
        for name in [FONT_FAMILY, FONT_FACE_NAME, "sans-serif", "serif", "monospace"] {
            ok &= plotters::style::register_font(name, FontStyle::Normal, FONT_REGULAR).is_ok();
            ok &= plotters::style::register_font(name, FontStyle::Bold, FONT_BOLD).is_ok();
        }
        ok
    })
}

/// The Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), ordered so that
/// the first colours are the most distinct on white; yellow, the weakest on white,
/// comes late. Variant i always gets `PALETTE[i % 8]`.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(0, 0, 0),       // black
    RGBColor(240, 228, 66),  // yellow
];

/// The colour of the variant at `index` in plan order (base is 0).
pub fn variant_color(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

/// Text and titles.
pub const INK: RGBColor = RGBColor(33, 33, 33);
/// Subtitles, notes, reference lines.
pub const MUTED: RGBColor = RGBColor(96, 96, 96);
/// Axis lines.
pub const AXIS: RGBColor = RGBColor(110, 110, 110);
/// Grid lines.
pub const GRID: RGBColor = RGBColor(226, 226, 226);
/// The background.
pub const PAPER: RGBColor = RGBColor(255, 255, 255);

/// What a piece of text is, which decides its size and weight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextRole {
    /// The chart's title.
    Title,
    /// The line under the title (what was pooled, what was left out).
    Subtitle,
    /// A panel's own title in a chart of several panels.
    PanelTitle,
    /// An axis description.
    AxisLabel,
    /// Tick labels.
    Tick,
    /// Legend entries.
    Legend,
    /// Labels inside the plot (reference lines, heat-map cells).
    Annotation,
    /// The "no data" message.
    NoData,
}

/// Sizes for one canvas. Everything is specified for a 1000 × 650 chart and scaled with
/// the canvas, so text keeps its size relative to the chart whatever its pixel size, and
/// a PNG at `scale` 2 is the same picture with twice the pixels. Printed one column wide
/// (8.5 cm) tick and legend labels are 5 pt (a size of 26 here is an SVG font-size of
/// 21 of 1000 units: 21/1000 × 8.5 cm = 5.1 pt), the smallest that Nature's figure
/// guide allows; at 1.5 columns (12.75 cm) they are 7.6 pt. Larger text was tried (31,
/// 6 pt) and pushed long vertical axis titles into the legend and cut long variant
/// names, so the layout would have to shrink those first.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Theme {
    k: f64,
}

impl Theme {
    /// The theme for a canvas of `width` × `height` pixels drawn at `scale`.
    pub fn new(width: u32, height: u32, scale: f64) -> Theme {
        let fit = (f64::from(width) / 1000.0).min(f64::from(height) / 650.0);
        Theme {
            k: (fit * scale).max(0.1),
        }
    }

    /// A length given at the reference size, in pixels of this canvas (at least 1).
    pub fn px(&self, v: f64) -> i32 {
        ((v * self.k).round() as i32).max(1)
    }

    /// A length given at the reference size, unrounded.
    pub fn len(&self, v: f64) -> f64 {
        v * self.k
    }

    /// The font size (plotters' size: ascent to descent, pixels) of a role.
    pub fn font_size(&self, role: TextRole) -> f64 {
        let size = match role {
            TextRole::Title => 33.0,
            TextRole::Subtitle => 24.0,
            TextRole::PanelTitle => 26.0,
            TextRole::AxisLabel => 26.0,
            TextRole::Tick => 26.0,
            TextRole::Legend => 26.0,
            TextRole::Annotation => 22.0,
            TextRole::NoData => 28.0,
        };
        size * self.k
    }

    /// The text style of a role, anchored at its top left.
    pub fn text(&self, role: TextRole) -> TextStyle<'static> {
        let (weight, color) = match role {
            TextRole::Title | TextRole::PanelTitle => (FontStyle::Bold, INK),
            TextRole::Subtitle | TextRole::NoData => (FontStyle::Normal, MUTED),
            _ => (FontStyle::Normal, INK),
        };
        let font = FontDesc::new(FontFamily::Name(FONT_FAMILY), self.font_size(role), weight);
        let style = font.color(&color);
        style.pos(Pos::new(HPos::Left, VPos::Top))
    }

    /// Width and height of `text` in a role, as the renderer will lay it out.
    pub fn measure(&self, role: TextRole, text: &str) -> (i32, i32) {
        let style = self.text(role);
        match style.font.box_size(text) {
            Ok((w, h)) => (w as i32, h as i32),
            // Only reachable when the fonts are not registered, which render checks first.
            Err(_) => (
                (text.chars().count() as f64 * self.font_size(role) * 0.55) as i32,
                self.font_size(role) as i32,
            ),
        }
    }

    /// `text` cut with an ellipsis so that it fits in `max_width` pixels.
    pub fn fit(&self, role: TextRole, text: &str, max_width: i32) -> String {
        if self.measure(role, text).0 <= max_width {
            return text.to_string();
        }
        let chars: Vec<char> = text.chars().collect();
        let mut keep = chars.len();
        while keep > 1 {
            keep -= 1;
            let candidate: String = chars[..keep].iter().collect::<String>() + "…";
            if self.measure(role, &candidate).0 <= max_width {
                return candidate;
            }
        }
        "…".into()
    }
}

/// Ticks at round numbers (1, 2 or 5 times a power of ten, or 25, 250, …) covering `lo..=hi`,
/// at most `max_ticks` of them (at least 2 when the range allows). Returns the ticks
/// and their spacing.
pub fn linear_ticks(lo: f64, hi: f64, max_ticks: usize) -> (Vec<f64>, f64) {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return (vec![lo], 0.0);
    }
    let mut step = nice_step(hi - lo, max_ticks.max(2));
    loop {
        let first = (lo / step - 1e-9).ceil();
        let last = (hi / step + 1e-9).floor();
        let count = (last - first + 1.0).max(0.0) as usize;
        if count <= max_ticks.max(2) || count <= 2 {
            let ticks = (0..count).map(|i| (first + i as f64) * step).collect();
            return (ticks, step);
        }
        step = nice_step(step * 1.01 * count as f64, max_ticks.max(2));
    }
}

/// The smallest round step (1, 2, 5 × 10^k, or 25 × 10^k) that splits `span` in at most
/// `parts` parts.
pub fn nice_step(span: f64, parts: usize) -> f64 {
    let raw = span / parts.max(1) as f64;
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        // 25, 250… read well; 2.5 or 0.25 add a decimal to every label.
        if m == 2.5 && magnitude < 10.0 {
            continue;
        }
        if m * magnitude >= raw * (1.0 - 1e-9) {
            return m * magnitude;
        }
    }
    10.0 * magnitude
}

/// `hi` rounded up to the next round step, so the top of a y axis is a tick.
pub fn nice_upper(hi: f64, max_ticks: usize) -> f64 {
    if !(hi.is_finite() && hi > 0.0) {
        return 1.0;
    }
    let step = nice_step(hi, max_ticks.max(2));
    (hi / step - 1e-9).ceil() * step
}

/// Ticks on a log axis: powers of ten, and 2 and 5 times them when the range spans
/// few decades; thinned to `max_ticks` by keeping every other decade.
pub fn log_ticks(lo: f64, hi: f64, max_ticks: usize) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo && hi.is_finite()) {
        return vec![];
    }
    let first = lo.log10().floor() as i32;
    let last = hi.log10().ceil() as i32;
    let inside = |v: &f64| *v >= lo * (1.0 - 1e-9) && *v <= hi * (1.0 + 1e-9);
    for multipliers in [&[1.0, 2.0, 5.0][..], &[1.0, 3.0][..], &[1.0][..]] {
        let ticks: Vec<f64> = (first..=last)
            .flat_map(|e| multipliers.iter().map(move |m| m * 10f64.powi(e)))
            .filter(inside)
            .collect();
        if ticks.len() <= max_ticks && ticks.len() >= 2 {
            return ticks;
        }
        if ticks.len() < 2 && multipliers.len() == 3 {
            // Less than a decade: round linear ticks read better than a lone power of ten.
            return linear_ticks(lo, hi, max_ticks.min(5))
                .0
                .into_iter()
                .filter(|v| *v > 0.0)
                .collect();
        }
    }
    let decades: Vec<f64> = (first..=last).map(|e| 10f64.powi(e)).filter(inside).collect();
    let every = decades.len().div_ceil(max_ticks.max(1)).max(1);
    decades.into_iter().step_by(every).collect()
}

/// A sequential colour scale for heat maps: viridis (perceptually uniform, readable by
/// colour-blind readers and in grey), interpolated between nine anchors.
pub fn sequential(t: f64) -> RGBColor {
    const VIRIDIS: [(u8, u8, u8); 9] = [
        (68, 1, 84),
        (71, 44, 122),
        (59, 81, 139),
        (44, 113, 142),
        (33, 144, 141),
        (39, 173, 129),
        (92, 200, 99),
        (170, 220, 50),
        (253, 231, 37),
    ];
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let pos = t * (VIRIDIS.len() - 1) as f64;
    let i = (pos.floor() as usize).min(VIRIDIS.len() - 2);
    let f = pos - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + f * (f64::from(b) - f64::from(a))).round() as u8;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Whether dark text reads better than white on `color` (relative luminance).
pub fn dark_text_on(color: RGBColor) -> bool {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(color.0) + 0.7152 * lin(color.1) + 0.0722 * lin(color.2);
    l > 0.22
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_ticks_are_round_and_bounded() {
        let (ticks, step) = linear_ticks(0.0, 1.0, 6);
        assert_eq!(step, 0.2);
        assert_eq!(ticks.len(), 6);
        let (ticks, step) = linear_ticks(3.0, 97.0, 5);
        assert_eq!(step, 20.0);
        assert_eq!(ticks, vec![20.0, 40.0, 60.0, 80.0]);
        for max in 2..12 {
            let (t, _) = linear_ticks(0.0, 12_345.0, max);
            assert!(t.len() <= max, "{max}: {t:?}");
        }
        assert_eq!(linear_ticks(1.0, 1.0, 5).0, vec![1.0]);
        assert_eq!(nice_upper(0.87, 5), 1.0);
        assert_eq!(nice_upper(0.0, 5), 1.0);
    }

    #[test]
    fn log_ticks_use_decades_and_fill_short_ranges() {
        assert_eq!(log_ticks(0.5, 5_000.0, 6), vec![1.0, 10.0, 100.0, 1000.0]);
        assert_eq!(log_ticks(1.0, 100.0, 8), vec![1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0]);
        let many = log_ticks(0.01, 1e8, 4);
        assert!(many.len() <= 4 && many.len() >= 2, "{many:?}");
        assert!(log_ticks(0.0, 10.0, 5).is_empty());
        let short = log_ticks(3.0, 7.0, 5);
        assert!(
            !short.is_empty() && short.iter().all(|v| (3.0..=7.0).contains(v)),
            "{short:?}"
        );
    }

    #[test]
    fn palette_starts_with_distinct_colours_and_repeats() {
        assert_eq!(variant_color(0), RGBColor(0, 114, 178));
        assert_eq!(variant_color(8), variant_color(0));
        assert_ne!(variant_color(1), variant_color(0));
    }

    #[test]
    fn bundled_fonts_parse_and_measure() {
        assert!(register_fonts());
        let theme = Theme::new(1000, 650, 1.0);
        let (w, h) = theme.measure(TextRole::Tick, "$1,000");
        assert!(w > 40 && w < 200 && h > 10, "{w}x{h}");
        let double = Theme::new(1000, 650, 2.0);
        assert!(double.measure(TextRole::Tick, "$1,000").0 > w * 3 / 2);
        let cut = theme.fit(TextRole::Title, &"long title ".repeat(20), 300);
        assert!(cut.ends_with('…') && theme.measure(TextRole::Title, &cut).0 <= 300);
    }

    #[test]
    fn heat_scale_runs_dark_to_light() {
        assert_eq!(sequential(0.0), RGBColor(68, 1, 84));
        assert_eq!(sequential(1.0), RGBColor(253, 231, 37));
        assert!(!dark_text_on(sequential(0.0)));
        assert!(dark_text_on(sequential(1.0)));
        assert_eq!(sequential(f64::NAN), sequential(0.0));
    }
}
