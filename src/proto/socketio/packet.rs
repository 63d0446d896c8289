//! Socket.IO packets as the default parser writes them, in the data of an Engine.IO `message`:
//!
//! ```text
//! <type>[<attachments>-][<namespace>,][<ack id>][<JSON data>]      e.g. 52-/admin,7["up",{…}]
//! ```
//!
//! The namespace is written only when it is not `/`, and ends at the first comma (a namespace
//! cannot hold one). Protocol v5 (Socket.IO 3+) and v4 (Socket.IO 1 and 2) share the format;
//! v4 calls type 4 `ERROR` (any JSON, often a string) where v5 has `CONNECT_ERROR` (an object
//! with `message`, or a string), and v4's CONNECT carries no data (a query may follow the
//! namespace instead: `0/admin?token=1,`).

use super::super::json_text::{self, JsonSyntax, Kind};
use super::engine::EngineVersion;
use std::fmt;

/// The Socket.IO protocol revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocketIoVersion {
    /// Socket.IO 1.x and 2.x servers, over Engine.IO v3.
    V4,
    /// Socket.IO 3.x and later, over Engine.IO v4.
    V5,
}

impl SocketIoVersion {
    /// The Engine.IO revision under this Socket.IO revision.
    pub fn engine(self) -> EngineVersion {
        match self {
            SocketIoVersion::V4 => EngineVersion::V3,
            SocketIoVersion::V5 => EngineVersion::V4,
        }
    }
}

/// The seven packet types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PacketType {
    Connect,
    Disconnect,
    Event,
    Ack,
    /// `CONNECT_ERROR` in v5, `ERROR` in v4.
    ConnectError,
    BinaryEvent,
    BinaryAck,
}

impl PacketType {
    const ALL: [PacketType; 7] = [
        PacketType::Connect,
        PacketType::Disconnect,
        PacketType::Event,
        PacketType::Ack,
        PacketType::ConnectError,
        PacketType::BinaryEvent,
        PacketType::BinaryAck,
    ];

    /// The type's digit on the wire.
    pub(crate) fn digit(self) -> char {
        char::from(b'0' + self as u8)
    }

    /// The type's name in the given revision's documents.
    pub(crate) fn name(self, version: SocketIoVersion) -> &'static str {
        match self {
            PacketType::Connect => "CONNECT",
            PacketType::Disconnect => "DISCONNECT",
            PacketType::Event => "EVENT",
            PacketType::Ack => "ACK",
            PacketType::ConnectError if version == SocketIoVersion::V4 => "ERROR",
            PacketType::ConnectError => "CONNECT_ERROR",
            PacketType::BinaryEvent => "BINARY_EVENT",
            PacketType::BinaryAck => "BINARY_ACK",
        }
    }

    /// True for the two types followed by binary attachments.
    pub(crate) fn is_binary(self) -> bool {
        matches!(self, PacketType::BinaryEvent | PacketType::BinaryAck)
    }
}

/// A Socket.IO packet; `data` is its JSON exactly as written (binary placeholders included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    pub(crate) kind: PacketType,
    /// `/` unless the packet names another.
    pub namespace: String,
    /// How many binary messages follow (BINARY_EVENT and BINARY_ACK only; otherwise 0).
    pub attachments: usize,
    pub id: Option<u64>,
    pub data: Option<String>,
}

/// Bounds on what a peer's packets may announce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most binary attachments one packet may announce (socket.io-parser's default is 10).
    pub max_attachments: usize,
    /// Most bytes the attachments of one packet may hold together.
    pub max_attachment_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_attachments: 10,
            max_attachment_bytes: 64 << 20,
        }
    }
}

/// Why a text is not a valid Socket.IO packet. Columns count characters of the packet's text
/// (the Engine.IO message without its leading `4`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PacketError {
    Empty,
    UnknownType(char),
    /// The attachment count of a binary packet is not digits then `-`.
    BadAttachments,
    TooManyAttachments {
        count: usize,
        limit: usize,
    },
    /// An ack id with more digits than fit 64 bits.
    AckIdTooLarge,
    /// The data is not JSON.
    BadJson(JsonSyntax),
    /// The data is JSON of the wrong shape for its packet type.
    BadData {
        kind: &'static str,
        expected: &'static str,
        got: String,
    },
    /// An ACK or BINARY_ACK without the id of the packet it answers.
    AckWithoutId,
    /// A namespace that does not start with `/` or holds a comma (cannot be written).
    BadNamespace(String),
}

impl fmt::Display for PacketError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PacketError::Empty => f.write_str("an empty Socket.IO packet (no packet type)"),
            PacketError::UnknownType(c) => write!(
                f,
                "{c:?} is not a Socket.IO packet type (0 CONNECT, 1 DISCONNECT, 2 EVENT, 3 ACK, 4 CONNECT_ERROR, 5 BINARY_EVENT, 6 BINARY_ACK)"
            ),
            PacketError::BadAttachments => f.write_str(
                "a binary packet's attachment count must be a number from 1 followed by '-' (as in 51-[…])",
            ),
            PacketError::TooManyAttachments { count, limit } => write!(
                f,
                "the packet announces {count} binary attachments; at most {limit} are accepted"
            ),
            PacketError::AckIdTooLarge => f.write_str("the ack id does not fit in 64 bits"),
            PacketError::BadJson(e) => write!(f, "the packet's data is not valid JSON at {e}"),
            PacketError::BadData {
                kind,
                expected,
                got,
            } => write!(f, "a {kind} packet's data must be {expected}, not {got}"),
            PacketError::AckWithoutId => {
                f.write_str("an ACK packet without the id of the event it answers")
            }
            PacketError::BadNamespace(n) => write!(
                f,
                "the namespace {n:?} must start with '/' and cannot hold a comma"
            ),
        }
    }
}

impl std::error::Error for PacketError {}

/// Decodes a packet from the data of an Engine.IO text `message`.
pub fn decode(
    version: SocketIoVersion,
    text: &str,
    limits: &Limits,
) -> Result<Packet, PacketError> {
    let first = text.chars().next().ok_or(PacketError::Empty)?;
    let kind = first
        .to_digit(10)
        .and_then(|d| PacketType::ALL.get(d as usize).copied())
        .ok_or(PacketError::UnknownType(first))?;
    let mut rest = &text[1..];
    let mut attachments = 0;
    if kind.is_binary() {
        let dash = rest.find('-').ok_or(PacketError::BadAttachments)?;
        let digits = &rest[..dash];
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PacketError::BadAttachments);
        }
        let count = digits.parse::<usize>().unwrap_or(usize::MAX);
        if count == 0 {
            return Err(PacketError::BadAttachments);
        }
        if count > limits.max_attachments {
            return Err(PacketError::TooManyAttachments {
                count,
                limit: limits.max_attachments,
            });
        }
        attachments = count;
        rest = &rest[dash + 1..];
    }
    let mut namespace = "/".to_string();
    if rest.starts_with('/') {
        let end = rest.find(',').unwrap_or(rest.len());
        namespace = rest[..end].to_string();
        rest = rest.get(end + 1..).unwrap_or("");
    }
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let id = if digits > 0 {
        let id = rest[..digits]
            .parse::<u64>()
            .map_err(|_| PacketError::AckIdTooLarge)?;
        rest = &rest[digits..];
        Some(id)
    } else {
        None
    };
    let data = if rest.is_empty() {
        None
    } else {
        let offset = text.len() - rest.len();
        let raw = json_text::one_value(rest)
            .map_err(|e| PacketError::BadJson(e.shifted(text[..offset].chars().count())))?;
        check_shape(version, kind, id, Some(raw.get()))?;
        Some(rest.to_string())
    };
    if data.is_none() {
        check_shape(version, kind, id, None)?;
    }
    Ok(Packet {
        kind,
        namespace,
        attachments,
        id,
        data,
    })
}

/// Writes a packet (without the Engine.IO `4` in front).
pub(crate) fn encode(packet: &Packet) -> Result<String, PacketError> {
    check_namespace(&packet.namespace)?;
    let mut out = String::new();
    out.push(packet.kind.digit());
    if packet.kind.is_binary() {
        out.push_str(&packet.attachments.to_string());
        out.push('-');
    }
    if packet.namespace != "/" {
        out.push_str(&packet.namespace);
        out.push(',');
    }
    if let Some(id) = packet.id {
        out.push_str(&id.to_string());
    }
    if let Some(data) = &packet.data {
        out.push_str(data);
    }
    Ok(out)
}

/// A namespace that can be written: it starts with `/` and holds no comma. (A v4 CONNECT may
/// add `?query` after it.)
pub(crate) fn check_namespace(namespace: &str) -> Result<(), PacketError> {
    if namespace.starts_with('/') && !namespace.contains(',') {
        Ok(())
    } else {
        Err(PacketError::BadNamespace(namespace.to_string()))
    }
}

fn check_shape(
    version: SocketIoVersion,
    kind: PacketType,
    id: Option<u64>,
    data: Option<&str>,
) -> Result<(), PacketError> {
    let name = kind.name(version);
    let got = data.map(Kind::of);
    let bad = |expected: &'static str| PacketError::BadData {
        kind: name,
        expected,
        got: got.map_or("nothing", Kind::with_article).to_string(),
    };
    match kind {
        PacketType::Connect => match got {
            None | Some(Kind::Object) => Ok(()),
            Some(_) if version == SocketIoVersion::V4 => Ok(()),
            Some(_) => Err(bad("a JSON object (or nothing)")),
        },
        PacketType::Disconnect => Ok(()),
        PacketType::ConnectError => match got {
            None | Some(Kind::Object | Kind::String) => Ok(()),
            Some(_) if version == SocketIoVersion::V4 => Ok(()),
            Some(_) => Err(bad("a JSON object or string")),
        },
        PacketType::Event | PacketType::BinaryEvent => {
            const EXPECTED: &str = "an array whose first element is the event name";
            let data = data.ok_or_else(|| bad(EXPECTED))?;
            if got != Some(Kind::Array) {
                return Err(bad(EXPECTED));
            }
            match first_element(data) {
                Some(Kind::String | Kind::Number) => Ok(()),
                Some(other) => Err(PacketError::BadData {
                    kind: name,
                    expected: "an array whose first element (the event name) is a string",
                    got: format!("an array that starts with {}", other.with_article()),
                }),
                None => Err(PacketError::BadData {
                    kind: name,
                    expected: EXPECTED,
                    got: "an empty array".into(),
                }),
            }
        }
        PacketType::Ack | PacketType::BinaryAck => {
            if id.is_none() {
                return Err(PacketError::AckWithoutId);
            }
            match got {
                Some(Kind::Array) => Ok(()),
                _ => Err(bad("an array of the answer's arguments")),
            }
        }
    }
}

/// The kind of a JSON array's first element (None for `[]`).
fn first_element(array: &str) -> Option<Kind> {
    let inner = array.trim_start().strip_prefix('[')?.trim_start();
    (!inner.starts_with(']')).then(|| Kind::of(inner))
}
