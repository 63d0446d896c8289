//! Application protocols (`--proto`) in JSON Lines: the application messages a `message`
//! line carries beside the raw WebSocket message (`app`), and which protocol a connection
//! spoke (`proto` on its `open` line, which is how `wscope replay` knows to speak it again).

use super::message::Json;
use serde::{Deserialize, Serialize};

/// One application message carried by a WebSocket message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct App {
    pub protocol: String,
    /// What it is in the protocol's terms (`event`, `ack`, `emit`...).
    pub kind: String,
    /// The message, where the protocol carries JSON: the value as printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Json>,
    /// The message, where it is not JSON (a STOMP body): the text as printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// A message the user sent: the input line that sends it again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// What `--filter` made of it: absent without a filter, `null` when it is not JSON.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::message::present"
    )]
    pub filtered: Option<Option<Vec<Json>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter_error: Option<String>,
    /// The protocol's facts about it (namespace, ids, latency_ms...).
    #[serde(flatten)]
    pub facts: serde_json::Map<String, serde_json::Value>,
}

impl App {
    /// The message as it was printed.
    pub(crate) fn printed(&self) -> String {
        match (&self.data, &self.text) {
            (Some(json), _) => json.get().to_string(),
            (None, Some(text)) => text.clone(),
            (None, None) => String::new(),
        }
    }
}

/// The application protocol a connection spoke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Proto {
    /// Its `--proto` name.
    pub name: String,
    /// The URL as the user gave it (the WebSocket's own is the `connected` line's).
    pub url: String,
}
