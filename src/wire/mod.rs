//! What goes over the connection, below the session: the HTTP upgrade (built, sent, read and
//! judged by wscope so the bytes stay verbatim), the frames (decoded and followed by the tap on
//! the plaintext side of TLS), and permessage-deflate (RFC 7692), a layer between the tap and
//! tungstenite.

pub mod deflate;
pub mod frame;
pub mod handshake;
pub mod opcode;
pub mod rejection;
pub mod request;
pub mod response;
pub mod scanner;
#[cfg(test)]
mod scanner_props;
pub mod tap;
