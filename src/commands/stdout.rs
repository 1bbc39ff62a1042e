//! Writing to standard output. A reader that closed the pipe (`gigsim check x | head
//! -1`) ends the command quietly with exit 0, as cargo and ripgrep do; any other failure
//! (`> /dev/full`) is an error of one line with exit 1, never a panic.

use std::io::Write;

use crate::error::Error;

/// Writes `text` to standard output as it is.
pub fn put(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(|e| {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Error::StdoutClosed
        } else {
            Error::Stdout(e)
        }
    })
}

/// Writes `line` and a newline to standard output.
pub fn say(line: &str) -> Result<(), Error> {
    put(&format!("{line}\n"))
}
