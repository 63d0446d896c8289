//! JSON as a peer or the user wrote it, for the protocol codecs.
//!
//! The codecs validate JSON with serde_json but keep the text: a [`RawValue`] borrows a value's
//! exact text, `members` lists an object's members in the order written with their raw
//! values, and `rewrite_flat_objects` replaces small objects inside a text while copying
//! everything else byte for byte (how Socket.IO's binary placeholders are swapped). serde_json
//! refuses nesting deeper than 128 levels, and the walker here keeps its open brackets on a
//! heap stack, so no input can exhaust the call stack.

use serde::Deserialize;
use serde::de::{Deserializer, Error as _, MapAccess, Visitor};
pub(crate) use serde_json::value::RawValue;
use std::collections::HashSet;
use std::fmt;

/// Where a JSON text is not valid, and why: 1-based line and column (in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonSyntax {
    pub line: usize,
    pub column: usize,
    pub reason: String,
}

impl JsonSyntax {
    /// The position and reason of a serde_json error.
    pub(crate) fn of(e: &serde_json::Error) -> Self {
        let full = e.to_string();
        let reason = match full.rfind(" at line ") {
            Some(i) => full[..i].to_string(),
            None => full,
        };
        JsonSyntax {
            line: e.line().max(1),
            column: e.column().max(1),
            reason,
        }
    }

    /// The same error for JSON that started `columns` characters into a longer line (its
    /// first line is that line; later lines keep their columns).
    pub(crate) fn shifted(mut self, columns: usize) -> Self {
        if self.line == 1 {
            self.column += columns;
        }
        self
    }
}

impl fmt::Display for JsonSyntax {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 1 {
            write!(
                f,
                "line {}, column {}: {}",
                self.line, self.column, self.reason
            )
        } else {
            write!(f, "column {}: {}", self.column, self.reason)
        }
    }
}

/// Exactly one JSON value (white space around it allowed), borrowed as written.
pub(crate) fn one_value(text: &str) -> Result<&RawValue, JsonSyntax> {
    serde_json::from_str::<&RawValue>(text).map_err(|e| JsonSyntax::of(&e))
}

/// The six kinds of JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Object,
    Array,
    String,
    Number,
    Bool,
    Null,
}

impl Kind {
    /// The kind of a valid JSON text, from its first character.
    pub(crate) fn of(raw: &str) -> Kind {
        match raw.trim_start().as_bytes().first() {
            Some(b'{') => Kind::Object,
            Some(b'[') => Kind::Array,
            Some(b'"') => Kind::String,
            Some(b't' | b'f') => Kind::Bool,
            Some(b'n') => Kind::Null,
            _ => Kind::Number,
        }
    }

    /// "an object", "a string"...: for messages such as "params must be an array, not a string".
    pub(crate) fn with_article(self) -> &'static str {
        match self {
            Kind::Object => "an object",
            Kind::Array => "an array",
            Kind::String => "a string",
            Kind::Number => "a number",
            Kind::Bool => "a boolean",
            Kind::Null => "null",
        }
    }
}

/// The kind of a raw value.
pub(crate) fn kind(raw: &RawValue) -> Kind {
    Kind::of(raw.get())
}

/// The members of a JSON object in the order written, each value as written. A name that
/// occurs twice is an error (JSON leaves its meaning open; servers disagree).
pub(crate) fn members(object: &RawValue) -> Result<Vec<(String, &RawValue)>, JsonSyntax> {
    serde_json::from_str::<Members>(object.get())
        .map(|m| m.0)
        .map_err(|e| JsonSyntax::of(&e))
}

/// The first member called `name`, from [`members`]' list.
pub(crate) fn member<'a>(list: &[(String, &'a RawValue)], name: &str) -> Option<&'a RawValue> {
    list.iter().find(|(k, _)| k == name).map(|(_, v)| *v)
}

/// A JSON string's value, when `raw` is a string.
pub(crate) fn string_value(raw: &RawValue) -> Option<String> {
    serde_json::from_str::<String>(raw.get()).ok()
}

/// A JSON text on one line without white space between its tokens (strings and numbers as
/// written), as a protocol prints a value it received; text that is not JSON keeps its
/// characters, its line breaks made spaces.
pub fn compact(json: &str) -> String {
    if !json
        .bytes()
        .any(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    {
        return json.to_string();
    }
    let layout = crate::display::json::Layout {
        pretty: false,
        color: false,
    };
    crate::display::json::layout(json.as_bytes(), layout)
        .unwrap_or_else(|| json.replace(['\n', '\r'], " "))
}

/// `text` as a JSON string literal.
pub(crate) fn quote(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

/// A valid JSON text on one line, for the one-line-per-message output: a peer may lay its
/// JSON out over several (rare); such a text is written compact, anything else as it is.
pub fn one_line(json: &str) -> String {
    if !json.contains(['\n', '\r']) {
        return json.to_string();
    }
    let compact = crate::display::json::Layout {
        pretty: false,
        color: false,
    };
    crate::display::json::layout(json.as_bytes(), compact)
        .unwrap_or_else(|| json.replace(['\n', '\r'], " "))
}

struct Members<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(MembersVisitor)
    }
}

struct MembersVisitor;

impl<'de> Visitor<'de> for MembersVisitor {
    type Value = Members<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut list = Vec::new();
        let mut seen = HashSet::new();
        while let Some(name) = map.next_key::<String>()? {
            let value: &RawValue = map.next_value()?;
            if !seen.insert(name.clone()) {
                return Err(A::Error::custom(format!(
                    "the member {} occurs twice",
                    quote(&name)
                )));
            }
            list.push((name, value));
        }
        Ok(Members(list))
    }
}

/// Replaces the innermost objects of a JSON text (objects that hold no object or array):
/// `edit` gets each one's text and byte offset and may return its replacement; everything
/// else is copied as written. Meant for valid JSON; on any other text it still ends, without
/// a panic, in time linear in the text.
pub(crate) fn rewrite_flat_objects<E>(
    text: &str,
    mut edit: impl FnMut(&str, usize) -> Result<Option<String>, E>,
) -> Result<String, E> {
    struct Open {
        at: usize,
        object: bool,
        flat: bool,
    }
    let bytes = text.as_bytes();
    let mut open: Vec<Open> = Vec::new();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = string_end(bytes, i),
            b @ (b'{' | b'[') => {
                if let Some(top) = open.last_mut() {
                    top.flat = false;
                }
                open.push(Open {
                    at: i,
                    object: b == b'{',
                    flat: true,
                });
            }
            b'}' => {
                if let Some(o) = open.pop().filter(|o| o.object && o.flat)
                    && let Some(new) = edit(&text[o.at..=i], o.at)?
                {
                    out.push_str(&text[copied..o.at]);
                    out.push_str(&new);
                    copied = i + 1;
                }
            }
            b']' => {
                open.pop();
            }
            _ => {}
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    Ok(out)
}

/// The index of the quote that closes the string opened at `start` (or the last byte).
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i,
            _ => i += 1,
        }
    }
    bytes.len().saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_name_the_column_and_shift_into_a_line() {
        let e = one_value("[1, }").unwrap_err();
        assert_eq!((e.line, e.column), (1, 5));
        assert_eq!(e.to_string(), "column 5: expected value");
        assert_eq!(e.clone().shifted(6).column, 11);
        let e = one_value("[1,\n }").unwrap_err();
        assert_eq!(e.to_string(), "line 2, column 2: expected value");
        assert_eq!(e.shifted(6).column, 2);
        assert!(one_value("1 2").is_err());
        assert_eq!(one_value(" [1, 2] ").unwrap().get(), "[1, 2]");
    }

    #[test]
    fn kinds_and_members_keep_order_and_text() {
        let raw = one_value(r#"{"b": 1.50, "a": "\u00e9", "c": [1]}"#).unwrap();
        assert_eq!(kind(raw), Kind::Object);
        let m = members(raw).unwrap();
        let names: Vec<&str> = m.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["b", "a", "c"]);
        assert_eq!(member(&m, "b").unwrap().get(), "1.50");
        assert_eq!(member(&m, "a").unwrap().get(), r#""\u00e9""#);
        assert_eq!(string_value(member(&m, "a").unwrap()).unwrap(), "é");
        assert!(member(&m, "z").is_none());
        let dup = members(one_value(r#"{"a": 1, "a": 2}"#).unwrap()).unwrap_err();
        assert!(dup.reason.contains("\"a\" occurs twice"), "{dup}");
        assert_eq!(Kind::of("null"), Kind::Null);
        assert_eq!(Kind::of("-1"), Kind::Number);
        assert_eq!(Kind::of("false"), Kind::Bool);
        assert_eq!(Kind::Array.with_article(), "an array");
        assert_eq!(quote("a\"b\n"), r#""a\"b\n""#);
    }

    #[test]
    fn flat_objects_are_rewritten_and_the_rest_copied() {
        let text = r#"["x", {"k": "}{"}, {"a": {"b": 1}}, [{"c": 2}], "{\"d\":3}"]"#;
        let mut seen = Vec::new();
        let out = rewrite_flat_objects::<()>(text, |obj, at| {
            seen.push((obj.to_string(), at));
            Ok(obj.contains("\"c\"").then(|| "0".to_string()))
        })
        .unwrap();
        assert_eq!(
            out,
            r#"["x", {"k": "}{"}, {"a": {"b": 1}}, [0], "{\"d\":3}"]"#
        );
        let objs: Vec<&str> = seen.iter().map(|(o, _)| o.as_str()).collect();
        assert_eq!(objs, [r#"{"k": "}{"}"#, r#"{"b": 1}"#, r#"{"c": 2}"#]);
        assert_eq!(&text[seen[0].1..seen[0].1 + 1], "{");
        assert_eq!(rewrite_flat_objects::<()>("", |_, _| Ok(None)).unwrap(), "");
        let err = rewrite_flat_objects(r#"[{}]"#, |_, _| Err("no"));
        assert_eq!(err, Err("no"));
        for junk in ["}}}]]", "{{{", "\"", "\"\\", "{\"a\\\"}"] {
            let _ = rewrite_flat_objects::<()>(junk, |_, _| Ok(Some(String::new())));
        }
    }
}
