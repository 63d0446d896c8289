//! Typed errors, classified where they happen, and the one table that maps them to exit codes.
//!
//! Every failure in wscope becomes an [`Error`] with a `Kind` (and, where the program decides
//! on it, a typed `Cause`); `main` prints it as one line (`wscope: error: <what>`), an
//! optional hint line, and exits with `Kind::exit_code`.
//!
//! The exit statuses are declared once, in `exit_statuses!`: each kind with its code and its
//! meaning for users. `Kind`, `Kind::exit_code`, `Kind::meaning`, `Kind::ALL` (for tests) and
//! [`EXIT_STATUS_TABLE`] (which `--help`, the man page and the README show) all come from that
//! one list, so a kind cannot have a code without a line in the docs, or the other way round.

use std::fmt;

/// Declares [`Kind`] and everything derived from it from one list of
/// `Variant = code, "meaning for users";` (each with its doc comment for developers).
macro_rules! exit_statuses {
    ($($(#[$doc:meta])* $kind:ident = $code:literal, $meaning:literal;)*) => {
        /// What went wrong, as far as the exit status is concerned.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Kind {
            $($(#[$doc])* $kind,)*
        }

        impl Kind {
            /// Every kind, in the order of the table (the test that covers the table).
            #[cfg(test)]
            pub(crate) const ALL: &'static [Kind] = &[$(Kind::$kind),*];

            /// The process exit status for this kind of failure. These numbers are part of
            /// the interface: scripts depend on them.
            pub(crate) fn exit_code(self) -> u8 {
                match self {
                    $(Kind::$kind => $code,)*
                }
            }

            /// What the exit status means, as `--help`, the man page and the README say it.
            pub(crate) fn meaning(self) -> &'static str {
                match self {
                    $(Kind::$kind => $meaning,)*
                }
            }
        }

        /// The exit status table as shown in `--help`, the man page and the README: the clean
        /// end first, then every kind of failure.
        pub const EXIT_STATUS_TABLE: &[(u8, &str)] = &[CLEAN, $(($code, $meaning)),*];
    };
}

/// The exit status of a session that ended well.
pub(crate) const CLEAN: (u8, &str) = (
    0,
    "clean close (peer closed with 1000/1001, or acknowledged our Close)",
);

exit_statuses! {
    /// Anything not covered below (local I/O failures).
    Other = 1, "other local failure";
    /// Bad command line: unknown option, malformed URL or header.
    Usage = 2, "usage error (bad option, URL or header)";
    /// TCP connection could not be established (refused, DNS, unreachable).
    Connect = 3, "connection failed (refused, DNS, unreachable)";
    /// TLS failed: certificate verification, protocol mismatch, unreadable key material.
    Tls = 4, "TLS failed (certificate, protocol, key files)";
    /// The server answered the upgrade with something other than a valid 101.
    Rejected = 5, "handshake rejected (non-101 status or invalid 101)";
    /// The peer broke RFC 6455 (bad frame, invalid UTF-8, oversized message...).
    Protocol = 6, "protocol error by the peer";
    /// The connection ended without a Close frame.
    Abnormal = 7, "abnormal closure: connection lost without a Close frame";
    /// The peer closed with a code other than 1000 (normal) or 1001 (going away).
    PeerClose = 8, "peer closed with a code other than 1000/1001";
    /// A configured time limit passed (connect, handshake, close, ping).
    Timeout = 9, "timeout (connect, handshake, close, ping)";
    /// Input wscope was asked to send is unusable (invalid UTF-8 line, unreadable file).
    Input = 10, "unusable input (stdin line not UTF-8, unreadable file)";
    /// A proxy refused the tunnel or failed during its handshake (407, 403, SOCKS error).
    Proxy = 11, "the proxy refused the tunnel or failed (407, 403, SOCKS error)";
    /// The session ended before `-n N` messages arrived.
    Incomplete = 12, "fewer messages than -n asked for (server closed, --wait passed)";
    /// `wscope replay --expect`: the messages received are not the recorded ones.
    Differs = 13, "replay --expect: the messages received differ from the recording";
    /// `wscope probe`: the server broke a MUST of RFC 6455 or RFC 7692 (a FAIL on the report card).
    Nonconformant = 14, "probe: the server broke a MUST of RFC 6455 or 7692 (a FAIL on the report card)";
    /// The `--coproc` program could not start, exited with a non-zero status or was killed by
    /// a signal (and the connection had not failed before).
    Coproc = 15, "the --coproc program failed (could not start, exited non-zero, killed by a signal) and the connection did not fail first";
    /// `--proto`: the server refused the application protocol's session, ended it, or does not
    /// speak the protocol (Socket.IO CONNECT_ERROR or DISCONNECT, a STOMP ERROR, a GraphQL
    /// connection_error); the server's own message is the error's.
    ProtoRefused = 16, "--proto: the server refused or ended the application protocol's session, or does not speak it (its message is shown)";
    /// `--proto`: an operation or call the user made failed (a GraphQL error, a JSON-RPC error
    /// response) while the connection itself ended well.
    // Documented now; the GraphQL and JSON-RPC layers (the next protocol issues) produce it.
    ProtoFailed = 17, "--proto: an operation or call failed (a GraphQL error, a JSON-RPC error response); the connection ended well";
    /// Interrupted by Ctrl-C / SIGINT.
    Interrupted = 130, "interrupted (Ctrl-C)";
}

/// What exactly happened, where the program decides on it (whether to connect again): a
/// typed fact set where the failure is found, so that rewording a message changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Cause {
    /// Nothing the program decides on.
    #[default]
    Unspecified,
    /// The server closed the TCP connection before it finished answering the upgrade.
    ClosedDuringHandshake,
    /// The peer's Close frame, with this code, ended the session (an application protocol may
    /// connect again with another offer, or name the protocol the code belongs to).
    PeerClosed(u16),
}

/// A classified failure: what happened, and optionally what the user can do about it.
#[derive(Debug, Clone)]
pub struct Error {
    pub(crate) kind: Kind,
    pub(crate) message: String,
    pub(crate) hint: Option<String>,
    pub(crate) cause: Cause,
    /// The user has seen what happened already (they pressed Ctrl-C; the probe's report card
    /// shows the failures): the final report on stderr says nothing more. JSON Lines still
    /// ends with it.
    pub(crate) already_shown: bool,
}

impl Error {
    pub(crate) fn new(kind: Kind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            hint: None,
            cause: Cause::Unspecified,
            already_shown: false,
        }
    }

    /// Marks the error as seen already (see [`Error::already_shown`]).
    pub(crate) fn shown(mut self) -> Self {
        self.already_shown = true;
        self
    }

    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Records what exactly happened (see [`Cause`]).
    pub(crate) fn because(mut self, cause: Cause) -> Self {
        self.cause = cause;
        self
    }

    pub(crate) fn usage(message: impl Into<String>) -> Self {
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
pub(crate) fn exit_status_text() -> String {
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
    fn exit_codes_are_distinct_and_in_order() {
        let codes: Vec<u8> = EXIT_STATUS_TABLE.iter().map(|(c, _)| *c).collect();
        assert!(codes.windows(2).all(|w| w[0] < w[1]), "{codes:?}");
    }

    #[test]
    fn every_kind_is_in_the_table_with_its_meaning() {
        // `Kind::ALL` comes from the same list as the enum: a new kind is in it by construction.
        assert_eq!(EXIT_STATUS_TABLE.len(), Kind::ALL.len() + 1);
        assert_eq!(EXIT_STATUS_TABLE[0], CLEAN);
        for k in Kind::ALL {
            assert!(
                EXIT_STATUS_TABLE.contains(&(k.exit_code(), k.meaning())),
                "{k:?} is not in the exit status table"
            );
            assert_ne!(k.exit_code(), CLEAN.0, "{k:?} exits as a clean close");
        }
        assert!(Kind::ALL.contains(&Kind::Differs));
        assert_eq!(Kind::Interrupted.exit_code(), 130);
    }
}
