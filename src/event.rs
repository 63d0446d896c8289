//! The `Event` seam: everything a session observes, as plain data, for the renderers.
//!
//! Connect, handshake and session produce events; `render.rs` turns them into human text or
//! JSON Lines. Keeping this one type between the two is what makes `--jsonl`, timestamps and the
//! frame dump independent of the networking code.

use crate::error::Error;
use crate::wire::response::Negotiated;
use crate::wire::tap::{Dir, TappedFrame};
use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

/// How long each step of establishing the session took.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    pub dns: Duration,
    /// Setting up the tunnel through a proxy (CONNECT or SOCKS5), when there is one.
    pub proxy: Option<Duration>,
    pub tcp: Duration,
    pub tls: Option<Duration>,
    pub upgrade: Duration,
}

/// The kind of a data message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataKind {
    Text,
    Binary,
}

#[derive(Debug, Clone)]
pub enum Event {
    /// TCP is up.
    Connected {
        url: String,
        peer: SocketAddr,
        dns: Duration,
        tcp: Duration,
    },
    /// A tunnel through a proxy is up (or was refused, with the exchange that shows why).
    Tunnel {
        proxy: String,
        source: String,
        /// The CONNECT request and answer (HTTP proxies), verbatim.
        exchange: Option<(Vec<u8>, Vec<u8>)>,
        took: Duration,
    },
    /// TLS is up; `certificate` describes the server's certificate, a line per item.
    TlsUp {
        took: Duration,
        insecure: bool,
        /// Negotiated version and cipher suite, from the ServerHello.
        protocol: Option<(String, String)>,
        certificate: Vec<String>,
    },
    /// The connection ended or failed and `--reconnect` tries again after `delay`.
    Reconnect {
        attempt: u32,
        max: Option<u32>,
        delay: Duration,
        reason: String,
    },
    /// The `--timing` summary at the end of a session.
    Timing {
        timings: Timings,
        first_message: Option<Duration>,
        total: Duration,
    },
    /// The upgrade request, verbatim.
    Request {
        bytes: Vec<u8>,
    },
    /// The response head, verbatim (and the body of a rejection).
    Response {
        head: Vec<u8>,
        body: Option<Vec<u8>>,
        body_truncated: bool,
        timings: Timings,
    },
    /// A valid 101 arrived.
    Upgraded {
        negotiated: Negotiated,
    },
    /// A data message in either direction.
    Message {
        dir: Dir,
        kind: DataKind,
        data: Vec<u8>,
    },
    Ping {
        dir: Dir,
        payload: Vec<u8>,
    },
    Pong {
        dir: Dir,
        payload: Vec<u8>,
        rtt: Option<Duration>,
    },
    Close {
        dir: Dir,
        code: Option<u16>,
        reason: String,
    },
    /// A frame seen by the tap.
    Frame(TappedFrame),
    /// Text written for the user as it is (help, status).
    Plain(String),
    /// A neutral remark (e.g. "closing: end of input").
    Info(String),
    /// Something the user should know but that does not end the session.
    Warning(String),
    /// The error that ends the session (printed by the renderer in the REPL and JSONL modes).
    Failure(Error),
}

/// An event with the moment it happened.
#[derive(Debug, Clone)]
pub struct Stamped {
    pub at: SystemTime,
    pub event: Event,
}
