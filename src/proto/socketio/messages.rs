//! What the Socket.IO client says, in Socket.IO's terms: the application messages it delivers
//! and sends (events and acknowledgements as the user types and reads them), its remarks, and
//! the errors that end a run with the server's own message. Pure.

use super::super::json_text;
use super::binary;
use super::engine::Handshake;
use super::input::{AckReply, Arg, Emit};
use crate::display::json::{Layout, layout};
use crate::error::{Error, Kind};
use crate::event::{AppMessage, Fact, NoteLevel, ProtoNote};
use crate::proto::layer::WsData;
use crate::units::{ms, secs};
use std::fmt::Display;
use std::time::Duration;

/// `--proto`'s name for Socket.IO.
pub(crate) const NAME: &str = "socketio";

/// What the server asked to be acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Asked {
    pub event: String,
}

/// JSON as one line: a server may lay its JSON out over several (rare), which would break the
/// one-line-per-message contract.
fn one_line(json: &str) -> String {
    if !json.contains(['\n', '\r']) {
        return json.to_string();
    }
    let compact = Layout {
        pretty: false,
        color: false,
    };
    layout(json.as_bytes(), compact).unwrap_or_else(|| json.replace(['\n', '\r'], " "))
}

/// The namespace as a fact, when it is not the default one.
fn namespace_fact(namespace: &str, facts: &mut Vec<(&'static str, Fact)>) {
    if namespace != "/" {
        facts.push(("namespace", Fact::Text(namespace.to_string())));
    }
}

pub(crate) fn engine_open(h: &Handshake, v3: bool) -> ProtoNote {
    let who = if v3 {
        "the client pings"
    } else {
        "the server pings"
    };
    let payload = h
        .max_payload
        .map(|m| format!(", messages of at most {m} bytes"))
        .unwrap_or_default();
    let mut facts = vec![
        ("engine_sid", Fact::Text(h.sid.clone())),
        (
            "ping_interval",
            Fact::Millis(Duration::from_millis(h.ping_interval)),
        ),
        (
            "ping_timeout",
            Fact::Millis(Duration::from_millis(h.ping_timeout)),
        ),
    ];
    if let Some(m) = h.max_payload {
        facts.push(("max_payload", Fact::Number(m)));
    }
    ProtoNote::new(
        NAME,
        "engine_open",
        NoteLevel::Detail,
        format!(
            "Engine.IO session {}: {who} every {}, the answer is due within {}{payload}",
            h.sid,
            secs(Duration::from_millis(h.ping_interval)),
            secs(Duration::from_millis(h.ping_timeout)),
        ),
        facts,
    )
}

pub(crate) fn connected(
    namespace: &str,
    data: Option<&str>,
    engine_sid: Option<&str>,
) -> ProtoNote {
    let sid = data
        .and_then(|d| json_text::one_value(d).ok())
        .and_then(|raw| json_text::members(raw).ok())
        .and_then(|m| json_text::member(&m, "sid").and_then(json_text::string_value));
    let mut facts = vec![("namespace", Fact::Text(namespace.to_string()))];
    let text = match &sid {
        Some(sid) => {
            facts.push(("sid", Fact::Text(sid.clone())));
            format!("Socket.IO: connected to namespace {namespace} (socket id {sid})")
        }
        None => format!("Socket.IO: connected to namespace {namespace}"),
    };
    if let Some(e) = engine_sid {
        facts.push(("engine_sid", Fact::Text(e.to_string())));
    }
    ProtoNote::new(NAME, "connected", NoteLevel::Info, text, facts)
}

pub(crate) fn ack_asked(id: u64, event: &str) -> ProtoNote {
    ProtoNote::new(
        NAME,
        "ack_asked",
        NoteLevel::Info,
        format!("the server asks for an acknowledgement of {event:?}: /ack {id} [ARG…]"),
        vec![
            ("id", Fact::Number(id)),
            ("event", Fact::Text(event.into())),
        ],
    )
}

pub(crate) fn ack_in(id: u64, event: Option<&str>, latency: Option<Duration>) -> ProtoNote {
    let text = match (event, latency) {
        (Some(e), Some(l)) => format!("ack {id} answers {e:?} after {}", ms(l)),
        _ => format!("ack {id} answers no emit of this session"),
    };
    let level = if event.is_some() {
        NoteLevel::Info
    } else {
        NoteLevel::Warning
    };
    ProtoNote::new(NAME, "ack", level, text, vec![("id", Fact::Number(id))])
}

pub(crate) fn event_in(namespace: &str, name: &str, id: Option<u64>, json: &str) -> AppMessage {
    let mut facts = vec![("event", Fact::Text(name.to_string()))];
    namespace_fact(namespace, &mut facts);
    if let Some(id) = id {
        facts.push(("ack_id", Fact::Number(id)));
    }
    AppMessage::json(NAME, "event", one_line(json), facts)
}

pub(crate) fn ack_app(
    id: u64,
    event: Option<&str>,
    latency: Option<Duration>,
    json: &str,
) -> AppMessage {
    let mut facts = vec![("id", Fact::Number(id))];
    if let Some(e) = event {
        facts.push(("event", Fact::Text(e.to_string())));
    }
    if let Some(l) = latency {
        facts.push(("latency_ms", Fact::Millis(l)));
    }
    AppMessage::json(NAME, "ack", one_line(json), facts)
}

/// An argument as the user types and reads it (binary data as `{"_binary":…}`).
fn arg_text(a: &Arg) -> String {
    match a {
        Arg::Json(t) => t.clone(),
        Arg::Bytes(b) => binary::binary_json(b),
        Arg::File(p) => json_text::quote(&format!("@{}", p.display())),
    }
}

/// `[ARG, …]`, optionally with a name first.
fn array(name: Option<&str>, args: &[Arg]) -> String {
    let items: Vec<String> = name
        .map(json_text::quote)
        .into_iter()
        .chain(args.iter().map(arg_text))
        .collect();
    format!("[{}]", items.join(","))
}

/// The line that emits `emit` again (an event array).
pub(crate) fn emit_line(emit: &Emit) -> String {
    array(Some(&emit.event), &emit.args)
}

/// The `/emit` command that sends `emit` again.
pub(crate) fn emit_command(emit: &Emit) -> String {
    let args: Vec<String> = emit.args.iter().map(arg_text).collect();
    let ack = if emit.ack { "--ack " } else { "" };
    format!(
        "/emit {ack}{} {}",
        json_text::quote(&emit.event),
        args.join(" ")
    )
    .trim_end()
    .to_string()
}

/// The `/ack` command that sends `reply` again.
pub(crate) fn ack_command(reply: &AckReply) -> String {
    let args: Vec<String> = reply.args.iter().map(arg_text).collect();
    format!("/ack {} {}", reply.id, args.join(" "))
        .trim_end()
        .to_string()
}

pub(crate) fn emit_out(namespace: &str, emit: &Emit, id: Option<u64>, input: String) -> AppMessage {
    let mut facts = vec![("event", Fact::Text(emit.event.clone()))];
    namespace_fact(namespace, &mut facts);
    if let Some(id) = id {
        facts.push(("ack_id", Fact::Number(id)));
    }
    AppMessage {
        input: Some(input),
        ..AppMessage::json(NAME, "emit", emit_line(emit), facts)
    }
}

pub(crate) fn ack_out(id: u64, event: &str, args: &[Arg], input: String) -> AppMessage {
    let facts = vec![
        ("id", Fact::Number(id)),
        ("event", Fact::Text(event.into())),
    ];
    AppMessage {
        input: Some(input),
        ..AppMessage::json(NAME, "ack", array(None, args), facts)
    }
}

/// `/ack ID` for an id the server did not ask for (or that was answered already).
pub(crate) fn not_asked(id: u64, asked: impl Iterator<Item = u64>) -> String {
    let open: Vec<String> = asked.map(|i| i.to_string()).collect();
    let which = if open.is_empty() {
        "none is waiting".to_string()
    } else {
        format!("waiting: {}", open.join(", "))
    };
    format!(
        "the server did not ask for acknowledgement {id}, or it was given already ({which}): nothing sent"
    )
}

/// A received message, as far as a diagnostic shows it.
pub(crate) fn shown(data: WsData<'_>) -> String {
    const MAX: usize = 200;
    match data {
        WsData::Text(t) if t.chars().count() > MAX => {
            format!("{}…", t.chars().take(MAX).collect::<String>())
        }
        WsData::Text(t) => t.to_string(),
        WsData::Binary(b) => format!("a binary message of {} bytes", b.len()),
    }
}

pub(crate) fn malformed(e: &dyn Display, raw: &str) -> ProtoNote {
    ProtoNote::new(
        NAME,
        "malformed",
        NoteLevel::Warning,
        format!("skipped a message from the server that is not valid Socket.IO ({e}): {raw}"),
        vec![("error", Fact::Text(e.to_string()))],
    )
}

fn refused_error(message: String) -> Error {
    Error::new(Kind::ProtoRefused, message)
}

pub(crate) fn not_socket_io(data: WsData<'_>, e: &dyn Display) -> Error {
    refused_error(format!(
        "the server does not speak Socket.IO: its first message is not an Engine.IO open packet ({e}): {}",
        shown(data)
    ))
    .with_hint("is the URL a Socket.IO server's? a server mounted elsewhere than /socket.io/ needs --socketio-path; a Socket.IO 2 server needs --eio 3")
}

pub(crate) fn engine_closed() -> Error {
    refused_error("the server ended the Engine.IO session (close packet)".into())
}

pub(crate) fn disconnected(namespace: &str) -> Error {
    refused_error(format!(
        "the server disconnected the client from namespace {namespace} (DISCONNECT)"
    ))
}

pub(crate) fn refused(namespace: &str, message: &str, v3: bool) -> Error {
    let packet = if v3 { "ERROR" } else { "CONNECT_ERROR" };
    let e = refused_error(format!(
        "the server refused namespace {namespace}: {message} ({packet})"
    ));
    let lower = message.to_ascii_lowercase();
    if lower.contains("namespace") || lower.contains("unable to connect") {
        e.with_hint(format!(
            "the URL's path is the namespace: is {namespace} one the server has?"
        ))
    } else if v3 {
        e.with_hint("Socket.IO 2 takes credentials in the URL's query (?token=...)")
    } else {
        e.with_hint("the server's middleware refused the CONNECT: send what it expects with --connect-payload JSON")
    }
}

pub(crate) fn pings_stopped(limit: Duration) -> Error {
    Error::new(
        Kind::Timeout,
        format!(
            "the Socket.IO server stopped pinging: nothing for {} (its pingInterval + pingTimeout)",
            secs(limit)
        ),
    )
}

pub(crate) fn pongs_stopped(timeout: Duration) -> Error {
    Error::new(
        Kind::Timeout,
        format!(
            "the Socket.IO server did not answer our ping within {} (its pingTimeout)",
            secs(timeout)
        ),
    )
}
