//! The gigsim command line: parse the arguments, run the command, map errors to the
//! exit codes of the contract (0 ok, 1 failure, 2 bad input, 130 interrupted).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    gigsim::interrupt::install();
    let cli = gigsim::cli::Cli::parse();
    match gigsim::commands::dispatch(cli) {
        Ok(()) | Err(gigsim::error::Error::StdoutClosed) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
