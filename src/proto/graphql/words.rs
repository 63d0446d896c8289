//! What the GraphQL client says, in GraphQL's terms: the application messages it sends and
//! delivers (operations out, results in, each with its id and kind for JSON Lines), its
//! remarks, and the errors that end a run or give its status. Pure.

use super::super::json_text;
use super::close;
use super::document::OperationKind;
use super::message::Dialect;
use super::operation::Operation;
use super::ops::Op;
use crate::error::{Error, Kind};
use crate::event::{AppMessage, Fact, NoteLevel, ProtoNote};
use crate::units::ms;
use std::fmt::Display;
use std::time::{Duration, Instant};

/// `--proto`'s name for GraphQL over WebSocket.
pub(crate) const NAME: &str = "graphql";

/// How much of a server's message a diagnostic shows.
const SHOWN_CHARS: usize = 200;

fn refused(message: String) -> Error {
    Error::new(Kind::ProtoRefused, message)
}

/// "operation 3 (subscription OnCount)".
fn label(id: &str, kind: OperationKind, name: Option<&str>) -> String {
    match name {
        Some(n) => format!("operation {id} ({} {n})", kind.as_str()),
        None => format!("operation {id} ({})", kind.as_str()),
    }
}

fn op_label(id: &str, op: &Op) -> String {
    label(id, op.kind, op.name.as_deref())
}

/// The facts every message about an operation carries.
fn op_facts(id: &str, kind: OperationKind, name: Option<&str>) -> Vec<(&'static str, Fact)> {
    let mut facts = vec![
        ("id", Fact::Text(id.to_string())),
        ("operation", Fact::Text(kind.as_str().to_string())),
    ];
    if let Some(n) = name {
        facts.push(("name", Fact::Text(n.to_string())));
    }
    facts
}

/// A server's message, as far as a diagnostic shows it.
pub(crate) fn shown(text: &str) -> String {
    if text.chars().count() <= SHOWN_CHARS {
        return text.to_string();
    }
    let mut short: String = text.chars().take(SHOWN_CHARS).collect();
    short.push('…');
    short
}

pub(crate) fn other_dialect_selected(selected: Dialect, pinned: Dialect) -> ProtoNote {
    ProtoNote::new(
        NAME,
        "dialect",
        NoteLevel::Warning,
        format!(
            "the server selected {}, not the {} of --graphql-dialect: speaking what it selected",
            selected.subprotocol(),
            pinned.subprotocol()
        ),
        vec![("subprotocol", Fact::Text(selected.subprotocol().into()))],
    )
}

pub(crate) fn speaking_pinned(pinned: Dialect, selected: Option<&str>) -> ProtoNote {
    let answer = match selected {
        Some(s) => format!("selected the subprotocol {s:?}"),
        None => "selected no subprotocol".to_string(),
    };
    ProtoNote::new(
        NAME,
        "dialect",
        NoteLevel::Warning,
        format!(
            "the server {answer}: speaking {} as --graphql-dialect says",
            pinned.subprotocol()
        ),
        vec![("subprotocol", Fact::Text(pinned.subprotocol().into()))],
    )
}

/// The server selected no subprotocol of GraphQL's, and no dialect is pinned.
pub(crate) fn no_dialect(selected: Option<&str>) -> Error {
    let answer = match selected {
        Some(s) => {
            format!("selected the subprotocol {s:?}, which is not a GraphQL over WebSocket one")
        }
        None => {
            "selected no subprotocol (its 101 answer has no Sec-WebSocket-Protocol)".to_string()
        }
    };
    refused(format!("the server {answer}: it does not say which GraphQL dialect it speaks"))
        .with_hint("is the URL the server's GraphQL WebSocket endpoint? -v shows the handshake; a server that speaks one dialect without saying so: --graphql-dialect transport-ws or legacy")
}

pub(crate) fn acknowledged(dialect: Dialect, payload: Option<&str>) -> ProtoNote {
    let mut facts = vec![("subprotocol", Fact::Text(dialect.subprotocol().into()))];
    let with = match payload {
        Some(p) => {
            facts.push(("payload", Fact::Json(p.to_string())));
            format!(" with {}", shown(&json_text::one_line(p)))
        }
        None => String::new(),
    };
    ProtoNote::new(
        NAME,
        "connected",
        NoteLevel::Info,
        format!(
            "GraphQL: the server acknowledged the connection ({}){with}",
            dialect.subprotocol()
        ),
        facts,
    )
}

/// Legacy `connection_error` before the ack: the server refused `connection_init`.
pub(crate) fn init_refused(message: &str) -> Error {
    refused(format!(
        "the GraphQL server refused the connection: {message} (connection_error)"
    ))
    .with_hint(close::PAYLOAD_HINT)
}

/// A message that is not of the dialect before the ack: not a GraphQL server (or not this one).
pub(crate) fn not_graphql(dialect: Dialect, raw: &str, e: &dyn Display) -> Error {
    refused(format!(
        "the server does not speak {}: {e}: {}",
        dialect.subprotocol(),
        shown(raw)
    ))
    .with_hint("is the URL the server's GraphQL WebSocket endpoint? -v shows the handshake and what it sent")
}

pub(crate) fn skipped(dialect: Dialect, raw: &str, e: &dyn Display) -> ProtoNote {
    ProtoNote::new(
        NAME,
        "malformed",
        NoteLevel::Warning,
        format!(
            "skipped a message from the server that is not valid {} ({e}): {}",
            dialect.subprotocol(),
            shown(raw)
        ),
        vec![("error", Fact::Text(e.to_string()))],
    )
}

pub(crate) fn early(type_name: &str, raw: &str) -> ProtoNote {
    ProtoNote::new(
        NAME,
        "early",
        NoteLevel::Warning,
        format!(
            "skipped a {type_name} message that came before connection_ack: {}",
            shown(raw)
        ),
        vec![],
    )
}

/// Legacy `connection_error` once connected (a message the server could not read).
pub(crate) fn connection_error(message: &str) -> ProtoNote {
    ProtoNote::new(
        NAME,
        "connection_error",
        NoteLevel::Warning,
        format!("the GraphQL server reports a connection error: {message}"),
        vec![("message", Fact::Text(message.to_string()))],
    )
}

pub(crate) fn ack_again() -> ProtoNote {
    ProtoNote::new(
        NAME,
        "ack",
        NoteLevel::Detail,
        "another connection_ack (ignored)".into(),
        vec![],
    )
}

/// An operation sent: the payload as it goes out (one line), the line that sends it again.
pub(crate) fn operation_out(id: &str, op: &Operation, input: String) -> AppMessage {
    AppMessage {
        protocol: NAME,
        kind: "operation",
        text: json_text::one_line(&op.payload_json()),
        json: true,
        facts: op_facts(id, op.kind, op.operation_name.as_deref()),
        input: Some(input),
    }
}

/// A result of a running operation (`next`; legacy `data`): the payload, one line.
pub(crate) fn result_in(id: &str, op: &Op, count: u64, payload: &str, errors: usize) -> AppMessage {
    let mut facts = op_facts(id, op.kind, op.name.as_deref());
    facts.push(("result", Fact::Number(count)));
    if errors > 0 {
        facts.push(("errors", Fact::Number(errors as u64)));
    }
    AppMessage {
        protocol: NAME,
        kind: "result",
        text: json_text::one_line(payload),
        json: true,
        facts,
        input: None,
    }
}

/// A result for an id this connection never gave: shown, since it is the server's data.
pub(crate) fn stray_result(id: &str, payload: &str) -> AppMessage {
    AppMessage {
        protocol: NAME,
        kind: "result",
        text: json_text::one_line(payload),
        json: true,
        facts: vec![("id", Fact::Text(id.to_string()))],
        input: None,
    }
}

pub(crate) fn result_errors(id: &str, op: &Op, errors: &[String]) -> ProtoNote {
    let mut facts = op_facts(id, op.kind, op.name.as_deref());
    facts.push((
        "errors",
        Fact::Json(serde_json::to_string(errors).unwrap_or_default()),
    ));
    ProtoNote::new(
        NAME,
        "errors",
        NoteLevel::Warning,
        format!(
            "{}: the result has errors: {}",
            op_label(id, op),
            errors.join("; ")
        ),
        facts,
    )
}

/// The failure of an operation, as `failed()` reports the first one.
pub(crate) fn failure(id: &str, op: &Op, messages: &[String]) -> String {
    format!("{}: {}", op_label(id, op), messages.join("; "))
}

/// An `error` message: the operation is over, with the server's messages (the payload when it
/// has none).
pub(crate) fn op_error(id: &str, op: &Op, messages: &[String], payload: &str) -> ProtoNote {
    let mut facts = op_facts(id, op.kind, op.name.as_deref());
    facts.push(("payload", Fact::Json(payload.to_string())));
    let why = if messages.is_empty() {
        shown(&json_text::one_line(payload))
    } else {
        messages.join("; ")
    };
    ProtoNote::new(
        NAME,
        "error",
        NoteLevel::Warning,
        format!("{} failed: {why}", op_label(id, op)),
        facts,
    )
}

/// "1 result", "3 results".
fn results(n: u64) -> String {
    match n {
        1 => "1 result".to_string(),
        n => format!("{n} results"),
    }
}

pub(crate) fn complete(id: &str, op: &Op, took: Duration) -> ProtoNote {
    let mut facts = op_facts(id, op.kind, op.name.as_deref());
    facts.push(("results", Fact::Number(op.results)));
    facts.push(("took_ms", Fact::Millis(took)));
    ProtoNote::new(
        NAME,
        "complete",
        NoteLevel::Info,
        format!(
            "{} complete: {} in {}",
            op_label(id, op),
            results(op.results),
            ms(took)
        ),
        facts,
    )
}

/// A message about an operation that is over: stopped by us (its last results may come, and
/// are dropped), or ended by the server already (a slip of the server's).
pub(crate) fn late(id: &str, type_name: &str, stopped: bool) -> ProtoNote {
    let (level, why) = if stopped {
        (NoteLevel::Detail, "stopped by wscope")
    } else {
        (NoteLevel::Warning, "which the server ended already")
    };
    ProtoNote::new(
        NAME,
        "late",
        level,
        format!("a {type_name} message for operation {id}, {why}: not shown"),
        vec![("id", Fact::Text(id.to_string()))],
    )
}

pub(crate) fn unknown_id(id: &str, type_name: &str) -> ProtoNote {
    ProtoNote::new(
        NAME,
        "unknown_id",
        NoteLevel::Warning,
        format!(
            "a {type_name} message for operation {id:?}, which wscope did not start on this connection"
        ),
        vec![("id", Fact::Text(id.to_string()))],
    )
}

pub(crate) fn stopped(id: &str, op: &Op) -> ProtoNote {
    ProtoNote::new(
        NAME,
        "stopped",
        NoteLevel::Info,
        format!("{} stopped after {}", op_label(id, op), results(op.results)),
        op_facts(id, op.kind, op.name.as_deref()),
    )
}

/// `/ops`: the running operations, oldest first.
pub(crate) fn ops_list<'a>(
    running: impl Iterator<Item = (u64, &'a Op)>,
    now: Instant,
) -> ProtoNote {
    let lines: Vec<String> = running
        .map(|(id, op)| {
            let age = format!(
                "{:.1}s",
                now.saturating_duration_since(op.started).as_secs_f64()
            );
            ops_row(
                &id.to_string(),
                op.kind.as_str(),
                &op.results.to_string(),
                &age,
                &op.summary,
            )
        })
        .collect();
    let text = if lines.is_empty() {
        "no operation is running".to_string()
    } else {
        let head = ops_row("id", "operation", "results", "running", "document");
        format!("{head}\n{}", lines.join("\n"))
    };
    ProtoNote::new(
        NAME,
        "ops",
        NoteLevel::Answer,
        text,
        vec![("running", Fact::Number(lines.len() as u64))],
    )
}

fn ops_row(id: &str, kind: &str, results: &str, age: &str, document: &str) -> String {
    format!("{id:>4}  {kind:<12}  {results:>7}  {age:>8}  {document}")
}

/// `/stop ID` for an operation that is not running.
pub(crate) fn not_running(id: &str, running: &[String]) -> String {
    let which = if running.is_empty() {
        "none is running".to_string()
    } else {
        format!("running: {}", running.join(", "))
    };
    format!("no operation {id} is running ({which}): nothing sent")
}

/// The status of a run whose connection ended well, when operations failed.
pub(crate) fn failed(started: u64, failed: u64, first: &str) -> Error {
    let message = if failed == 1 {
        format!("a GraphQL operation failed: {first}")
    } else {
        format!("{failed} of {started} GraphQL operations failed; the first: {first}")
    };
    Error::new(Kind::ProtoFailed, message)
}

/// The server's Close, when the code is one of GraphQL's: named, with a hint where one
/// helps. The protocol's codes end the session as the server's refusal.
/// `running`: the operations that were running then (they got no more answer).
pub(crate) fn closed(
    dialect: Dialect,
    code: u16,
    reason: &str,
    running: &[String],
) -> Option<Error> {
    let c = close::describe(dialect, code)?;
    let mut said = if reason.is_empty() || reason == c.name {
        String::new()
    } else {
        format!(": {reason}")
    };
    match running {
        [] => {}
        [one] => said.push_str(&format!(" (operation {one} was running)")),
        many => said.push_str(&format!(" (operations {} were running)", many.join(", "))),
    }
    let kind = if (4400..=4599).contains(&code) {
        Kind::ProtoRefused
    } else {
        Kind::PeerClose
    };
    let e = Error::new(
        kind,
        format!(
            "the GraphQL server closed with {code} {} ({}){said}",
            c.name, c.meaning
        ),
    );
    Some(match c.hint {
        Some(h) => e.with_hint(h),
        None => e,
    })
}
