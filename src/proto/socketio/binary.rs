//! Binary data inside Socket.IO events: on the wire a placeholder object
//! `{"_placeholder":true,"num":N}` stands where the N-th binary attachment (a binary message
//! after the packet) belongs; for the user, binary data is the object `{"_binary":"<base64>"}`.
//!
//! `reconstruct` puts received attachments in their places in the user's form;
//! `deconstruct` takes the user's form apart into placeholders and attachments to send.
//! Both copy the rest of the JSON as written. The user's form round-trips: what is shown for a
//! received binary argument can be typed back to send the same bytes.

use super::super::args::column;
use super::super::json_text::{self, Kind};
use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use std::fmt;

/// The member that marks binary data in the user's form.
pub(crate) const BINARY_KEY: &str = "_binary";

/// Standard base64; padding written, and optional when read.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// What is wrong with binary data in a JSON text; `column` is the character position of the
/// object in that text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BinaryError {
    /// `{"_binary": …}` whose value is not a base64 string.
    NotBase64 { column: usize, reason: String },
    /// `{"_binary": …}` with other members beside it.
    NotAlone { column: usize },
    /// A placeholder whose number names no attachment of the packet.
    BadPlaceholder {
        column: usize,
        num: String,
        count: usize,
    },
    /// More binary values than a packet may carry.
    TooMany { limit: usize },
}

impl fmt::Display for BinaryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BinaryError::NotBase64 { column, reason } => write!(
                f,
                "column {column}: the value of \"_binary\" must be a base64 string: {reason}"
            ),
            BinaryError::NotAlone { column } => write!(
                f,
                "column {column}: an object with \"_binary\" is binary data and can have no other member"
            ),
            BinaryError::BadPlaceholder { column, num, count } => write!(
                f,
                "column {column}: the placeholder for attachment {num} names none of the packet's {count} attachments"
            ),
            BinaryError::TooMany { limit } => write!(
                f,
                "more than {limit} binary values in one event (Socket.IO servers refuse more by default)"
            ),
        }
    }
}

impl std::error::Error for BinaryError {}

/// Binary data in the user's form: `{"_binary":"<base64>"}`.
pub(crate) fn binary_json(bytes: &[u8]) -> String {
    format!("{{\"{BINARY_KEY}\":\"{}\"}}", BASE64.encode(bytes))
}

/// The wire's placeholder for attachment `num`.
pub(crate) fn placeholder(num: usize) -> String {
    format!("{{\"_placeholder\":true,\"num\":{num}}}")
}

/// Replaces each placeholder in `json` with its attachment in the user's form.
pub(crate) fn reconstruct(json: &str, attachments: &[Vec<u8>]) -> Result<String, BinaryError> {
    json_text::rewrite_flat_objects(json, |object, at| {
        if !object.contains("_placeholder") {
            return Ok(None);
        }
        let Ok(raw) = json_text::one_value(object) else {
            return Ok(None);
        };
        let Ok(members) = json_text::members(raw) else {
            return Ok(None);
        };
        if json_text::member(&members, "_placeholder").map(|v| v.get()) != Some("true") {
            return Ok(None);
        }
        let num = json_text::member(&members, "num").map_or("nothing", |v| v.get());
        let attachment = num
            .parse::<usize>()
            .ok()
            .and_then(|n| attachments.get(n))
            .ok_or_else(|| BinaryError::BadPlaceholder {
                column: column(json, at),
                num: num.to_string(),
                count: attachments.len(),
            })?;
        Ok(Some(binary_json(attachment)))
    })
}

/// Replaces each `{"_binary":"…"}` in `json` with a placeholder numbered from `first`, and
/// returns the new text with the decoded bytes in order. At most `limit` numbers in all.
pub(crate) fn deconstruct(
    json: &str,
    first: usize,
    limit: usize,
) -> Result<(String, Vec<Vec<u8>>), BinaryError> {
    let mut found = Vec::new();
    let text = json_text::rewrite_flat_objects(json, |object, at| {
        if !object.contains(BINARY_KEY) {
            return Ok(None);
        }
        let Ok(raw) = json_text::one_value(object) else {
            return Ok(None);
        };
        let Ok(members) = json_text::members(raw) else {
            return Ok(None);
        };
        let Some(value) = json_text::member(&members, BINARY_KEY) else {
            return Ok(None);
        };
        let column = column(json, at);
        if members.len() > 1 {
            return Err(BinaryError::NotAlone { column });
        }
        let base64 = match json_text::kind(value) {
            Kind::String => json_text::string_value(value).unwrap_or_default(),
            other => {
                return Err(BinaryError::NotBase64 {
                    column,
                    reason: format!("it is {}", other.with_article()),
                });
            }
        };
        let bytes = BASE64
            .decode(base64.trim())
            .map_err(|e| BinaryError::NotBase64 {
                column,
                reason: e.to_string(),
            })?;
        let num = first + found.len();
        if num >= limit {
            return Err(BinaryError::TooMany { limit });
        }
        found.push(bytes);
        Ok(Some(placeholder(num)))
    })?;
    Ok((text, found))
}
