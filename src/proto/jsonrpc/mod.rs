//! JSON-RPC 2.0 over WebSocket (Ethereum and Solana nodes, language servers, trading APIs).
//!
//! A call is an object `{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}`;
//! the server answers `{"jsonrpc":"2.0","id":1,"result":"0x10"}` or, failing,
//! `{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"Method not found"}}`, in any
//! order relative to other calls: the id is what matches an answer to its call. A
//! notification has no id and gets no answer; servers send them too (`eth_subscription`). A
//! batch is an array of calls in one message, answered by an array of responses in any
//! order (nothing for its notifications). An id is a string, a number or null; the server
//! echoes it.
//!
//! Contract: [`request`] reads what the user types into calls, `Typed::assign` gives ids
//! from an [`IdAllocator`] (from 1 by default) to calls without one, [`classify()`] says what
//! any received text is (or why it is not JSON-RPC 2.0), and [`PendingCalls`] matches
//! responses to calls by id value, bounded in size. The session reads the clock and passes
//! the instants in. `client` is the state machine the session drives, `messages` words
//! what it prints and says, `commands` lists the REPL's `/pending` and `/notify`.

pub mod classify;
pub(crate) mod client;
pub(crate) mod commands;
pub mod id;
pub(crate) mod messages;
pub mod pending;
pub mod request;

pub use classify::{Received, classify};
pub(crate) use client::{Client, Settings};
pub use id::IdAllocator;
pub use pending::PendingCalls;
pub use request::parse_line;

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_client;
