//! Text on the PNG path, laid out glyph by glyph with each glyph's own side bearing.
//!
//! plotters' ab_glyph renderer places each glyph's bitmap at the pen position, dropping
//! the glyph's left side bearing and truncating the pen to whole pixels, so narrow
//! letters with wide bearings ("l", "i") sit against their left neighbour and leave a
//! gap on their right: "Hourl y wage", "acti ve". The SVG backend writes `<text>` and
//! lets the browser lay it out, so SVGs were never affected. [`Glyphs`] wraps a bitmap
//! backend and draws text itself with the same advances and kerning that plotters uses
//! to measure it (so layout, wrapping and anchors are unchanged) but with every glyph
//! rasterised at its exact, fractional position. Everything else is passed through: the
//! primitives the bitmap backend draws itself are forwarded, and the shapes it builds
//! from them (paths, circles, polygons) are built by the same trait defaults here.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use plotters::prelude::DrawingBackend;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontStyle};

use super::theme::{FONT_BOLD, FONT_REGULAR};

/// A drawing backend that draws text with correct glyph spacing on top of `DB`.
pub struct Glyphs<DB>(pub DB);

/// The bundled face for a style (every chart text uses the bundled family).
fn face(style: FontStyle) -> Option<FontRef<'static>> {
    let bytes = match style {
        FontStyle::Bold => FONT_BOLD,
        _ => FONT_REGULAR,
    };
    FontRef::try_from_slice(bytes).ok()
}

/// Each glyph of `text` at `size` (plotters' size: the scale in pixels) with the x of
/// its pen position: advances plus kerning, exactly as plotters measures the text.
pub fn pen_positions(font: &FontRef<'static>, size: f32, text: &str) -> Vec<(ab_glyph::GlyphId, f32)> {
    let scaled = font.as_scaled(PxScale::from(size));
    let mut x = 0f32;
    let mut prev = None;
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = prev {
            x += scaled.kern(p, id);
        }
        out.push((id, x));
        x += scaled.h_advance(id);
        prev = Some(id);
    }
    out
}

/// Calls `pixel(x, y, coverage)` for every pixel of `text` drawn with its pen starting at
/// x = 0 and its baseline where plotters puts it (half the size below the top), so the
/// text occupies the box plotters' layout reports.
pub fn rasterize(font: &FontRef<'static>, size: f32, text: &str, mut pixel: impl FnMut(i32, i32, f32)) {
    let scale = PxScale::from(size);
    for (id, x) in pen_positions(font, size, text) {
        let glyph = id.with_scale_and_position(scale, point(x, size / 2.0));
        if let Some(outline) = font.outline_glyph(glyph) {
            let bounds = outline.px_bounds();
            let (left, top) = (bounds.min.x as i32, bounds.min.y as i32);
            outline.draw(|gx, gy, c| pixel(left + gx as i32, top + gy as i32, c));
        }
    }
}

impl<DB: DrawingBackend> DrawingBackend for Glyphs<DB> {
    type ErrorType = DB::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.blit_bitmap(pos, size, src)
    }

    /// As plotters' default `draw_text` (anchor from the measured box, rotation, clipping
    /// to the canvas), with the glyphs from [`rasterize`].
    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let color = style.color();
        let Some(font) = face(style.style()) else {
            // Unreachable with the bundled bytes; plotters then draws (or reports) it.
            return self.0.draw_text(text, style, pos);
        };
        if color.alpha == 0.0 {
            return Ok(());
        }
        let ((min_x, min_y), (max_x, max_y)) = style
            .layout_box(text)
            .map_err(|e| DrawingErrorKind::FontError(Box::new(e)))?;
        let (width, height) = (max_x - min_x, max_y - min_y);
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };
        let trans = style.transform();
        let (w, h) = self.get_size();
        let mut result = Ok(());
        rasterize(&font, style.size() as f32, text, |x, y, c| {
            if result.is_err() {
                return;
            }
            let (x, y) = trans.transform(x + dx - min_x, y + dy - min_y);
            let (x, y) = (pos.0 + x, pos.1 + y);
            if x >= 0 && x < w as i32 && y >= 0 && y < h as i32 {
                let mixed = BackendColor {
                    alpha: color.alpha * f64::from(c.clamp(0.0, 1.0)),
                    rgb: color.rgb,
                };
                result = self.0.draw_pixel((x, y), mixed);
            }
        });
        result
    }
}
