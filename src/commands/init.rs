//! `gigsim init`: the commented default scenario.

use super::stdout::put;
use std::path::Path;

use crate::error::Error;
use crate::scenario::render::render;

/// Prints the default scenario, or writes it to `path` (never over an existing file).
pub fn init(path: Option<&Path>) -> Result<(), Error> {
    let text = render(&crate::scenario::defaults_tree(), true);
    match path {
        None => {
            put(&text)?;
            Ok(())
        }
        Some(p) => {
            if p.exists() {
                return Err(Error::Usage(format!(
                    "{} already exists; gigsim init does not overwrite files (choose another path or remove it)",
                    p.display()
                )));
            }
            crate::output::atomic::write_file(p, text.as_bytes())?;
            eprintln!("wrote {}", p.display());
            Ok(())
        }
    }
}
