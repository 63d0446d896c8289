//! Dispatch of a parsed command line: generate docs, serve, demo, or run the client; building
//! the runtime; printing the final error. `main` only maps the result to an exit status.

use crate::cli::{Cli, Sub};
use crate::client;
use crate::config::{self, Config, Mode};
use crate::error::{Error, Kind};
use crate::generate;
use crate::serve;
use crate::term::{Terminal, TerminalGuard};
use std::io::Write;

/// Runs what the command line asks for; returns the exit status.
pub fn run(cli: Cli) -> u8 {
    colored::control::set_override(true);
    let term = Terminal::detect();
    let (_, color_err) = term.colors(cli.client_args().output.color);
    let result = dispatch(cli, term);
    match result {
        Ok(()) => 0,
        Err(e) => {
            report(&e, color_err);
            e.kind.exit_code()
        }
    }
}

/// The final error, on stderr (`wscope: error: ...` and the hint, worded in one place).
fn report(e: &Error, color: bool) {
    if e.message.is_empty() {
        return;
    }
    crate::render::stderr_line(&crate::render::text::failure(e, color));
}

/// Runs `f` on a fresh runtime and leaves without waiting for blocking work (a name lookup in
/// tokio's blocking pool cannot be cancelled when a timeout gives up on it).
///
/// One thread runs everything: measured against two workers, it starts faster and moves small
/// messages faster, because no task wakes another across threads. Nothing on it may block:
/// output and stdin have threads of their own (`output_thread`, `input_thread`), name lookups
/// and file reads use tokio's blocking pool.
fn block_on<F: std::future::Future<Output = Result<(), Error>>>(f: F) -> Result<(), Error> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::new(Kind::Other, format!("cannot start the runtime: {e}")))?;
    let result = rt.block_on(f);
    rt.shutdown_background();
    result
}

fn dispatch(cli: Cli, term: Terminal) -> Result<(), Error> {
    if let Some(kind) = &cli.generate {
        if kind == "all" {
            return generate::write_all(std::path::Path::new("."));
        }
        let bytes = generate::render(kind)?;
        let mut out = std::io::stdout().lock();
        return out
            .write_all(&bytes)
            .and_then(|_| out.flush())
            .map_err(|e| Error::new(Kind::Other, format!("writing output: {e}")));
    }
    match &cli.command {
        Some(Sub::Serve { listen }) => block_on(async {
            let listener = serve::bind(listen).await?;
            if let Ok(addr) = listener.local_addr() {
                crate::render::stderr_line(&format!("listening on ws://{addr}/"));
            }
            serve::run(listener).await
        }),
        Some(Sub::Demo(args)) => block_on(async {
            let listener = serve::bind("127.0.0.1:0").await?;
            let addr = listener
                .local_addr()
                .map_err(|e| Error::new(Kind::Other, format!("no local address: {e}")))?;
            crate::render::stderr_line(&format!(
                "* demo: echo server running on ws://{addr}/ (it echoes what you send)"
            ));
            tokio::spawn(serve::run(listener));
            let url = format!("ws://{addr}/");
            let cfg = config::build(args, &url, &term)?;
            run_client(cfg).await
        }),
        Some(Sub::Replay(args)) => block_on(crate::replay::run(args, &term)),
        None => {
            let url = cli.url.clone().unwrap_or_default();
            // `wscope -v demo`: after an option, clap takes a subcommand's name for the URL.
            match url.as_str() {
                "demo" => {
                    return Err(Error::usage(
                        "options go after the subcommand: wscope demo [OPTIONS]",
                    ));
                }
                "serve" => {
                    return Err(Error::usage(
                        "wscope serve takes no client options, only --listen ADDR",
                    ));
                }
                _ => {}
            }
            let cfg = config::build(&cli.client, &url, &term)?;
            block_on(run_client(cfg))
        }
    }
}

async fn run_client(cfg: Config) -> Result<(), Error> {
    // The REPL changes the terminal's mode; it is put back whatever happens.
    let _terminal = (cfg.mode() == Mode::Repl).then(TerminalGuard::save);
    client::run(cfg).await
}
