//! Dispatch of a parsed command line: generate docs, serve, demo, probe, replay, or run the
//! client, each with the settings `config` validated; building the runtime; printing the final
//! error. Where two components meet (demo: a server and a client; replay: a recording and a
//! client run), they meet here. `main` only maps the result to an exit status.

use crate::cli::{Cli, Sub};
use crate::client::{self, Config, Mode};
use crate::config;
use crate::error::{Error, Kind};
use crate::generate;
use crate::interrupt;
use crate::probe;
use crate::replay;
use crate::serve;
use crate::term::{Terminal, TerminalGuard};
use clap::Parser;
use std::io::Write;
use std::net::SocketAddr;

/// Parses the command line and runs what it asks for; returns the exit status.
pub fn main() -> u8 {
    run(Cli::parse())
}

/// Runs what the command line asks for; returns the exit status.
fn run(cli: Cli) -> u8 {
    colored::control::set_override(true);
    let term = Terminal::detect();
    let (_, color_err) = term.colors(cli.color());
    let result = dispatch(cli, term);
    match result {
        Ok(()) => 0,
        Err(e) => {
            report(&e, color_err);
            e.kind.exit_code()
        }
    }
}

/// The final error, on stderr (`wscope: error: ...` and the hint, worded in one place),
/// unless the user has seen it already.
fn report(e: &Error, color: bool) {
    if e.already_shown {
        return;
    }
    crate::render::stderr_line(&crate::render::text::failure(e, color));
}

/// Runs `f` on a fresh runtime and leaves without waiting for blocking work (a name lookup in
/// tokio's blocking pool cannot be cancelled when a timeout gives up on it).
///
/// Ctrl-C is caught from the start (see [`interrupt`]); at the second one `f` is dropped where
/// it stands (its guards put the terminal back, its programs are killed) and the run ends.
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
    // On the heap: the run's future is tens of KiB, and on the stack it was there twice (82 KiB
    // of stack at its peak, 41 KiB boxed).
    let f = Box::pin(f);
    let result = rt.block_on(async {
        interrupt::listen()?;
        tokio::select! {
            biased;
            r = f => r,
            _ = interrupt::global().second() => Err(interrupt::interrupted()),
        }
    });
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
        Some(Sub::Serve(args)) => {
            let cfg = config::serve(args)?;
            block_on(serve::serve(cfg))
        }
        Some(Sub::Demo(args)) => {
            let demo = config::demo(args)?;
            block_on(async {
                let listener = serve::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
                let addr = listener
                    .local_addr()
                    .map_err(|e| Error::new(Kind::Other, format!("no local address: {e}")))?;
                crate::render::stderr_line(&format!(
                    "* demo: echo server running on ws://{addr}/ (it echoes what you send)"
                ));
                tokio::spawn(serve::echo_server(listener));
                let cfg = demo.client(&format!("ws://{addr}/"), &term)?;
                run_client(cfg).await
            })
        }
        Some(Sub::Curl { words }) => client_run(config::curl(words, &cli.client, &term)?),
        Some(Sub::Replay(args)) => {
            let cfg = config::replay(args, &term)?;
            block_on(replay::run(cfg, async |r| {
                let proto = r.proto.as_deref();
                let cfg = config::replay_client(args, &r.url, r.schedule, proto, &term)?;
                client::run_observed(cfg, r.observer).await
            }))
        }
        Some(Sub::Probe(args)) => {
            let cfg = config::probe(args, &term)?;
            block_on(interrupt::global().or_interrupted(probe::run(cfg)))
        }
        None => client_run(config::client(cli.url.as_deref(), &cli.client, &term)?),
    }
}

/// A client run: what a copied curl command gave said on stderr, then the session.
fn client_run(cfg: Config) -> Result<(), Error> {
    for note in &cfg.import_notes {
        crate::render::stderr_line(&format!("* curl: {note}"));
    }
    block_on(run_client(cfg))
}

async fn run_client(cfg: Config) -> Result<(), Error> {
    // The REPL changes the terminal's mode; it is put back whatever happens.
    let _terminal = (cfg.mode() == Mode::Repl).then(TerminalGuard::save);
    client::run(cfg).await
}
