//! Entry point: parse the command line, run, exit with the status from the one table in
//! `error.rs`.

use clap::Parser;

fn main() {
    let cli = wscope::cli::Cli::parse();
    let code = wscope::app::run(cli);
    // Exit without waiting for the runtime's blocking stdin reader, which cannot be cancelled.
    std::process::exit(i32::from(code));
}
