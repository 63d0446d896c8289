//! JSON as wscope shows it: is a message one JSON document, and if so, its tokens laid out
//! compact or indented, optionally coloured.
//!
//! The layout copies the message's own tokens: numbers and strings stay exactly as written
//! (`1.50`, `1e2`, `"\u00e9"` are not rewritten) and key order is kept, so what is shown is
//! what the peer sent, with only insignificant whitespace changed. The scanner keeps its open
//! containers on a heap stack, not the call stack: any nesting depth is scanned in linear time.
//!
//! [`scan`] follows the structure (hifijson's own value parsers recurse once per nesting
//! level); [`writer`] writes the tokens back out.
//!
//! Terminal safety: a valid JSON text has no raw C0 control character outside whitespace, but
//! its strings may hold raw DEL and C1 controls (U+0080–U+009F), which terminals obey. Every
//! layout made for display writes those as `\u00XX` escapes: the same JSON value, and the same
//! set of characters that `render::escape_terminal` escapes. [`validate_for_send`] keeps them,
//! since what it returns is sent, not shown.

mod scan;
mod writer;

pub(crate) use scan::{Container, Scalar, Tokens, scan};

use scan::{Discard, error_at};
use std::fmt;
use writer::Writer;

/// How a JSON document is laid out for display.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Layout {
    /// Indent by two spaces per level, one value per line, like `jq .`; otherwise compact.
    /// Indentation stops growing at [`MAX_INDENT_LEVELS`], and a document whose indented text
    /// would pass [`PRETTY_GROWTH`] times its size (plus [`PRETTY_SLACK`] bytes) is laid out
    /// compact instead: a peer cannot make a small message take much memory to show.
    pub pretty: bool,
    /// Wrap tokens in ANSI colours (see [`palette`]); no escape sequence at all when false.
    pub color: bool,
}

/// The ANSI colours of highlighted JSON, close to jq 1.7's defaults.
///
/// jq colours object keys bold blue, strings green and null bright black, and leaves numbers
/// and booleans in the default colour; here numbers and booleans get colours of their own so
/// that every kind of token is told apart. Brackets, braces, commas and colons stay plain.
pub(crate) mod palette {
    /// Object keys: bold blue (jq's `34;1`).
    pub(crate) const KEY: &str = "\x1b[1;34m";
    /// String values: green (jq's `0;32`).
    pub(crate) const STRING: &str = "\x1b[32m";
    /// Numbers: cyan.
    pub(crate) const NUMBER: &str = "\x1b[36m";
    /// `true` and `false`: yellow.
    pub(crate) const BOOLEAN: &str = "\x1b[33m";
    /// `null`: bright black (jq's `0;90`).
    pub(crate) const NULL: &str = "\x1b[90m";
    /// Ends every coloured token.
    pub(crate) const RESET: &str = "\x1b[0m";
}

/// Pretty layout indents at most this many levels; deeper levels line up with the last one.
///
/// Without a cap, a deeply nested message (`[[[[…]]]]`) would take quadratic time and space
/// to indent; with it, the layout stays linear in the size of the message.
pub(crate) const MAX_INDENT_LEVELS: usize = 32;

/// Pretty layout may make a document this many times larger (plus [`PRETTY_SLACK`]).
pub(crate) const PRETTY_GROWTH: usize = 16;

/// Bytes of pretty layout allowed beyond [`PRETTY_GROWTH`], so small documents always indent.
pub(crate) const PRETTY_SLACK: usize = 64 * 1024;

/// Why a text is not one JSON document, and where (1-based line and column, in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonError {
    pub line: usize,
    pub column: usize,
    /// Byte offset of the same position.
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for JsonError {}

/// Lays out `bytes` if they are one JSON document, for display; `None` when they are not
/// (the caller shows them as it shows any other message).
pub(crate) fn layout(bytes: &[u8], layout: Layout) -> Option<String> {
    let mut out = String::new();
    layout_into(bytes, layout, &mut out).then_some(out)
}

/// Like [`layout`], appending to `out` so that a renderer can reuse one buffer. Returns false,
/// leaving `out` as it was, when `bytes` are not one JSON document.
pub(crate) fn layout_into(bytes: &[u8], layout: Layout, out: &mut String) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let start = out.len();
    out.reserve(text.len() + text.len() / 4);
    let pretty_limit = text
        .len()
        .saturating_mul(PRETTY_GROWTH)
        .saturating_add(PRETTY_SLACK)
        .saturating_add(start);
    let mut writer = Writer::new(out, layout, true, pretty_limit);
    let mut ok = scan(text, usize::MAX, &mut writer).is_ok();
    if ok && writer.over_limit {
        out.truncate(start);
        let compact = Layout {
            pretty: false,
            ..layout
        };
        ok = scan(
            text,
            usize::MAX,
            &mut Writer::new(out, compact, true, usize::MAX),
        )
        .is_ok();
    }
    if !ok {
        out.truncate(start);
    }
    ok
}

/// Checks what the REPL's `/json` command is about to send and returns it compact (strings and
/// numbers as typed), or where the first mistake is.
pub(crate) fn validate_for_send(text: &str) -> Result<String, JsonError> {
    let mut out = String::with_capacity(text.len());
    let mut writer = Writer::new(&mut out, Layout::default(), false, usize::MAX);
    match scan(text, usize::MAX, &mut writer) {
        Ok(()) => Ok(out),
        Err(Rejected::Syntax(e)) => Err(e),
        Err(Rejected::TooDeep) => Err(error_at(text, 0, "nested too deep")),
    }
}

/// Why [`check`] refused a text.
#[derive(Debug)]
pub(crate) enum Rejected {
    Syntax(JsonError),
    TooDeep,
}

/// Checks that `text` is one JSON document nested at most `max_depth` levels deep.
pub(crate) fn check(text: &str, max_depth: usize) -> Result<(), Rejected> {
    scan(text, max_depth, &mut Discard)
}

/// True when `bytes` are exactly one JSON document (RFC 8259; whitespace around it allowed).
pub(crate) fn is_json(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|text| check(text, usize::MAX).is_ok())
}

#[cfg(test)]
mod tests;
