//! What the JSON-RPC client says, in JSON-RPC's terms: the application messages it delivers
//! (a call's result, a message from the server printed whole) and sends (calls, batches,
//! notifications), and its remarks: a call's round trip, a call that failed, an answer no
//! call is waiting for, a message that is not JSON-RPC. Pure.

use super::super::json_text::compact;
use super::classify::{Reason, RpcError, ServerRequest};
use super::pending::{Pending, PendingError};
use super::request::Outgoing;
use crate::event::{AppMessage, Fact, NoteLevel, ProtoNote};
use crate::proto::args::InputError;
use crate::units::{ms, secs};
use std::time::{Duration, Instant};

/// `--proto`'s name for JSON-RPC.
pub(crate) const NAME: &str = "jsonrpc";

/// The most characters of a server's message a remark quotes (`-v` and JSON Lines have it
/// whole).
const QUOTED: usize = 64 * 1024;

/// The facts that say which call: its method and its id (as sent).
fn call_facts(call: &Pending) -> Vec<(&'static str, Fact)> {
    vec![
        ("method", Fact::Text(call.method.clone())),
        ("id", Fact::Json(call.id.clone())),
    ]
}

/// How many calls a summary names.
pub(crate) const LISTED: usize = 10;

/// `sum (id 3)`.
pub(crate) fn which(call: &Pending) -> String {
    format!("{} (id {})", call.method, call.id)
}

/// A server's message as a remark quotes it: on one line, and cut beyond [`QUOTED`].
pub(crate) fn quoted(text: &str) -> String {
    let one = compact(text);
    match one.char_indices().nth(QUOTED) {
        Some((cut, _)) => format!(
            "{}… ({} bytes in all; -v shows it whole)",
            &one[..cut],
            text.len()
        ),
        None => one,
    }
}

/// A call's result: printed as one line.
pub(crate) fn result(call: &Pending, json: &str, rtt: Duration) -> AppMessage {
    let mut facts = call_facts(call);
    facts.push(("rtt_ms", Fact::Millis(rtt)));
    AppMessage::json(NAME, "result", compact(json), facts)
}

/// With `-v` and in the REPL: which call a result answers, and how long it took.
pub(crate) fn answered(call: &Pending, rtt: Duration) -> ProtoNote {
    let mut facts = call_facts(call);
    facts.push(("rtt_ms", Fact::Millis(rtt)));
    ProtoNote::new(
        NAME,
        "answered",
        NoteLevel::Info,
        format!("{} answered in {}", which(call), ms(rtt)),
        facts,
    )
}

/// `METHOD: CODE MESSAGE; data: DATA`.
fn error_text(method: &str, e: &RpcError) -> String {
    let data = e
        .data
        .as_deref()
        .map(|d| format!("; data: {}", quoted(d)))
        .unwrap_or_default();
    format!("{method}: {} {}{data}", e.code, e.message)
}

fn error_facts(e: &RpcError, facts: &mut Vec<(&'static str, Fact)>) {
    facts.push(("code", Fact::Json(e.code.to_string())));
    facts.push(("message", Fact::Text(e.message.clone())));
    if let Some(d) = &e.data {
        facts.push(("data", Fact::Json(d.clone())));
    }
}

/// An error response to one of the user's calls.
pub(crate) fn error_response(call: &Pending, e: &RpcError, rtt: Duration) -> ProtoNote {
    let mut facts = call_facts(call);
    error_facts(e, &mut facts);
    facts.push(("rtt_ms", Fact::Millis(rtt)));
    ProtoNote::new(
        NAME,
        "error_response",
        NoteLevel::Failed,
        error_text(&call.method, e),
        facts,
    )
}

/// An error response with id null: the server could not read the id of the call it answers.
pub(crate) fn error_without_id(e: &RpcError) -> ProtoNote {
    let mut facts = Vec::new();
    error_facts(e, &mut facts);
    ProtoNote::new(
        NAME,
        "error_response",
        NoteLevel::Failed,
        error_text(
            "a request the server could not read or match (its answer has id null)",
            e,
        ),
        facts,
    )
}

/// The answer to a `--heartbeat-message` call was an error: said, but it fails nothing.
pub(crate) fn heartbeat_failed(call: &Pending, e: &RpcError) -> ProtoNote {
    let mut facts = call_facts(call);
    error_facts(e, &mut facts);
    ProtoNote::new(
        NAME,
        "heartbeat_failed",
        NoteLevel::Warning,
        format!(
            "the --heartbeat-message call failed: {}",
            error_text(&call.method, e)
        ),
        facts,
    )
}

/// A call that got no answer within `--call-timeout`.
pub(crate) fn timed_out(call: &Pending, timeout: Duration) -> ProtoNote {
    let (level, whose) = if call.quiet {
        (NoteLevel::Warning, "the --heartbeat-message call ")
    } else {
        (NoteLevel::Failed, "")
    };
    let mut facts = call_facts(call);
    facts.push(("timeout_ms", Fact::Millis(timeout)));
    ProtoNote::new(
        NAME,
        "timed_out",
        level,
        format!(
            "{whose}{}: no answer within {} (--call-timeout)",
            which(call),
            secs(timeout)
        ),
        facts,
    )
}

/// An answer to a call that `--call-timeout` gave up on.
pub(crate) fn late(call: &Pending, now: Instant, text: &str) -> ProtoNote {
    let mut facts = call_facts(call);
    facts.push((
        "rtt_ms",
        Fact::Millis(now.saturating_duration_since(call.sent)),
    ));
    ProtoNote::new(
        NAME,
        "late_answer",
        NoteLevel::Warning,
        format!(
            "an answer to {} after --call-timeout gave up on it: {}",
            which(call),
            quoted(text)
        ),
        facts,
    )
}

/// An answer whose id matches no call (or is null).
pub(crate) fn unknown_answer(e: &PendingError, text: &str) -> ProtoNote {
    ProtoNote::new(
        NAME,
        "unknown_id",
        NoteLevel::Warning,
        format!("{e}: {}", quoted(text)),
        vec![("error", Fact::Text(e.to_string()))],
    )
}

/// A message that is not JSON-RPC 2.0; when it carries the id of a call, that call failed.
pub(crate) fn invalid(reason: &Reason, call: Option<&Pending>, text: &str) -> ProtoNote {
    let mut facts = vec![("error", Fact::Text(reason.to_string()))];
    match call {
        Some(call) if !call.quiet => {
            facts.extend(call_facts(call));
            ProtoNote::new(
                NAME,
                "invalid_answer",
                NoteLevel::Failed,
                format!(
                    "{}: the answer is not valid JSON-RPC 2.0 ({reason}): {}",
                    which(call),
                    quoted(text)
                ),
                facts,
            )
        }
        _ => ProtoNote::new(
            NAME,
            "malformed",
            NoteLevel::Warning,
            format!(
                "a message from the server that is not JSON-RPC 2.0 ({reason}): {}",
                quoted(text)
            ),
            facts,
        ),
    }
}

/// A binary message that is not UTF-8 text (JSON-RPC is text).
pub(crate) fn not_text(len: usize) -> ProtoNote {
    ProtoNote::new(
        NAME,
        "malformed",
        NoteLevel::Warning,
        format!("a binary message of {len} bytes that is not UTF-8 text, so not JSON-RPC"),
        vec![("len", Fact::Number(len as u64))],
    )
}

/// A notification or a call from the server (`eth_subscription`): printed whole.
pub(crate) fn from_server(req: &ServerRequest, text: &str) -> AppMessage {
    let mut facts = vec![("method", Fact::Text(req.method.clone()))];
    let kind = match &req.id {
        Some(id) => {
            facts.push(("id", Fact::Json(id.clone())));
            "request"
        }
        None => "notification",
    };
    AppMessage::json(NAME, kind, compact(text), facts)
}

/// An event of an rpc-websockets server (`{"notification":"tick","params":{…}}`, not a
/// JSON-RPC notification): printed whole.
pub(crate) fn event(name: &str, text: &str) -> AppMessage {
    AppMessage::json(
        NAME,
        "notification",
        compact(text),
        vec![("notification", Fact::Text(name.to_string()))],
    )
}

/// What the user sent: a call, a batch, a notification; `again` is the input that sends it
/// again.
pub(crate) fn sent(out: &Outgoing, text: &str, again: String) -> AppMessage {
    let (kind, facts) = match out {
        Outgoing::One(r) => {
            let mut facts = vec![("method", Fact::Text(r.method.clone()))];
            match &r.id {
                Some(id) => {
                    facts.push(("id", Fact::Json(id.clone())));
                    ("call", facts)
                }
                None => ("notification", facts),
            }
        }
        Outgoing::Batch(all) => ("batch", vec![("calls", Fact::Number(all.len() as u64))]),
    };
    AppMessage {
        input: Some(again),
        ..AppMessage::json(NAME, kind, text.to_string(), facts)
    }
}

/// `/pending`: the calls waiting, oldest first, with their age.
pub(crate) fn pending_list<'a>(
    calls: impl Iterator<Item = &'a Pending>,
    now: Instant,
) -> ProtoNote {
    let mut lines = Vec::new();
    for c in calls {
        let age = now.saturating_duration_since(c.sent);
        let heartbeat = if c.quiet {
            " (--heartbeat-message)"
        } else {
            ""
        };
        lines.push(format!(
            "  id {:<8} {:<24} {} ago{heartbeat}",
            c.id,
            c.method,
            secs(age)
        ));
    }
    let text = match lines.len() {
        0 => "no call is waiting for its answer".to_string(),
        1 => format!("1 call is waiting for its answer:\n{}", lines[0]),
        n => format!(
            "{n} calls are waiting for their answers, oldest first:\n{}",
            lines.join("\n")
        ),
    };
    ProtoNote::new(
        NAME,
        "pending",
        NoteLevel::Answer,
        text,
        vec![("waiting", Fact::Number(lines.len() as u64))],
    )
}

/// `N things: a, b and M more`.
fn listed(n: usize, named: &[String]) -> String {
    let more = match n.saturating_sub(named.len()) {
        0 => String::new(),
        more => format!(" and {more} more"),
    };
    format!("{}{more}", named.join(", "))
}

/// The end of a run that had failures: the calls that failed (how many of how many, and
/// which), error answers with id null, the calls still waiting. None when all went well.
pub(crate) fn summary(
    (failed, calls, which): (u64, u64, &[String]),
    unmatched: u64,
    (waiting, unanswered): (usize, &[String]),
) -> Option<String> {
    let plural = |n: u64, one: &'static str, many: &'static str| if n == 1 { one } else { many };
    let mut said = Vec::new();
    if failed > 0 {
        said.push(format!(
            "{failed} of {calls} JSON-RPC {} failed: {}",
            plural(calls, "call", "calls"),
            listed(failed as usize, which)
        ));
    }
    if unmatched > 0 {
        said.push(format!(
            "{unmatched} {} had id null (a request the server could not read)",
            plural(unmatched, "error answer", "error answers")
        ));
    }
    if waiting > 0 {
        said.push(format!(
            "{waiting} {} no answer: {}",
            plural(waiting as u64, "call got", "calls got"),
            listed(waiting, unanswered)
        ));
    }
    (!said.is_empty()).then(|| said.join("; "))
}

/// Why a call cannot go out.
pub(crate) fn not_sent(e: PendingError) -> InputError {
    InputError::new(match e {
        PendingError::Duplicate(id) => format!(
            "a call with id {id} is already waiting for its answer: give another id, or leave \"id\" out and wscope gives one"
        ),
        PendingError::NotAnId(id) => format!(
            "a call with id {id} could not be told apart from the server's answers to calls it cannot read: leave \"id\" out and wscope gives one"
        ),
        other => other.to_string(),
    })
}
