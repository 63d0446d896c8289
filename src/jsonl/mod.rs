//! JSON Lines, the contract with scripts: every line `--jsonl`, `--record` and `probe
//! --jsonl` write is a [`Line`] of these serde types, written by [`write`] and read back
//! (`replay`) by [`read`], so what is written and what is read cannot drift apart.
//!
//! A line is one object: `v` (the schema version, [`VERSION`]), `ts` (when, [`Timestamp`]),
//! `type` (which [`Body`]) and the body's fields. Durations are milliseconds ([`Millis`]).
//! The types hold what goes on a line and nothing else: `render` makes them from events
//! (deciding the wording and masking credentials), `probe` from its report card. A reader
//! also takes lines written by hand: fields that only describe (a length, a peer, how long
//! connecting took) may be missing; those that carry meaning (a URL, a message's direction,
//! opcode and data) may not. Pure.

mod app;
mod connection;
mod message;
mod notes;
mod probe;
mod time;

#[cfg(test)]
mod tests;

pub(crate) use app::{App, Proto};
pub(crate) use connection::{
    Connected, Deflate, Open, Proxy, Reconnect, Request, Response, Timing, Timings, Tls,
};
pub(crate) use message::{
    Close, Control, Decoded, Dir, Encoding, Frame, Json, Message, Opcode, payload,
};
pub(crate) use notes::{
    Closed, Compressed, Compression, End, Error, Note, Notice, Side, State, Status, Traffic,
};
pub(crate) use probe::{Probe, ProbeSummary, Verdict};
pub(crate) use time::{Millis, Timestamp};

use serde::{Deserialize, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

/// The schema version every line carries as `v`. It changes when a field changes meaning or
/// goes away; new types and new fields do not change it (readers skip what they do not know).
pub(crate) const VERSION: u32 = 1;

/// One line: when, and what.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Line<'a> {
    pub ts: Timestamp,
    pub body: Body<'a>,
}

/// What a line says; its `type` is [`Body::kind`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Body<'a> {
    Connected(Connected<'a>),
    Proxy(Proxy),
    Tls(Tls),
    Request(Request<'a>),
    Response(Response<'a>),
    Open(Open),
    Message(Message<'a>),
    Ping(Control<'a>),
    Pong(Control<'a>),
    Close(Close<'a>),
    Frame(Frame),
    Reconnect(Reconnect),
    Timing(Timing),
    Info(Note),
    Warning(Note),
    Error(Error),
    End(End),
    Probe(Probe),
    ProbeSummary(ProbeSummary),
}

impl Body<'_> {
    /// The line's `type`.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Body::Connected(_) => "connected",
            Body::Proxy(_) => "proxy",
            Body::Tls(_) => "tls",
            Body::Request(_) => "request",
            Body::Response(_) => "response",
            Body::Open(_) => "open",
            Body::Message(_) => "message",
            Body::Ping(_) => "ping",
            Body::Pong(_) => "pong",
            Body::Close(_) => "close",
            Body::Frame(_) => "frame",
            Body::Reconnect(_) => "reconnect",
            Body::Timing(_) => "timing",
            Body::Info(_) => "info",
            Body::Warning(_) => "warning",
            Body::Error(_) => "error",
            Body::End(_) => "end",
            Body::Probe(_) => "probe",
            Body::ProbeSummary(_) => "probe_summary",
        }
    }
}

/// `v`, `ts` and `type`, then the body's fields.
#[derive(Serialize)]
struct Envelope<'b, T> {
    v: u32,
    ts: &'b Timestamp,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    body: &'b T,
}

impl Serialize for Line<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let ts = &self.ts;
        let kind = self.body.kind();
        macro_rules! envelope {
            ($body:expr) => {
                Envelope {
                    v: VERSION,
                    ts,
                    kind,
                    body: $body,
                }
                .serialize(s)
            };
        }
        match &self.body {
            Body::Connected(b) => envelope!(b),
            Body::Proxy(b) => envelope!(b),
            Body::Tls(b) => envelope!(b),
            Body::Request(b) => envelope!(b),
            Body::Response(b) => envelope!(b),
            Body::Open(b) => envelope!(b),
            Body::Message(b) => envelope!(b),
            Body::Ping(b) | Body::Pong(b) => envelope!(b),
            Body::Close(b) => envelope!(b),
            Body::Frame(b) => envelope!(b),
            Body::Reconnect(b) => envelope!(b),
            Body::Timing(b) => envelope!(b),
            Body::Info(b) | Body::Warning(b) => envelope!(b),
            Body::Error(b) => envelope!(b),
            Body::End(b) => envelope!(b),
            Body::Probe(b) => envelope!(b),
            Body::ProbeSummary(b) => envelope!(b),
        }
    }
}

/// Appends the line and a newline to `out`.
pub(crate) fn write(line: &Line<'_>, out: &mut Vec<u8>) {
    let start = out.len();
    // Nothing in these types fails to serialize; should it ever, no half line is left.
    match serde_json::to_writer(&mut *out, line) {
        Ok(()) => out.push(b'\n'),
        Err(_) => out.truncate(start),
    }
}

/// The line as a string, without the newline.
pub(crate) fn to_string(line: &Line<'_>) -> String {
    let mut out = Vec::with_capacity(128);
    write(line, &mut out);
    out.pop();
    String::from_utf8(out).unwrap_or_default()
}

/// Why a line could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ReadError {
    NotJson(String),
    /// JSON, but not an object with a `type`.
    NoType,
    NoTimestamp,
    Timestamp(String),
    /// Written by a newer wscope, in a schema this one does not read.
    Version(u32),
    /// A `type` this version does not know (readers skip it).
    UnknownType(String),
    /// A known type with fields that do not fit it.
    Fields {
        kind: String,
        why: String,
    },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotJson(e) => write!(f, "not JSON: {e}"),
            ReadError::NoType => f.write_str("no \"type\": not a wscope event"),
            ReadError::NoTimestamp => f.write_str("no \"ts\" timestamp"),
            ReadError::Timestamp(e) => f.write_str(e),
            ReadError::Version(v) => write!(
                f,
                "written in JSON Lines version {v}; this wscope reads version {VERSION} (a newer wscope wrote it)"
            ),
            ReadError::UnknownType(t) => {
                write!(f, "an event of type {t:?} this wscope does not know")
            }
            ReadError::Fields { kind, why } => write!(f, "a {kind} event: {why}"),
        }
    }
}

/// The fields every line has. `v` is absent in what wscope wrote before it had one: the same
/// schema as version 1.
#[derive(Deserialize)]
struct Head<'a> {
    #[serde(default)]
    v: Option<u32>,
    #[serde(default, borrow)]
    ts: Option<Cow<'a, str>>,
    #[serde(rename = "type", default, borrow)]
    kind: Option<Cow<'a, str>>,
}

/// Reads one line.
pub(crate) fn read(line: &str) -> Result<Line<'_>, ReadError> {
    let head: Head<'_> = serde_json::from_str(line).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => ReadError::NoType,
        _ => ReadError::NotJson(e.to_string()),
    })?;
    let kind = head.kind.ok_or(ReadError::NoType)?;
    if let Some(v) = head.v.filter(|v| *v > VERSION) {
        return Err(ReadError::Version(v));
    }
    let ts = head.ts.ok_or(ReadError::NoTimestamp)?;
    let ts = Timestamp::parse(&ts)
        .map_err(|e| ReadError::Timestamp(format!("timestamp {ts:?}: {e}")))?;
    let body = body(&kind, line).map_err(|e| match e {
        Some(e) => ReadError::Fields {
            kind: kind.to_string(),
            why: e.to_string(),
        },
        None => ReadError::UnknownType(kind.to_string()),
    })?;
    Ok(Line { ts, body })
}

/// The body of a line of type `kind`; `None` for a type this version does not know.
fn body<'a>(kind: &str, line: &'a str) -> Result<Body<'a>, Option<serde_json::Error>> {
    fn of<'a, T: Deserialize<'a>>(line: &'a str) -> Result<T, Option<serde_json::Error>> {
        serde_json::from_str(line).map_err(Some)
    }
    Ok(match kind {
        "connected" => Body::Connected(of(line)?),
        "proxy" => Body::Proxy(of(line)?),
        "tls" => Body::Tls(of(line)?),
        "request" => Body::Request(of(line)?),
        "response" => Body::Response(of(line)?),
        "open" => Body::Open(of(line)?),
        "message" => Body::Message(of(line)?),
        "ping" => Body::Ping(of(line)?),
        "pong" => Body::Pong(of(line)?),
        "close" => Body::Close(of(line)?),
        "frame" => Body::Frame(of(line)?),
        "reconnect" => Body::Reconnect(of(line)?),
        "timing" => Body::Timing(of(line)?),
        "info" => Body::Info(of(line)?),
        "warning" => Body::Warning(of(line)?),
        "error" => Body::Error(of(line)?),
        "end" => Body::End(of(line)?),
        "probe" => Body::Probe(of(line)?),
        "probe_summary" => Body::ProbeSummary(of(line)?),
        _ => return Err(None),
    })
}
