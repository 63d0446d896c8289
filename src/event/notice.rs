//! wscope's own remarks as facts: [`Info`] (answers to the REPL and neutral remarks) and
//! [`Warning`] (something the user should know that does not end the session). The
//! sentences people read are worded in `render` only; JSON Lines carries these fields.

use crate::wire::deflate::{Agreed, Totals};
use std::time::Duration;

/// How a `--coproc` program ended (what it means for its connection and the exit status is
/// `coproc`'s).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ending {
    /// It exited with this status.
    Exited(i32),
    /// A signal killed it.
    Signaled(i32),
    /// Its end could not be learned (it was not reaped even after SIGKILL).
    Unknown,
}

/// A neutral remark, or the answer to a REPL command.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Info {
    /// `/status`.
    Status(Status),
    /// `/filter`: the filter in use, if any.
    FilterIs { expr: Option<String> },
    /// `/filter EXPR` or `/filter off` took effect.
    FilterSet { expr: Option<String> },
    /// `/frames on|off`.
    FrameDump { on: bool },
    /// `/pretty on|off`.
    Pretty { on: bool },
    /// The first data message arrived this long after the upgrade.
    FirstMessage { after: Duration },
    /// A `--reply` rule answered a message with `response`.
    AutoReply { rule: usize, response: String },
    /// `dropped` messages arrived after `-n count` was reached, during the close handshake.
    NotPrinted { dropped: u64, count: u64 },
    /// `-L`: the upgrade is redirected to this URL (with its password; masked when shown).
    Redirect { to: String },
}

/// Something the user should know that does not end the session.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Warning {
    /// A message to send while the connection is closing: not sent.
    Closing,
    /// `/uncompressed` when permessage-deflate was not agreed.
    NotCompressed,
    /// Everything `-n` asked for arrived, but the peer did not answer our Close in `limit`.
    CloseUnanswered { limit: Duration, received: u64 },
    /// A `--reply` rule fires more than `per_second` times a second; its replies are dropped.
    ReplyLimited {
        rule: usize,
        matches: String,
        per_second: u32,
    },
    /// `--decode` failed on a message, which is shown as received.
    DecodeFailed { error: String },
    /// `--filter` failed on a message (or its results were cut).
    FilterFailed { error: String },
    /// The `--coproc` program did not exit within `grace` after its input closed; it was
    /// stopped and ended so.
    CoprocStopped { grace: Duration, ending: Ending },
    /// `--insecure`: the server's certificate is not verified.
    Insecure,
    /// The server selected none of the subprotocols offered.
    SubprotocolsDeclined { offered: Vec<String> },
    /// The server accepted none of the extensions the user offered.
    ExtensionsDeclined { offered: Vec<String> },
    /// `--deflate-window-bits` above the window agreed: RFC 7692 broken on purpose.
    WindowBits { bits: u8, agreed: u8 },
    /// Without `--proto`, the server evidently speaks an application protocol wscope speaks:
    /// `protocol` is its `--proto` name, `evidence` what gave it away.
    ProtoGuess {
        protocol: &'static str,
        evidence: String,
    },
    /// The server's first message is SockJS's open frame: the URL is a SockJS session's, not
    /// the endpoint's raw WebSocket.
    SockJs,
}

/// The connection's state and counters, for `/status`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Status {
    /// Our Close has been sent.
    pub closing: bool,
    pub uptime: Duration,
    pub received: Traffic,
    pub sent: Traffic,
    /// The round trip of the last ping answered.
    pub last_rtt: Option<Duration>,
    pub compression: Option<CompressionStatus>,
}

/// Data messages one way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Traffic {
    pub messages: u64,
    pub bytes: u64,
}

/// permessage-deflate at work: what was agreed and the bytes each way.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct CompressionStatus {
    pub agreed: Agreed,
    pub received: Totals,
    pub sent: Totals,
}
