//! What a received message is: a response (a result or an error, for an id), a batch of
//! them, a request or notification from the server (it has a `method`), or not valid
//! JSON-RPC 2.0, with the reason in words. JSON is kept as the server wrote it; ids too.

use super::super::json_text::{self, JsonSyntax, Kind, RawValue};
use std::fmt;

/// Most items one batch may hold.
pub(crate) const MAX_BATCH: usize = 10_000;

/// A received message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    Response(Response),
    /// An array of messages (never itself holding an array).
    Batch(Vec<Item>),
    /// A call or, without an id, a notification (`eth_subscription`) from the server.
    Request(ServerRequest),
    Invalid(Invalid),
}

/// One message of a batch: its text as the server wrote it, and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub text: String,
    pub received: Received,
}

/// The answer to the call with this id (as written; `null` when the server could not read
/// the call's id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub id: String,
    pub(crate) outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The result's JSON.
    Result(String),
    Error(RpcError),
}

/// A JSON-RPC error object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RpcError {
    pub code: i64,
    pub message: String,
    /// `data`'s JSON.
    pub data: Option<String>,
}

/// A request or notification the server sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerRequest {
    pub method: String,
    pub params: Option<String>,
    /// None for a notification.
    pub id: Option<String>,
}

/// A message that is not valid JSON-RPC 2.0: why, and its id when one could be read (so the
/// call it answers need not wait for ever).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub(crate) reason: Reason,
    pub id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reason {
    NotJson(JsonSyntax),
    NotObject(Kind),
    EmptyBatch,
    BatchTooLarge,
    NoVersion,
    BadVersion(String),
    NoIdNoMethod,
    /// A result or an error without an id (an answer to a notification, which a server
    /// must not answer).
    AnswerWithoutId,
    ResultAndError,
    NoResultNoError,
    BadId(Kind),
    MethodNotString(Kind),
    BadParams(Kind),
    /// The error object is not `{code: integer, message: string[, data]}`: what is wrong.
    BadError(String),
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::NotJson(e) => write!(f, "not JSON ({e})"),
            Reason::NotObject(k) => write!(
                f,
                "{} is not a JSON-RPC message (an object)",
                k.with_article()
            ),
            Reason::EmptyBatch => f.write_str("an empty batch"),
            Reason::BatchTooLarge => write!(f, "a batch of more than {MAX_BATCH} messages"),
            Reason::NoVersion => f.write_str("no \"jsonrpc\":\"2.0\" member"),
            Reason::BadVersion(v) => write!(f, "\"jsonrpc\" is {v}, not \"2.0\""),
            Reason::NoIdNoMethod => {
                f.write_str("neither an id (a response) nor a method (a request from the server)")
            }
            Reason::AnswerWithoutId => f.write_str(
                "an answer without an id: it matches no call (a server must not answer a notification)",
            ),
            Reason::ResultAndError => f.write_str("both \"result\" and \"error\""),
            Reason::NoResultNoError => {
                f.write_str("a response with neither \"result\" nor \"error\"")
            }
            Reason::BadId(k) => write!(
                f,
                "\"id\" is {}, not a string, a number or null",
                k.with_article()
            ),
            Reason::MethodNotString(k) => {
                write!(f, "\"method\" is {}, not a string", k.with_article())
            }
            Reason::BadParams(k) => write!(
                f,
                "\"params\" is {}, not an array or an object",
                k.with_article()
            ),
            Reason::BadError(why) => write!(f, "the \"error\" object {why}"),
        }
    }
}

/// Classifies a received text message.
pub fn classify(text: &str) -> Received {
    let invalid = |reason| Received::Invalid(Invalid { reason, id: None });
    let raw = match json_text::one_value(text) {
        Ok(raw) => raw,
        Err(e) => return invalid(Reason::NotJson(e)),
    };
    if json_text::kind(raw) != Kind::Array {
        return one(raw);
    }
    let items: Vec<&RawValue> = match serde_json::from_str(raw.get()) {
        Ok(items) => items,
        Err(e) => return invalid(Reason::NotJson(JsonSyntax::of(&e))),
    };
    match items.len() {
        0 => invalid(Reason::EmptyBatch),
        n if n > MAX_BATCH => invalid(Reason::BatchTooLarge),
        _ => Received::Batch(
            items
                .into_iter()
                .map(|raw| Item {
                    text: raw.get().to_string(),
                    received: one(raw),
                })
                .collect(),
        ),
    }
}

fn one(raw: &RawValue) -> Received {
    let kind = json_text::kind(raw);
    if kind != Kind::Object {
        return Received::Invalid(Invalid {
            reason: Reason::NotObject(kind),
            id: None,
        });
    }
    let members = match json_text::members(raw) {
        Ok(m) => m,
        Err(e) => {
            return Received::Invalid(Invalid {
                reason: Reason::NotJson(e),
                id: None,
            });
        }
    };
    let get = |name| json_text::member(&members, name);
    let id = get("id");
    let id_text = id
        .filter(|v| matches!(json_text::kind(v), Kind::String | Kind::Number | Kind::Null))
        .map(|v| v.get().to_string());
    let check = || -> Result<Received, Reason> {
        match get("jsonrpc") {
            None => return Err(Reason::NoVersion),
            Some(v) if json_text::string_value(v).as_deref() != Some("2.0") => {
                return Err(Reason::BadVersion(v.get().to_string()));
            }
            Some(_) => {}
        }
        if let Some(v) = id
            && id_text.is_none()
        {
            return Err(Reason::BadId(json_text::kind(v)));
        }
        if let Some(method) = get("method") {
            return request(method, get("params"), id_text.clone());
        }
        let answers = get("result").is_some() || get("error").is_some();
        let id = id_text.clone().ok_or(if answers {
            Reason::AnswerWithoutId
        } else {
            Reason::NoIdNoMethod
        })?;
        let outcome = match (get("result"), get("error")) {
            (Some(_), Some(_)) => return Err(Reason::ResultAndError),
            (None, None) => return Err(Reason::NoResultNoError),
            (Some(r), None) => Outcome::Result(r.get().to_string()),
            (None, Some(e)) => Outcome::Error(error_object(e)?),
        };
        Ok(Received::Response(Response { id, outcome }))
    };
    check().unwrap_or_else(|reason| {
        Received::Invalid(Invalid {
            reason,
            id: id_text.clone(),
        })
    })
}

fn request(
    method: &RawValue,
    params: Option<&RawValue>,
    id: Option<String>,
) -> Result<Received, Reason> {
    let name =
        json_text::string_value(method).ok_or(Reason::MethodNotString(json_text::kind(method)))?;
    if let Some(p) = params
        && !matches!(json_text::kind(p), Kind::Array | Kind::Object)
    {
        return Err(Reason::BadParams(json_text::kind(p)));
    }
    Ok(Received::Request(ServerRequest {
        method: name,
        params: params.map(|p| p.get().to_string()),
        id,
    }))
}

fn error_object(e: &RawValue) -> Result<RpcError, Reason> {
    if json_text::kind(e) != Kind::Object {
        return Err(Reason::BadError(format!(
            "is {}, not an object",
            json_text::kind(e).with_article()
        )));
    }
    let members = json_text::members(e).map_err(|s| Reason::BadError(s.reason))?;
    let get = |name| json_text::member(&members, name);
    let code = get("code")
        .and_then(|c| serde_json::from_str::<i64>(c.get()).ok())
        .ok_or_else(|| Reason::BadError("has no integer \"code\"".into()))?;
    let message = get("message")
        .and_then(json_text::string_value)
        .ok_or_else(|| Reason::BadError("has no \"message\" string".into()))?;
    Ok(RpcError {
        code,
        message,
        data: get("data").map(|d| d.get().to_string()),
    })
}
