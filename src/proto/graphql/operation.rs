//! What the user types, with `--proto graphql`: one operation, as a GraphQL document
//! (`{ hello }`, `query Q($n: Int) { … }`, `subscription { … }`, over several lines if need
//! be) or as the JSON object browsers' developer tools copy (`{"query": …, "variables": …,
//! "operationName": …}`).
//!
//! A text is the JSON form when it starts with `{` followed by `"` or `}` (a selection set
//! cannot start with a string). The JSON form is checked member by member: `query` is a
//! string; `variables` an object or null (or a string holding a JSON object, as some tools
//! copy it); `operationName` a string or null; `extensions` an object or null; nothing else.
//! The operation's kind comes from the document, picked by `operationName` when it has
//! several.

use super::super::args::InputError;
use super::super::json_text::{self, Kind, RawValue};
use super::document::{self, OperationKind};

/// One operation, ready for a `subscribe` (legacy `start`) message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// The GraphQL document.
    pub query: String,
    /// The variables' JSON object as typed (None when absent or null).
    pub variables: Option<String>,
    pub operation_name: Option<String>,
    /// The extensions' JSON object as typed (persisted queries and the like).
    pub extensions: Option<String>,
    pub(crate) kind: OperationKind,
}

impl Operation {
    /// The message payload: `{"query":…,"variables":…,"operationName":…,"extensions":…}`,
    /// absent members left out, JSON values as typed.
    pub(crate) fn payload_json(&self) -> String {
        let mut out = format!("{{\"query\":{}", json_text::quote(&self.query));
        if let Some(v) = &self.variables {
            out.push_str(",\"variables\":");
            out.push_str(v);
        }
        if let Some(n) = &self.operation_name {
            out.push_str(",\"operationName\":");
            out.push_str(&json_text::quote(n));
        }
        if let Some(e) = &self.extensions {
            out.push_str(",\"extensions\":");
            out.push_str(e);
        }
        out.push('}');
        out
    }
}

/// Parses one operation from a line or a multi-line entry.
pub fn parse_operation(text: &str) -> Result<Operation, InputError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(InputError::new(
            "an empty operation: type a GraphQL document ({ … }, query, mutation, subscription) or its JSON form",
        ));
    }
    let after_brace = trimmed.strip_prefix('{').map(str::trim_start);
    if after_brace.is_some_and(|rest| rest.starts_with('"') || rest.starts_with('}')) {
        return json_form(text);
    }
    let ops = document::operations(text)?;
    Ok(Operation {
        kind: document::select(&ops, None)?,
        query: text.to_string(),
        variables: None,
        operation_name: None,
        extensions: None,
    })
}

fn json_form(text: &str) -> Result<Operation, InputError> {
    const WHAT: &str = "the operation's JSON";
    let raw = json_text::one_value(text).map_err(|e| InputError::json(WHAT, 1, e))?;
    let members = json_text::members(raw).map_err(|e| InputError::in_json(WHAT, 1, e))?;
    if let Some((name, _)) = members
        .iter()
        .find(|(k, _)| !["query", "variables", "operationName", "extensions"].contains(&k.as_str()))
    {
        return Err(InputError::new(format!(
            "unknown member {} in the operation's JSON (it has query, variables, operationName and extensions)",
            json_text::quote(name)
        )));
    }
    let get = |name| json_text::member(&members, name);
    let query = match get("query") {
        Some(q) if json_text::kind(q) == Kind::String => {
            json_text::string_value(q).unwrap_or_default()
        }
        Some(q) => return Err(must_be("query", "a string (the GraphQL document)", q)),
        None => {
            return Err(InputError::new(
                "the operation's JSON has no \"query\" (the GraphQL document)",
            ));
        }
    };
    if query.trim().is_empty() {
        return Err(InputError::new("the operation's \"query\" is empty"));
    }
    let variables = match get("variables") {
        None => None,
        Some(v) => match json_text::kind(v) {
            Kind::Null => None,
            Kind::Object => Some(v.get().to_string()),
            Kind::String => Some(variables_in_string(v)?),
            _ => return Err(must_be("variables", "a JSON object or null", v)),
        },
    };
    let operation_name = match get("operationName") {
        None => None,
        Some(n) => match json_text::kind(n) {
            Kind::Null => None,
            Kind::String => json_text::string_value(n),
            _ => return Err(must_be("operationName", "a string or null", n)),
        },
    };
    let extensions = match get("extensions") {
        None => None,
        Some(e) => match json_text::kind(e) {
            Kind::Null => None,
            Kind::Object => Some(e.get().to_string()),
            _ => return Err(must_be("extensions", "a JSON object or null", e)),
        },
    };
    let ops = document::operations(&query).map_err(|e| InputError {
        message: format!("in \"query\": {}", e.message),
        ..InputError::new("")
    })?;
    Ok(Operation {
        kind: document::select(&ops, operation_name.as_deref())?,
        query,
        variables,
        operation_name,
        extensions,
    })
}

fn must_be(name: &str, expected: &str, got: &RawValue) -> InputError {
    InputError::new(format!(
        "\"{name}\" must be {expected}, not {}",
        json_text::kind(got).with_article()
    ))
}

/// Variables copied as a string that holds a JSON object (`"variables": "{\"n\":1}"`).
fn variables_in_string(v: &RawValue) -> Result<String, InputError> {
    let inner = json_text::string_value(v).unwrap_or_default();
    let raw = json_text::one_value(&inner).map_err(|e| {
        InputError::new(format!(
            "\"variables\" is a string that is not a JSON object: {e}"
        ))
    })?;
    if json_text::kind(raw) != Kind::Object {
        return Err(InputError::new(format!(
            "\"variables\" is a string that holds {}, not a JSON object",
            json_text::kind(raw).with_article()
        )));
    }
    Ok(raw.get().to_string())
}
