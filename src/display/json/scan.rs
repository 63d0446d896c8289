//! The scanner: follows one JSON document through a text and reports its tokens, as written,
//! to a [`Tokens`] consumer (the layout writer, the key-path shortcut, or nothing when only
//! validating). Open containers are kept on a heap stack, so any nesting depth is scanned in
//! linear time without recursion.
//!
//! Strings and numbers are lexed by `hifijson` (the lexer behind jaq-json); the structure
//! (arrays, objects, commas, colons, one value and nothing after it) is followed here.

use super::{JsonError, Rejected};
use crate::display::position::locate;
use hifijson::num::Lex as _;
use hifijson::str::Lex as _;
use hifijson::token::Lex as _;
use hifijson::{Read as _, SliceLexer};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Container {
    Array,
    Object,
}

impl Container {
    pub(super) fn open(self) -> char {
        match self {
            Container::Array => '[',
            Container::Object => '{',
        }
    }

    pub(super) fn close(self) -> u8 {
        match self {
            Container::Array => b']',
            Container::Object => b'}',
        }
    }

    /// What the scanner expects after this container's opening or one of its commas.
    fn first(self) -> Next {
        match self {
            Container::Array => Next::Value,
            Container::Object => Next::Key,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scalar {
    String,
    Number,
    Boolean,
    Null,
}

/// What the scanner reports, in document order. For `[1,2]`: open, element, scalar, comma,
/// element, scalar, close.
pub(crate) trait Tokens<'t> {
    fn open(&mut self, container: Container);
    /// `empty` is true for `[]` and `{}` (no element was reported since the open).
    fn close(&mut self, container: Container, empty: bool);
    /// Before each element of an array or each member of an object.
    fn element(&mut self);
    fn comma(&mut self);
    /// An object key as written, quotes included; the colon follows implicitly.
    fn key(&mut self, raw: &'t str);
    /// A scalar as written (strings with their quotes and escapes).
    fn scalar(&mut self, kind: Scalar, raw: &'t str);
}

/// Validation only.
pub(super) struct Discard;

impl Tokens<'_> for Discard {
    fn open(&mut self, _: Container) {}
    fn close(&mut self, _: Container, _: bool) {}
    fn element(&mut self) {}
    fn comma(&mut self) {}
    fn key(&mut self, _: &str) {}
    fn scalar(&mut self, _: Scalar, _: &str) {}
}

/// What the scanner expects next; `Done` once the document has ended.
enum Next {
    Value,
    Key,
    AfterValue,
    Done,
}

/// Follows one JSON document through `text`, reporting its tokens to `tokens`.
pub(crate) fn scan<'t>(
    text: &'t str,
    max_depth: usize,
    tokens: &mut impl Tokens<'t>,
) -> Result<(), Rejected> {
    let mut scanner = Scanner {
        text,
        lexer: SliceLexer::new(text.as_bytes()),
        stack: Vec::new(),
        max_depth,
    };
    let mut next = Next::Value;
    loop {
        next = match next {
            Next::Value => scanner.value(tokens)?,
            Next::Key => scanner.key(tokens)?,
            Next::AfterValue => scanner.after_value(tokens)?,
            Next::Done => return Ok(()),
        };
    }
}

/// The scan's state: where the lexer is and which containers are open.
struct Scanner<'t> {
    text: &'t str,
    lexer: SliceLexer<'t>,
    stack: Vec<Container>,
    max_depth: usize,
}

impl<'t> Scanner<'t> {
    /// A value: a scalar, or the opening of a container (an empty one closes at once).
    fn value(&mut self, tokens: &mut impl Tokens<'t>) -> Result<Next, Rejected> {
        let peeked = self.lexer.ws_peek();
        let start = self.offset();
        let kind = match peeked {
            None => return Err(self.here("expected a value, found the end")),
            Some(c @ (b'[' | b'{')) => return self.open(c, tokens),
            Some(b'"') => {
                self.string()?;
                Scalar::String
            }
            Some(b'-' | b'0'..=b'9') => {
                if self.lexer.num_ignore().validate().is_err() {
                    let end = self.offset().max(start + 1);
                    return Err(self.error(end, "invalid number"));
                }
                Scalar::Number
            }
            Some(b't' | b'f' | b'n') => match self.lexer.null_or_bool() {
                Some(Some(_)) => Scalar::Boolean,
                Some(None) => Scalar::Null,
                None => return Err(self.error(start, "invalid literal")),
            },
            Some(_) => return Err(self.here("expected a value")),
        };
        tokens.scalar(kind, self.slice(start));
        Ok(Next::AfterValue)
    }

    fn open(&mut self, c: u8, tokens: &mut impl Tokens<'t>) -> Result<Next, Rejected> {
        let container = if c == b'[' {
            Container::Array
        } else {
            Container::Object
        };
        if self.stack.len() >= self.max_depth {
            return Err(Rejected::TooDeep);
        }
        self.lexer.take_next();
        tokens.open(container);
        if self.lexer.ws_peek() == Some(container.close()) {
            self.lexer.take_next();
            tokens.close(container, true);
            return Ok(Next::AfterValue);
        }
        self.stack.push(container);
        tokens.element();
        Ok(container.first())
    }

    /// An object key and its colon.
    fn key(&mut self, tokens: &mut impl Tokens<'t>) -> Result<Next, Rejected> {
        if self.lexer.ws_peek() != Some(b'"') {
            return Err(self.here("expected a string as object key"));
        }
        let start = self.offset();
        self.string()?;
        tokens.key(self.slice(start));
        if self.lexer.ws_peek() != Some(b':') {
            return Err(self.here("expected ':' after the object key"));
        }
        self.lexer.take_next();
        Ok(Next::Value)
    }

    /// After a value: a comma, the end of the open container, or the end of the text.
    fn after_value(&mut self, tokens: &mut impl Tokens<'t>) -> Result<Next, Rejected> {
        let Some(&container) = self.stack.last() else {
            return match self.lexer.ws_peek() {
                None => Ok(Next::Done),
                Some(_) => Err(self.here("unexpected text after the JSON value")),
            };
        };
        match self.lexer.ws_peek() {
            Some(b',') => {
                self.lexer.take_next();
                tokens.comma();
                tokens.element();
                Ok(container.first())
            }
            Some(c) if c == container.close() => {
                self.lexer.take_next();
                self.stack.pop();
                tokens.close(container, false);
                Ok(Next::AfterValue)
            }
            found => {
                let close = char::from(container.close());
                let message = match found {
                    None => format!("expected ',' or '{close}', found the end"),
                    Some(_) => format!("expected ',' or '{close}'"),
                };
                Err(self.here(&message))
            }
        }
    }

    /// Lexes a string starting at its opening quote (peeked, not taken).
    fn string(&mut self) -> Result<(), Rejected> {
        use hifijson::str::Error;
        self.lexer.take_next();
        let lexed = self.lexer.str_ignore().map_err(|e| match e {
            Error::Control => "control character in a string (write it as an escape)",
            Error::Escape(_) => "invalid escape in a string",
            Error::Eof => "unterminated string",
            Error::Utf8(_) => "invalid UTF-8 in a string",
        });
        lexed.map_err(|message| self.here(message))
    }

    fn offset(&self) -> usize {
        self.text.len() - self.lexer.as_slice().len()
    }

    /// The text from `start` to where the lexer is. Every token starts and ends at an ASCII
    /// byte, so this is always a range of character boundaries.
    fn slice(&self, start: usize) -> &'t str {
        self.text.get(start..self.offset()).unwrap_or_default()
    }

    fn here(&self, message: &str) -> Rejected {
        self.error(self.offset(), message)
    }

    fn error(&self, offset: usize, message: &str) -> Rejected {
        Rejected::Syntax(error_at(self.text, offset, message))
    }
}

/// The error at a byte offset, located by line and column.
pub(super) fn error_at(text: &str, offset: usize, message: &str) -> JsonError {
    let offset = offset.min(text.len());
    let (line, column) = locate(text, offset);
    JsonError {
        line,
        column,
        offset,
        message: message.to_string(),
    }
}
