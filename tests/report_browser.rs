//! Opens the report of a small real run in headless Chromium: the DOM shows every chart
//! as a non-empty `<svg>`, the browser logs no page error, and a screenshot is not
//! blank.
//!
//! Needs Chromium (Debian: `apt-get install chromium`). Without it the test is skipped
//! with a message, except when `CI=true`, where a missing browser fails it. Set
//! `GIGSIM_CHROMIUM` to use another binary.

mod fixtures;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use gigsim::output::charts::{ChartStyle, render_folder};
use gigsim::output::report::write_report;

/// Longest a browser may take for one page before the test kills it and fails.
const TIMEOUT: Duration = Duration::from_secs(90);

fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("GIGSIM_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Output of one headless browser run.
struct Page {
    stdout: String,
    log: String,
}

/// Runs the browser on `page` with `extra` flags, a fresh profile and a time limit.
/// The flags keep a browser in a closed sandbox quiet: no network services, no
/// component updates, no first-run or sync work, no GPU.
fn browse(browser: &Path, work: &Path, run: &str, page: &Path, extra: &[String]) -> Page {
    let profile = work.join(format!("profile-{run}"));
    let out_path = work.join(format!("{run}.stdout"));
    let log_path = work.join(format!("{run}.log"));
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(File::create(&out_path).unwrap())
        .stderr(File::create(&log_path).unwrap())
        .spawn()
        .expect("start the browser");
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the browser took more than {TIMEOUT:?} on {}", page.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Page {
        stdout: std::fs::read_to_string(&out_path).unwrap_or_default(),
        log: std::fs::read_to_string(&log_path).unwrap_or_default(),
    }
}

/// Log lines that are errors of the page. Chromium logs console messages of the page
/// (any level: `console.error`, uncaught exceptions, and the messages the browser itself
/// puts on the page's console, such as "Failed to decode downloaded font" or a refused
/// load) as `INFO:CONSOLE` lines, and failed network requests as `net::ERR_`. The report
/// has no script, so any of these is an error. Lines from the browser process about its
/// surroundings (no D-Bus, no GPU, the sandbox) are properties of this machine, not of
/// the page, and are not counted.
fn page_errors(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught") || l.contains("net::ERR_"))
        .collect()
}

/// The SVG documents inside each `<figure class="chart">` of a DOM dump.
fn figure_svgs(dom: &str) -> Vec<&str> {
    dom.split("<figure class=\"chart\"")
        .skip(1)
        .map(|chunk| {
            let start = chunk.find("<svg").unwrap_or(chunk.len());
            let end = chunk.find("</svg>").map_or(start, |e| e + 6);
            &chunk[start..end.max(start)]
        })
        .collect()
}

#[test]
fn report_opens_in_headless_chromium_without_errors() {
    let Some(browser) = find_chromium() else {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("CI=true but Chromium was not found: install it with `apt-get install chromium`");
        }
        eprintln!("skipping the browser test: Chromium not found (install it with `apt-get install chromium`)");
        return;
    };
    let (tmp, out) = fixtures::real_run_folder("browser", 2);
    let work = tmp.join("browser");
    std::fs::create_dir_all(&work).unwrap();

    // The error detector must see errors where there are some, or its silence on the
    // report would prove nothing.
    let broken = work.join("broken.html");
    std::fs::write(
        &broken,
        "<!DOCTYPE html><p>x</p><script>console.error('boom'); notDefined();</script>\
         <style>@font-face{font-family:X;src:url(data:font/ttf;base64,AAAA)}</style><p style=\"font-family:X\">y</p>",
    )
    .unwrap();
    let control = browse(&browser, &work, "control", &broken, &["--dump-dom".into()]);
    assert!(
        page_errors(&control.log).len() >= 2,
        "the detector missed the errors of a broken page:\n{}",
        control.log
    );

    let style = ChartStyle::of_folder(&out).unwrap();
    let charts = render_folder(&out, &out.join("charts"), &style).unwrap();
    let report = write_report(&out, &charts).unwrap();

    let page = browse(&browser, &work, "dom", &report, &["--dump-dom".into()]);
    let svgs = figure_svgs(&page.stdout);
    assert_eq!(svgs.len(), charts.len(), "one figure per chart in the DOM");
    for (svg, chart) in svgs.iter().zip(&charts) {
        assert!(
            svg.len() > 2_000 && svg.contains("<text") && (svg.contains("<polyline") || svg.contains("<rect")),
            "{} is empty in the DOM",
            chart.stem
        );
    }
    let errors = page_errors(&page.log);
    assert!(
        errors.is_empty(),
        "the browser logged page errors:\n{}",
        errors.join("\n")
    );

    let shot = work.join("report.png");
    let page = browse(
        &browser,
        &work,
        "shot",
        &report,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2400".into(),
            "--hide-scrollbars".into(),
        ],
    );
    assert!(page_errors(&page.log).is_empty());
    let img = image::open(&shot).expect("a PNG screenshot").to_rgb8();
    assert_eq!(img.dimensions(), (1280, 2400));
    let mut colours = std::collections::HashSet::new();
    let mut ink = 0usize;
    for p in img.pixels() {
        colours.insert((p[0] >> 4, p[1] >> 4, p[2] >> 4));
        if p.0.iter().any(|c| *c < 200) {
            ink += 1;
        }
    }
    let share = ink as f64 / f64::from(1280 * 2400);
    assert!(colours.len() > 40, "only {} colours: a blank page?", colours.len());
    assert!(
        share > 0.02 && share < 0.9,
        "ink covers {:.1}% of the page",
        share * 100.0
    );
    let _ = std::fs::remove_dir_all(&tmp);
}
