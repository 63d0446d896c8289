//! permessage-deflate (RFC 7692) as a byte-stream layer, because tungstenite has none.
//!
//! ```text
//! TCP/TLS ─► Tap<S> (the wire: RSV1, compressed sizes) ─► Deflate<Tap<S>> ─► tungstenite (plain frames)
//! ```
//!
//! Negotiation is pure: a client sends `Params::header_value` (the default is what browsers
//! offer) and checks the answer with `validate_answer`; a server picks an offer with
//! `select`. With `Agreed` parameters in hand, wrap the stream:
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
//! The transformers ([`Incoming`], `Outgoing`) and the codec are sans I/O and tested
//! without sockets; `Deflate` only moves bytes between them and the stream.

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

pub(crate) use accept::{ServerPolicy, select};
pub use codec::Compressor;
pub(crate) use codec::Inflater;
pub(crate) use header::{Extension, parse_extensions};
pub use incoming::Incoming;
pub(crate) use maybe::MaybeDeflate;
pub(crate) use overrides::Overrides;
pub(crate) use params::{Agreed, EXTENSION_NAME, MAX_WINDOW_BITS, Params, Side, validate_answer};
pub use stats::DeflateStats;
pub(crate) use stats::{Direction, LOG_CAPACITY, MessageRecord, Totals};
pub use stream::Role;
pub(crate) use stream::{DEFAULT_LEVEL, Deflate, DeflateConfig};
pub use violation::Violation;
