//! What stdin is cut into: the `--input` framings, the [`Span`] the cutter marks each message
//! with, and the [`Line`] each message arrives as. Apart from the pipe, the cutter and the input
//! thread, so that each of them can name these without naming the others.

use bytes::Bytes;
use std::ops::Range;
use tokio_tungstenite::tungstenite::Utf8Bytes;

/// One input line, without its line end.
pub(crate) struct Line {
    bytes: Bytes,
    /// The bytes were checked to be UTF-8 together with their neighbours.
    utf8: bool,
}

impl Line {
    /// A line of `bytes`; `utf8` only when they are known to be UTF-8.
    pub(crate) fn new(bytes: Bytes, utf8: bool) -> Self {
        Line { bytes, utf8 }
    }

    pub(crate) fn into_bytes(self) -> Bytes {
        self.bytes
    }

    /// The line as text; the bytes back when they are not UTF-8.
    pub(crate) fn into_text(self) -> Result<Utf8Bytes, Bytes> {
        if self.utf8 {
            // SAFETY: `utf8` is only set by the cutter, for bytes inside a range that
            // `std::str::from_utf8` accepted and that ends at a separator (ASCII, so cutting
            // there never splits a UTF-8 sequence), and for the bytes of a `String`.
            Ok(unsafe { Utf8Bytes::from_bytes_unchecked(self.bytes) })
        } else {
            Utf8Bytes::try_from(self.bytes.clone()).map_err(|_| self.bytes)
        }
    }

    /// The bytes and whether they were known to be UTF-8.
    #[cfg(test)]
    pub(crate) fn parts(self) -> (Vec<u8>, bool) {
        (self.bytes.to_vec(), self.utf8)
    }
}

/// Where one message lies in the bytes of its batch.
pub(crate) struct Span {
    range: Range<usize>,
    /// The bytes were checked to be UTF-8 together with their neighbours.
    utf8: bool,
}

impl Span {
    /// The message at `range`; `utf8` only when its bytes are known to be UTF-8.
    pub(crate) fn new(range: Range<usize>, utf8: bool) -> Self {
        Span { range, utf8 }
    }

    /// The message, out of `data`, the bytes of its batch (a slice: nothing is copied).
    pub(crate) fn line(self, data: &Bytes) -> Line {
        Line::new(data.slice(self.range), self.utf8)
    }

    /// The message's bytes in `data`, and whether they are known to be UTF-8.
    pub(crate) fn bytes(self, data: &[u8]) -> (&[u8], bool) {
        (&data[self.range], self.utf8)
    }
}

/// How stdin is cut into messages (`--input`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(crate) enum Framing {
    /// One message per line (LF or CRLF)
    #[default]
    Lines,
    /// One message per NUL-terminated record (as with -0)
    Nul,
    /// All of stdin is one message
    Whole,
    /// One message per JSON value of a stream, pretty-printed or not, sent compact
    Json,
}
