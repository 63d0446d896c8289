//! The server's messages in either dialect, decoded into one typed enum.
//!
//! Every message is a JSON object with a string `type`, an `id` for messages about an
//! operation, and a `payload`. The checks follow each dialect's document and the reference
//! implementations: an `id` is a non-empty string; `next`/`data` carry a result object; a new
//! dialect `error` carries a non-empty array of GraphQL errors, a legacy one any JSON (one
//! error object, usually). A message of the other dialect, or one only clients send, is its
//! own error, so the session can say precisely what the server got wrong.

use super::super::json_text::{self, JsonSyntax, Kind, RawValue};
use std::fmt;

/// The two GraphQL-over-WebSocket protocols.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// The `graphql-ws` library's protocol, subprotocol `graphql-transport-ws`.
    TransportWs,
    /// Apollo's `subscriptions-transport-ws`, subprotocol `graphql-ws` (legacy).
    Legacy,
}

impl Dialect {
    /// The WebSocket subprotocol that names the dialect.
    pub(crate) fn subprotocol(self) -> &'static str {
        match self {
            Dialect::TransportWs => "graphql-transport-ws",
            Dialect::Legacy => "graphql-ws",
        }
    }

    /// The dialect a server selected with its subprotocol.
    pub(crate) fn from_subprotocol(name: &str) -> Option<Dialect> {
        [Dialect::TransportWs, Dialect::Legacy]
            .into_iter()
            .find(|d| d.subprotocol() == name)
    }

    fn describe(self) -> &'static str {
        match self {
            Dialect::TransportWs => "graphql-transport-ws",
            Dialect::Legacy => "the legacy graphql-ws (subscriptions-transport-ws)",
        }
    }
}

/// A message from the server. JSON payloads are kept as the server wrote them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerMessage {
    /// The connection is acknowledged; operations may go out.
    ConnectionAck {
        payload: Option<String>,
    },
    /// Legacy: the server refused `connection_init`, or could not read a message.
    ConnectionError {
        payload: Option<String>,
        message: String,
    },
    /// Legacy keepalive (`ka`).
    KeepAlive,
    /// `graphql-transport-ws`: answer with a pong at once.
    Ping {
        payload: Option<String>,
    },
    Pong {
        payload: Option<String>,
    },
    /// A result of operation `id` (`next`; legacy `data`), with the messages of any GraphQL
    /// `errors` in it.
    Next {
        id: String,
        payload: String,
        errors: Vec<String>,
    },
    /// Operation `id` failed before it ran: its errors' messages.
    Error {
        id: String,
        payload: String,
        messages: Vec<String>,
    },
    /// Operation `id` is over.
    Complete {
        id: String,
    },
}

/// Why a received message is not one the dialect allows from a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageError {
    NotJson(JsonSyntax),
    NotObject(Kind),
    NoType,
    TypeNotString(Kind),
    UnknownType(String),
    /// A message type of the other dialect.
    OtherDialect {
        type_name: String,
        dialect: Dialect,
    },
    /// A message type only clients send.
    ClientType(String),
    BadId {
        type_name: String,
        got: String,
    },
    BadPayload {
        type_name: String,
        expected: &'static str,
        got: String,
    },
}

impl fmt::Display for MessageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MessageError::NotJson(e) => write!(f, "the message is not JSON ({e})"),
            MessageError::NotObject(k) => {
                write!(f, "the message is {}, not a JSON object", k.with_article())
            }
            MessageError::NoType => f.write_str("the message has no \"type\""),
            MessageError::TypeNotString(k) => {
                write!(
                    f,
                    "the message's \"type\" is {}, not a string",
                    k.with_article()
                )
            }
            MessageError::UnknownType(t) => {
                write!(f, "{t:?} is not a message type of the protocol")
            }
            MessageError::OtherDialect { type_name, dialect } => write!(
                f,
                "{type_name:?} is a message of {}, not of the dialect the server selected",
                dialect.describe()
            ),
            MessageError::ClientType(t) => {
                write!(f, "{t:?} is a message clients send, not servers")
            }
            MessageError::BadId { type_name, got } => write!(
                f,
                "a {type_name:?} message needs the operation's \"id\" as a non-empty string, not {got}"
            ),
            MessageError::BadPayload {
                type_name,
                expected,
                got,
            } => write!(
                f,
                "a {type_name:?} message's \"payload\" must be {expected}, not {got}"
            ),
        }
    }
}

impl std::error::Error for MessageError {}

/// Decodes a server message of the given dialect.
pub fn decode(dialect: Dialect, text: &str) -> Result<ServerMessage, MessageError> {
    let raw = json_text::one_value(text).map_err(MessageError::NotJson)?;
    if json_text::kind(raw) != Kind::Object {
        return Err(MessageError::NotObject(json_text::kind(raw)));
    }
    let members = json_text::members(raw).map_err(MessageError::NotJson)?;
    let get = |name: &str| json_text::member(&members, name);
    let type_raw = get("type").ok_or(MessageError::NoType)?;
    let type_name = json_text::string_value(type_raw)
        .ok_or(MessageError::TypeNotString(json_text::kind(type_raw)))?;
    let msg = Msg {
        type_name: &type_name,
        id: get("id"),
        payload: get("payload"),
    };
    msg.interpret(dialect)
}

impl Msg<'_> {
    fn interpret(&self, dialect: Dialect) -> Result<ServerMessage, MessageError> {
        let (msg, payload, type_name) = (self, self.payload, self.type_name.to_string());
        use Dialect::{Legacy, TransportWs};
        Ok(match (dialect, type_name.as_str()) {
            (_, "connection_ack") => ServerMessage::ConnectionAck {
                payload: msg.optional_object(dialect)?,
            },
            (TransportWs, "ping") => ServerMessage::Ping {
                payload: msg.optional_object(dialect)?,
            },
            (TransportWs, "pong") => ServerMessage::Pong {
                payload: msg.optional_object(dialect)?,
            },
            (TransportWs, "next") | (Legacy, "data") => {
                let payload = msg.object()?;
                ServerMessage::Next {
                    id: msg.id()?,
                    errors: result_errors(&payload),
                    payload,
                }
            }
            (TransportWs, "error") => {
                let id = msg.id()?;
                let payload = msg.error_list()?;
                ServerMessage::Error {
                    id,
                    messages: error_messages(&payload),
                    payload,
                }
            }
            (Legacy, "error") => {
                let id = msg.id()?;
                let payload = payload.map_or_else(|| "null".to_string(), |p| p.get().to_string());
                ServerMessage::Error {
                    id,
                    messages: error_messages(&payload),
                    payload,
                }
            }
            (_, "complete") => ServerMessage::Complete { id: msg.id()? },
            (Legacy, "ka") => ServerMessage::KeepAlive,
            (Legacy, "connection_error") => {
                let payload = payload.map(|p| p.get().to_string());
                let message = payload
                    .as_deref()
                    .map(error_messages)
                    .and_then(|m| (!m.is_empty()).then(|| m.join("; ")))
                    .unwrap_or_else(|| "the server refused the connection".into());
                ServerMessage::ConnectionError { payload, message }
            }
            (Legacy, "ping" | "pong" | "next")
            | (TransportWs, "ka" | "data" | "connection_error") => {
                return Err(MessageError::OtherDialect {
                    type_name,
                    dialect: if dialect == Legacy {
                        TransportWs
                    } else {
                        Legacy
                    },
                });
            }
            (_, "connection_init" | "subscribe" | "start" | "stop" | "connection_terminate") => {
                return Err(MessageError::ClientType(type_name));
            }
            _ => return Err(MessageError::UnknownType(type_name)),
        })
    }
}

struct Msg<'a> {
    type_name: &'a str,
    id: Option<&'a RawValue>,
    payload: Option<&'a RawValue>,
}

impl Msg<'_> {
    fn bad_payload(&self, expected: &'static str) -> MessageError {
        MessageError::BadPayload {
            type_name: self.type_name.to_string(),
            expected,
            got: self
                .payload
                .map_or("missing", |p| json_text::kind(p).with_article())
                .to_string(),
        }
    }

    fn id(&self) -> Result<String, MessageError> {
        match self.id.and_then(json_text::string_value) {
            Some(id) if !id.is_empty() => Ok(id),
            _ => Err(MessageError::BadId {
                type_name: self.type_name.to_string(),
                got: match self.id {
                    None => "none".into(),
                    Some(raw) if json_text::kind(raw) == Kind::String => "an empty string".into(),
                    Some(raw) => json_text::kind(raw).with_article().into(),
                },
            }),
        }
    }

    /// `graphql-transport-ws` wants an object, null or nothing; legacy servers send anything.
    fn optional_object(&self, dialect: Dialect) -> Result<Option<String>, MessageError> {
        match self.payload.map(|p| (p, json_text::kind(p))) {
            None | Some((_, Kind::Null)) => Ok(None),
            Some((p, Kind::Object)) => Ok(Some(p.get().to_string())),
            Some((p, _)) if dialect == Dialect::Legacy => Ok(Some(p.get().to_string())),
            Some(_) => Err(self.bad_payload("an object, null or missing")),
        }
    }

    fn object(&self) -> Result<String, MessageError> {
        match self.payload {
            Some(p) if json_text::kind(p) == Kind::Object => Ok(p.get().to_string()),
            _ => Err(self.bad_payload("an object (an execution result)")),
        }
    }

    fn error_list(&self) -> Result<String, MessageError> {
        const EXPECTED: &str = "a non-empty array of GraphQL errors, each with a \"message\"";
        let p = self.payload.ok_or_else(|| self.bad_payload(EXPECTED))?;
        let items: Vec<&RawValue> =
            serde_json::from_str(p.get()).map_err(|_| self.bad_payload(EXPECTED))?;
        let all_have_message = items.iter().all(|item| {
            json_text::kind(item) == Kind::Object
                && json_text::members(item)
                    .is_ok_and(|m| json_text::member(&m, "message").is_some())
        });
        if items.is_empty() || !all_have_message {
            return Err(MessageError::BadPayload {
                type_name: self.type_name.to_string(),
                expected: EXPECTED,
                got: if items.is_empty() {
                    "an empty array".into()
                } else {
                    "an array with an item that is not one".into()
                },
            });
        }
        Ok(p.get().to_string())
    }
}

/// The messages of a result's `errors` (GraphQL errors beside the data).
fn result_errors(payload: &str) -> Vec<String> {
    let Ok(raw) = json_text::one_value(payload) else {
        return Vec::new();
    };
    json_text::members(raw)
        .ok()
        .and_then(|m| json_text::member(&m, "errors").map(|e| error_messages(e.get())))
        .unwrap_or_default()
}

/// Error messages in whatever shape a server sends them: an array of errors, one error
/// object (`{"message":…}`), an object with an `errors` array, or a string.
pub(crate) fn error_messages(payload: &str) -> Vec<String> {
    let Ok(raw) = json_text::one_value(payload) else {
        return Vec::new();
    };
    match json_text::kind(raw) {
        Kind::String => json_text::string_value(raw).into_iter().collect(),
        Kind::Array => serde_json::from_str::<Vec<&RawValue>>(raw.get())
            .unwrap_or_default()
            .into_iter()
            .flat_map(message_of)
            .collect(),
        Kind::Object => {
            let Ok(m) = json_text::members(raw) else {
                return Vec::new();
            };
            match json_text::member(&m, "errors") {
                Some(errors) if json_text::kind(errors) == Kind::Array => {
                    error_messages(errors.get())
                }
                _ => message_of(raw).into_iter().collect(),
            }
        }
        _ => Vec::new(),
    }
}

fn message_of(item: &RawValue) -> Option<String> {
    match json_text::kind(item) {
        Kind::String => json_text::string_value(item),
        Kind::Object => json_text::members(item)
            .ok()
            .and_then(|m| json_text::member(&m, "message").and_then(json_text::string_value)),
        _ => None,
    }
}
