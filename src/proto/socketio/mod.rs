//! Socket.IO over WebSocket: Engine.IO packets below, Socket.IO packets above, and what the
//! user types and sees.
//!
//! Socket.IO runs on Engine.IO. The server's first message is Engine.IO's `open` packet
//! (`0{"sid":…,"pingInterval":25000,"pingTimeout":20000,…}`); from then on every Socket.IO
//! packet is the data of an Engine.IO `message` (`4…`): the client sends CONNECT for a
//! namespace (`40` for `/`, `40/admin,{"token":"…"}` with an auth payload in v5), the server
//! answers CONNECT (`40{"sid":"…"}`) or CONNECT_ERROR (`44{"message":"Not authorized"}`), and
//! then both sides send events (`42["chat","hi"]`), events asking for an acknowledgement
//! (`4212["chat","hi"]`, id 12) and acknowledgements (`4312["ok"]`). Binary arguments travel
//! as attachments: a BINARY_EVENT (`451-["up",{"_placeholder":true,"num":0}]`) is followed by
//! one binary WebSocket message per attachment.
//!
//! Two generations are spoken: Socket.IO v5 over Engine.IO v4 (Socket.IO 3 and later; the
//! server pings, the client answers `3`) and Socket.IO v4 over Engine.IO v3 (Socket.IO 1 and
//! 2; the client pings every pingInterval, binary messages start with the byte 0x04, type 4
//! is `ERROR`, the server connects the client to `/` unasked and a CONNECT may carry a query).
//!
//! # Binary data in JSON
//!
//! Received binary attachments are shown in their places as `{"_binary":"<base64>"}` (standard
//! base64 with padding): `socket.emit("up", "x.bin", Buffer.from([1,2,3]))` prints as
//! `["up","x.bin",{"_binary":"AQID"}]`. The same object typed in an argument sends binary
//! data (padding optional), so what is shown can be sent back as it is; `@FILE` sends a
//! file's bytes. An object with a `_binary` member is always binary data when sent: it must be
//! alone in its object and hold a base64 string.
//!
//! # Contract
//!
//! [`engine`] decodes any WebSocket message into an Engine.IO packet or an `EngineError`;
//! [`Reassembler`] turns the data of `message` packets into [`Received`] messages, holding a
//! binary packet until its attachments have come (at most [`Limits::max_attachments`], at
//! most [`Limits::max_attachment_bytes`] together). [`input`] parses lines and the `/emit`
//! and `/ack` commands; `outgoing` builds the WebSocket messages to send. Nothing here
//! reads files or keeps time: `client` is the state machine the session drives (it answers
//! pings and says when the next one is due), `messages` words what it says, `url` takes the
//! URL as the official client does, `commands` lists the REPL's `/emit` and `/ack`.

pub mod binary;
pub(crate) mod client;
pub(crate) mod commands;
pub mod engine;
pub mod input;
pub(crate) mod messages;
pub(crate) mod outgoing;
pub mod packet;
pub mod reassembler;
pub(crate) mod url;

pub(crate) use client::{Client, Settings};
pub(crate) use engine::EngineVersion;
pub use packet::{Limits, SocketIoVersion};
pub(crate) use reassembler::SocketIoError;
pub use reassembler::{Reassembler, Received};

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_client;
#[cfg(test)]
mod tests_input;
#[cfg(test)]
mod tests_reassembler;
