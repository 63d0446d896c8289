//! Messages and frames as JSON Lines: `message` (a data message each way, with what
//! `--decode` and `--filter` made of a received one, and with `--proto` the application
//! messages it carried), `ping`, `pong`, `close` and `frame`.
//! Payloads are JSON strings: the text when it is UTF-8, else base64 with
//! `"encoding":"base64"`.

use super::app::App;
use super::time::Millis;
use base64::Engine as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;
use std::borrow::Cow;

/// Which way something went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Dir {
    In,
    Out,
}

/// The kind of a data message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Opcode {
    Text,
    Binary,
}

/// How bytes that are not text are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Encoding {
    Base64,
}

/// Bytes as a JSON string: as text when `as_text` and they are UTF-8, else base64.
pub(crate) fn payload(bytes: &[u8], as_text: bool) -> (Cow<'_, str>, Option<Encoding>) {
    match std::str::from_utf8(bytes) {
        Ok(text) if as_text => (Cow::Borrowed(text), None),
        _ => (
            Cow::Owned(base64::engine::general_purpose::STANDARD.encode(bytes)),
            Some(Encoding::Base64),
        ),
    }
}

/// The bytes a payload string stands for.
pub(super) fn bytes(data: &str, encoding: Option<Encoding>) -> Result<Cow<'_, [u8]>, String> {
    match encoding {
        None => Ok(Cow::Borrowed(data.as_bytes())),
        Some(Encoding::Base64) => base64::engine::general_purpose::STANDARD
            .decode(data)
            .map(Cow::Owned)
            .map_err(|e| format!("base64 data: {e}")),
    }
}

/// A data message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Message<'a> {
    pub dir: Dir,
    pub opcode: Opcode,
    #[serde(default)]
    pub len: usize,
    #[serde(borrow)]
    pub data: Cow<'a, str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<Encoding>,
    /// What `--decode` inflated a received message into.
    #[serde(default, borrow, skip_serializing_if = "Option::is_none")]
    pub decoded: Option<Decoded<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decode_error: Option<String>,
    /// What `--filter` made of a received message: absent without a filter, `null` when the
    /// message is not JSON, else the results.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    pub filtered: Option<Option<Vec<Json>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter_error: Option<String>,
    /// With `--proto`: the application messages it carried (absent for the protocol's own
    /// exchanges and without `--proto`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<Vec<App>>,
}

impl<'a> Message<'a> {
    /// A message as it went: text as text, binary as base64; nothing decoded or filtered.
    pub(crate) fn new(dir: Dir, opcode: Opcode, bytes: &'a [u8]) -> Message<'a> {
        let (data, encoding) = payload(bytes, opcode == Opcode::Text);
        Message {
            dir,
            opcode,
            len: bytes.len(),
            data,
            encoding,
            decoded: None,
            decode_error: None,
            filtered: None,
            filter_error: None,
            app: None,
        }
    }

    /// The message's bytes.
    pub(crate) fn bytes(&self) -> Result<Cow<'_, [u8]>, String> {
        bytes(&self.data, self.encoding)
    }
}

/// A field that is there, even as `null` (`Some(None)`), as against one that is absent.
pub(super) fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// What `--decode` inflated a message into.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Decoded<'a> {
    pub format: String,
    pub len: usize,
    #[serde(borrow)]
    pub data: Cow<'a, str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<Encoding>,
}

/// A JSON value written as it is (a filter's result keeps its numbers' spelling).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct Json(Box<RawValue>);

impl Json {
    /// `text` as a JSON value when it is one, else as a JSON string.
    pub(crate) fn new(text: &str) -> Json {
        match serde_json::from_str::<&RawValue>(text) {
            Ok(raw) => Json(raw.to_owned()),
            Err(_) => Json::string(text),
        }
    }

    /// `text` as a JSON string.
    pub(crate) fn string(text: &str) -> Json {
        Json(serde_json::value::to_raw_value(text).unwrap_or_else(|_| RawValue::NULL.to_owned()))
    }

    /// The JSON text.
    pub(crate) fn get(&self) -> &str {
        self.0.get()
    }
}

impl PartialEq for Json {
    fn eq(&self, other: &Json) -> bool {
        self.get() == other.get()
    }
}

/// A ping or a pong (a pong answering one of our pings carries the round trip).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Control<'a> {
    pub dir: Dir,
    #[serde(default)]
    pub len: usize,
    #[serde(borrow)]
    pub data: Cow<'a, str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<Encoding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rtt_ms: Option<Millis>,
}

impl<'a> Control<'a> {
    pub(crate) fn new(dir: Dir, bytes: &'a [u8], rtt: Option<Millis>) -> Control<'a> {
        let (data, encoding) = payload(bytes, true);
        Control {
            dir,
            len: bytes.len(),
            data,
            encoding,
            rtt_ms: rtt,
        }
    }
}

/// A Close frame: its code (none in an empty Close) and reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Close<'a> {
    pub dir: Dir,
    pub code: Option<u16>,
    #[serde(default, borrow)]
    pub reason: Cow<'a, str>,
}

/// A frame header as the tap saw it (`-x`), with the first `--dump-bytes` of its payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Frame {
    pub dir: Dir,
    pub fin: bool,
    pub rsv1: bool,
    pub rsv2: bool,
    pub rsv3: bool,
    pub opcode: u8,
    pub opcode_name: String,
    pub masked: bool,
    /// The masking key in hex.
    pub mask_key: Option<String>,
    pub len: u64,
    /// `7-bit`, `16-bit` or `64-bit`: how the length was written.
    pub len_encoding: String,
    /// The header bytes in hex.
    pub header: String,
    /// The payload's first bytes, unmasked, in base64.
    pub payload: String,
    pub payload_encoding: Encoding,
    /// On the frame that ends a compressed message: the message's size uncompressed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_len: Option<u64>,
}
