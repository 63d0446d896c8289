//! Close codes of GraphQL over WebSocket, named, with what they mean for the user and a hint
//! where one helps.
//!
//! `graphql-transport-ws` closes the socket to report fatal errors with codes in the 4000s
//! (the reason says more). The legacy protocol reports errors in messages instead
//! (`connection_error`, `error`) and closes with plain WebSocket codes: 1002 when the offered
//! subprotocol is not `graphql-ws`, 1011 after refusing `connection_init`.

use super::message::Dialect;

/// A named close code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CloseCode {
    pub code: u16,
    /// The name in the reference implementation (`Unauthorized`).
    pub name: &'static str,
    /// What it means, in words.
    pub meaning: &'static str,
    pub hint: Option<&'static str>,
}

const fn named(
    code: u16,
    name: &'static str,
    meaning: &'static str,
    hint: Option<&'static str>,
) -> CloseCode {
    CloseCode {
        code,
        name,
        meaning,
        hint,
    }
}

/// The codes of `graphql-transport-ws` (sent by servers, and by clients about servers).
pub(crate) const TRANSPORT_CODES: [CloseCode; 12] = [
    named(
        4400,
        "BadRequest",
        "the server could not read a message (the reason says which)",
        None,
    ),
    named(
        4401,
        "Unauthorized",
        "an operation was sent before the server acknowledged the connection",
        None,
    ),
    named(
        4403,
        "Forbidden",
        "the server refused the connection",
        Some("the connection_init payload is what servers check: give one with --connect-payload"),
    ),
    named(
        4406,
        "SubprotocolNotAcceptable",
        "the server does not speak the subprotocol offered",
        Some("-v shows the subprotocols of the handshake; --graphql-dialect chooses one"),
    ),
    named(
        4408,
        "ConnectionInitialisationTimeout",
        "connection_init did not come in time",
        None,
    ),
    named(
        4409,
        "SubscriberAlreadyExists",
        "an operation id was used while an operation with that id was running",
        None,
    ),
    named(
        4429,
        "TooManyInitialisationRequests",
        "connection_init was sent more than once",
        None,
    ),
    named(
        4500,
        "InternalServerError",
        "the server failed (the reason says how)",
        None,
    ),
    named(
        4004,
        "BadResponse",
        "a client could not read the server's message",
        None,
    ),
    named(4005, "InternalClientError", "a client failed", None),
    named(
        4499,
        "Terminated",
        "a client ended the connection at once",
        None,
    ),
    named(
        4504,
        "ConnectionAcknowledgementTimeout",
        "the server did not acknowledge the connection in time",
        None,
    ),
];

const LEGACY_CODES: [CloseCode; 2] = [
    named(
        1002,
        "ProtocolError",
        "the server takes the first subprotocol offered and speaks only graphql-ws",
        Some("--graphql-dialect legacy offers graphql-ws alone"),
    ),
    named(
        1011,
        "InternalError",
        "the server refused connection_init (its connection_error said why)",
        Some("the connection_init payload is what servers check: give one with --connect-payload"),
    ),
];

/// What a close code means in a dialect, when it has a meaning of its own there.
pub(crate) fn describe(dialect: Dialect, code: u16) -> Option<CloseCode> {
    let legacy = match dialect {
        Dialect::Legacy => &LEGACY_CODES[..],
        Dialect::TransportWs => &[],
    };
    legacy
        .iter()
        .chain(TRANSPORT_CODES.iter())
        .find(|c| c.code == code)
        .copied()
}
