//! Third-party WebSocket servers as child processes: the servers users actually run (Python
//! `websockets`, uvicorn on its websockets and wsproto protocols, aiohttp, Node `ws`), from the
//! scripts in tests/peers/. Their dependencies are installed on first use by tests/peers/setup.sh
//! (once per test process, bounded); where that fails, the tests that need them are skipped
//! (failed in CI) by the policy in [`crate::optional`]. Each server prints its port, then one
//! JSON event per line for what it saw; a `Peer` collects them, and kills the server when dropped.

use crate::peer_process::{Dirs, Reporter, dirs, installed};
use std::ops::Deref;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// Upper bound for a server to print its port.
const START_LIMIT: Duration = Duration::from_secs(30);

/// A server implementation under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Impl {
    Websockets,
    UvicornWebsockets,
    UvicornWsproto,
    Aiohttp,
    NodeWs,
}

impl Impl {
    pub const ALL: [Impl; 5] = [
        Impl::Websockets,
        Impl::UvicornWebsockets,
        Impl::UvicornWsproto,
        Impl::Aiohttp,
        Impl::NodeWs,
    ];

    /// The name server.py's `--impl` takes (`ws` for Node's).
    pub fn name(self) -> &'static str {
        match self {
            Impl::Websockets => "websockets",
            Impl::UvicornWebsockets => "uvicorn-websockets",
            Impl::UvicornWsproto => "uvicorn-wsproto",
            Impl::Aiohttp => "aiohttp",
            Impl::NodeWs => "ws",
        }
    }

    fn command(self, dirs: &Dirs, deflate: bool) -> Command {
        let mut c = if self == Impl::NodeWs {
            let mut c = Command::new("node");
            c.arg(dirs.sources.join("server.mjs"))
                .arg("--node-dir")
                .arg(dirs.installed.join("node"));
            c
        } else {
            let mut c = Command::new(dirs.installed.join("venv/bin/python"));
            // No __pycache__ inside the source tree.
            c.env("PYTHONDONTWRITEBYTECODE", "1")
                .arg(dirs.sources.join("server.py"))
                .args(["--impl", self.name()]);
            c
        };
        c.args(["--deflate", if deflate { "on" } else { "off" }])
            .arg("--exit-with-stdin");
        c
    }
}

/// The Python of the installed venv (with `websockets`), for third-party clients; `None` when
/// the servers could not be installed (the test returns: skipped, or failed in CI).
pub fn python() -> Option<PathBuf> {
    Some(installed("")?.installed.join("venv/bin/python"))
}

/// A running WebSocket server of one implementation (named so in failure messages); killed
/// (and reaped) when dropped, even when a test panics.
pub struct Peer(Reporter);

impl Peer {
    /// Starts `imp` on 127.0.0.1 port 0, with permessage-deflate accepted or not.
    pub fn start(imp: Impl, deflate: bool) -> Peer {
        Peer(Reporter::spawn(
            imp.name(),
            imp.command(dirs(""), deflate),
            START_LIMIT,
        ))
    }
}

impl Deref for Peer {
    type Target = Reporter;

    fn deref(&self) -> &Reporter {
        &self.0
    }
}

/// Runs `check` for every implementation at once, each on its own thread, and fails naming
/// every implementation whose check failed (each panic message is printed as it happens).
pub fn on_every_impl(check: impl Fn(Impl) + Sync) {
    if installed("").is_none() {
        return;
    }
    let failed: Vec<&str> = std::thread::scope(|s| {
        let check = &check;
        let handles: Vec<_> = Impl::ALL
            .iter()
            .map(|&imp| {
                let h = std::thread::Builder::new()
                    .name(imp.name().to_string())
                    .spawn_scoped(s, move || check(imp))
                    .expect("thread");
                (imp, h)
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|(imp, h)| h.join().is_err().then_some(imp.name()))
            .collect()
    });
    assert!(failed.is_empty(), "failed against: {}", failed.join(", "));
}
