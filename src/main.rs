//! Entry point: run what the command line asks for, exit with the status from the one table
//! in `error.rs`.

fn main() {
    let code = wscope::app::main();
    // Exit without waiting for the runtime's blocking stdin reader, which cannot be cancelled.
    std::process::exit(i32::from(code));
}
