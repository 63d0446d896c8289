//! The application-protocol servers users run on top of WebSocket, as child processes (scripts in
//! tests/peers/, README.md there says what each does): Socket.IO (`socket.io` 4 and 2,
//! python-socketio), GraphQL over WebSocket (`graphql-ws`, `subscriptions-transport-ws`,
//! Strawberry), STOMP (a private RabbitMQ with Web-STOMP, from the system's packages) and
//! JSON-RPC (`rpc-websockets`, the Ganache Ethereum node). Started on 127.0.0.1 with free ports;
//! their packages are installed on first use (setup.sh; Ganache's only by the tests that run it).

use crate::peer_process::{Reporter, dirs, installed};
use std::ops::Deref;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Upper bound for a Node or Python server to print its port.
const START_LIMIT: Duration = Duration::from_secs(30);
/// Upper bound for RabbitMQ (about 9 s on an idle machine; the launcher's own bound is 90 s).
const BROKER_START_LIMIT: Duration = Duration::from_secs(100);

/// A protocol server implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proto {
    /// `socket.io` 4 on Node (Engine.IO 4).
    SocketIo,
    /// `socket.io` 2 on Node (Engine.IO 3, for `--eio 3`).
    SocketIo2,
    /// python-socketio on uvicorn (Engine.IO 4).
    SocketIoPython,
    /// `graphql-ws` 6 on `ws` (subprotocol `graphql-transport-ws`).
    GraphqlWs,
    /// Apollo's `subscriptions-transport-ws` (the legacy subprotocol `graphql-ws`).
    GraphqlLegacy,
    /// Strawberry on aiohttp (both dialects).
    Strawberry,
    /// RabbitMQ's Web-STOMP plugin.
    RabbitMq,
    /// `rpc-websockets` (JSON-RPC 2.0).
    RpcWebsockets,
    /// Ganache 7 (Ethereum JSON-RPC).
    Ganache,
}

impl Proto {
    pub fn name(self) -> &'static str {
        match self {
            Proto::SocketIo => "socket.io 4",
            Proto::SocketIo2 => "socket.io 2",
            Proto::SocketIoPython => "python-socketio",
            Proto::GraphqlWs => "graphql-ws",
            Proto::GraphqlLegacy => "subscriptions-transport-ws",
            Proto::Strawberry => "strawberry",
            Proto::RabbitMq => "rabbitmq web-stomp",
            Proto::RpcWebsockets => "rpc-websockets",
            Proto::Ganache => "ganache",
        }
    }

    /// The path of its WebSocket endpoint (Socket.IO: where the official client is pointed; the
    /// Engine.IO path is [`ProtoPeer::engine_io_url`]).
    pub fn path(self) -> &'static str {
        match self {
            Proto::GraphqlWs | Proto::GraphqlLegacy | Proto::Strawberry => "/graphql",
            Proto::RabbitMq => "/ws",
            _ => "/",
        }
    }

    /// The command that starts it with `args` (its own options, see tests/peers/README.md).
    fn command(self, args: &[&str], broker_dir: Option<&PathBuf>) -> Command {
        let d = dirs(if self == Proto::Ganache { "eth" } else { "" });
        let node = |script: &str, node_dir: &str| {
            let mut c = Command::new("node");
            c.arg(d.sources.join(script))
                .arg("--node-dir")
                .arg(d.installed.join(node_dir));
            c
        };
        let python = |script: &str| {
            let mut c = Command::new(d.installed.join("venv/bin/python"));
            // No __pycache__ inside the source tree.
            c.env("PYTHONDONTWRITEBYTECODE", "1")
                .arg(d.sources.join(script));
            c
        };
        let mut c = match self {
            Proto::SocketIo => node("socketio_server.mjs", "node"),
            Proto::SocketIo2 => {
                let mut c = node("socketio_server.mjs", "node");
                c.args(["--version", "2"]);
                c
            }
            Proto::SocketIoPython => python("socketio_server.py"),
            Proto::GraphqlWs => node("graphql_server.mjs", "node"),
            Proto::GraphqlLegacy => {
                let mut c = node("graphql_server.mjs", "node");
                c.args(["--dialect", "legacy"]);
                c
            }
            Proto::Strawberry => python("graphql_server.py"),
            Proto::RabbitMq => {
                let mut c = python("rabbitmq.py");
                c.arg("--dir").arg(broker_dir.expect("a broker directory"));
                c
            }
            Proto::RpcWebsockets => node("jsonrpc_server.mjs", "node"),
            Proto::Ganache => node("eth_node.mjs", "eth"),
        };
        c.args(args).arg("--exit-with-stdin");
        c
    }
}

/// A running protocol server; killed with everything it started (and RabbitMQ's directory
/// removed) when dropped, even when a test panics.
pub struct ProtoPeer {
    pub proto: Proto,
    server: Option<Reporter>,
    broker_dir: Option<PathBuf>,
}

impl ProtoPeer {
    /// Starts `proto` with `args` (e.g. `["--token", "t"]`) on free ports of 127.0.0.1; `None`
    /// when what it needs is not installed (the test returns: skipped, or failed in CI).
    pub fn start(proto: Proto, args: &[&str]) -> Option<ProtoPeer> {
        installed(if proto == Proto::Ganache { "eth" } else { "" })?;
        if proto == Proto::RabbitMq {
            crate::optional::require(
                "RabbitMQ",
                broker_installed(),
                "apt-get install rabbitmq-server (as .ci/run does)",
            )?;
        }
        let broker_dir = (proto == Proto::RabbitMq).then(new_broker_dir);
        let limit = if broker_dir.is_some() {
            BROKER_START_LIMIT
        } else {
            START_LIMIT
        };
        let mut peer = ProtoPeer {
            proto,
            server: None,
            broker_dir,
        };
        let command = proto.command(args, peer.broker_dir.as_ref());
        peer.server = Some(Reporter::spawn(proto.name(), command, limit));
        Some(peer)
    }

    /// The URL of its endpoint (see [`Proto::path`]).
    pub fn endpoint(&self) -> String {
        self.url(self.proto.path())
    }

    /// A Socket.IO server's Engine.IO WebSocket URL for protocol version `eio` (3 or 4), as the
    /// official clients ask for it.
    pub fn engine_io_url(&self, eio: u8) -> String {
        self.url(&format!("/socket.io/?EIO={eio}&transport=websocket"))
    }
}

impl Deref for ProtoPeer {
    type Target = Reporter;

    fn deref(&self) -> &Reporter {
        self.server.as_ref().expect("started")
    }
}

impl Drop for ProtoPeer {
    fn drop(&mut self) {
        // The broker first: its directory is in use until it is gone.
        drop(self.server.take());
        if let Some(dir) = &self.broker_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Whether RabbitMQ's server and epmd are there, as tests/peers/rabbitmq.py looks for them.
pub fn broker_installed() -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let server = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    let runs = std::fs::metadata(server).is_ok_and(|m| m.permissions().mode() & 0o111 != 0);
    if !runs {
        return Err(format!("no {server}"));
    }
    crate::optional::on_path("epmd")
}

/// A fresh directory for one RabbitMQ node (configuration, data, logs) under the installed
/// peers: target/peers/rabbitmq/PID-N.
fn new_broker_dir() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = dirs("")
        .installed
        .join("rabbitmq")
        .join(format!("{}-{n}", std::process::id()));
    // Left by an earlier test process of the same id that was killed.
    let _ = std::fs::remove_dir_all(&dir);
    dir
}
