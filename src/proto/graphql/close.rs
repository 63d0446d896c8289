//! Close codes of GraphQL over WebSocket, named, with what they mean for the user and a hint
//! where one helps.
//!
//! `graphql-transport-ws` closes the socket to report fatal errors with codes in the 4000s
//! (the reason says more). The legacy protocol reports errors in messages instead
//! (`connection_error`, `error`) and closes with plain WebSocket codes: 1011 after refusing
//! `connection_init`, and 1002 when the subprotocol it selected is not `graphql-ws`: it takes
//! the first one offered, so a 1002 right after it selected `graphql-transport-ws` is the
//! legacy server, seen while speaking the new dialect.

use super::message::Dialect;

/// What to do when a server refuses `connection_init`.
pub(crate) const PAYLOAD_HINT: &str = "servers check credentials in the connection_init payload: give it with --connect-payload '{\"token\":\"...\"}'";

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
        "the server could not read a message",
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
        Some(PAYLOAD_HINT),
    ),
    named(
        4406,
        "SubprotocolNotAcceptable",
        "the server does not speak the subprotocol offered",
        Some(
            "the server speaks neither subprotocol offered (-v shows the handshake): --proto graphql offers graphql-transport-ws and graphql-ws, --graphql-dialect one of them, -s any other",
        ),
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
    named(4500, "InternalServerError", "the server failed", None),
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

/// 1002 while speaking `graphql-transport-ws`: the legacy server, which took the first
/// subprotocol offered.
const LEGACY_SERVER: CloseCode = named(
    1002,
    "ProtocolError",
    "the server selected graphql-transport-ws, the first subprotocol offered, and closed: subscriptions-transport-ws does that, it speaks only the legacy graphql-ws",
    Some("--graphql-dialect legacy offers graphql-ws alone"),
);

const INIT_REFUSED: CloseCode = named(
    1011,
    "InternalError",
    "the server refused connection_init (its connection_error said why)",
    Some(PAYLOAD_HINT),
);

/// What a close code means in a dialect, when it has a meaning of its own there.
pub(crate) fn describe(dialect: Dialect, code: u16) -> Option<CloseCode> {
    let own = match dialect {
        Dialect::Legacy => INIT_REFUSED,
        Dialect::TransportWs => LEGACY_SERVER,
    };
    std::iter::once(&own)
        .chain(TRANSPORT_CODES.iter())
        .find(|c| c.code == code)
        .copied()
}
