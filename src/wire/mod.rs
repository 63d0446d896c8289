//! What goes over the connection, below the session: the URL as a target, the HTTP upgrade
//! (built, sent, read and judged by wscope so the bytes stay verbatim), the frames (decoded and
//! followed by the tap on the plaintext side of TLS), permessage-deflate (RFC 7692), a layer
//! between the tap and tungstenite, and the stack of them tungstenite runs on. It knows nothing
//! of how the bytes travel (`net` does).

pub(crate) mod data_frames;
pub mod deflate;
pub mod frame;
pub mod handshake;
pub(crate) mod observe;
pub mod opcode;
pub mod rejection;
pub mod request;
pub mod response;
pub mod scanner;
#[cfg(test)]
mod scanner_props;
pub(crate) mod stack;
pub(crate) mod tap;
pub mod target;
