//! Engine.IO packets over WebSocket, protocol v3 (Socket.IO 1 and 2) and v4 (Socket.IO 3+).
//!
//! Each WebSocket message is one packet: a type digit (`0` open, `1` close, `2` ping, `3`
//! pong, `4` message, `5` upgrade, `6` noop) and its data. A binary WebSocket message is a
//! `message` packet with binary data: v4 sends the bytes as they are; v3 puts the type as a
//! byte (0x04) before them.
//!
//! Heartbeat direction differs: in v4 the *server* pings (`2`) every pingInterval and the
//! client answers `3`; in v3 the *client* pings every pingInterval and the server answers.

use super::super::json_text::{self, JsonSyntax, Kind, RawValue};
pub(crate) use super::super::layer::WsMessage;
use std::fmt;
use std::time::Duration;

/// The Engine.IO protocol revision (the `EIO` query parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineVersion {
    /// Socket.IO 1.x and 2.x servers: the client pings, binary data has a type byte.
    V3,
    /// Socket.IO 3.x and later: the server pings, binary data is sent as it is.
    V4,
}

impl EngineVersion {
    /// The value of the `EIO` query parameter.
    pub(crate) fn query_value(self) -> &'static str {
        match self {
            EngineVersion::V3 => "3",
            EngineVersion::V4 => "4",
        }
    }
}

/// The data of an Engine.IO `message` packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Data {
    Text(String),
    Binary(Vec<u8>),
}

/// The server's open packet: the session and its heartbeat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handshake {
    pub sid: String,
    /// Transports the session may upgrade to (absent in some v3 servers' packets: empty).
    pub upgrades: Vec<String>,
    /// Milliseconds between pings.
    pub ping_interval: u64,
    /// Milliseconds the other side has to answer a ping.
    pub ping_timeout: u64,
    /// The largest payload the server takes, in bytes (v4 only).
    pub max_payload: Option<u64>,
    /// The packet's JSON as the server sent it.
    pub raw: String,
}

impl Handshake {
    /// How long the client may go without the server's ping (v4) or pong (v3) before the
    /// connection counts as dead: pingInterval + pingTimeout.
    pub(crate) fn silence_limit(&self) -> Duration {
        Duration::from_millis(self.ping_interval.saturating_add(self.ping_timeout))
    }
}

/// An Engine.IO packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnginePacket {
    Open(Handshake),
    Close,
    /// A ping and its data (`probe` during an upgrade, usually empty).
    Ping(String),
    /// A pong and its data (the ping's, echoed).
    Pong(String),
    Message(Data),
    Upgrade,
    Noop,
}

/// Why a WebSocket message is not an Engine.IO packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineError {
    /// An empty text message: no packet type.
    Empty,
    /// The first character is not a packet type.
    UnknownType(char),
    /// The open packet's JSON is not a valid handshake.
    BadOpen(String),
    /// An Engine.IO v3 binary message whose first byte is not 0x04 (message).
    BinaryType(Option<u8>),
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineError::Empty => f.write_str("an empty Engine.IO packet (no packet type)"),
            EngineError::UnknownType(c) => write!(
                f,
                "{c:?} is not an Engine.IO packet type (0 open, 1 close, 2 ping, 3 pong, 4 message, 5 upgrade, 6 noop)"
            ),
            EngineError::BadOpen(why) => write!(f, "the Engine.IO open packet is not valid: {why}"),
            EngineError::BinaryType(None) => {
                f.write_str("an empty binary message (Engine.IO v3 starts one with the byte 0x04)")
            }
            EngineError::BinaryType(Some(b)) => write!(
                f,
                "a binary Engine.IO v3 packet starts with 0x{b:02x}; only 0x04 (message) carries binary data"
            ),
        }
    }
}

impl std::error::Error for EngineError {}

/// Decodes a text WebSocket message.
pub fn decode_text(text: &str) -> Result<EnginePacket, EngineError> {
    let mut chars = text.chars();
    let kind = chars.next().ok_or(EngineError::Empty)?;
    let data = chars.as_str();
    Ok(match kind {
        '0' => EnginePacket::Open(handshake(data)?),
        '1' => EnginePacket::Close,
        '2' => EnginePacket::Ping(data.to_string()),
        '3' => EnginePacket::Pong(data.to_string()),
        '4' => EnginePacket::Message(Data::Text(data.to_string())),
        '5' => EnginePacket::Upgrade,
        '6' => EnginePacket::Noop,
        other => return Err(EngineError::UnknownType(other)),
    })
}

/// Decodes a binary WebSocket message: always a `message` packet with binary data.
pub fn decode_binary(version: EngineVersion, bytes: &[u8]) -> Result<EnginePacket, EngineError> {
    let data = match version {
        EngineVersion::V4 => bytes,
        EngineVersion::V3 => match bytes.split_first() {
            Some((4, rest)) => rest,
            Some((&b, _)) => return Err(EngineError::BinaryType(Some(b))),
            None => return Err(EngineError::BinaryType(None)),
        },
    };
    Ok(EnginePacket::Message(Data::Binary(data.to_vec())))
}

/// Encodes a packet as the WebSocket message that carries it.
pub(crate) fn encode(version: EngineVersion, packet: &EnginePacket) -> WsMessage {
    let text = |kind: char, data: &str| WsMessage::Text(format!("{kind}{data}"));
    match packet {
        EnginePacket::Open(h) => text('0', &h.raw),
        EnginePacket::Close => text('1', ""),
        EnginePacket::Ping(d) => text('2', d),
        EnginePacket::Pong(d) => text('3', d),
        EnginePacket::Message(Data::Text(t)) => text('4', t),
        EnginePacket::Message(Data::Binary(b)) => WsMessage::Binary(match version {
            EngineVersion::V4 => b.clone(),
            EngineVersion::V3 => [&[4u8][..], b].concat(),
        }),
        EnginePacket::Upgrade => text('5', ""),
        EnginePacket::Noop => text('6', ""),
    }
}

fn handshake(data: &str) -> Result<Handshake, EngineError> {
    let bad = |why: String| EngineError::BadOpen(why);
    let raw = json_text::one_value(data).map_err(|e: JsonSyntax| bad(format!("{e}")))?;
    if json_text::kind(raw) != Kind::Object {
        return Err(bad(format!(
            "its data is {}, not a JSON object",
            json_text::kind(raw).with_article()
        )));
    }
    let members = json_text::members(raw).map_err(|e| bad(e.to_string()))?;
    let get = |name: &str| json_text::member(&members, name);
    let sid = get("sid")
        .and_then(json_text::string_value)
        .ok_or_else(|| bad("no \"sid\" string (the session id)".into()))?;
    let upgrades = match get("upgrades") {
        None => Vec::new(),
        Some(v) => serde_json::from_str::<Vec<String>>(v.get())
            .map_err(|_| bad("\"upgrades\" is not an array of strings".into()))?,
    };
    let millis = |name: &str| -> Result<u64, EngineError> {
        let v = get(name).ok_or_else(|| bad(format!("no \"{name}\"")))?;
        whole_number(v)
            .ok_or_else(|| bad(format!("\"{name}\" is {} (expected milliseconds)", v.get())))
    };
    let ping_interval = millis("pingInterval")?;
    let ping_timeout = millis("pingTimeout")?;
    let max_payload = match get("maxPayload") {
        None => None,
        Some(v) => Some(whole_number(v).ok_or_else(|| {
            bad(format!(
                "\"maxPayload\" is {} (expected a number of bytes)",
                v.get()
            ))
        })?),
    };
    Ok(Handshake {
        sid,
        upgrades,
        ping_interval,
        ping_timeout,
        max_payload,
        raw: data.to_string(),
    })
}

/// A non-negative whole number (`25000`, also written `25000.0` or `2.5e4` by some servers).
fn whole_number(v: &RawValue) -> Option<u64> {
    let n: serde_json::Number = serde_json::from_str(v.get()).ok()?;
    if let Some(u) = n.as_u64() {
        return Some(u);
    }
    let f = n.as_f64()?;
    (f >= 0.0 && f.fract() == 0.0 && f < 1.8e19).then_some(f as u64)
}
