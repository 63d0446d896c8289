//! permessage-deflate (RFC 7692) as a byte-stream layer, because tungstenite has none.
//!
//! ```text
//! TCP/TLS ─► Tap<S> (the wire: RSV1, compressed sizes) ─► Deflate<Tap<S>> ─► tungstenite (plain frames)
//! ```
//!
//! Negotiation is pure: a client sends [`Params::header_value`] (the default is what browsers
//! offer) and checks the answer with [`validate_answer`]; a server picks an offer with
//! [`select`]. With [`Agreed`] parameters in hand, wrap the stream:
//!
//! ```text
//! let mut deflate = Deflate::new(tap, DeflateConfig { max_message_size, ..DeflateConfig::new(Role::Client, agreed) });
//! deflate.already_received(&rest);            // bytes read with the 101, before any frame
//! let stats = deflate.stats();                // totals and per-message records
//! let overrides = deflate.overrides();        // break the rules on purpose
//! let ws = WebSocketStream::from_raw_socket(deflate, tungstenite::protocol::Role::Client, Some(config)).await;
//! ```
//!
//! A peer that breaks RFC 7692 makes a read fail with an `io::Error` (kind `InvalidData`)
//! wrapping a [`Violation`]: `Violation::from_io` gives the close code and the rule.
//!
//! The transformers ([`Incoming`], [`Outgoing`]) and the codec are sans I/O and tested
//! without sockets; [`Deflate`] only moves bytes between them and the stream.

mod accept;
mod codec;
mod framing;
mod header;
mod incoming;
mod maybe;
mod outgoing;
mod overrides;
mod params;
mod stats;
mod stream;
mod violation;

#[cfg(test)]
mod tests;

pub use accept::{Accepted, Declined, Selection, ServerPolicy, select};
pub use codec::{Compressor, Inflater, TAIL};
pub use header::{Extension, Param, parse_extensions};
pub use incoming::Incoming;
pub use maybe::MaybeDeflate;
pub use outgoing::Outgoing;
pub use overrides::Overrides;
pub use params::{
    Agreed, ClientWindowBits, EXTENSION_NAME, MAX_WINDOW_BITS, MIN_WINDOW_BITS, NegotiationError,
    Params, Side, validate_answer,
};
pub use stats::{DeflateStats, Direction, LOG_CAPACITY, MessageRecord, Totals};
pub use stream::{DEFAULT_LEVEL, DEFAULT_MAX_MESSAGE_SIZE, Deflate, DeflateConfig, Role};
pub use violation::Violation;
