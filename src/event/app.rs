//! Application messages (`--proto`) as facts: what a protocol decoded from the WebSocket
//! messages it received, or encoded into the ones it sent, and the protocol's own remarks.
//! The protocols (`proto`) make them; output, `render` and JSON Lines show them. Plain data.

use std::time::Duration;

/// One application message: a Socket.IO event, a GraphQL result, a STOMP MESSAGE, a JSON-RPC
/// response. It is printed as one line (`text`); `-n`, `--filter`, `/last` and recordings
/// count and see these, not the WebSocket messages that carry them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AppMessage {
    /// The protocol's name, as `--proto` takes it (`socketio`).
    pub protocol: &'static str,
    /// What it is in the protocol's terms (`event`, `ack`, `emit`...), for scripts.
    pub kind: &'static str,
    /// The line it is printed as: compact JSON where the protocol carries JSON.
    pub text: String,
    /// `text` is JSON (JSON Lines carry it as a value, not as a string).
    pub json: bool,
    /// The protocol's facts about it (namespace, ack id, latency...), for `-v` and JSON Lines.
    pub facts: Vec<(&'static str, Fact)>,
    /// A message the user sent: the input line that sends it again (`wscope replay`).
    pub input: Option<String>,
}

/// One fact about an application message or a protocol's remark.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Fact {
    Text(String),
    Number(u64),
    /// A duration, written in milliseconds.
    Millis(Duration),
    /// A JSON value as the peer wrote it.
    Json(String),
}

/// How much a protocol's remark matters, which decides where it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NoteLevel {
    /// Shown where wscope's remarks are (the REPL, `-v`): the session is connected, the server
    /// asks for an acknowledgement.
    Info,
    /// Shown with `-v` only: the protocol's housekeeping (its handshake's parameters).
    Detail,
    /// Shown always: something the user should know (a malformed packet that was skipped).
    Warning,
    /// The answer to a protocol's REPL command (`/pending`, `/ops`): shown where it was asked.
    // For the protocols after Socket.IO, whose REPL commands answer (`/pending`, `/ops`).
    Answer,
    /// Something the user asked for failed (a JSON-RPC error response, a call that got no
    /// answer): shown always, as wscope's errors are; the session goes on, and ends with
    /// status 17 (the protocol's `failed()`) unless something worse happens.
    Failed,
}

/// A remark of the protocol's, worded by it (its terms are its own), with the facts for
/// JSON Lines.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ProtoNote {
    pub protocol: &'static str,
    /// What the remark is about, for scripts (`connected`, `ack_asked`, `malformed`).
    pub kind: &'static str,
    pub level: NoteLevel,
    /// The sentence people read.
    pub text: String,
    pub facts: Vec<(&'static str, Fact)>,
}

/// The application protocol a connection speaks (`--proto`), for its `open` line: what
/// `wscope replay` needs to speak it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProtoSession {
    /// Its `--proto` name.
    pub name: &'static str,
    /// The URL as the user gave it (with its password; masked when shown).
    pub url: String,
}

impl ProtoNote {
    pub(crate) fn new(
        protocol: &'static str,
        kind: &'static str,
        level: NoteLevel,
        text: String,
        facts: Vec<(&'static str, Fact)>,
    ) -> Self {
        ProtoNote {
            protocol,
            kind,
            level,
            text,
            facts,
        }
    }
}

impl AppMessage {
    /// A message that carries JSON (printed compact, highlighted), not typed by the user.
    pub(crate) fn json(
        protocol: &'static str,
        kind: &'static str,
        text: String,
        facts: Vec<(&'static str, Fact)>,
    ) -> Self {
        AppMessage {
            protocol,
            kind,
            text,
            json: true,
            facts,
            input: None,
        }
    }
}
