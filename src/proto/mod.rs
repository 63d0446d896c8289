//! Application protocols over WebSocket (`--proto`): the pure part of the protocol layer.
//!
//! An application protocol turns what the user types into WebSocket messages and received
//! messages into application messages. Each protocol is a folder with its codec (what goes on
//! the wire, both ways) and its input grammar (what a line or a REPL command means); neither
//! does any I/O, keeps a clock or starts a timer: the session that wires a protocol in owns
//! the state machine, the timers and the socket.
//!
//! The contract every decoder here keeps: any input, however hostile, gives a value or a typed
//! error whose text says what is wrong and where (a column, a field, a header), never a panic;
//! and every count, size and nesting level is bounded so that a peer cannot make wscope
//! allocate without limit. Where the user should see exactly what the server sent (JSON
//! payloads, STOMP bodies), the original text is kept, not a re-serialised copy: key order,
//! number spelling and escapes stay as the peer wrote them.
//!
//! `layer` is the contract between a protocol and the session that drives it (the
//! `Protocol` trait and the `Step` each reaction returns); [`ProtoKind`] names the
//! protocols `--proto` takes and `Settings` holds one's options as `config` validated them;
//! `guess` recognises a protocol that is spoken to wscope without `--proto`.
//!
//! - [`socketio`]: Engine.IO v3/v4 packets, Socket.IO v4/v5 packets and binary attachments;
//!   the client's state machine.
//! - [`graphql`]: GraphQL over WebSocket, `graphql-transport-ws` and the legacy `graphql-ws`.
//! - [`stomp`]: STOMP 1.0–1.2 frames, heart-beats and the REPL's STOMP commands.
//! - [`jsonrpc`]: JSON-RPC 2.0 calls, batches, received messages and the pending calls.
//! - [`json_text`] and [`args`]: what the four share (raw JSON values and members, the words
//!   of a REPL command, located errors).

pub mod args;
pub mod fuzzing;
pub mod graphql;
pub(crate) mod guess;
pub mod json_text;
pub mod jsonrpc;
pub(crate) mod layer;
pub mod socketio;
pub mod stomp;
#[cfg(test)]
mod strategies;

pub use layer::CommandSpec;
pub(crate) use layer::{Files, Outgoing, Pending, Protocol, Readiness, Step, WsData};

use std::time::Instant;

/// The application protocols `--proto` speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtoKind {
    SocketIo,
    Graphql,
    Stomp,
    JsonRpc,
}

impl ProtoKind {
    /// Every protocol, in the order the docs list them.
    pub const ALL: &'static [ProtoKind] = &[
        ProtoKind::SocketIo,
        ProtoKind::Graphql,
        ProtoKind::Stomp,
        ProtoKind::JsonRpc,
    ];

    /// The name `--proto` takes, JSON Lines and recordings carry.
    pub(crate) fn name(self) -> &'static str {
        match self {
            ProtoKind::SocketIo => socketio::messages::NAME,
            ProtoKind::Graphql => graphql::words::NAME,
            ProtoKind::Stomp => stomp::messages::NAME,
            ProtoKind::JsonRpc => jsonrpc::messages::NAME,
        }
    }

    /// The protocol by the name `--proto` takes.
    pub(crate) fn from_name(name: &str) -> Option<ProtoKind> {
        ProtoKind::ALL.iter().copied().find(|k| k.name() == name)
    }

    /// The protocol's name for people.
    pub(crate) fn title(self) -> &'static str {
        match self {
            ProtoKind::SocketIo => "Socket.IO",
            ProtoKind::Graphql => "GraphQL",
            ProtoKind::Stomp => "STOMP",
            ProtoKind::JsonRpc => "JSON-RPC",
        }
    }

    /// Its REPL commands.
    pub fn commands(self) -> &'static [CommandSpec] {
        match self {
            ProtoKind::SocketIo => socketio::commands::COMMANDS,
            ProtoKind::Graphql => graphql::commands::COMMANDS,
            ProtoKind::Stomp => stomp::commands::COMMANDS,
            ProtoKind::JsonRpc => jsonrpc::commands::COMMANDS,
        }
    }

    /// Whether a REPL entry that is not JSON is left open in the protocol's grammar, to go on
    /// over the next lines (GraphQL: a document with a brace not yet closed).
    pub fn open_entry(self) -> Option<fn(&str) -> bool> {
        match self {
            ProtoKind::Graphql => Some(graphql::document::is_open),
            _ => None,
        }
    }

    /// What a plain line (or a stdin line) is, for `/help`.
    pub(crate) fn input_help(self) -> &'static str {
        match self {
            ProtoKind::SocketIo => socketio::commands::INPUT_HELP,
            ProtoKind::Graphql => graphql::commands::INPUT_HELP,
            ProtoKind::Stomp => stomp::commands::INPUT_HELP,
            ProtoKind::JsonRpc => jsonrpc::commands::INPUT_HELP,
        }
    }
}

/// A protocol and its options, as `config` validated them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Settings {
    SocketIo(socketio::Settings),
    Graphql(graphql::Settings),
    Stomp(stomp::Settings),
    JsonRpc(jsonrpc::Settings),
}

impl Settings {
    pub(crate) fn kind(&self) -> ProtoKind {
        match self {
            Settings::SocketIo(_) => ProtoKind::SocketIo,
            Settings::Graphql(_) => ProtoKind::Graphql,
            Settings::Stomp(_) => ProtoKind::Stomp,
            Settings::JsonRpc(_) => ProtoKind::JsonRpc,
        }
    }

    /// The subprotocols to offer when the user offers none (`-s`), in order of preference.
    pub(crate) fn subprotocols(&self) -> &'static [&'static str] {
        match self {
            Settings::SocketIo(_) | Settings::JsonRpc(_) => &[],
            Settings::Graphql(s) => s.subprotocols(),
            Settings::Stomp(_) => &stomp::frame::SUBPROTOCOLS,
        }
    }

    /// A second offer, for a server that selected `selected` from the first and closed with
    /// `code` before it sent any message: a server known to answer the protocol's usual offer
    /// so, which takes another (GraphQL: `subscriptions-transport-ws`, which takes the first
    /// subprotocol offered and speaks only `graphql-ws`). The client connects once more with
    /// it, when the offer was the protocol's own (no `-s`).
    pub(crate) fn offer_again(
        &self,
        selected: Option<&str>,
        code: Option<u16>,
    ) -> Option<&'static [&'static str]> {
        match self {
            Settings::SocketIo(_) | Settings::Stomp(_) | Settings::JsonRpc(_) => None,
            Settings::Graphql(s) => s.offer_again(selected, code),
        }
    }

    /// What to say when the server refuses the upgrade (the URL the protocol derived may not
    /// be the server's).
    pub(crate) fn rejection_hint(&self) -> &'static str {
        match self {
            Settings::SocketIo(_) => {
                "--proto socketio connects to the server's Engine.IO path (/socket.io/ unless --socketio-path says otherwise) and takes the URL's path as the namespace; a Socket.IO 2 server needs --eio 3"
            }
            Settings::Graphql(_) => {
                "--proto graphql connects to the URL as given: is it the server's GraphQL WebSocket endpoint (often /graphql or /subscriptions)?"
            }
            Settings::Stomp(_) => {
                "--proto stomp connects to the URL as given: the broker's STOMP-over-WebSocket endpoint (RabbitMQ: /ws; a Spring or other SockJS endpoint: its raw WebSocket, the endpoint's path + /websocket)"
            }
            Settings::JsonRpc(_) => {
                "--proto jsonrpc connects to the URL as given: is it the server's WebSocket endpoint? (an Ethereum node often serves WebSocket on a port of its own, e.g. geth's 8546)"
            }
        }
    }

    /// A fresh state machine for one connection.
    pub(crate) fn start(&self, now: Instant) -> Box<dyn Protocol> {
        match self {
            Settings::SocketIo(s) => Box::new(socketio::Client::new(s.clone(), now)),
            Settings::Graphql(s) => Box::new(graphql::Connection::new(s.clone())),
            Settings::Stomp(s) => Box::new(stomp::Client::new(s.clone(), now)),
            Settings::JsonRpc(s) => Box::new(jsonrpc::Client::new(s.clone())),
        }
    }
}
