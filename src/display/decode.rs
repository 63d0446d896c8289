//! Application-level payload decoding (`--decode`): some servers compress each message
//! themselves (gzip, zlib or raw deflate inside a binary message, independent of the
//! permessage-deflate extension). This inflates such a message before it is shown or filtered.
//!
//! The output is bounded: inflating stops with [`DecodeError::TooLarge`] as soon as it would
//! pass the limit, and never holds more than the limit plus one byte, so a small message that
//! inflates to gigabytes (a decompression bomb) costs little.
//!
//! Decisions on malformed input, for every format:
//! - a stream that ends before its end marker is an error ([`DecodeError::Truncated`]);
//! - bytes after the end of the stream are an error ([`DecodeError::TrailingData`]), except
//!   that gzip members may follow one another, as `gzip -d` accepts (RFC 1952 §2.2): their
//!   contents are concatenated;
//! - gzip's CRC-32 and length, and zlib's Adler-32, are checked.
//!
//! [`Decode::Auto`] sniffs a gzip header (`1f 8b 08`) or a zlib header (deflate method, a
//! window of at most 32 KiB, no preset dictionary, and the header checksum that makes the two
//! bytes a multiple of 31) and leaves anything else unchanged. A zlib header is only two bytes
//! with a 1-in-31 check, so text can look like one (`x^…`): when inflating after a zlib sniff
//! fails as corrupt or truncated, Auto also leaves the message unchanged. A gzip header is
//! distinctive enough that its errors are reported; a too-large result is always an error.

use flate2::{Decompress, FlushDecompress, Status};
use std::fmt;

/// What `--decode` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decode {
    Gzip,
    Zlib,
    /// Raw deflate (RFC 1951), no header.
    Deflate,
    /// Gzip or zlib when the header says so, anything else unchanged.
    Auto,
}

impl Decode {
    /// The names `--decode` takes.
    pub(crate) const NAMES: [&'static str; 4] = ["gzip", "zlib", "deflate", "auto"];
}

impl std::str::FromStr for Decode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "gzip" => Ok(Decode::Gzip),
            "zlib" => Ok(Decode::Zlib),
            "deflate" => Ok(Decode::Deflate),
            "auto" => Ok(Decode::Auto),
            _ => Err(format!(
                "unknown decoding '{s}' (expected one of: {})",
                Decode::NAMES.join(", ")
            )),
        }
    }
}

/// A compressed format that was inflated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Gzip,
    Zlib,
    Deflate,
}

impl Format {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Format::Gzip => "gzip",
            Format::Zlib => "zlib",
            Format::Deflate => "deflate",
        }
    }
}

/// A message after decoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decoded<'a> {
    /// The message was compressed in `format`; these are its contents.
    Inflated { format: Format, bytes: Vec<u8> },
    /// `Auto` found no compressed format: the message as received.
    Unchanged(&'a [u8]),
}

/// Why a message could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DecodeError {
    /// The contents would be larger than the limit.
    TooLarge { format: Format, max: usize },
    /// The stream ends before its end marker.
    Truncated { format: Format },
    /// Bytes follow the end of the stream, starting at this offset in the message.
    TrailingData { format: Format, offset: usize },
    /// The stream is not valid (bad header, bad block, checksum mismatch).
    Corrupt { format: Format, reason: String },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::TooLarge { format, max } => write!(
                f,
                "{}: the decoded message is larger than {max} bytes",
                format.name()
            ),
            DecodeError::Truncated { format } => {
                write!(f, "{}: the compressed stream is truncated", format.name())
            }
            DecodeError::TrailingData { format, offset } => write!(
                f,
                "{}: unexpected bytes after the compressed stream (at byte {offset})",
                format.name()
            ),
            DecodeError::Corrupt { format, reason } => {
                write!(f, "{}: invalid compressed data: {reason}", format.name())
            }
        }
    }
}

impl std::error::Error for DecodeError {}

/// Decodes one message as `kind` says, into at most `max` bytes.
pub(crate) fn decode(kind: Decode, bytes: &[u8], max: usize) -> Result<Decoded<'_>, DecodeError> {
    let format = match kind {
        Decode::Gzip => Format::Gzip,
        Decode::Zlib => Format::Zlib,
        Decode::Deflate => Format::Deflate,
        Decode::Auto => match sniff(bytes) {
            None => return Ok(Decoded::Unchanged(bytes)),
            Some(Format::Zlib) => {
                return match inflate(Format::Zlib, bytes, max) {
                    Err(DecodeError::Corrupt { .. } | DecodeError::Truncated { .. }) => {
                        Ok(Decoded::Unchanged(bytes))
                    }
                    other => other,
                };
            }
            Some(format) => format,
        },
    };
    inflate(format, bytes, max)
}

/// The compressed format `bytes` start like, if any.
pub(crate) fn sniff(bytes: &[u8]) -> Option<Format> {
    match *bytes {
        [0x1f, 0x8b, 0x08, ..] => Some(Format::Gzip),
        [cmf, flg, ..]
            if cmf & 0x0f == 8
                && cmf >> 4 <= 7
                && flg & 0x20 == 0
                && (u16::from(cmf) << 8 | u16::from(flg)) % 31 == 0 =>
        {
            Some(Format::Zlib)
        }
        _ => None,
    }
}

fn inflate(format: Format, bytes: &[u8], max: usize) -> Result<Decoded<'_>, DecodeError> {
    let mut out = Vec::new();
    let mut offset = 0;
    loop {
        let decompressor = match format {
            Format::Gzip => Decompress::new_gzip(15),
            Format::Zlib => Decompress::new(true),
            Format::Deflate => Decompress::new(false),
        };
        let rest = bytes.get(offset..).unwrap_or_default();
        offset += inflate_stream(format, decompressor, rest, max, &mut out)?;
        let rest = bytes.get(offset..).unwrap_or_default();
        match (format, rest) {
            (_, []) => return Ok(Decoded::Inflated { format, bytes: out }),
            (Format::Gzip, [0x1f, 0x8b, ..]) => continue,
            _ => return Err(DecodeError::TrailingData { format, offset }),
        }
    }
}

/// Inflates one stream from the start of `input`, appending to `out` (which must stay within
/// `max` bytes); returns how many input bytes the stream took.
fn inflate_stream(
    format: Format,
    mut decompressor: Decompress,
    input: &[u8],
    max: usize,
    out: &mut Vec<u8>,
) -> Result<usize, DecodeError> {
    // One byte over the limit is room enough to tell that the limit is passed.
    let limit = max.saturating_add(1);
    loop {
        if out.len() == out.capacity() {
            if out.len() >= limit {
                return Err(DecodeError::TooLarge { format, max });
            }
            let grow = out.len().max(16 * 1024).min(limit - out.len());
            out.reserve_exact(grow);
        }
        let consumed = usize::try_from(decompressor.total_in()).unwrap_or(usize::MAX);
        let produced = out.len();
        let rest = input.get(consumed..).unwrap_or_default();
        let status = decompressor
            .decompress_vec(rest, out, FlushDecompress::None)
            .map_err(|e| DecodeError::Corrupt {
                format,
                reason: e
                    .to_string()
                    .trim_start_matches("deflate decompression error: ")
                    .to_string(),
            })?;
        if out.len() > max {
            return Err(DecodeError::TooLarge { format, max });
        }
        let now_consumed = usize::try_from(decompressor.total_in()).unwrap_or(usize::MAX);
        if status == Status::StreamEnd {
            return Ok(now_consumed);
        }
        let progress = now_consumed != consumed || out.len() != produced;
        if !progress && out.len() < out.capacity() {
            // Room to write and nothing happened: the stream wants input it does not have.
            return Err(if now_consumed >= input.len() {
                DecodeError::Truncated { format }
            } else {
                DecodeError::Corrupt {
                    format,
                    reason: "the stream makes no progress".into(),
                }
            });
        }
    }
}

#[cfg(test)]
mod tests;
