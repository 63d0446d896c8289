//! STOMP 1.0–1.2 over WebSocket (RabbitMQ and ActiveMQ Web-STOMP, Spring's message brokers).
//!
//! STOMP is a text protocol of frames modelled on HTTP: a command line (`SEND`), header lines
//! (`destination:/queue/a`), a blank line, a body and a NUL byte. The client opens with
//! CONNECT (`accept-version`, `host`, `login`/`passcode`, `heart-beat`) and the server answers
//! CONNECTED (the `version` agreed, `heart-beat`) or ERROR; then the client SENDs to
//! destinations and SUBSCRIBEs (with its own subscription id) to receive MESSAGE frames,
//! acknowledged with ACK/NACK in the `client` ack modes, optionally inside BEGIN…COMMIT
//! transactions; a `receipt` header on any client frame asks for a RECEIPT. Heart-beats are
//! bare EOLs. Over WebSocket a frame usually travels in one message, but nothing in STOMP
//! says so: frames may be cut anywhere and several may share a message.
//!
//! Version details that matter on the wire: header values are escaped (`\\ \n \c`, and `\r`
//! from 1.2) except in STOMP 1.0 and in CONNECT and CONNECTED frames; an undefined escape is
//! fatal; a repeated header's first value is the one that counts; 1.2 accepts `\r\n` as EOL;
//! ACK names the message by its `ack` header in 1.2, by `message-id` (and `subscription`) in
//! 1.1 and 1.0; 1.0 has no NACK.
//!
//! Contract: [`Decoder`] takes WebSocket payloads and gives frames and heart-beats, or a
//! [`StompError`] in words, within [`Limits`]; `encoder` writes the client's frames and
//! `outgoing` the WebSocket messages that carry them; `heartbeat` does the negotiation
//! arithmetic; [`input`] reads the REPL's commands, which `commands` lists. Nothing here
//! reads a clock: `client` is the state machine the session drives (time passed in), with
//! `ledger` its books, `messages` its words and `body` how a body prints as one line.

pub(crate) mod body;
pub(crate) mod client;
pub(crate) mod commands;
pub(crate) mod decoder;
pub(crate) mod encoder;
pub(crate) mod error;
pub(crate) mod escape;
pub mod frame;
mod head;
pub(crate) mod heartbeat;
pub mod input;
pub(crate) mod ledger;
pub(crate) mod messages;
pub(crate) mod outgoing;

pub(crate) use client::{Client, Settings};
pub use decoder::{Decoder, Item, Limits};
pub use error::StompError;
pub(crate) use frame::Command;
pub use frame::Version;
pub(crate) use heartbeat::HeartBeat;

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_client;
#[cfg(test)]
mod tests_input;
