//! Application protocols (`--proto`) as JSON Lines: a WebSocket message's line with the
//! application messages it carried (`app`, each with what `--filter` made of it), and a
//! protocol's remarks as `info` and `warning` lines. Pure.

use super::super::received::{Filtered, Seen};
use crate::display::filter::Output as FilterOutput;
use crate::error::Kind;
use crate::event::{AppMessage, DataKind, Fact, NoteLevel, ProtoNote};
use crate::jsonl::{self, Body, Json, Note, Notice};
use serde_json::{Map, Value};

/// The facts as JSON members (durations in milliseconds, to the microsecond).
fn facts(facts: &[(&'static str, Fact)]) -> Map<String, Value> {
    facts
        .iter()
        .map(|(name, fact)| {
            let v = match fact {
                Fact::Text(t) => Value::from(t.as_str()),
                Fact::Number(n) => Value::from(*n),
                Fact::Millis(d) => Value::from((d.as_micros() as f64) / 1000.0),
                Fact::Json(j) => {
                    serde_json::from_str(j).unwrap_or_else(|_| Value::from(j.as_str()))
                }
            };
            (name.to_string(), v)
        })
        .collect()
}

/// One application message, with what the filter made of it when one ran.
pub(crate) fn app(a: &AppMessage, seen: Option<&Seen<'_>>) -> jsonl::App {
    let (data, text) = if a.json {
        (Some(Json::new(&a.text)), None)
    } else {
        (None, Some(a.text.clone()))
    };
    let mut out = jsonl::App {
        protocol: a.protocol.to_string(),
        kind: a.kind.to_string(),
        data,
        text,
        input: a.input.clone(),
        filtered: None,
        filter_error: None,
        facts: facts(&a.facts),
    };
    match seen.and_then(|s| s.filtered.as_ref()) {
        None => {}
        Some(Filtered::NotJson) => out.filtered = Some(None),
        Some(Filtered::Ran { results, error }) => {
            let results = results.iter().map(|r| match r {
                FilterOutput::Json(s) => Json::new(s),
                FilterOutput::Text(s) => Json::string(s),
            });
            out.filtered = Some(Some(results.collect()));
            out.filter_error = error.clone();
        }
    }
    out
}

/// A WebSocket message under `--proto` with the application messages it carried (`seen`:
/// each one's pass through the filter, in order, when they were shown).
pub(crate) fn message<'a>(
    dir: jsonl::Dir,
    kind: DataKind,
    data: &'a [u8],
    apps: &[AppMessage],
    seen: &[Seen<'_>],
) -> jsonl::Message<'a> {
    let mut m = jsonl::Message::new(dir, super::opcode(kind), data);
    if !apps.is_empty() {
        m.app = Some(
            apps.iter()
                .enumerate()
                .map(|(i, a)| app(a, seen.get(i)))
                .collect(),
        );
    }
    m
}

/// A protocol's remark as its line: `info`, `warning`, or for something that failed `error`.
pub(crate) fn note(n: &ProtoNote) -> Body<'static> {
    let notice = Some(Notice::Proto {
        protocol: n.protocol.to_string(),
        about: n.kind.to_string(),
        facts: facts(&n.facts),
    });
    let message = n.text.clone();
    match n.level {
        NoteLevel::Warning => Body::Warning(Note { notice, message }),
        NoteLevel::Failed => Body::Error(jsonl::Error {
            exit_code: Kind::ProtoFailed.exit_code(),
            notice,
            message,
            hint: None,
        }),
        NoteLevel::Info | NoteLevel::Detail | NoteLevel::Answer => {
            Body::Info(Note { notice, message })
        }
    }
}
