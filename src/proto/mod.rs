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
//! - [`socketio`]: Engine.IO v3/v4 packets, Socket.IO v4/v5 packets and binary attachments.
//! - [`graphql`]: GraphQL over WebSocket, `graphql-transport-ws` and the legacy `graphql-ws`.
//! - [`stomp`]: STOMP 1.0–1.2 frames, heart-beats and the REPL's STOMP commands.
//! - [`jsonrpc`]: JSON-RPC 2.0 calls, batches, received messages and the pending calls.
//! - [`json_text`] and [`args`]: what the four share (raw JSON values and members, the words
//!   of a REPL command, located errors).

pub mod args;
pub mod graphql;
pub mod json_text;
pub mod jsonrpc;
pub mod socketio;
pub mod stomp;
#[cfg(test)]
mod strategies;
