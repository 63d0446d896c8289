//! What the user types, with `--proto jsonrpc`, and the requests it becomes.
//!
//! - `METHOD [PARAMS]`: a call; METHOD is a word or a JSON string, PARAMS one JSON array (by
//!   position) or object (by name).
//! - A JSON-RPC request object, `{"method":…,"params":…,"id":…}`: checked member by member;
//!   `"jsonrpc":"2.0"` is added when left out, members JSON-RPC does not define are kept
//!   (some APIs want their own, such as Zabbix's `auth`).
//! - A batch: a JSON array of such objects, sent as one message.
//! - `/notify METHOD [PARAMS]`: a notification (no id, no answer).
//!
//! A call without an id gets one from the caller ([`Typed::assign`]); an id the user wrote is
//! kept as written.

use super::super::args::{InputError, Words, column};
use super::super::json_text::{self, Kind, RawValue};
use super::classify::MAX_BATCH;
use super::id::{IdAllocator, IdKey};
use std::collections::HashSet;

/// One request as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub method: String,
    /// The params' JSON (an array or an object) as typed.
    pub params: Option<String>,
    /// The id as typed; None for the caller to assign (or for a notification).
    pub id: Option<String>,
    pub notification: bool,
    /// Other members, as typed, in order.
    pub extra: Vec<(String, String)>,
}

/// What a line asks to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Typed {
    One(Call),
    Batch(Vec<Call>),
}

/// A request ready to go: `id` None only for a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub params: Option<String>,
    pub id: Option<String>,
    pub extra: Vec<(String, String)>,
}

impl Request {
    /// `{"jsonrpc":"2.0","id":…,"method":…,"params":…}` and the extra members, JSON as typed.
    pub(crate) fn to_json(&self) -> String {
        let mut out = String::from("{\"jsonrpc\":\"2.0\"");
        if let Some(id) = &self.id {
            out.push_str(",\"id\":");
            out.push_str(id);
        }
        out.push_str(",\"method\":");
        out.push_str(&json_text::quote(&self.method));
        if let Some(p) = &self.params {
            out.push_str(",\"params\":");
            out.push_str(p);
        }
        for (name, value) in &self.extra {
            out.push(',');
            out.push_str(&json_text::quote(name));
            out.push(':');
            out.push_str(value);
        }
        out.push('}');
        out
    }
}

/// Requests ready to go, as one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outgoing {
    One(Request),
    Batch(Vec<Request>),
}

impl Outgoing {
    /// The message's text.
    pub fn to_json(&self) -> String {
        match self {
            Outgoing::One(r) => r.to_json(),
            Outgoing::Batch(all) => {
                let parts: Vec<String> = all.iter().map(Request::to_json).collect();
                format!("[{}]", parts.join(","))
            }
        }
    }

    /// The requests, one or several.
    pub fn requests(&self) -> &[Request] {
        match self {
            Outgoing::One(r) => std::slice::from_ref(r),
            Outgoing::Batch(all) => all,
        }
    }
}

impl Typed {
    /// Gives each call without an id the next free id.
    pub fn assign(self, ids: &mut IdAllocator, taken: impl Fn(&IdKey) -> bool) -> Outgoing {
        let mut ready = |c: Call| Request {
            id: match (c.id, c.notification) {
                (_, true) => None,
                (Some(id), false) => Some(id),
                (None, false) => Some(ids.next_free(&taken).to_string()),
            },
            method: c.method,
            params: c.params,
            extra: c.extra,
        };
        match self {
            Typed::One(c) => Outgoing::One(ready(c)),
            Typed::Batch(all) => Outgoing::Batch(all.into_iter().map(ready).collect()),
        }
    }
}

/// A line: `METHOD [PARAMS]`, a request object, or a batch.
pub fn parse_line(line: &str) -> Result<Typed, InputError> {
    let trimmed = line.trim_start();
    let start = column(line, line.len() - trimmed.len());
    match trimmed.chars().next() {
        None => Err(InputError::new(
            "an empty line: type METHOD [PARAMS] or a JSON-RPC request object",
        )),
        Some('{') => {
            let raw = json_text::one_value(trimmed)
                .map_err(|e| InputError::json("the request", start, e))?;
            from_object(raw, start).map(Typed::One)
        }
        Some('[') => batch(trimmed, start),
        Some(_) => method_and_params(line, false).map(Typed::One),
    }
}

/// The arguments of `/notify`: `METHOD [PARAMS]`.
pub(crate) fn parse_notify(args: &str) -> Result<Call, InputError> {
    method_and_params(args, true)
}

fn method_and_params(text: &str, notification: bool) -> Result<Call, InputError> {
    let mut words = Words::new(text);
    let method = words
        .word()?
        .ok_or_else(|| InputError::new("a method name is missing: METHOD [PARAMS]"))?;
    let params = if words.more() {
        let at = words.column();
        let raw = words.value("params")?;
        params_kind(raw).map_err(|m| InputError::at(at, m))?;
        Some(raw.get().to_string())
    } else {
        None
    };
    if words.more() {
        let at = words.column();
        return Err(InputError::at(
            at,
            "only one JSON value of params may follow the method",
        ));
    }
    Ok(Call {
        method,
        params,
        id: None,
        notification,
        extra: Vec::new(),
    })
}

fn params_kind(raw: &RawValue) -> Result<(), String> {
    match json_text::kind(raw) {
        Kind::Array | Kind::Object => Ok(()),
        other => Err(format!(
            "params must be a JSON array (by position) or object (by name), not {}",
            other.with_article()
        )),
    }
}

fn batch(text: &str, start: usize) -> Result<Typed, InputError> {
    let raw = json_text::one_value(text).map_err(|e| InputError::json("the batch", start, e))?;
    let items: Vec<&RawValue> = serde_json::from_str(raw.get())
        .map_err(|e| InputError::json("the batch", start, json_text::JsonSyntax::of(&e)))?;
    if items.is_empty() {
        return Err(InputError::at(
            start,
            "an empty batch: servers answer it with a single Invalid Request error",
        ));
    }
    if items.len() > MAX_BATCH {
        return Err(InputError::at(
            start,
            format!(
                "a batch of {} calls: at most {MAX_BATCH} go in one message",
                items.len()
            ),
        ));
    }
    let mut seen = HashSet::new();
    let mut calls = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let in_item =
            |e: InputError| InputError::new(format!("batch item {}: {}", i + 1, e.message));
        let call = from_object(item, start).map_err(in_item)?;
        if let Some(key) = call.id.as_deref().and_then(IdKey::of)
            && !seen.insert(key)
        {
            return Err(InputError::new(format!(
                "batch item {}: the id {} is used twice in the batch",
                i + 1,
                call.id.unwrap_or_default()
            )));
        }
        calls.push(call);
    }
    Ok(Typed::Batch(calls))
}

fn from_object(raw: &RawValue, start: usize) -> Result<Call, InputError> {
    if json_text::kind(raw) != Kind::Object {
        return Err(InputError::at(
            start,
            format!(
                "a request must be a JSON object, not {}",
                json_text::kind(raw).with_article()
            ),
        ));
    }
    let members =
        json_text::members(raw).map_err(|e| InputError::in_json("the request", start, e))?;
    let mut call = Call {
        method: String::new(),
        params: None,
        id: None,
        notification: false,
        extra: Vec::new(),
    };
    let mut method = None;
    for (name, value) in members {
        let kind = json_text::kind(value);
        match name.as_str() {
            "jsonrpc" if json_text::string_value(value).as_deref() != Some("2.0") => {
                return Err(InputError::new(format!(
                    "\"jsonrpc\" must be \"2.0\", not {}",
                    value.get()
                )));
            }
            "jsonrpc" => {}
            "method" if kind == Kind::String => method = json_text::string_value(value),
            "method" => {
                return Err(InputError::new(format!(
                    "\"method\" must be a string, not {}",
                    kind.with_article()
                )));
            }
            "params" => {
                params_kind(value).map_err(InputError::new)?;
                call.params = Some(value.get().to_string());
            }
            "id" if matches!(kind, Kind::String | Kind::Number | Kind::Null) => {
                call.id = Some(value.get().to_string());
            }
            "id" => {
                return Err(InputError::new(format!(
                    "\"id\" must be a string, a number or null, not {}",
                    kind.with_article()
                )));
            }
            "result" | "error" => {
                return Err(InputError::new(format!(
                    "this is a response (it has \"{name}\"), not a request"
                )));
            }
            _ => call.extra.push((name, value.get().to_string())),
        }
    }
    call.method = method.ok_or_else(|| InputError::new("a request needs \"method\" (a string)"))?;
    Ok(call)
}
