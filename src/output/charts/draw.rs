//! Draws a [`Figure`] on any plotters backend (PNG bitmap or SVG string). It owns the
//! layout: title and legend above the panels, label areas sized from the measured tick
//! labels, tick counts chosen so that labels never overlap, reference-line labels put
//! where they cover the least data, and a plain message instead of axes when a panel
//! has nothing to show (so an empty table can never produce a NaN axis).

use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::figure::{Axis, BoxItem, Cell, ColorBar, Figure, Layer, LegendEntry, Mark, Panel, Scale};
use super::theme::{AXIS, GRID, INK, MUTED, PAPER, TextRole, Theme, dark_text_on, linear_ticks, log_ticks, sequential};

type Area<DB> = DrawingArea<DB, Shift>;

fn de<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// One axis as plotters sees it: a linear, log or category mapping whose key points
/// are exactly the ticks chosen here (plotters' own choice can overlap labels) and
/// whose labels are already formatted.
#[derive(Clone, Debug)]
pub struct AxisCoord {
    lo: f64,
    hi: f64,
    log: bool,
    reversed: bool,
    ticks: Vec<f64>,
    labels: Vec<String>,
}

impl AxisCoord {
    /// Where `v` falls between the ends, 0–1 (clamped, so nothing is drawn outside).
    fn fraction(&self, v: f64) -> f64 {
        let t = if self.log {
            (v.max(self.lo * 1e-6).log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        };
        let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
        if self.reversed { 1.0 - t } else { t }
    }
}

impl Ranged for AxisCoord {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        limit.0 + (f64::from(limit.1 - limit.0) * self.fraction(*v)).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        // plotters asks twice: for bold lines with labels, and for light lines between
        // them; there are no light lines here.
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

impl ValueFormatter<f64> for AxisCoord {
    fn format_ext(&self, value: &f64) -> String {
        self.ticks
            .iter()
            .zip(&self.labels)
            .min_by(|a, b| (a.0 - value).abs().total_cmp(&(b.0 - value).abs()))
            .map(|(_, l)| l.clone())
            .unwrap_or_default()
    }
}

/// Lower and upper ends that are finite and apart, whatever the data gave.
pub fn sane_range(lo: f64, hi: f64, log: bool) -> (f64, f64) {
    let (mut lo, mut hi) = if lo.is_finite() && hi.is_finite() {
        (lo.min(hi), lo.max(hi))
    } else {
        (0.0, 1.0)
    };
    if log {
        if hi <= 0.0 {
            return (1.0, 10.0);
        }
        if lo <= 0.0 {
            lo = hi / 1000.0;
        }
        if hi <= lo * 1.0001 {
            return (lo / 2.0, hi * 2.0);
        }
        return (lo, hi);
    }
    if hi - lo <= f64::EPSILON * lo.abs().max(1.0) {
        let d = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        if lo >= 0.0 && lo - d < 0.0 {
            lo = 0.0;
            hi += d;
        } else {
            lo -= d;
            hi += d;
        }
    }
    (lo, hi)
}

/// Whether labels of `sizes` centred at `positions` (pixels) keep `gap` apart.
fn labels_fit(positions: &[f64], sizes: &[f64], gap: f64) -> bool {
    let mut order: Vec<usize> = (0..positions.len()).collect();
    order.sort_by(|a, b| positions[*a].total_cmp(&positions[*b]));
    order
        .windows(2)
        .all(|w| positions[w[1]] - positions[w[0]] >= (sizes[w[0]] + sizes[w[1]]) / 2.0 + gap)
}

/// The ticks themselves when their labels fit, else only the one nearest the middle:
/// on a very short axis one readable label beats two overlapping ones.
fn thin_to_fit(
    ticks: Vec<f64>,
    labels: Vec<String>,
    positions: &[f64],
    sizes: &[f64],
    gap: f64,
) -> (Vec<f64>, Vec<String>) {
    if labels_fit(positions, sizes, gap) || ticks.is_empty() {
        return (ticks, labels);
    }
    let i = ticks.len() / 2;
    (vec![ticks[i]], vec![labels[i].clone()])
}

/// Chooses the ticks of an axis `length` pixels long: as many as fit without their
/// labels touching. `label_room` is the widest a category label beside a vertical axis
/// may be before it is cut.
fn resolve_axis(axis: &Axis, length: i32, horizontal: bool, label_room: i32, theme: &Theme) -> AxisCoord {
    let length = f64::from(length.max(10));
    let measure = |label: &str| {
        let (w, h) = theme.measure(TextRole::Tick, label);
        f64::from(if horizontal { w } else { h })
    };
    let gap = theme.len(if horizontal { 18.0 } else { 14.0 });
    match &axis.scale {
        Scale::Categories(names) => {
            let n = names.len().max(1);
            let spacing = length / n as f64;
            let labels: Vec<String> = names
                .iter()
                .map(|name| {
                    if horizontal {
                        theme.fit(TextRole::Tick, name, (spacing - gap).max(theme.len(20.0)) as i32)
                    } else {
                        theme.fit(TextRole::Tick, name, label_room)
                    }
                })
                .collect();
            AxisCoord {
                lo: -0.5,
                hi: n as f64 - 0.5,
                log: false,
                reversed: !horizontal,
                ticks: (0..names.len()).map(|i| i as f64).collect(),
                labels,
            }
        }
        Scale::Linear { lo, hi } | Scale::Log { lo, hi } => {
            let log = matches!(axis.scale, Scale::Log { .. });
            let (lo, hi) = sane_range(*lo, *hi, log);
            let mut max_ticks = if log {
                12
            } else if horizontal {
                10
            } else {
                ((length / theme.len(60.0)) as usize).clamp(2, 10)
            };
            let at = |t: f64| {
                if log {
                    (t.log10() - lo.log10()) / (hi.log10() - lo.log10())
                } else {
                    (t - lo) / (hi - lo)
                }
            };
            loop {
                // A log axis labels each tick on its own; a linear one by their spacing.
                let (ticks, step) = if log {
                    (log_ticks(lo, hi, max_ticks), 0.0)
                } else {
                    linear_ticks(lo, hi, max_ticks)
                };
                let labels: Vec<String> = ticks.iter().map(|t| axis.format.format(*t, step)).collect();
                let positions: Vec<f64> = ticks.iter().map(|t| at(*t) * length).collect();
                let sizes: Vec<f64> = labels.iter().map(|l| measure(l)).collect();
                if max_ticks <= 2 || labels_fit(&positions, &sizes, gap) {
                    let (ticks, labels) = thin_to_fit(ticks, labels, &positions, &sizes, gap);
                    return AxisCoord {
                        lo,
                        hi,
                        log,
                        reversed: false,
                        ticks,
                        labels,
                    };
                }
                max_ticks -= 1;
            }
        }
    }
}

/// How wide a category label beside a vertical axis may be in a panel `panel_width`
/// pixels wide. Variant names label the rows of bar and spread charts and are the point
/// of them, so they may take 40% of the panel before one is cut; the plot keeps the
/// rest. Narrow panels keep the old 260-pixel allowance, as a cut name beats no plot.
fn category_label_room(theme: &Theme, panel_width: i32) -> i32 {
    theme.len(260.0).max(f64::from(panel_width) * 0.4) as i32
}

/// Draws a whole figure on `root`.
pub fn draw_figure<DB: DrawingBackend>(root: &Area<DB>, fig: &Figure, theme: &Theme) -> Result<(), String> {
    root.fill(&PAPER).map_err(de)?;
    let (w, h) = root.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let m = theme.px(22.0);
    let mut y = theme.px(16.0);
    // A long title wraps to a second line rather than losing the scenario name.
    for line in wrap_lines(theme, TextRole::Title, &fig.title, w - 2 * m, 2) {
        root.draw_text(&line, &theme.text(TextRole::Title), (m, y))
            .map_err(de)?;
        y += theme.measure(TextRole::Title, &line).1 + theme.px(6.0);
    }
    y += theme.px(4.0);
    if let Some(sub) = &fig.subtitle {
        // Subtitles carry the caveats (what was pooled, what was left out), which a
        // reader needs whole; three lines still leave the plot most of the canvas.
        for line in wrap_lines(theme, TextRole::Subtitle, sub, w - 2 * m, 3) {
            root.draw_text(&line, &theme.text(TextRole::Subtitle), (m, y))
                .map_err(de)?;
            y += theme.measure(TextRole::Subtitle, &line).1 + theme.px(6.0);
        }
        y += theme.px(2.0);
    }
    y = draw_legend(root, &fig.legend, theme, m, y, w - 2 * m)?;
    y += theme.px(4.0);
    if fig.panels.is_empty() || y >= h - theme.px(40.0) {
        return Ok(());
    }
    let body = root.margin(y, theme.px(12.0), theme.px(10.0), m);
    let cols = fig.columns.clamp(1, fig.panels.len());
    let rows = fig.panels.len().div_ceil(cols);
    let cells = body.split_evenly((rows, cols));
    for (panel, area) in fig.panels.iter().zip(cells.iter()) {
        draw_panel(root, area, panel, theme)?;
    }
    Ok(())
}

/// At most `max_lines` lines of `text`; when it needs more, the last one ends with an
/// ellipsis so nothing is cut silently.
fn wrap_lines(theme: &Theme, role: TextRole, text: &str, max_width: i32, max_lines: usize) -> Vec<String> {
    let mut lines = wrap(theme, role, text, max_width);
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            *last = theme.fit(role, &format!("{last} …"), max_width);
            if !last.ends_with('…') {
                last.push('…');
            }
        }
    }
    lines
}

/// The words of `text` for wrapping, with a dash between words glued to both (titles
/// end "… — scenario", and a line holding only "— levy" reads as a stray fragment).
fn wrap_words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut glue = false;
    for word in text.split_whitespace() {
        if glue {
            if let Some(last) = words.last_mut() {
                last.push(' ');
                last.push_str(word);
            }
            glue = false;
        } else if word == "—" && !words.is_empty() {
            if let Some(last) = words.last_mut() {
                last.push_str(" —");
            }
            glue = true;
        } else {
            words.push(word.to_string());
        }
    }
    words
}

/// Splits `text` into lines that fit `max_width`.
fn wrap(theme: &Theme, role: TextRole, text: &str, max_width: i32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in wrap_words(text) {
        let word = word.as_str();
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && theme.measure(role, &candidate).0 > max_width {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines.into_iter().map(|l| theme.fit(role, &l, max_width)).collect()
}

/// Draws the legend in rows from (x0, y0); returns the y below it.
fn draw_legend<DB: DrawingBackend>(
    root: &Area<DB>,
    entries: &[LegendEntry],
    theme: &Theme,
    x0: i32,
    y0: i32,
    max_width: i32,
) -> Result<i32, String> {
    if entries.is_empty() {
        return Ok(y0);
    }
    let swatch = theme.px(40.0);
    let gap = theme.px(10.0);
    let spacing = theme.px(30.0);
    let text_h = theme.measure(TextRole::Legend, "Ag").1;
    let row_h = text_h + theme.px(10.0);
    let (mut x, mut y) = (x0, y0);
    for e in entries {
        let label = theme.fit(TextRole::Legend, &e.label, max_width - swatch - gap);
        let tw = theme.measure(TextRole::Legend, &label).0;
        let item = swatch + gap + tw;
        if x > x0 && x + item > x0 + max_width {
            x = x0;
            y += row_h;
        }
        draw_swatch(root, e, x, y + text_h / 2, swatch, theme)?;
        root.draw_text(&label, &theme.text(TextRole::Legend), (x + swatch + gap, y))
            .map_err(de)?;
        x += item + spacing;
    }
    Ok(y + row_h)
}

fn draw_swatch<DB: DrawingBackend>(
    root: &Area<DB>,
    e: &LegendEntry,
    x: i32,
    cy: i32,
    width: i32,
    theme: &Theme,
) -> Result<(), String> {
    let c = e.color;
    let line = |w: f64| c.stroke_width(theme.px(w) as u32);
    let half = theme.px(9.0);
    match e.mark {
        Mark::Line => root.draw(&PathElement::new(vec![(x, cy), (x + width, cy)], line(3.0))),
        Mark::Dashed => {
            let dash = width / 4;
            for i in 0..2 {
                let a = x + i * 2 * dash + dash / 2;
                root.draw(&PathElement::new(vec![(a, cy), (a + dash, cy)], line(2.5)))
                    .map_err(de)?;
            }
            Ok(())
        }
        Mark::Area => {
            root.draw(&Rectangle::new(
                [(x, cy - half), (x + width, cy + half)],
                c.mix(0.45).filled(),
            ))
            .map_err(de)?;
            root.draw(&Rectangle::new([(x, cy - half), (x + width, cy + half)], line(1.5)))
        }
        Mark::LineBand => {
            root.draw(&Rectangle::new(
                [(x, cy - half), (x + width, cy + half)],
                c.mix(0.22).filled(),
            ))
            .map_err(de)?;
            root.draw(&PathElement::new(vec![(x, cy), (x + width, cy)], line(3.0)))
        }
        Mark::PointRange => {
            root.draw(&PathElement::new(
                vec![(x + theme.px(4.0), cy), (x + width - theme.px(4.0), cy)],
                line(2.0),
            ))
            .map_err(de)?;
            root.draw(&Circle::new((x + width / 2, cy), theme.px(6.0), c.filled()))
        }
    }
    .map_err(de)
}

/// Draws a panel's message in a frame, in place of axes.
fn draw_no_data<DB: DrawingBackend>(root: &Area<DB>, area: &Area<DB>, msg: &str, theme: &Theme) -> Result<(), String> {
    let (x0, y0) = area.get_base_pixel();
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let inset = theme.px(8.0);
    root.draw(&Rectangle::new(
        [(x0 + inset, y0 + inset), (x0 + w - inset, y0 + h - inset)],
        GRID.stroke_width(theme.px(2.0) as u32),
    ))
    .map_err(de)?;
    let lines = wrap(theme, TextRole::NoData, msg, w - 6 * inset);
    let line_h = theme.measure(TextRole::NoData, "Ag").1 + theme.px(8.0);
    let mut y = y0 + h / 2 - line_h * lines.len() as i32 / 2;
    let style = theme.text(TextRole::NoData).pos(Pos::new(HPos::Center, VPos::Top));
    for line in lines {
        root.draw_text(&line, &style, (x0 + w / 2, y)).map_err(de)?;
        y += line_h;
    }
    Ok(())
}

/// Pixels covered by data, so labels can be put where they hide the least.
#[derive(Default)]
struct Occupied {
    points: Vec<(i32, i32)>,
}

impl Occupied {
    fn segment(&mut self, a: (i32, i32), b: (i32, i32)) {
        let steps = ((b.0 - a.0).abs().max((b.1 - a.1).abs()) / 3).max(1);
        for s in 0..=steps {
            let t = f64::from(s) / f64::from(steps);
            self.points.push((
                a.0 + (f64::from(b.0 - a.0) * t).round() as i32,
                a.1 + (f64::from(b.1 - a.1) * t).round() as i32,
            ));
        }
    }

    fn rect(&mut self, a: (i32, i32), b: (i32, i32), stride: i32) {
        let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
        let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
        let stride = stride.max(2);
        let mut y = y0;
        while y <= y1 {
            let mut x = x0;
            while x <= x1 {
                self.points.push((x, y));
                x += stride;
            }
            y += stride;
        }
    }

    fn count_in(&self, x0: i32, y0: i32, x1: i32, y1: i32) -> usize {
        self.points
            .iter()
            .filter(|(x, y)| *x >= x0 && *x <= x1 && *y >= y0 && *y <= y1)
            .count()
    }
}

/// Draws one panel in `area`: its title, then its axes and layers, or its message.
fn draw_panel<DB: DrawingBackend>(
    root: &Area<DB>,
    area: &Area<DB>,
    panel: &Panel,
    theme: &Theme,
) -> Result<(), String> {
    let area = match &panel.title {
        Some(title) => draw_panel_title(root, area, title, theme)?,
        None => area.clone(),
    };
    if let Some(msg) = &panel.no_data {
        return draw_no_data(root, &area, msg, theme);
    }
    let (pw, ph) = area.dim_in_pixel();
    let layout = Layout::of(panel, pw as i32, ph as i32, theme);
    let mut chart = ChartBuilder::on(&area)
        .margin_top(layout.top)
        .margin_right(layout.right)
        .x_label_area_size(layout.x_area)
        .y_label_area_size(layout.y_area)
        .build_cartesian_2d(layout.x.clone(), layout.y.clone())
        .map_err(de)?;
    draw_mesh(&mut chart, panel, &layout, theme)?;
    let mut painter = Painter {
        root,
        chart: &chart,
        theme,
        occupied: Occupied::default(),
        labels: Vec::new(),
    };
    for layer in &panel.layers {
        painter.layer(layer)?;
    }
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    for (vertical, pos, label) in &painter.labels {
        place_label(
            root,
            &painter.occupied,
            *vertical,
            *pos,
            label,
            (xs.clone(), ys.clone()),
            theme,
        )?;
    }
    if let Some(bar) = &panel.color_bar {
        draw_color_bar(root, bar, xs.end + theme.px(28.0), ys.clone(), theme)?;
    }
    Ok(())
}

/// Draws a panel's title at the top of `area`; returns the area below it.
fn draw_panel_title<DB: DrawingBackend>(
    root: &Area<DB>,
    area: &Area<DB>,
    title: &str,
    theme: &Theme,
) -> Result<Area<DB>, String> {
    let (x0, y0) = area.get_base_pixel();
    let (w, _) = area.dim_in_pixel();
    let text = theme.fit(TextRole::PanelTitle, title, w as i32 - theme.px(12.0));
    root.draw_text(
        &text,
        &theme.text(TextRole::PanelTitle),
        (x0 + theme.px(4.0), y0 + theme.px(6.0)),
    )
    .map_err(de)?;
    let th = theme.measure(TextRole::PanelTitle, &text).1;
    Ok(area.margin(th + theme.px(10.0), 0, 0, 0))
}

/// Where a panel's plot goes in its area: the axes with their ticks, and the room
/// around the plot for tick labels, axis descriptions and a colour bar.
struct Layout {
    x: AxisCoord,
    y: AxisCoord,
    top: i32,
    right: i32,
    x_area: i32,
    y_area: i32,
}

impl Layout {
    /// The layout of `panel` in an area `pw` × `ph` pixels. The y axis comes first: its
    /// widest tick label decides how much width is left for the x axis.
    fn of(panel: &Panel, pw: i32, ph: i32, theme: &Theme) -> Layout {
        let tick_h = theme.measure(TextRole::Tick, "$0.9").1;
        let desc_h = theme.measure(TextRole::AxisLabel, "Ag").1;
        let desc = |label: &str| if label.is_empty() { 0 } else { desc_h + theme.px(8.0) };
        let x_area = theme.px(22.0) + tick_h + theme.px(8.0) + desc(&panel.x.label);
        let top = theme.px(16.0);
        let plot_h = (ph - x_area - top).max(theme.px(30.0));
        let label_room = category_label_room(theme, pw);
        let y = resolve_axis(&panel.y, plot_h, false, label_room, theme);
        let ylab_w = y
            .labels
            .iter()
            .map(|l| theme.measure(TextRole::Tick, l).0)
            .max()
            .unwrap_or(0);
        let y_area = theme.px(22.0) + ylab_w + theme.px(6.0) + desc(&panel.y.label);
        let bar_w = if panel.color_bar.is_some() { theme.px(150.0) } else { 0 };
        let mut right = theme.px(24.0) + bar_w;
        let mut x = resolve_axis(&panel.x, pw - y_area - right, true, label_room, theme);
        // The last tick label is centred on its tick; leave room for its right half.
        if let (Some(last), Some(label)) = (x.ticks.last(), x.labels.last()) {
            let plot_w = f64::from(pw - y_area - right);
            let overhang = f64::from(theme.measure(TextRole::Tick, label).0) / 2.0 - (1.0 - x.fraction(*last)) * plot_w;
            if overhang > f64::from(right - bar_w) - f64::from(theme.px(6.0)) {
                right = overhang as i32 + theme.px(8.0) + bar_w;
                x = resolve_axis(&panel.x, pw - y_area - right, true, label_room, theme);
            }
        }
        Layout {
            x,
            y,
            top,
            right,
            x_area,
            y_area,
        }
    }
}

type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<AxisCoord, AxisCoord>>;

/// Grid lines at the ticks (none across categories), the axes, tick labels and axis
/// descriptions.
fn draw_mesh<DB: DrawingBackend>(
    chart: &mut Plot<DB>,
    panel: &Panel,
    layout: &Layout,
    theme: &Theme,
) -> Result<(), String> {
    let mut mesh = chart.configure_mesh();
    mesh.bold_line_style(GRID.stroke_width(theme.px(1.5) as u32))
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS.stroke_width(theme.px(1.5) as u32))
        .label_style(theme.text(TextRole::Tick))
        .axis_desc_style(theme.text(TextRole::AxisLabel))
        .set_all_tick_mark_size(theme.px(7.0))
        .x_labels(layout.x.ticks.len().max(1))
        .y_labels(layout.y.ticks.len().max(1));
    if !panel.x.label.is_empty() {
        mesh.x_desc(panel.x.label.clone());
    }
    if !panel.y.label.is_empty() {
        mesh.y_desc(panel.y.label.clone());
    }
    if matches!(panel.x.scale, Scale::Categories(_)) {
        mesh.disable_x_mesh();
    }
    if matches!(panel.y.scale, Scale::Categories(_)) {
        mesh.disable_y_mesh();
    }
    mesh.draw().map_err(de)
}

/// Draws the layers of one plot, noting the pixels they cover so that the labels of
/// reference lines, placed after every layer, go where they hide the least.
struct Painter<'a, 'b, DB: DrawingBackend> {
    root: &'a Area<DB>,
    chart: &'a Plot<'b, DB>,
    theme: &'a Theme,
    occupied: Occupied,
    /// Reference-line labels: vertical or not, the line's pixel position, the text.
    labels: Vec<(bool, i32, String)>,
}

impl<DB: DrawingBackend> Painter<'_, '_, DB> {
    fn px(&self, c: &(f64, f64)) -> (i32, i32) {
        self.chart.backend_coord(c)
    }

    /// Notes the pixels along a polyline given in data units.
    fn trace(&mut self, points: impl IntoIterator<Item = (f64, f64)>) {
        let pixels: Vec<(i32, i32)> = points.into_iter().map(|p| self.px(&p)).collect();
        for w in pixels.windows(2) {
            self.occupied.segment(w[0], w[1]);
        }
    }

    /// A solid or dashed line through `points`, on `area` in its coordinates.
    fn path<C: plotters::coord::CoordTranslate>(
        &self,
        area: &DrawingArea<DB, C>,
        points: Vec<C::From>,
        style: ShapeStyle,
        dashed: bool,
    ) -> Result<(), String>
    where
        C::From: Clone + 'static,
    {
        if dashed {
            let (dash, gap) = (self.theme.px(10.0), self.theme.px(7.0));
            area.draw(&plotters::element::DashedPathElement::new(points, dash, gap, style))
        } else {
            area.draw(&PathElement::new(points, style))
        }
        .map_err(de)
    }

    fn layer(&mut self, layer: &Layer) -> Result<(), String> {
        let theme = self.theme;
        let plot = self.chart.plotting_area();
        match layer {
            Layer::Rects { rects, color, opacity } => {
                for r in rects {
                    let (a, b) = (self.px(&(r[0], r[2])), self.px(&(r[1], r[3])));
                    self.occupied.rect(a, b, theme.px(8.0));
                }
                for r in rects {
                    plot.draw(&Rectangle::new(
                        [(r[0], r[3]), (r[1], r[2])],
                        color.mix(*opacity).filled(),
                    ))
                    .map_err(de)?;
                }
            }
            Layer::Line {
                points,
                color,
                width,
                dashed,
            } if points.len() >= 2 => {
                self.trace(points.iter().copied());
                let style = color.stroke_width(theme.px(*width) as u32);
                self.path(plot, points.clone(), style, *dashed)?;
            }
            Layer::Band { points, color, opacity } if points.len() >= 2 => {
                let mut outline: Vec<(f64, f64)> = points.iter().map(|p| (p.0, p.2)).collect();
                outline.extend(points.iter().rev().map(|p| (p.0, p.1)));
                self.trace(points.iter().map(|p| (p.0, p.1)));
                self.trace(points.iter().map(|p| (p.0, p.2)));
                plot.draw(&Polygon::new(outline, color.mix(*opacity).filled()))
                    .map_err(de)?;
            }
            Layer::Line { .. } | Layer::Band { .. } => {}
            Layer::Points {
                points,
                color,
                radius,
                filled,
            } => {
                let style = if *filled {
                    color.filled()
                } else {
                    color.stroke_width(theme.px(1.5) as u32)
                };
                for p in points {
                    let at = self.px(p);
                    self.occupied.points.push(at);
                }
                for p in points {
                    plot.draw(&Circle::new(*p, theme.px(*radius), style)).map_err(de)?;
                }
            }
            Layer::Whiskers { items, along_x, color } => self.whiskers(items, *along_x, *color)?,
            Layer::Boxes { items, along_x } => {
                for item in items {
                    self.boxplot(item, *along_x)?;
                }
            }
            Layer::Cells { cells } => {
                for c in cells {
                    self.cell(c)?;
                }
            }
            Layer::RefLine {
                vertical,
                at,
                color,
                dashed,
                label,
            } => {
                let (xr, yr) = (self.chart.x_range(), self.chart.y_range());
                let (a, b) = if *vertical {
                    ((*at, yr.start), (*at, yr.end))
                } else {
                    ((xr.start, *at), (xr.end, *at))
                };
                let (a, b) = (self.px(&a), self.px(&b));
                self.path(self.root, vec![a, b], color.stroke_width(theme.px(2.5) as u32), *dashed)?;
                if let Some(label) = label {
                    self.labels
                        .push((*vertical, if *vertical { a.0 } else { a.1 }, label.clone()));
                }
            }
        }
        Ok(())
    }

    /// Confidence intervals: a line from `lo` to `hi` with a cap at each end.
    fn whiskers(&mut self, items: &[(f64, f64, f64)], along_x: bool, color: RGBColor) -> Result<(), String> {
        let style = color.stroke_width(self.theme.px(2.5) as u32);
        let cap = self.theme.px(8.0);
        for &(at, lo, hi) in items {
            let (a, b) = if along_x {
                ((lo, at), (hi, at))
            } else {
                ((at, lo), (at, hi))
            };
            let (pa, pb) = (self.px(&a), self.px(&b));
            self.occupied.segment(pa, pb);
            self.path(self.root, vec![pa, pb], style, false)?;
            for p in [pa, pb] {
                let ends = if along_x {
                    vec![(p.0, p.1 - cap), (p.0, p.1 + cap)]
                } else {
                    vec![(p.0 - cap, p.1), (p.0 + cap, p.1)]
                };
                self.path(self.root, ends, style, false)?;
            }
        }
        Ok(())
    }

    /// A heat-map cell, with its value printed when it fits.
    fn cell(&self, c: &Cell) -> Result<(), String> {
        let (root, theme) = (self.root, self.theme);
        let (x, y) = (c.x as f64, c.y as f64);
        let a = self.px(&(x - 0.5, y - 0.5));
        let b = self.px(&(x + 0.5, y + 0.5));
        root.draw(&Rectangle::new([a, b], c.color.filled())).map_err(de)?;
        root.draw(&Rectangle::new([a, b], PAPER.stroke_width(theme.px(2.0) as u32)))
            .map_err(de)?;
        let Some(text) = &c.text else { return Ok(()) };
        let (tw, th) = theme.measure(TextRole::Annotation, text);
        if tw + theme.px(8.0) < (b.0 - a.0).abs() && th + theme.px(4.0) < (b.1 - a.1).abs() {
            let ink = if dark_text_on(c.color) { INK } else { PAPER };
            let style = theme
                .text(TextRole::Annotation)
                .color(&ink)
                .pos(Pos::new(HPos::Center, VPos::Center));
            root.draw_text(text, &style, ((a.0 + b.0) / 2, (a.1 + b.1) / 2))
                .map_err(de)?;
        }
        Ok(())
    }

    /// A box plot: quartile box, median, whiskers to the minimum and maximum, and each
    /// value as a ring.
    fn boxplot(&mut self, item: &BoxItem, along_x: bool) -> Result<(), String> {
        let (root, chart, theme) = (self.root, self.chart, self.theme);
        let [min, q1, median, q3, max] = item.five;
        // Values along x: points are (value, position); along y: (position, value).
        let at = |v: f64, offset: f64| {
            let p = item.at + offset;
            chart.backend_coord(&if along_x { (v, p) } else { (p, v) })
        };
        let half = 0.28;
        let c = item.color;
        let (a, b) = (at(q1, -half), at(q3, half));
        self.occupied.rect(a, b, theme.px(6.0));
        root.draw(&Rectangle::new([a, b], c.mix(0.25).filled())).map_err(de)?;
        root.draw(&Rectangle::new([a, b], c.stroke_width(theme.px(2.0) as u32)))
            .map_err(de)?;
        let thick = c.stroke_width(theme.px(4.0) as u32);
        self.path(root, vec![at(median, -half), at(median, half)], thick, false)?;
        let thin = c.stroke_width(theme.px(2.0) as u32);
        for (from, to) in [(min, q1), (q3, max)] {
            let whisker = (at(from, 0.0), at(to, 0.0));
            self.occupied.segment(whisker.0, whisker.1);
            self.path(root, vec![whisker.0, whisker.1], thin, false)?;
            for end in [from, to] {
                self.path(root, vec![at(end, -half / 2.0), at(end, half / 2.0)], thin, false)?;
            }
        }
        // Replicate values as rings spread across the box, so every replicate is visible
        // even when there are only a few.
        let n = item.values.len();
        for (i, v) in item.values.iter().enumerate() {
            let offset = if n > 1 {
                (i as f64 / (n - 1) as f64 - 0.5) * 0.36
            } else {
                0.0
            };
            let ring = INK.stroke_width(theme.px(1.5) as u32);
            root.draw(&Circle::new(at(*v, offset), theme.px(5.0), ring))
                .map_err(de)?;
        }
        Ok(())
    }
}

/// Puts a reference line's label beside the line where it covers the fewest data points.
fn place_label<DB: DrawingBackend>(
    root: &Area<DB>,
    occupied: &Occupied,
    vertical: bool,
    pos: i32,
    label: &str,
    (xs, ys): (Range<i32>, Range<i32>),
    theme: &Theme,
) -> Result<(), String> {
    let pad = theme.px(8.0);
    let text = theme.fit(TextRole::Annotation, label, xs.end - xs.start - 2 * pad);
    let (w, h) = theme.measure(TextRole::Annotation, &text);
    let (w, h) = (w + pad, h + pad);
    let mut candidates: Vec<(i32, i32)> = Vec::new();
    if vertical {
        let middle = (ys.start + ys.end) / 2 - h / 2;
        for y in [ys.start + pad, ys.end - pad - h, middle] {
            candidates.push((pos + pad, y));
            candidates.push((pos - pad - w, y));
        }
    } else {
        for x in [xs.end - pad - w, xs.start + pad] {
            candidates.push((x, pos - pad - h));
            candidates.push((x, pos + pad));
        }
    }
    let inside = |&(x, y): &(i32, i32)| x >= xs.start && x + w <= xs.end && y >= ys.start && y + h <= ys.end;
    let slack = theme.px(4.0);
    let best = candidates
        .iter()
        .filter(|c| inside(c))
        .min_by_key(|(x, y)| occupied.count_in(x - slack, y - slack, x + w + slack, y + h + slack))
        .copied()
        .unwrap_or_else(|| {
            let (x, y) = candidates[0];
            (
                x.clamp(xs.start, (xs.end - w).max(xs.start)),
                y.clamp(ys.start, (ys.end - h).max(ys.start)),
            )
        });
    root.draw(&Rectangle::new(
        [best, (best.0 + w, best.1 + h)],
        PAPER.mix(0.85).filled(),
    ))
    .map_err(de)?;
    root.draw_text(
        &text,
        &theme.text(TextRole::Annotation).color(&MUTED),
        (best.0 + pad / 2, best.1 + pad / 2),
    )
    .map_err(de)
}

fn draw_color_bar<DB: DrawingBackend>(
    root: &Area<DB>,
    bar: &ColorBar,
    x: i32,
    ys: Range<i32>,
    theme: &Theme,
) -> Result<(), String> {
    let width = theme.px(24.0);
    let (lo, hi) = sane_range(bar.lo, bar.hi, false);
    let height = (ys.end - ys.start).max(1);
    let slices = 64;
    for s in 0..slices {
        let t0 = f64::from(s) / f64::from(slices);
        let t1 = f64::from(s + 1) / f64::from(slices);
        let y0 = ys.end - (t0 * f64::from(height)).round() as i32;
        let y1 = ys.end - (t1 * f64::from(height)).round() as i32;
        root.draw(&Rectangle::new(
            [(x, y1), (x + width, y0)],
            sequential((t0 + t1) / 2.0).filled(),
        ))
        .map_err(de)?;
    }
    root.draw(&Rectangle::new(
        [(x, ys.start), (x + width, ys.end)],
        AXIS.stroke_width(1),
    ))
    .map_err(de)?;
    let max_ticks = ((f64::from(height) / theme.len(60.0)) as usize).clamp(2, 8);
    let (ticks, step) = linear_ticks(lo, hi, max_ticks);
    let style = theme.text(TextRole::Tick).pos(Pos::new(HPos::Left, VPos::Center));
    for t in ticks {
        let y = ys.end - ((t - lo) / (hi - lo) * f64::from(height)).round() as i32;
        root.draw(&PathElement::new(
            vec![(x + width, y), (x + width + theme.px(6.0), y)],
            AXIS.stroke_width(1),
        ))
        .map_err(de)?;
        root.draw_text(&bar.format.format(t, step), &style, (x + width + theme.px(10.0), y))
            .map_err(de)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sweep title wrapped to leave "— levy" alone on its second line.
    #[test]
    fn a_title_never_wraps_before_or_after_its_dash() {
        super::super::theme::register_fonts();
        let theme = Theme::new(1000, 650, 1.0);
        let title = "Workers' net income against platform.fee.levy_percent — levy";
        let full = theme.measure(TextRole::Title, title).0;
        let tail = theme.measure(TextRole::Title, " — levy").0;
        // Wide enough for all but the dash and the scenario name.
        let lines = wrap(&theme, TextRole::Title, title, full - tail / 2);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[1].contains("levy_percent — levy"), "{lines:?}");
        assert!(
            !lines.iter().any(|l| l.starts_with('—') || l.ends_with('—')),
            "{lines:?}"
        );
    }

    #[test]
    fn degenerate_ranges_become_drawable() {
        assert_eq!(sane_range(f64::NAN, 3.0, false), (0.0, 1.0));
        assert_eq!(sane_range(0.0, 0.0, false), (0.0, 1.0));
        assert_eq!(sane_range(5.0, 5.0, false), (4.5, 5.5));
        assert_eq!(sane_range(0.3, 0.3, false), (0.27, 0.32999999999999996));
        assert_eq!(sane_range(-2.0, -2.0, false), (-2.2, -1.8));
        assert_eq!(sane_range(0.0, 0.0, true), (1.0, 10.0));
        assert_eq!(sane_range(0.0, 100.0, true), (0.1, 100.0));
        assert_eq!(sane_range(4.0, 4.0, true), (2.0, 8.0));
    }

    #[test]
    fn tick_labels_never_overlap() {
        super::super::theme::register_fonts();
        let theme = Theme::new(1000, 650, 1.0);
        for length in [120, 300, 800] {
            let axis = Axis::linear("", 0.0, 1_234_567.0, crate::units::TickFormat::Money);
            let c = resolve_axis(&axis, length, true, 0, &theme);
            let positions: Vec<f64> = c.ticks.iter().map(|t| c.fraction(*t) * f64::from(length)).collect();
            let sizes: Vec<f64> = c
                .labels
                .iter()
                .map(|l| f64::from(theme.measure(TextRole::Tick, l).0))
                .collect();
            assert!(
                !c.ticks.is_empty() && labels_fit(&positions, &sizes, 0.0),
                "{length}: {:?}",
                c.labels
            );
        }
    }

    #[test]
    fn long_text_wraps_and_says_when_it_was_cut() {
        super::super::theme::register_fonts();
        let theme = Theme::new(1000, 650, 1.0);
        let text = "workers pooled over replicates ".repeat(12);
        let lines = wrap_lines(&theme, TextRole::Subtitle, &text, 400, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'));
        assert!(lines.iter().all(|l| theme.measure(TextRole::Subtitle, l).0 <= 400));
        assert_eq!(wrap_lines(&theme, TextRole::Subtitle, "short", 400, 2), vec!["short"]);
    }

    #[test]
    fn built_in_variant_names_are_not_cut() {
        super::super::theme::register_fonts();
        for (w, h, scale) in [(1000, 650, 1.0), (1000, 650, 2.0), (1600, 900, 1.0)] {
            let theme = Theme::new(w, h, scale);
            // A one-column panel on the default canvas: the canvas less its side margins.
            let panel_width = (f64::from(w) * scale) as i32 - theme.px(22.0) - theme.px(10.0);
            let name = "levy_on_requesters_passed_on";
            let c = resolve_axis(
                &Axis::categories("", vec!["base".into(), name.into()]),
                400,
                false,
                category_label_room(&theme, panel_width),
                &theme,
            );
            assert_eq!(c.labels[1], name, "{w}x{h} at {scale}");
        }
    }

    #[test]
    fn category_axis_on_y_reads_top_down() {
        super::super::theme::register_fonts();
        let theme = Theme::new(1000, 650, 1.0);
        let c = resolve_axis(
            &Axis::categories("", vec!["base".into(), "b".into()]),
            400,
            false,
            260,
            &theme,
        );
        assert!(c.map(&0.0, (400, 0)) < c.map(&1.0, (400, 0)));
    }
}
