//! Typed errors, classified where they happen, and the one table that maps them to exit codes.
//!
//! Every failure in wscope becomes an [`Error`] with a [`Kind`] (and, where the program decides
//! on it, a typed [`Cause`]); `main` prints it as one line (`wscope: error: <what>`), an
//! optional hint line, and exits with [`Kind::exit_code`].

use std::fmt;

/// What went wrong, as far as the exit status is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Anything not covered below (local I/O failures).
    Other,
    /// Bad command line: unknown option, malformed URL or header.
    Usage,
    /// TCP connection could not be established (refused, DNS, unreachable).
    Connect,
    /// TLS failed: certificate verification, protocol mismatch, unreadable key material.
    Tls,
    /// The server answered the upgrade with something other than a valid 101.
    Rejected,
    /// The peer broke RFC 6455 (bad frame, invalid UTF-8, oversized message...).
    Protocol,
    /// The connection ended without a Close frame.
    Abnormal,
    /// The peer closed with a code other than 1000 (normal) or 1001 (going away).
    PeerClose,
    /// A configured time limit passed (connect, handshake, close, ping).
    Timeout,
    /// Input wscope was asked to send is unusable (invalid UTF-8 line, unreadable file).
    Input,
    /// A proxy refused the tunnel or failed during its handshake (407, 403, SOCKS error).
    Proxy,
    /// The session ended before `-n N` messages arrived.
    Incomplete,
    /// `wscope replay --expect`: the messages received are not the recorded ones.
    Differs,
    /// `wscope probe`: the server broke a MUST of RFC 6455 or RFC 7692 (a FAIL on the report card).
    Nonconformant,
    /// The `--coproc` program could not start, exited with a non-zero status or was killed by
    /// a signal (and the connection had not failed before).
    Coproc,
    /// Interrupted by Ctrl-C / SIGINT.
    Interrupted,
}

/// The exit-code table. These numbers are part of the interface: scripts depend on them.
pub mod code {
    /// The session ended with a clean close (1000 or 1001 from the peer, or our own close acknowledged).
    pub const OK: u8 = 0;
    /// Any other local failure.
    pub const OTHER: u8 = 1;
    /// Usage error: bad option, URL or header.
    pub const USAGE: u8 = 2;
    /// Could not connect (refused, DNS failure, unreachable).
    pub const CONNECT: u8 = 3;
    /// TLS failure (certificate, protocol, key material).
    pub const TLS: u8 = 4;
    /// Handshake rejected: non-101 answer or an invalid 101.
    pub const REJECTED: u8 = 5;
    /// Protocol error by the peer (RFC 6455 violation).
    pub const PROTOCOL: u8 = 6;
    /// Abnormal closure: the connection ended without a Close frame.
    pub const ABNORMAL: u8 = 7;
    /// The peer closed with a code other than 1000/1001.
    pub const PEER_CLOSE: u8 = 8;
    /// A timeout (connect, handshake, close handshake, ping).
    pub const TIMEOUT: u8 = 9;
    /// Unusable input (stdin line not UTF-8 in text mode, unreadable file).
    pub const INPUT: u8 = 10;
    /// The proxy refused the tunnel or failed (407, 403, SOCKS error).
    pub const PROXY: u8 = 11;
    /// Fewer messages arrived than `-n N` asked for.
    pub const INCOMPLETE: u8 = 12;
    /// `wscope replay --expect`: the messages received differ from the recording.
    pub const DIFFERS: u8 = 13;
    /// `wscope probe` found the server breaking a MUST (a FAIL on the report card).
    pub const NONCONFORMANT: u8 = 14;
    /// The `--coproc` program failed: it could not start, exited non-zero or was killed by a
    /// signal. A connection that failed first keeps its own status.
    pub const COPROC: u8 = 15;
    /// Interrupted by Ctrl-C.
    pub const INTERRUPTED: u8 = 130;
}

/// The exit status table as shown in `--help`, the man page and the README.
pub const EXIT_STATUS_TABLE: &[(u8, &str)] = &[
    (
        code::OK,
        "clean close (peer closed with 1000/1001, or acknowledged our Close)",
    ),
    (code::OTHER, "other local failure"),
    (code::USAGE, "usage error (bad option, URL or header)"),
    (
        code::CONNECT,
        "connection failed (refused, DNS, unreachable)",
    ),
    (code::TLS, "TLS failed (certificate, protocol, key files)"),
    (
        code::REJECTED,
        "handshake rejected (non-101 status or invalid 101)",
    ),
    (code::PROTOCOL, "protocol error by the peer"),
    (
        code::ABNORMAL,
        "abnormal closure: connection lost without a Close frame",
    ),
    (
        code::PEER_CLOSE,
        "peer closed with a code other than 1000/1001",
    ),
    (code::TIMEOUT, "timeout (connect, handshake, close, ping)"),
    (
        code::INPUT,
        "unusable input (stdin line not UTF-8, unreadable file)",
    ),
    (
        code::PROXY,
        "the proxy refused the tunnel or failed (407, 403, SOCKS error)",
    ),
    (
        code::INCOMPLETE,
        "fewer messages than -n asked for (server closed, --wait passed)",
    ),
    (
        code::DIFFERS,
        "replay --expect: the messages received differ from the recording",
    ),
    (
        code::NONCONFORMANT,
        "probe: the server broke a MUST of RFC 6455 or 7692 (a FAIL on the report card)",
    ),
    (
        code::COPROC,
        "the --coproc program failed (could not start, exited non-zero, killed by a signal) and the connection did not fail first",
    ),
    (code::INTERRUPTED, "interrupted (Ctrl-C)"),
];

impl Kind {
    /// The process exit status for this kind of failure.
    pub fn exit_code(self) -> u8 {
        match self {
            Kind::Other => code::OTHER,
            Kind::Usage => code::USAGE,
            Kind::Connect => code::CONNECT,
            Kind::Tls => code::TLS,
            Kind::Rejected => code::REJECTED,
            Kind::Protocol => code::PROTOCOL,
            Kind::Abnormal => code::ABNORMAL,
            Kind::PeerClose => code::PEER_CLOSE,
            Kind::Timeout => code::TIMEOUT,
            Kind::Input => code::INPUT,
            Kind::Proxy => code::PROXY,
            Kind::Incomplete => code::INCOMPLETE,
            Kind::Differs => code::DIFFERS,
            Kind::Nonconformant => code::NONCONFORMANT,
            Kind::Coproc => code::COPROC,
            Kind::Interrupted => code::INTERRUPTED,
        }
    }
}

/// What exactly happened, where the program decides on it (whether to connect again): a
/// typed fact set where the failure is found, so that rewording a message changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Cause {
    /// Nothing the program decides on.
    #[default]
    Unspecified,
    /// The server closed the TCP connection before it finished answering the upgrade.
    ClosedDuringHandshake,
}

/// A classified failure: what happened, and optionally what the user can do about it.
#[derive(Debug, Clone)]
pub struct Error {
    pub kind: Kind,
    pub message: String,
    pub hint: Option<String>,
    pub cause: Cause,
    /// The user has seen what happened already (they pressed Ctrl-C; the probe's report card
    /// shows the failures): the final report on stderr says nothing more. JSON Lines still
    /// ends with it.
    pub already_shown: bool,
}

impl Error {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            hint: None,
            cause: Cause::Unspecified,
            already_shown: false,
        }
    }

    /// Ctrl-C ended it: exit status 130, and nothing more to say on stderr.
    pub fn interrupted() -> Self {
        Error::new(Kind::Interrupted, "interrupted (Ctrl-C)").shown()
    }

    /// Marks the error as seen already (see [`Error::already_shown`]).
    pub fn shown(mut self) -> Self {
        self.already_shown = true;
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Records what exactly happened (see [`Cause`]).
    pub fn because(mut self, cause: Cause) -> Self {
        self.cause = cause;
        self
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Error::new(Kind::Usage, message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Renders the exit status table as aligned text lines (for help and man page).
pub fn exit_status_text() -> String {
    EXIT_STATUS_TABLE
        .iter()
        .map(|(c, what)| format!("  {c:>3}  {what}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_distinct() {
        let mut codes: Vec<u8> = EXIT_STATUS_TABLE.iter().map(|(c, _)| *c).collect();
        let n = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), n);
    }

    #[test]
    fn every_kind_is_in_the_table() {
        let kinds = [
            Kind::Other,
            Kind::Usage,
            Kind::Connect,
            Kind::Tls,
            Kind::Rejected,
            Kind::Protocol,
            Kind::Abnormal,
            Kind::PeerClose,
            Kind::Timeout,
            Kind::Input,
            Kind::Proxy,
            Kind::Incomplete,
            Kind::Nonconformant,
            Kind::Coproc,
            Kind::Interrupted,
        ];
        for k in kinds {
            assert!(EXIT_STATUS_TABLE.iter().any(|(c, _)| *c == k.exit_code()));
        }
    }
}
