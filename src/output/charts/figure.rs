//! A chart as plain data: title, legend, panels, axes and layers in data units. The
//! chart families (`income`, `runs`, `behaviour`, `sweep`) compute these from the
//! tables and never touch plotters; `draw` turns one into pixels or SVG. Keeping the
//! two apart lets the numbers be tested without drawing and lets one renderer give
//! every chart the same axes, legends and "no data" handling.

use plotters::style::RGBColor;

use super::theme::MUTED;
use crate::units::TickFormat;

/// One chart: a title, an optional note under it, a legend above the plots (never over
/// the data) and one or more panels laid out in a grid.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// The title; names the scenario.
    pub title: String,
    /// A note under the title: what was pooled, what was left out.
    pub subtitle: Option<String>,
    /// Legend entries, drawn in a row under the title.
    pub legend: Vec<LegendEntry>,
    /// The panels, filled row by row.
    pub panels: Vec<Panel>,
    /// Panels per row.
    pub columns: usize,
}

impl Figure {
    /// A figure of one panel.
    pub fn single(title: String, panel: Panel) -> Figure {
        Figure {
            title,
            subtitle: None,
            legend: Vec::new(),
            panels: vec![panel],
            columns: 1,
        }
    }
}

/// A legend entry: a swatch in the series' colour and its label.
#[derive(Clone, Debug, PartialEq)]
pub struct LegendEntry {
    /// What the series is.
    pub label: String,
    /// Its colour.
    pub color: RGBColor,
    /// How the swatch looks.
    pub mark: Mark,
}

impl LegendEntry {
    /// An entry.
    pub fn new(label: impl Into<String>, color: RGBColor, mark: Mark) -> LegendEntry {
        LegendEntry {
            label: label.into(),
            color,
            mark,
        }
    }
}

/// The swatch of a legend entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// A solid line.
    Line,
    /// A dashed line (reference lines).
    Dashed,
    /// A filled box (bars, histograms).
    Area,
    /// A line over a pale band (median and percentile band).
    LineBand,
    /// A dot with a whisker (mean and confidence interval).
    PointRange,
}

/// One plot: two axes and what is drawn between them, or a message when there is
/// nothing to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct Panel {
    /// A title over the panel (in figures of several panels).
    pub title: Option<String>,
    /// The horizontal axis.
    pub x: Axis,
    /// The vertical axis.
    pub y: Axis,
    /// What is drawn, in order (later layers on top).
    pub layers: Vec<Layer>,
    /// When set, the panel shows this message in its middle instead of axes.
    pub no_data: Option<String>,
    /// A colour bar to the right (heat maps).
    pub color_bar: Option<ColorBar>,
}

impl Panel {
    /// A panel with axes and no layers yet.
    pub fn new(x: Axis, y: Axis) -> Panel {
        Panel {
            title: None,
            x,
            y,
            layers: Vec::new(),
            no_data: None,
            color_bar: None,
        }
    }

    /// A panel that says why there is nothing to show.
    pub fn empty(message: impl Into<String>) -> Panel {
        Panel {
            no_data: Some(message.into()),
            ..Panel::new(
                Axis::linear("", 0.0, 1.0, TickFormat::Number),
                Axis::linear("", 0.0, 1.0, TickFormat::Number),
            )
        }
    }

    /// The panel with a title.
    pub fn titled(mut self, title: impl Into<String>) -> Panel {
        self.title = Some(title.into());
        self
    }
}

/// An axis: its description (with the unit), its scale and how its ticks read.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    /// The description, with the unit (e.g. "Net income per worker, US$ (log scale)").
    pub label: String,
    /// Linear, logarithmic or categories.
    pub scale: Scale,
    /// How tick values read.
    pub format: TickFormat,
}

impl Axis {
    /// A linear axis over `lo..=hi`.
    pub fn linear(label: impl Into<String>, lo: f64, hi: f64, format: TickFormat) -> Axis {
        Axis {
            label: label.into(),
            scale: Scale::Linear { lo, hi },
            format,
        }
    }

    /// A logarithmic axis over `lo..=hi` (both positive).
    pub fn log(label: impl Into<String>, lo: f64, hi: f64, format: TickFormat) -> Axis {
        Axis {
            label: label.into(),
            scale: Scale::Log { lo, hi },
            format,
        }
    }

    /// An axis of named categories at 0, 1, 2, …
    pub fn categories(label: impl Into<String>, names: Vec<String>) -> Axis {
        Axis {
            label: label.into(),
            scale: Scale::Categories(names),
            format: TickFormat::Number,
        }
    }
}

/// The scale of an axis.
#[derive(Clone, Debug, PartialEq)]
pub enum Scale {
    /// Linear from `lo` to `hi`.
    Linear {
        /// Lower end.
        lo: f64,
        /// Upper end.
        hi: f64,
    },
    /// Logarithmic from `lo` to `hi`.
    Log {
        /// Lower end (positive).
        lo: f64,
        /// Upper end.
        hi: f64,
    },
    /// Categories at 0, 1, 2, …; on a vertical axis the first is at the top, so lists
    /// read in plan order.
    Categories(Vec<String>),
}

/// Something drawn in a panel, in data units.
#[derive(Clone, Debug, PartialEq)]
pub enum Layer {
    /// Filled rectangles (histogram bins, bars).
    Rects {
        /// Each as (x0, x1, y0, y1).
        rects: Vec<[f64; 4]>,
        /// Fill colour.
        color: RGBColor,
        /// Fill opacity, 0–1.
        opacity: f64,
    },
    /// A polyline.
    Line {
        /// The points.
        points: Vec<(f64, f64)>,
        /// Its colour.
        color: RGBColor,
        /// Width in pixels at the reference size.
        width: f64,
        /// Dashed (reference lines) or solid.
        dashed: bool,
    },
    /// A shaded band between two lines.
    Band {
        /// (x, lower y, upper y) points.
        points: Vec<(f64, f64, f64)>,
        /// Its colour.
        color: RGBColor,
        /// Opacity, 0–1.
        opacity: f64,
    },
    /// Dots.
    Points {
        /// The points.
        points: Vec<(f64, f64)>,
        /// Their colour.
        color: RGBColor,
        /// Radius in pixels at the reference size.
        radius: f64,
        /// Filled dots or rings.
        filled: bool,
    },
    /// Confidence intervals: a line from `lo` to `hi` with caps, at a position on the
    /// other axis.
    Whiskers {
        /// (position, lo, hi).
        items: Vec<(f64, f64, f64)>,
        /// The whisker runs along x (true) or along y.
        along_x: bool,
        /// Colour.
        color: RGBColor,
    },
    /// Box plots.
    Boxes {
        /// The boxes.
        items: Vec<BoxItem>,
        /// The values run along x (true, boxes lie horizontally) or along y.
        along_x: bool,
    },
    /// Heat-map cells on two category axes.
    Cells {
        /// The cells.
        cells: Vec<Cell>,
    },
    /// A reference line across the panel with an optional label, placed by the renderer
    /// where it covers the least data.
    RefLine {
        /// Vertical (at an x value) or horizontal (at a y value).
        vertical: bool,
        /// Where.
        at: f64,
        /// Colour.
        color: RGBColor,
        /// Dashed or solid.
        dashed: bool,
        /// The label.
        label: Option<String>,
    },
}

impl Layer {
    /// A solid line.
    pub fn line(points: Vec<(f64, f64)>, color: RGBColor, width: f64) -> Layer {
        Layer::Line {
            points,
            color,
            width,
            dashed: false,
        }
    }

    /// A dashed line.
    pub fn dashed(points: Vec<(f64, f64)>, color: RGBColor, width: f64) -> Layer {
        Layer::Line {
            points,
            color,
            width,
            dashed: true,
        }
    }

    /// Filled dots.
    pub fn dots(points: Vec<(f64, f64)>, color: RGBColor, radius: f64) -> Layer {
        Layer::Points {
            points,
            color,
            radius,
            filled: true,
        }
    }

    /// A dashed vertical line in the muted colour at a value worth marking (a median,
    /// the wage floor), with its label.
    pub fn marker(at: f64, label: Option<String>) -> Layer {
        Layer::RefLine {
            vertical: true,
            at,
            color: MUTED,
            dashed: true,
            label,
        }
    }

    /// The solid horizontal line at zero, against which changes read.
    pub fn zero_line() -> Layer {
        Layer::RefLine {
            vertical: false,
            at: 0.0,
            color: MUTED,
            dashed: false,
            label: None,
        }
    }
}

/// One box of a box plot.
#[derive(Clone, Debug, PartialEq)]
pub struct BoxItem {
    /// Position on the category axis.
    pub at: f64,
    /// Minimum, first quartile, median, third quartile, maximum.
    pub five: [f64; 5],
    /// The values themselves, drawn as dots over the box.
    pub values: Vec<f64>,
    /// Colour.
    pub color: RGBColor,
}

/// One heat-map cell.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// Column (x category index).
    pub x: usize,
    /// Row (y category index).
    pub y: usize,
    /// Fill colour.
    pub color: RGBColor,
    /// The value printed in the cell, when it fits.
    pub text: Option<String>,
}

/// A colour bar beside a heat map.
#[derive(Clone, Debug, PartialEq)]
pub struct ColorBar {
    /// Value at the bottom.
    pub lo: f64,
    /// Value at the top.
    pub hi: f64,
    /// How its ticks read.
    pub format: TickFormat,
}
