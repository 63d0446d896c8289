//! The `Event` seam: everything a session observes, as plain data, for the renderers.
//!
//! Connect, handshake and session produce events; `render` turns them into human text or
//! JSON Lines. Keeping this one type between the two is what makes `--jsonl`, timestamps and the
//! frame dump independent of the networking code. Events hold facts, never sentences: wscope's
//! own remarks are [`notice`]s, worded in `render`.

pub(crate) mod app;
pub(crate) mod notice;

use crate::error::{Error, Kind};
use crate::net::transport::Peer;
use crate::wire::response::Negotiated;
use crate::wire::tap::{Dir, TappedFrame};
pub(crate) use app::{AppMessage, Fact, NoteLevel, ProtoNote, ProtoSession};
pub(crate) use notice::{Info, Traffic, Warning};
use std::time::{Duration, SystemTime};

/// How long each step of establishing the session took.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Timings {
    pub dns: Duration,
    /// Setting up the tunnel through a proxy (CONNECT or SOCKS5), when there is one.
    pub proxy: Option<Duration>,
    pub tcp: Duration,
    pub tls: Option<Duration>,
    pub upgrade: Duration,
}

/// The kind of a data message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DataKind {
    Text,
    Binary,
}

/// TCP is up.
#[derive(Debug, Clone)]
pub(crate) struct Connected {
    /// The URL with its password (renderers mask it unless `--show-credentials`), or
    /// `proxy URL`.
    pub url: String,
    pub peer: Peer,
    pub dns: Duration,
    pub tcp: Duration,
}

/// A tunnel through a proxy is up (or was refused, with the exchange that shows why).
#[derive(Debug, Clone)]
pub(crate) struct Tunnel {
    pub proxy: String,
    pub source: String,
    /// The CONNECT request and answer (HTTP proxies), verbatim.
    pub exchange: Option<(Vec<u8>, Vec<u8>)>,
    pub took: Duration,
}

/// TLS is up; `certificate` describes the server's certificate, a line per item.
#[derive(Debug, Clone)]
pub(crate) struct TlsUp {
    pub took: Duration,
    pub insecure: bool,
    /// Negotiated version and cipher suite, from the ServerHello.
    pub protocol: Option<(String, String)>,
    pub certificate: Vec<String>,
}

/// The connection ended or failed and `--reconnect` tries again after `delay`.
#[derive(Debug, Clone)]
pub(crate) struct Reconnecting {
    pub attempt: u32,
    pub max: Option<u32>,
    pub delay: Duration,
    pub reason: String,
}

/// The `--timing` summary at the end of a session.
#[derive(Debug, Clone)]
pub(crate) struct TimingSummary {
    pub timings: Timings,
    pub first_message: Option<Duration>,
    pub total: Duration,
}

/// The response head, verbatim (and the body of a rejection).
#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub head: Vec<u8>,
    pub body: Option<Vec<u8>>,
    pub body_truncated: bool,
    pub timings: Timings,
}

#[derive(Debug, Clone)]
pub(crate) enum Event {
    Connected(Connected),
    Tunnel(Tunnel),
    TlsUp(TlsUp),
    Reconnect(Reconnecting),
    Timing(TimingSummary),
    /// The upgrade request, verbatim.
    Request {
        bytes: Vec<u8>,
    },
    Response(Response),
    /// A valid 101 arrived.
    Upgraded {
        negotiated: Negotiated,
        /// With `--proto`: the application protocol spoken on it.
        proto: Option<ProtoSession>,
    },
    /// A data message in either direction.
    Message {
        dir: Dir,
        kind: DataKind,
        data: Vec<u8>,
    },
    /// A data message under an application protocol (`--proto`), either way, with the
    /// application messages it carried (none for the protocol's own exchanges, such as its
    /// keepalive).
    ProtoMessage {
        dir: Dir,
        kind: DataKind,
        data: Vec<u8>,
        app: Vec<AppMessage>,
    },
    /// An application protocol's remark.
    Proto(ProtoNote),
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
        /// The peer's Close answers an application protocol's farewell (RabbitMQ closes with
        /// "STOMP died" where a RECEIPT for DISCONNECT was due): expected, shown with `-v` only.
        farewell: bool,
    },
    /// A frame seen by the tap.
    Frame(TappedFrame),
    /// Text for people that holds no fact a script needs, written as it is (the REPL's
    /// `/help`, the messages `/last` shows again).
    Plain(String),
    /// A neutral remark, or the answer to a REPL command (`/status`).
    Info(Info),
    /// Something the user should know but that does not end the session.
    Warning(Warning),
    /// The error that ends the session (printed by the renderer in the REPL and JSONL modes).
    Failure(Error),
    /// How the run ended: its last event, after the `Failure` of a run that failed.
    End(End),
}

/// How a client run ended: the exit status's kind and the facts behind it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct End {
    /// What made the run fail; `None`: it ended well (exit status 0).
    pub failure: Option<Kind>,
    /// The last connection's first Close frame, either way: who began the close handshake
    /// (`None`: no Close frame went either way, or no connection opened).
    pub first_close: Option<FirstClose>,
    /// Data messages each way, over every connection of the run.
    pub received: Traffic,
    pub sent: Traffic,
}

/// The Close frame that began a close handshake.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FirstClose {
    /// `In`: the peer sent it; `Out`: wscope did.
    pub dir: Dir,
    pub code: Option<u16>,
    pub reason: String,
}

/// An event with the moment it happened.
#[derive(Debug, Clone)]
pub(crate) struct Stamped {
    pub at: SystemTime,
    pub event: Event,
}
