//! What the STOMP client says, in STOMP's terms: the application messages it delivers (each
//! MESSAGE's body) and sends (SENDs, SUBSCRIBEs, ACKs… as the user typed them), its remarks,
//! and the errors that end a run with the server's own words. Pure.

use super::body;
use super::frame::{Frame, Version};
use super::heartbeat::Agreed;
use crate::error::{Error, Kind};
use crate::event::{AppMessage, Fact, NoteLevel, ProtoNote};
use crate::proto::json_text::quote;
use crate::proto::layer::WsData;
use crate::units::{ms, secs};
use std::fmt::Display;
use std::time::Duration;

/// `--proto`'s name for STOMP.
pub(crate) const NAME: &str = "stomp";

fn text(s: &str) -> Fact {
    Fact::Text(s.to_string())
}

/// A frame's headers as one JSON object (a repeated header's first value, which is the one
/// that counts).
fn headers_json(headers: &[(String, String)]) -> String {
    let mut seen = std::collections::HashSet::new();
    let members: Vec<String> = headers
        .iter()
        .filter(|(k, _)| seen.insert(k.as_str()))
        .map(|(k, v)| format!("{}:{}", quote(k), quote(v)))
        .collect();
    format!("{{{}}}", members.join(","))
}

fn heart_beats(agreed: &Agreed) -> String {
    let every =
        |d: Option<Duration>| d.map_or("never".to_string(), |d| format!("every {}", secs(d)));
    format!(
        "heart-beats: wscope sends {}, the server {}",
        every(agreed.client_sends),
        every(agreed.server_sends)
    )
}

pub(crate) fn connected(frame: &Frame, version: Version, agreed: &Agreed) -> ProtoNote {
    let server = frame.get("server");
    let session = frame.get("session");
    let mut facts = vec![("version", text(version.as_str()))];
    let mut said = format!("STOMP {}: connected", version.as_str());
    if let Some(s) = server {
        facts.push(("server", text(s)));
        said.push_str(&format!(" to {s}"));
    }
    if let Some(s) = session {
        facts.push(("session", text(s)));
        said.push_str(&format!(" (session {s})"));
    }
    let millis = |d: Option<Duration>| Fact::Millis(d.unwrap_or_default());
    facts.push(("heart_beat_send_ms", millis(agreed.client_sends)));
    facts.push(("heart_beat_receive_ms", millis(agreed.server_sends)));
    ProtoNote::new(
        NAME,
        "connected",
        NoteLevel::Info,
        format!("{said}; {}", heart_beats(agreed)),
        facts,
    )
}

pub(crate) fn subscribed(id: u64, destination: &str, ack: &str) -> ProtoNote {
    ProtoNote::new(
        NAME,
        "subscribed",
        NoteLevel::Info,
        format!("subscribed to {destination} as {id} (ack: {ack}; /unsubscribe {id} ends it)"),
        vec![
            ("id", Fact::Number(id)),
            ("destination", text(destination)),
            ("ack", text(ack)),
        ],
    )
}

/// A received MESSAGE: its body as one line; its headers as facts.
pub(crate) fn message_in(frame: &Frame, ack_id: Option<&str>) -> AppMessage {
    let line = body::line(&frame.body);
    let mut facts = Vec::new();
    for (fact, header) in [
        ("destination", "destination"),
        ("subscription", "subscription"),
        ("message_id", "message-id"),
    ] {
        if let Some(v) = frame.get(header) {
            facts.push((fact, text(v)));
        }
    }
    if let Some(id) = ack_id {
        facts.push(("ack", text(id)));
    }
    facts.push(("headers", Fact::Json(headers_json(&frame.headers))));
    AppMessage {
        protocol: NAME,
        kind: "message",
        text: line.text,
        json: line.json,
        facts,
        input: None,
    }
}

/// A message the REPL user acknowledges by hand.
pub(crate) fn ack_asked(id: &str, destination: Option<&str>) -> ProtoNote {
    let from = destination
        .map(|d| format!(" from {d}"))
        .unwrap_or_default();
    ProtoNote::new(
        NAME,
        "ack_asked",
        NoteLevel::Info,
        format!("the message{from} waits for /ack {id} (or /nack {id})"),
        vec![("ack", text(id))],
    )
}

/// What the user sent, as an application message; `input` sends it again.
pub(crate) fn sent(
    kind: &'static str,
    shown: &str,
    frame: &Frame,
    input: Option<String>,
) -> AppMessage {
    let json = kind == "send" && crate::display::json::is_json(shown.as_bytes());
    let mut facts = Vec::new();
    for (fact, header) in [
        ("destination", "destination"),
        ("id", "id"),
        ("transaction", "transaction"),
        ("receipt", "receipt"),
    ] {
        if let Some(v) = frame.get(header) {
            facts.push((fact, text(v)));
        }
    }
    facts.push(("headers", Fact::Json(headers_json(&frame.headers))));
    AppMessage {
        protocol: NAME,
        kind,
        text: shown.to_string(),
        json,
        facts,
        input,
    }
}

pub(crate) fn receipt(id: &str, what: &str, after: Duration) -> ProtoNote {
    ProtoNote::new(
        NAME,
        "receipt",
        NoteLevel::Info,
        format!(
            "RECEIPT {id}: the server has the {what} (after {})",
            ms(after)
        ),
        vec![
            ("receipt", text(id)),
            ("about", text(what)),
            ("latency_ms", Fact::Millis(after)),
        ],
    )
}

pub(crate) fn receipt_unasked(id: &str) -> ProtoNote {
    ProtoNote::new(
        NAME,
        "receipt",
        NoteLevel::Warning,
        format!("a RECEIPT for {id:?}, which no frame of this session asked for"),
        vec![("receipt", text(id))],
    )
}

pub(crate) fn disconnect_receipt() -> ProtoNote {
    ProtoNote::new(
        NAME,
        "disconnected",
        NoteLevel::Detail,
        "RECEIPT for DISCONNECT: the server has everything sent before it".into(),
        Vec::new(),
    )
}

/// A transaction begun, committed or aborted.
pub(crate) fn transaction(name: &str, state: &str) -> ProtoNote {
    let more = if state == "begun" {
        ": SENDs, ACKs and NACKs go in it until /commit or /abort"
    } else {
        ""
    };
    ProtoNote::new(
        NAME,
        "transaction",
        NoteLevel::Info,
        format!("transaction {name} {state}{more}"),
        vec![("transaction", text(name)), ("state", text(state))],
    )
}

pub(crate) fn transactions_left(open: &[String]) -> ProtoNote {
    ProtoNote::new(
        NAME,
        "transaction",
        NoteLevel::Warning,
        format!(
            "transaction {} was never committed: the server aborts it at DISCONNECT",
            open.join(", ")
        ),
        vec![("transactions", text(&open.join(",")))],
    )
}

pub(crate) fn unexpected(command: &str) -> ProtoNote {
    ProtoNote::new(
        NAME,
        "unexpected",
        NoteLevel::Warning,
        format!("skipped a {command} frame from the server, which only a client sends"),
        vec![("command", text(command))],
    )
}

pub(crate) fn not_subscribed(frame: &Frame, subscriptions: &str) -> ProtoNote {
    let which = frame.get("subscription").unwrap_or("none");
    ProtoNote::new(
        NAME,
        "unsubscribed_message",
        NoteLevel::Detail,
        format!(
            "a MESSAGE for subscription {which}, which is not open (open: {subscriptions}): printed, not acknowledged"
        ),
        vec![("subscription", text(which))],
    )
}

pub(crate) fn unterminated(command: &str) -> ProtoNote {
    ProtoNote::new(
        NAME,
        "malformed",
        NoteLevel::Warning,
        format!(
            "the server's {command} frame did not end with the NUL that ends a frame: taken as it came"
        ),
        vec![("command", text(command))],
    )
}

pub(crate) fn bad_heart_beat(value: &str) -> ProtoNote {
    ProtoNote::new(
        NAME,
        "heart_beat",
        NoteLevel::Warning,
        format!(
            "the server's heart-beat header {value:?} is not two numbers of milliseconds: no heart-beats either way"
        ),
        vec![("heart_beat", text(value))],
    )
}

/// A received message, as far as a diagnostic shows it.
pub(crate) fn shown(data: WsData<'_>) -> String {
    const MAX: usize = 200;
    let text = match data {
        WsData::Text(t) => t.to_string(),
        WsData::Binary(b) => String::from_utf8_lossy(b).into_owned(),
    };
    let cut: String = text.chars().take(MAX).collect();
    let more = if cut.len() < text.len() { "…" } else { "" };
    format!("{}{more}", quote(&cut))
}

pub(crate) fn malformed(e: &dyn Display, raw: &str) -> ProtoNote {
    ProtoNote::new(
        NAME,
        "malformed",
        NoteLevel::Warning,
        format!("skipped what the server sent: it is not a valid STOMP frame ({e}): {raw}"),
        vec![("error", text(&e.to_string()))],
    )
}

/// The hint for a SockJS endpoint, whose messages are SockJS frames, not STOMP's.
pub(crate) const SOCKJS_HINT: &str = "this is a SockJS session (its first message is SockJS's open frame \"o\"): connect to the endpoint's raw WebSocket, its base path + /websocket (e.g. ws://HOST/stomp/websocket)";

pub(crate) fn not_stomp(data: WsData<'_>, e: &dyn Display) -> Error {
    let sockjs = matches!(data, WsData::Text("o"));
    let error = Error::new(
        Kind::ProtoRefused,
        format!(
            "the server does not speak STOMP: its first message is not a STOMP frame ({e}): {}",
            shown(data)
        ),
    );
    if sockjs {
        error.with_hint(SOCKJS_HINT)
    } else {
        error.with_hint("is the URL the broker's STOMP-over-WebSocket endpoint (RabbitMQ: /ws)?")
    }
}

/// A SockJS open frame where CONNECTED was due.
pub(crate) fn sockjs() -> Error {
    Error::new(
        Kind::ProtoRefused,
        "the server speaks SockJS, not bare STOMP: its first message is SockJS's open frame \"o\"",
    )
    .with_hint(SOCKJS_HINT)
}

/// An ERROR frame: the server's `message` header and body. `host` is what CONNECT said, when
/// the ERROR answers it.
pub(crate) fn error_frame(frame: &Frame, connect_host: Option<&str>) -> Error {
    let message = frame.get("message").unwrap_or("(no message header)");
    let body = String::from_utf8_lossy(&frame.body);
    let body = body.trim_end_matches(['\n', '\r', '\0']);
    let mut said = format!("the STOMP server sent ERROR: {message}");
    if !body.is_empty() {
        said.push_str(&format!(": {}", body.replace('\n', "\n  ")));
    }
    let e = Error::new(Kind::ProtoRefused, said);
    match connect_host {
        Some(host) => e.with_hint(format!(
            "the server refused CONNECT: -u USER:PASS gives its login and passcode, --stomp-host its host (the virtual host; sent: {host})"
        )),
        None => e,
    }
}

pub(crate) fn heart_beats_stopped(silence: Duration, every: Duration) -> Error {
    Error::new(
        Kind::Timeout,
        format!(
            "the STOMP server's heart-beats stopped: nothing for {} (it agreed to send one every {})",
            secs(silence),
            secs(every)
        ),
    )
    .with_hint("--heartbeat SECS asks for another rhythm; --heartbeat 0 for none")
}
