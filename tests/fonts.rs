//! Charts draw their text from the bundled DejaVu Sans, not from fonts installed on the
//! machine. The test re-runs itself inside a user and mount namespace (`unshare`) where
//! the system font directories are empty tmpfs mounts and HOME is an empty folder, and
//! there draws a chart and counts the pixels of its text. It fails if the sandbox does
//! not hide the fonts (so it cannot pass vacuously), if drawing fails for want of a font,
//! or if the text leaves no ink.
//!
//! Needs `unshare` (util-linux) and unprivileged user namespaces. Where the kernel
//! refuses them, the test says so and checks the weaker, still falsifiable claims
//! instead: the binary links no fontconfig or freetype (`ldd`), and text renders with
//! `FONTCONFIG_FILE` pointing nowhere.

mod fixtures;

use std::path::Path;
use std::process::Command;

use gigsim::output::charts::figure::{Figure, Panel};
use gigsim::output::charts::{ChartStyle, render_folder, render_rgb};

const CHILD: &str = "GIGSIM_FONTLESS_CHILD";
const MARKER: &str = "FONTLESS-CHILD-OK";
const FONT_DIRS: [&str; 3] = ["/usr/share/fonts", "/usr/local/share/fonts", "/etc/fonts"];

/// Pixels darker than mid-grey: the title and message are the only dark things in a
/// figure without data (the no-data frame is light grey).
fn dark_pixels(title: &str, message: &str) -> usize {
    let figure = Figure::single(title.into(), Panel::empty(message));
    let style = ChartStyle {
        width: 600,
        height: 300,
        formats: Vec::new(),
        scale: 1.0,
    };
    let (_, _, rgb) = render_rgb(&figure, &style).expect("a figure renders with the bundled font");
    rgb.chunks(3).filter(|p| p.iter().all(|c| *c < 140)).count()
}

fn draw_text_and_check_ink() {
    let with_text = dark_pixels("Net income per worker — baseline", "No data: nobody earned anything");
    let without = dark_pixels("", "");
    assert_eq!(without, 0, "a figure without text has no dark pixels");
    assert!(with_text > 800, "text left only {with_text} dark pixels");
}

fn font_files_under(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                font_files_under(&p)
            } else {
                usize::from(
                    p.extension()
                        .is_some_and(|x| ["ttf", "otf", "pcf", "gz", "conf"].iter().any(|e| x == *e)),
                )
            }
        })
        .sum()
}

/// Runs inside the sandbox.
fn child() {
    for dir in FONT_DIRS {
        assert_eq!(
            font_files_under(Path::new(dir)),
            0,
            "{dir} still has fonts: the sandbox did not hide them"
        );
    }
    assert_eq!(
        std::fs::read_dir("/usr/share/fonts").map(|d| d.count()).unwrap_or(0),
        0,
        "/usr/share/fonts must be empty"
    );
    draw_text_and_check_ink();
    // The whole pipeline, too: a folder's charts as PNG and SVG files.
    let dir = fixtures::compare_folder("fontless", 2, 100);
    let files = render_folder(&dir, &dir.join("charts"), &gigsim::scenario::defaults().charts)
        .expect("charts without system fonts");
    assert!(!files.is_empty() && files.iter().all(|f| f.files.iter().all(|p| p.is_file())));
    let _ = std::fs::remove_dir_all(&dir);
    println!("{MARKER}");
}

#[test]
fn charts_render_text_without_system_fonts() {
    if std::env::var_os(CHILD).is_some() {
        child();
        return;
    }
    if !FONT_DIRS.iter().any(|d| Path::new(d).is_dir()) {
        // Nothing to hide: the machine itself has no system fonts, so drawing here is the test.
        eprintln!("note: no system font directory on this machine; drawing without one directly");
        draw_text_and_check_ink();
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let home = fixtures::temp_dir("fontless-home");
    // Mount an empty tmpfs over each font directory that exists, then run this test again.
    let script = format!(
        "set -e; for d in {}; do if [ -d \"$d\" ]; then mount -t tmpfs tmpfs \"$d\"; fi; done; exec \"$@\"",
        FONT_DIRS.join(" ")
    );
    let output = Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "sh", "-c", &script, "sh"])
        .arg(&exe)
        .args([
            "charts_render_text_without_system_fonts",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("share"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .output();
    let _ = std::fs::remove_dir_all(&home);
    let refused = match &output {
        Err(e) => Some(format!("cannot run unshare: {e}")),
        Ok(o) => {
            let stderr = String::from_utf8_lossy(&o.stderr);
            let stdout = String::from_utf8_lossy(&o.stdout);
            let sandbox_refused = !o.status.success()
                && !stdout.contains("running 1 test")
                && (stderr.contains("unshare failed")
                    || stderr.contains("Operation not permitted")
                    || stderr.contains("mount"));
            if sandbox_refused {
                Some(format!("the kernel refused the sandbox: {}", stderr.trim()))
            } else {
                assert!(
                    o.status.success() && stdout.contains(MARKER),
                    "drawing without system fonts failed:\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
                );
                None
            }
        }
    };
    if let Some(why) = refused {
        eprintln!(
            "note: {why}.\nChecking instead that the test binary links no font library and draws text with fontconfig pointed nowhere."
        );
        let ldd = Command::new("ldd")
            .arg(&exe)
            .output()
            .expect("ldd is needed for the fallback check");
        let libs = String::from_utf8_lossy(&ldd.stdout);
        assert!(
            !libs.contains("fontconfig") && !libs.contains("freetype"),
            "the binary links a system font library:\n{libs}"
        );
        // SAFETY: set before any other thread of this test reads the environment.
        unsafe { std::env::set_var("FONTCONFIG_FILE", "/nonexistent/fonts.conf") };
        draw_text_and_check_ink();
    }
}

/// Where each letter's ink starts in a PNG title, in pixels from the first letter's,
/// measured and as the font's metrics put it (pen position from advances and kerning,
/// plus the glyph's left side bearing).
fn letter_edges(title: &str) -> (Vec<f32>, Vec<f32>) {
    use ab_glyph::{Font, FontRef, ScaleFont};
    use gigsim::output::charts::theme::{FONT_BOLD, TextRole, Theme};
    let style = ChartStyle {
        width: 600,
        height: 300,
        formats: Vec::new(),
        scale: 2.0,
    };
    let figure = Figure::single(title.into(), Panel::empty(""));
    let (w, _, rgb) = render_rgb(&figure, &style).expect("renders");
    let w = w as usize;
    // The title is the only ink in the top 70 pixels of a figure without data.
    let inked: Vec<bool> = (0..w)
        .map(|x| (0..70).any(|y| rgb[(y * w + x) * 3..][..3].iter().any(|c| *c < 200)))
        .collect();
    let measured: Vec<f32> = (0..w)
        .filter(|&x| inked[x] && (x == 0 || !inked[x - 1]))
        .map(|x| x as f32)
        .collect();
    let size = Theme::new(style.width, style.height, style.scale).font_size(TextRole::Title) as f32;
    let font = FontRef::try_from_slice(FONT_BOLD).unwrap();
    let scaled = font.as_scaled(size);
    let (mut pen, mut prev, mut expected) = (0f32, None, Vec::new());
    for c in title.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = prev {
            pen += scaled.kern(p, id);
        }
        expected.push(pen + scaled.h_side_bearing(id));
        pen += scaled.h_advance(id);
        prev = Some(id);
    }
    let rel = |v: Vec<f32>| v.iter().map(|x| x - v[0]).collect::<Vec<f32>>();
    (rel(measured), rel(expected))
}

/// PNG text had uneven letter spacing ("Hourl y wage", "acti ve"): plotters placed each
/// glyph at its pen position without its left side bearing, so letters with wide
/// bearings ("l", "i") sat against the letter before them. Rendered through the PNG
/// path, every letter's ink must start where the font's metrics put it, within a pixel
/// of anti-aliasing. The words are chosen so that no two letters' ink touches.
#[test]
fn png_text_places_each_letter_where_the_font_says() {
    for title in ["Hourly", "active", "Illicit"] {
        let (measured, expected) = letter_edges(title);
        assert_eq!(
            measured.len(),
            expected.len(),
            "{title:?}: letters touch or are missing: {measured:?}"
        );
        for (i, (m, e)) in measured.iter().zip(&expected).enumerate() {
            assert!(
                (m - e).abs() <= 1.0,
                "{title:?}: letter {i} starts at {m} px, the font says {e:.1} px ({measured:?} against {expected:?})"
            );
        }
    }
}
