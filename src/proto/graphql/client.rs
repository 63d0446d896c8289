//! The client's messages, written for the dialect the server selected.
//!
//! | what                 | `graphql-transport-ws` | legacy `graphql-ws`      |
//! |----------------------|------------------------|--------------------------|
//! | open the connection  | `connection_init`      | `connection_init`        |
//! | run an operation     | `subscribe`            | `start`                  |
//! | stop an operation    | `complete`             | `stop`                   |
//! | keepalive            | `ping` / `pong`        | (none: the server's `ka`) |
//! | end                  | close 1000             | `connection_terminate`   |

use super::super::args::InputError;
use super::super::json_text::{self, Kind};
use super::message::Dialect;
use super::operation::Operation;
use std::fmt;

/// A message the client sends. Payloads are JSON objects as text (see [`object_payload`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientMessage<'a> {
    ConnectionInit {
        payload: Option<&'a str>,
    },
    Subscribe {
        id: &'a str,
        operation: &'a Operation,
    },
    /// Stop operation `id`.
    Complete {
        id: &'a str,
    },
    Ping {
        payload: Option<&'a str>,
    },
    Pong {
        payload: Option<&'a str>,
    },
    /// Legacy only: end the connection.
    Terminate,
}

/// A message the chosen dialect does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotInDialect {
    pub message: &'static str,
    pub dialect: Dialect,
}

impl fmt::Display for NotInDialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the {} protocol has no {} message",
            self.dialect.subprotocol(),
            self.message
        )
    }
}

impl std::error::Error for NotInDialect {}

/// Writes a message.
pub fn encode(dialect: Dialect, message: &ClientMessage) -> Result<String, NotInDialect> {
    let legacy = dialect == Dialect::Legacy;
    let missing = |message| NotInDialect { message, dialect };
    let with_payload = |kind: &str, payload: Option<&str>| match payload {
        Some(p) => format!("{{\"type\":\"{kind}\",\"payload\":{p}}}"),
        None => format!("{{\"type\":\"{kind}\"}}"),
    };
    let with_id =
        |kind: &str, id: &str| format!("{{\"id\":{},\"type\":\"{kind}\"}}", json_text::quote(id));
    Ok(match message {
        ClientMessage::ConnectionInit { payload } => with_payload("connection_init", *payload),
        ClientMessage::Subscribe { id, operation } => format!(
            "{{\"id\":{},\"type\":\"{}\",\"payload\":{}}}",
            json_text::quote(id),
            if legacy { "start" } else { "subscribe" },
            operation.payload_json()
        ),
        ClientMessage::Complete { id } => with_id(if legacy { "stop" } else { "complete" }, id),
        ClientMessage::Ping { .. } if legacy => return Err(missing("ping")),
        ClientMessage::Pong { .. } if legacy => return Err(missing("pong")),
        ClientMessage::Ping { payload } => with_payload("ping", *payload),
        ClientMessage::Pong { payload } => with_payload("pong", *payload),
        ClientMessage::Terminate if legacy => "{\"type\":\"connection_terminate\"}".to_string(),
        ClientMessage::Terminate => return Err(missing("connection_terminate")),
    })
}

/// Checks a payload the user gives (`--connect-payload`): one JSON object, returned as typed.
pub fn object_payload(text: &str) -> Result<String, InputError> {
    let raw = json_text::one_value(text).map_err(|e| InputError::json("the payload", 1, e))?;
    match json_text::kind(raw) {
        Kind::Object => Ok(raw.get().to_string()),
        other => Err(InputError::new(format!(
            "the payload must be a JSON object, not {}",
            other.with_article()
        ))),
    }
}
