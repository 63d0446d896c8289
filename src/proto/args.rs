//! The words of a protocol's REPL command (`/emit chat "hi" {"a":1}`, `/send /queue/a -H k:v
//! body`), read left to right with their columns, and the one error type of the input
//! grammars: what is wrong with what the user typed, and where.
//!
//! A word is a run of non-space characters or a JSON string (`"two words"`); an argument may
//! also be one JSON value, which may hold spaces (`{"a": 1}`) and must end at a space or at
//! the end of the line.

use super::json_text::{JsonSyntax, RawValue};
use std::fmt;

/// What is wrong with a line or command the user typed; `line` and `column` (1-based, the
/// column in characters of the text given to the parser) point at it when there is one place
/// to point at. Displayed as `[line L, ]column C: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub line: usize,
    pub column: Option<usize>,
    pub message: String,
}

impl InputError {
    /// An error about the whole input.
    pub(crate) fn new(message: impl Into<String>) -> Self {
        InputError {
            line: 1,
            column: None,
            message: message.into(),
        }
    }

    /// An error at a column of the first line.
    pub(crate) fn at(column: usize, message: impl Into<String>) -> Self {
        InputError {
            line: 1,
            column: Some(column),
            message: message.into(),
        }
    }

    /// Invalid JSON that started at `column` of the input's first line.
    pub(crate) fn json(what: &str, column: usize, e: JsonSyntax) -> Self {
        let e = e.shifted(column.saturating_sub(1));
        InputError {
            line: e.line,
            column: Some(e.column),
            message: format!("{what} is not valid JSON: {}", e.reason),
        }
    }

    /// Valid JSON whose structure is wrong (a member given twice), in `what` that started at
    /// `column` of the input's first line.
    pub(crate) fn in_json(what: &str, column: usize, e: JsonSyntax) -> Self {
        let e = e.shifted(column.saturating_sub(1));
        InputError {
            line: e.line,
            column: Some(e.column),
            message: format!("in {what}, {}", e.reason),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(c) if self.line > 1 => {
                write!(f, "line {}, column {c}: {}", self.line, self.message)
            }
            Some(c) => write!(f, "column {c}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for InputError {}

/// The 1-based column (in characters) of byte `offset` in a one-line `text`.
pub(crate) fn column(text: &str, offset: usize) -> usize {
    1 + text
        .get(..offset.min(text.len()))
        .map_or(0, |before| before.chars().count())
}

/// A reader over the words of a command's arguments.
pub(crate) struct Words<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Words<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Words { text, at: 0 }
    }

    /// Skips white space; true when something follows.
    pub(crate) fn more(&mut self) -> bool {
        let rest = &self.text[self.at..];
        self.at += rest.len() - rest.trim_start().len();
        self.at < self.text.len()
    }

    /// The column of the next word (after white space).
    pub(crate) fn column(&mut self) -> usize {
        self.more();
        column(self.text, self.at)
    }

    /// What is left, from the next word on, as typed.
    pub(crate) fn rest(&mut self) -> &'a str {
        self.more();
        &self.text[self.at..]
    }

    /// The next character, without taking it.
    pub(crate) fn peek(&mut self) -> Option<char> {
        self.more();
        self.text[self.at..].chars().next()
    }

    /// The next word: a JSON string's value, or a run of non-space characters.
    pub(crate) fn word(&mut self) -> Result<Option<String>, InputError> {
        if !self.more() {
            return Ok(None);
        }
        if self.text[self.at..].starts_with('"') {
            let start = self.column();
            let raw = self.value("the quoted word")?;
            let s = serde_json::from_str::<String>(raw.get())
                .map_err(|e| InputError::json("the quoted word", start, JsonSyntax::of(&e)))?;
            return Ok(Some(s));
        }
        let rest = &self.text[self.at..];
        let len = rest.find(char::is_whitespace).unwrap_or(rest.len());
        self.at += len;
        Ok(Some(rest[..len].to_string()))
    }

    /// The next argument as one JSON value, as typed; `what` names it in errors.
    pub(crate) fn value(&mut self, what: &str) -> Result<&'a RawValue, InputError> {
        let start = self.column();
        let rest = &self.text[self.at..];
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<&RawValue>();
        let raw = match stream.next() {
            Some(Ok(raw)) => raw,
            Some(Err(e)) => return Err(InputError::json(what, start, JsonSyntax::of(&e))),
            None => return Err(InputError::at(start, format!("{what} is missing"))),
        };
        let end = self.at + stream.byte_offset();
        if let Some(c) = self.text[end..].chars().next()
            && !c.is_whitespace()
        {
            let at = column(self.text, end);
            return Err(InputError::at(
                at,
                format!("{what} must end here, followed by a space, not {c:?}"),
            ));
        }
        self.at = end;
        Ok(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_values_and_rest() {
        let mut w = Words::new(r#"  chat "two words" {"a": [1, 2]} @f.bin  tail  "#);
        assert_eq!(w.word().unwrap().as_deref(), Some("chat"));
        assert_eq!(w.column(), 8);
        assert_eq!(w.word().unwrap().as_deref(), Some("two words"));
        assert_eq!(w.value("arg").unwrap().get(), r#"{"a": [1, 2]}"#);
        assert_eq!(w.peek(), Some('@'));
        assert_eq!(w.word().unwrap().as_deref(), Some("@f.bin"));
        assert_eq!(w.rest(), "tail  ");
        assert_eq!(w.word().unwrap().as_deref(), Some("tail"));
        assert!(!w.more());
        assert_eq!(w.word().unwrap(), None);
    }

    #[test]
    fn errors_point_at_the_column() {
        let e = Words::new(r#"x {"a": }"#).value("x").unwrap_err();
        assert!(e.message.contains("not valid JSON"), "{e}");
        let mut w = Words::new(r#"ev {"a": }"#);
        w.word().unwrap();
        let e = w.value("argument 1").unwrap_err();
        assert_eq!(e.column, Some(10));
        assert_eq!(
            e.to_string(),
            "column 10: argument 1 is not valid JSON: expected value"
        );
        let mut w = Words::new(r#"[1]x"#);
        let e = w.value("params").unwrap_err();
        assert_eq!(e.column, Some(4));
        assert!(
            e.to_string().starts_with("column 4: params must end here"),
            "{e}"
        );
        let e = Words::new("  ").value("params").unwrap_err();
        assert_eq!(e.to_string(), "column 3: params is missing");
        let e = Words::new(r#""unterminated"#).word().unwrap_err();
        assert!(e.message.contains("quoted word"), "{e}");
        assert_eq!(column("héllo", 3), 3);
        assert_eq!(InputError::new("x").to_string(), "x");
    }
}
