//! wscope's own remarks as JSON Lines: `info` and `warning` lines, each naming its `notice`
//! with the facts as fields and the sentence a person reads as `message`; the `error` that
//! ends a run that fails, and the `end` that ends every client run.

use super::connection::Deflate;
use super::time::Millis;
use serde::{Deserialize, Serialize};

/// An `info` or `warning` line. Text wscope writes for people only (`/help`, `/last`) has
/// no notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Note {
    #[serde(flatten)]
    pub notice: Option<Notice>,
    pub message: String,
}

/// What a remark is about, with its facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "notice", rename_all = "snake_case")]
pub(crate) enum Notice {
    /// The REPL's `/status`.
    Status(Status),
    /// The REPL's `/filter`: the filter in use (`null`: none).
    Filter { expr: Option<String> },
    /// `/filter EXPR` or `/filter off` took effect.
    FilterSet { expr: Option<String> },
    /// `/frames on|off`.
    FrameDump { on: bool },
    /// `/pretty on|off`.
    Pretty { on: bool },
    /// The first message arrived (with `-v` or `--timing`).
    FirstMessage { after_ms: Millis },
    /// A `--reply` rule answered a message.
    AutoReply { rule: usize, response: String },
    /// Messages that arrived after `-n` was reached, during the close handshake.
    NotPrinted { dropped: u64, count: u64 },
    /// `-L`: the upgrade was redirected there.
    Redirect { url: String },
    /// A message was typed while the connection was closing; it was not sent.
    Closing,
    /// `/uncompressed` without permessage-deflate agreed.
    NotCompressed,
    /// With `-n` satisfied, the peer did not answer our Close in time.
    CloseUnanswered { limit_ms: Millis, received: u64 },
    /// A `--reply` rule fires too often; its replies are dropped.
    ReplyLimited {
        rule: usize,
        matches: String,
        per_second: u32,
    },
    /// `--decode` failed on a message (shown as received).
    DecodeFailed { error: String },
    /// `--filter` failed on a message (or was cut).
    FilterFailed { error: String },
    /// The `--coproc` program did not exit in time after its input closed and was stopped.
    CoprocStopped {
        grace_ms: Millis,
        exit_status: Option<i32>,
        signal: Option<i32>,
    },
    /// `--insecure`: the certificate is not verified.
    Insecure,
    /// The server selected none of the subprotocols offered.
    SubprotocolsDeclined { offered: Vec<String> },
    /// The server accepted none of the extensions offered with `-H`.
    ExtensionsDeclined { offered: Vec<String> },
    /// `--deflate-window-bits` above what was agreed.
    WindowBits { bits: u8, agreed: u8 },
    /// Without `--proto`, the server evidently speaks an application protocol wscope speaks.
    ProtoGuess { protocol: String },
    /// The server's first message is SockJS's open frame (the URL is a SockJS session's).
    #[serde(rename = "sockjs")]
    SockJs,
    /// An application protocol's remark (`--proto`): which protocol, what about (`connected`,
    /// `ack_asked`...), and its facts.
    Proto {
        protocol: String,
        about: String,
        #[serde(default)]
        facts: serde_json::Map<String, serde_json::Value>,
    },
}

/// `/status`: the connection's state and counters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Status {
    pub state: State,
    pub uptime_ms: Millis,
    pub received: Traffic,
    pub sent: Traffic,
    /// The round trip of the last ping answered.
    pub last_rtt_ms: Option<Millis>,
    /// With permessage-deflate: the parameters and the bytes each way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deflate: Option<Compression>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum State {
    Open,
    Closing,
}

/// Data messages one way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Traffic {
    pub messages: u64,
    pub bytes: u64,
}

/// permessage-deflate at work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Compression {
    #[serde(flatten)]
    pub agreed: Deflate,
    pub received: Compressed,
    pub sent: Compressed,
}

/// Bytes on the wire against message bytes, one way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Compressed {
    pub wire_bytes: u64,
    pub message_bytes: u64,
    pub compressed_messages: u64,
    pub messages: u64,
}

/// The error that ends a run (or a REPL command's failure, or under `--proto` a call or
/// operation that failed: then `notice` says which, with its facts, and `exit_code` is the
/// status the run ends with unless something worse happens).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Error {
    pub exit_code: u8,
    #[serde(flatten)]
    pub notice: Option<Notice>,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// The last line of a client run (after the `error` of one that failed): its exit status with
/// the meaning the exit status table gives it, and what led there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct End {
    pub exit_code: u8,
    pub meaning: String,
    /// The last connection's close handshake, by the side that began it; `null` when no
    /// Close frame went either way (the connection was lost, or never opened).
    pub close: Option<Closed>,
    /// Data messages each way, over every connection of the run.
    pub received: Traffic,
    pub sent: Traffic,
}

/// The Close frame that began a close handshake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Closed {
    pub by: Side,
    pub code: Option<u16>,
    #[serde(default)]
    pub reason: String,
}

/// Which end of the connection did something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Side {
    Peer,
    Wscope,
}
