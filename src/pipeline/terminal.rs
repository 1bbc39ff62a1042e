//! What a long command shows on the terminal while it works: a progress bar or a
//! spinner, drawn only when standard error is a terminal and `--quiet` is off, so logs
//! of batch jobs stay clean.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar of `len` steps (a spinner for `None`) drawn with `template` and `message`,
/// ticking steadily; `style` may add keys to the template. Hidden when `quiet` or when
/// standard error is not a terminal.
pub fn progress(
    len: Option<u64>,
    quiet: bool,
    template: &str,
    message: String,
    style: impl FnOnce(ProgressStyle) -> ProgressStyle,
) -> ProgressBar {
    let bar = match len {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::new_spinner(),
    };
    if quiet || !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
        return bar;
    }
    let base = ProgressStyle::with_template(template)
        .expect("a valid template")
        .progress_chars("=> ");
    bar.set_style(style(base));
    bar.set_message(message);
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}
