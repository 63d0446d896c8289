//! GraphQL over WebSocket, both dialects: `graphql-transport-ws` (the `graphql-ws` library)
//! and the legacy `graphql-ws` subprotocol (Apollo's `subscriptions-transport-ws`).
//!
//! Both run the same way: the client sends `connection_init` (with an optional payload, where
//! servers look for credentials) and waits for `connection_ack`; then each operation gets an
//! id chosen by the client, goes out in `subscribe` (legacy `start`) and is answered by results
//! (`next`; legacy `data`) until `complete`, or by one `error`. The client stops an operation
//! with `complete` (legacy `stop`). They differ in keepalive (the new dialect has `ping`/`pong`
//! both ways, to be answered at once; the legacy server sends `ka` and expects nothing) and in
//! how errors end things: the new dialect closes the socket with a 44xx code
//! (`close::describe`), the legacy one sends `connection_error` or `error` messages.
//!
//! The names cross: subprotocol `graphql-ws` is the *legacy* protocol. Servers choose
//! differently: `subscriptions-transport-ws` takes the *first* subprotocol offered and closes
//! with 1002 unless it is `graphql-ws`, while the `graphql-ws` library picks
//! `graphql-transport-ws` wherever it stands in the offer.
//!
//! Contract: [`message::decode`] turns any text into a [`ServerMessage`] or a
//! `MessageError` in words; [`client::encode`] writes the client's messages for a dialect;
//! [`operation::parse_operation`] reads what the user types (a document or its JSON form) and
//! finds the operation's kind with `document`'s lexer, without a GraphQL parser.
//! `connection` is the state machine the session drives (the handshake, ids, results, the
//! keepalive), `ops` its operations, `settings` the offer and the dialect chosen,
//! `words` what it says, `commands` the REPL's `/ops` and `/stop`.

pub mod client;
pub(crate) mod close;
pub(crate) mod commands;
pub(crate) mod connection;
pub(crate) mod document;
pub mod message;
pub mod operation;
pub(crate) mod ops;
pub(crate) mod settings;
pub(crate) mod words;

pub use client::ClientMessage;
pub(crate) use connection::Connection;
pub use message::Dialect;
pub(crate) use message::ServerMessage;
pub(crate) use settings::Settings;

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_connection;
#[cfg(test)]
mod tests_operation;
