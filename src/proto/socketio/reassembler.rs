//! Received Socket.IO packets made whole: a BINARY_EVENT or BINARY_ACK announces N
//! attachments, and the next N Engine.IO binary messages are its attachments. The
//! reassembler holds the packet until they have all come (bounded in count and bytes), then
//! gives the application message in the user's form.

use super::super::json_text::{self, Kind, RawValue};
use super::binary::{self, BinaryError};
use super::engine::EngineError;
use super::packet::{self, Limits, PacketError, PacketType, SocketIoVersion};
use std::fmt;

/// A received application message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// The server accepted the namespace; `data` is its JSON (v5: `{"sid":"…"}`).
    Connect {
        namespace: String,
        data: Option<String>,
    },
    /// The server left the namespace.
    Disconnect { namespace: String },
    /// An event. `json` is what the user sees: `["name",arg…]` as the server wrote it, binary
    /// attachments put in place as `{"_binary":"<base64>"}`. With `id`, the server asks for
    /// an acknowledgement with that id.
    Event {
        namespace: String,
        id: Option<u64>,
        name: String,
        json: String,
    },
    /// The answer to our event `id`: `json` is the array of its arguments, as for an event.
    Ack {
        namespace: String,
        id: u64,
        json: String,
    },
    /// The server refused the namespace (CONNECT_ERROR; ERROR in v4): its message in words,
    /// and its JSON as sent.
    ConnectError {
        namespace: String,
        message: String,
        data: Option<String>,
    },
}

/// Why received messages are not valid Socket.IO.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SocketIoError {
    Engine(EngineError),
    Packet(PacketError),
    Binary(BinaryError),
    /// A text packet came while attachments of a binary packet were still expected.
    TextBeforeAttachments {
        kind: &'static str,
        missing: usize,
    },
    /// A binary message came that no binary packet announced.
    UnexpectedBinary,
    /// The attachments of one packet are over the byte limit.
    AttachmentsTooLarge {
        limit: usize,
    },
}

impl fmt::Display for SocketIoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SocketIoError::Engine(e) => e.fmt(f),
            SocketIoError::Packet(e) => e.fmt(f),
            SocketIoError::Binary(e) => write!(f, "in the packet's data, {e}"),
            SocketIoError::TextBeforeAttachments { kind, missing } => write!(
                f,
                "a text packet came while {missing} binary attachment(s) of a {kind} were still expected"
            ),
            SocketIoError::UnexpectedBinary => {
                f.write_str("a binary message came that no BINARY_EVENT or BINARY_ACK announced")
            }
            SocketIoError::AttachmentsTooLarge { limit } => write!(
                f,
                "the binary attachments of one packet are over {limit} bytes"
            ),
        }
    }
}

impl std::error::Error for SocketIoError {}

impl From<EngineError> for SocketIoError {
    fn from(e: EngineError) -> Self {
        SocketIoError::Engine(e)
    }
}

impl From<PacketError> for SocketIoError {
    fn from(e: PacketError) -> Self {
        SocketIoError::Packet(e)
    }
}

/// Turns the data of received Engine.IO messages into [`Received`] messages. After an
/// error, a packet that was waiting for its attachments is dropped.
#[derive(Debug)]
pub struct Reassembler {
    version: SocketIoVersion,
    limits: Limits,
    waiting: Option<Waiting>,
}

#[derive(Debug)]
struct Waiting {
    packet: packet::Packet,
    attachments: Vec<Vec<u8>>,
    bytes: usize,
}

impl Reassembler {
    pub fn new(version: SocketIoVersion, limits: Limits) -> Self {
        Reassembler {
            version,
            limits,
            waiting: None,
        }
    }

    /// How many attachments the packet being reassembled still waits for.
    pub fn missing(&self) -> usize {
        self.waiting
            .as_ref()
            .map_or(0, |w| w.packet.attachments - w.attachments.len())
    }

    /// The data of a text `message`: a message, or None while attachments are awaited.
    pub fn text(&mut self, text: &str) -> Result<Option<Received>, SocketIoError> {
        if let Some(w) = self.waiting.take() {
            return Err(SocketIoError::TextBeforeAttachments {
                kind: w.packet.kind.name(self.version),
                missing: w.packet.attachments - w.attachments.len(),
            });
        }
        let packet = packet::decode(self.version, text, &self.limits)?;
        if packet.kind.is_binary() {
            self.waiting = Some(Waiting {
                packet,
                attachments: Vec::new(),
                bytes: 0,
            });
            return Ok(None);
        }
        finish(self.version, packet, &[]).map(Some)
    }

    /// The data of a binary `message`: an attachment of the packet being reassembled.
    pub fn binary(&mut self, bytes: Vec<u8>) -> Result<Option<Received>, SocketIoError> {
        let mut w = self.waiting.take().ok_or(SocketIoError::UnexpectedBinary)?;
        w.bytes = w.bytes.saturating_add(bytes.len());
        if w.bytes > self.limits.max_attachment_bytes {
            return Err(SocketIoError::AttachmentsTooLarge {
                limit: self.limits.max_attachment_bytes,
            });
        }
        w.attachments.push(bytes);
        if w.attachments.len() < w.packet.attachments {
            self.waiting = Some(w);
            return Ok(None);
        }
        finish(self.version, w.packet, &w.attachments).map(Some)
    }
}

fn finish(
    version: SocketIoVersion,
    p: packet::Packet,
    attachments: &[Vec<u8>],
) -> Result<Received, SocketIoError> {
    let namespace = p.namespace;
    let json = |data: Option<String>| -> Result<String, SocketIoError> {
        let data = data.unwrap_or_default();
        if attachments.is_empty() {
            Ok(data)
        } else {
            binary::reconstruct(&data, attachments).map_err(SocketIoError::Binary)
        }
    };
    Ok(match p.kind {
        PacketType::Connect => Received::Connect {
            namespace,
            data: p.data,
        },
        PacketType::Disconnect => Received::Disconnect { namespace },
        PacketType::Event | PacketType::BinaryEvent => {
            let json = json(p.data)?;
            Received::Event {
                namespace,
                id: p.id,
                name: event_name(&json),
                json,
            }
        }
        PacketType::Ack | PacketType::BinaryAck => Received::Ack {
            namespace,
            id: p.id.unwrap_or_default(),
            json: json(p.data)?,
        },
        PacketType::ConnectError => Received::ConnectError {
            namespace,
            message: error_message(version, p.data.as_deref()),
            data: p.data,
        },
    })
}

/// The event name: the array's first element (a string's value, a number as written).
fn event_name(array: &str) -> String {
    let Some(inner) = array.trim_start().strip_prefix('[') else {
        return String::new();
    };
    let first = serde_json::Deserializer::from_str(inner)
        .into_iter::<&RawValue>()
        .next()
        .and_then(Result::ok);
    match first {
        Some(raw) => json_text::string_value(raw).unwrap_or_else(|| raw.get().to_string()),
        None => String::new(),
    }
}

/// A refusal in words: a string's value, an object's `message`, or the JSON as sent.
fn error_message(version: SocketIoVersion, data: Option<&str>) -> String {
    let Some(raw) = data.and_then(|d| json_text::one_value(d).ok()) else {
        return format!(
            "the server refused the namespace ({})",
            if version == SocketIoVersion::V4 {
                "ERROR"
            } else {
                "CONNECT_ERROR"
            }
        );
    };
    match json_text::kind(raw) {
        Kind::String => json_text::string_value(raw).unwrap_or_default(),
        Kind::Object => json_text::members(raw)
            .ok()
            .and_then(|m| json_text::member(&m, "message").and_then(json_text::string_value))
            .unwrap_or_else(|| raw.get().to_string()),
        _ => raw.get().to_string(),
    }
}
