//! STOMP frames: a command, headers in order (repeats kept; the first one counts), a body of
//! bytes; and the protocol versions.

use std::fmt;

/// The STOMP versions, as negotiated in CONNECT (`accept-version`) and CONNECTED (`version`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Version {
    V1_0,
    V1_1,
    V1_2,
}

/// What a client offers in `accept-version`.
pub(crate) const ACCEPT_VERSION: &str = "1.0,1.1,1.2";

/// The WebSocket subprotocols a client offers, newest first.
pub(crate) const SUBPROTOCOLS: [&str; 3] = ["v12.stomp", "v11.stomp", "v10.stomp"];

impl Version {
    /// `1.0`, `1.1`, `1.2`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Version::V1_0 => "1.0",
            Version::V1_1 => "1.1",
            Version::V1_2 => "1.2",
        }
    }

    /// The version of a CONNECTED frame's `version` header (absent means 1.0).
    pub(crate) fn parse(value: &str) -> Option<Version> {
        [Version::V1_0, Version::V1_1, Version::V1_2]
            .into_iter()
            .find(|v| v.as_str() == value)
    }

    /// The version a server selected with its subprotocol (`v12.stomp`).
    pub(crate) fn from_subprotocol(name: &str) -> Option<Version> {
        let i = SUBPROTOCOLS.iter().position(|s| *s == name)?;
        Some([Version::V1_2, Version::V1_1, Version::V1_0][i])
    }
}

/// The frame commands of STOMP 1.0–1.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Command {
    Connect,
    /// STOMP 1.2's name for CONNECT.
    Stomp,
    Connected,
    Send,
    Subscribe,
    Unsubscribe,
    Ack,
    Nack,
    Begin,
    Commit,
    Abort,
    Disconnect,
    Message,
    Receipt,
    Error,
}

impl Command {
    pub(crate) const ALL: [Command; 15] = [
        Command::Connect,
        Command::Stomp,
        Command::Connected,
        Command::Send,
        Command::Subscribe,
        Command::Unsubscribe,
        Command::Ack,
        Command::Nack,
        Command::Begin,
        Command::Commit,
        Command::Abort,
        Command::Disconnect,
        Command::Message,
        Command::Receipt,
        Command::Error,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Command::Connect => "CONNECT",
            Command::Stomp => "STOMP",
            Command::Connected => "CONNECTED",
            Command::Send => "SEND",
            Command::Subscribe => "SUBSCRIBE",
            Command::Unsubscribe => "UNSUBSCRIBE",
            Command::Ack => "ACK",
            Command::Nack => "NACK",
            Command::Begin => "BEGIN",
            Command::Commit => "COMMIT",
            Command::Abort => "ABORT",
            Command::Disconnect => "DISCONNECT",
            Command::Message => "MESSAGE",
            Command::Receipt => "RECEIPT",
            Command::Error => "ERROR",
        }
    }

    /// The command a line names (exactly, in capitals).
    pub(crate) fn parse(line: &str) -> Option<Command> {
        Command::ALL.into_iter().find(|c| c.as_str() == line)
    }

    /// True for the frames a server sends (CONNECTED, MESSAGE, RECEIPT, ERROR).
    pub(crate) fn is_from_server(self) -> bool {
        matches!(
            self,
            Command::Connected | Command::Message | Command::Receipt | Command::Error
        )
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A frame. Header names and values are decoded (escapes undone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub(crate) command: Command,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Frame {
    pub(crate) fn new(command: Command) -> Self {
        Frame {
            command,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Adds a header after the others.
    pub(crate) fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Sets the body.
    pub(crate) fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// The value of the first header called `name` (a repeated header's later values do not
    /// count).
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}
