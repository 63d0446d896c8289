//! The WebSocket messages that carry what the client sends: CONNECT, DISCONNECT, events and
//! acknowledgements, each a text message (`4` + the Socket.IO packet) followed, when it has
//! binary arguments, by one binary message per attachment.

use super::super::json_text::{self, Kind};
use super::binary::{self, BinaryError};
use super::engine::{self, Data, EnginePacket, WsMessage};
use super::input::{AckReply, Arg, Emit};
use super::packet::{self, Packet, PacketError, PacketType, SocketIoVersion};
use std::fmt;
use std::path::PathBuf;

/// Most binary arguments of one event: Socket.IO servers refuse more by default.
pub(crate) const MAX_ATTACHMENTS: usize = 10;

/// Why something cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OutgoingError {
    Packet(PacketError),
    /// A JSON argument's binary data (`{"_binary":…}`) is not valid; `arg` counts from 1.
    Binary {
        arg: usize,
        error: BinaryError,
    },
    /// An `@FILE` argument the caller has not read yet.
    UnreadFile(PathBuf),
    /// The CONNECT payload (`--connect-payload`) must be a JSON object.
    AuthNotObject(String),
}

impl fmt::Display for OutgoingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutgoingError::Packet(e) => e.fmt(f),
            OutgoingError::Binary { arg, error } => write!(f, "argument {arg}: {error}"),
            OutgoingError::UnreadFile(p) => write!(f, "the file {} was not read", p.display()),
            OutgoingError::AuthNotObject(got) => write!(
                f,
                "the Socket.IO connect payload must be a JSON object (it is the handshake's auth), not {got}"
            ),
        }
    }
}

impl std::error::Error for OutgoingError {}

impl From<PacketError> for OutgoingError {
    fn from(e: PacketError) -> Self {
        OutgoingError::Packet(e)
    }
}

/// The JSON of an event or ack (placeholders for binary data) and its attachments in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Payload {
    pub json: String,
    pub attachments: Vec<Vec<u8>>,
}

/// Builds `[name?, arg…]`: JSON arguments as typed, binary data replaced by placeholders.
pub(crate) fn payload(name: Option<&str>, args: &[Arg]) -> Result<Payload, OutgoingError> {
    let mut json = String::from("[");
    let mut attachments = Vec::new();
    if let Some(name) = name {
        json.push_str(&json_text::quote(name));
    }
    for (i, arg) in args.iter().enumerate() {
        if json.len() > 1 {
            json.push(',');
        }
        let too_many = |arg| OutgoingError::Binary {
            arg,
            error: BinaryError::TooMany {
                limit: MAX_ATTACHMENTS,
            },
        };
        match arg {
            Arg::Json(text) => {
                let (text, found) = binary::deconstruct(text, attachments.len(), MAX_ATTACHMENTS)
                    .map_err(|error| OutgoingError::Binary { arg: i + 1, error })?;
                json.push_str(&text);
                attachments.extend(found);
            }
            Arg::Bytes(bytes) => {
                if attachments.len() >= MAX_ATTACHMENTS {
                    return Err(too_many(i + 1));
                }
                json.push_str(&binary::placeholder(attachments.len()));
                attachments.push(bytes.clone());
            }
            Arg::File(path) => return Err(OutgoingError::UnreadFile(path.clone())),
        }
    }
    json.push(']');
    Ok(Payload { json, attachments })
}

/// The messages of an event; `id` asks for an acknowledgement.
pub(crate) fn event(
    version: SocketIoVersion,
    namespace: &str,
    id: Option<u64>,
    emit: &Emit,
) -> Result<Vec<WsMessage>, OutgoingError> {
    let p = payload(Some(&emit.event), &emit.args)?;
    messages(version, PacketType::Event, namespace, id, p)
}

/// The messages of an acknowledgement.
pub(crate) fn ack(
    version: SocketIoVersion,
    namespace: &str,
    reply: &AckReply,
) -> Result<Vec<WsMessage>, OutgoingError> {
    let p = payload(None, &reply.args)?;
    messages(version, PacketType::Ack, namespace, Some(reply.id), p)
}

/// CONNECT to a namespace, v5: `auth` (the `--connect-payload`) must be a JSON object.
pub(crate) fn connect(namespace: &str, auth: Option<&str>) -> Result<WsMessage, OutgoingError> {
    if let Some(auth) = auth {
        let raw = json_text::one_value(auth)
            .map_err(|e| OutgoingError::AuthNotObject(format!("invalid JSON ({e})")))?;
        if json_text::kind(raw) != Kind::Object {
            return Err(OutgoingError::AuthNotObject(
                json_text::kind(raw).with_article().into(),
            ));
        }
    }
    text(&Packet {
        kind: PacketType::Connect,
        namespace: namespace.to_string(),
        attachments: 0,
        id: None,
        data: auth.map(|a| a.trim().to_string()),
    })
}

/// CONNECT to a namespace, v4 (Socket.IO 2): a query string may follow the namespace. (v4
/// servers connect the client to `/` by themselves: CONNECT is for other namespaces.)
pub(crate) fn connect_v4(namespace: &str, query: Option<&str>) -> Result<WsMessage, OutgoingError> {
    let query = query
        .map(|q| q.trim_start_matches('?'))
        .filter(|q| !q.is_empty());
    let full = match query {
        Some(q) => format!("{namespace}?{q}"),
        None => namespace.to_string(),
    };
    packet::check_namespace(&full)?;
    if full == "/" {
        return Ok(WsMessage::Text("40".into()));
    }
    Ok(WsMessage::Text(format!("40{full},")))
}

/// DISCONNECT from a namespace.
pub(crate) fn disconnect(namespace: &str) -> Result<WsMessage, OutgoingError> {
    text(&Packet {
        kind: PacketType::Disconnect,
        namespace: namespace.to_string(),
        attachments: 0,
        id: None,
        data: None,
    })
}

fn text(packet: &Packet) -> Result<WsMessage, OutgoingError> {
    Ok(WsMessage::Text(format!("4{}", packet::encode(packet)?)))
}

fn messages(
    version: SocketIoVersion,
    kind: PacketType,
    namespace: &str,
    id: Option<u64>,
    p: Payload,
) -> Result<Vec<WsMessage>, OutgoingError> {
    let binary = !p.attachments.is_empty();
    let kind = match (kind, binary) {
        (PacketType::Event, true) => PacketType::BinaryEvent,
        (PacketType::Ack, true) => PacketType::BinaryAck,
        (k, _) => k,
    };
    let mut out = vec![text(&Packet {
        kind,
        namespace: namespace.to_string(),
        attachments: p.attachments.len(),
        id,
        data: Some(p.json),
    })?];
    for a in p.attachments {
        out.push(engine::encode(
            version.engine(),
            &EnginePacket::Message(Data::Binary(a)),
        ));
    }
    Ok(out)
}
