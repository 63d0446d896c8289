//! Compile errors of a filter, located in the expression (line, column, the source line) the
//! way the user sees them, and the one-line form of every diagnostic a filter gives.

use crate::display::position::{locate, pointed, source_line};
use jaq_core::load;
use std::fmt::{self, Write as _};

/// Diagnostics are cut to this many characters: a message can be large, and jaq quotes values.
pub(super) const MAX_DIAGNOSTIC_CHARS: usize = 300;

/// A filter that does not compile, and where (in the expression as given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FilterError {
    pub message: String,
    /// Byte offset into the expression.
    pub offset: usize,
    /// 1-based line and column (in characters) of the same position.
    pub line: usize,
    pub column: usize,
    /// The line of the expression that holds the position, as shown under the message.
    pub source_line: String,
}

impl fmt::Display for FilterError {
    /// `--filter: error at column 7: <message>`, then the expression and a caret under the
    /// column, each line indented by two spaces.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.pointed("--filter"))
    }
}

impl FilterError {
    /// The same text as [`fmt::Display`] gives, under another name (`/filter` in the REPL).
    pub(crate) fn pointed(&self, name: &str) -> String {
        pointed(
            name,
            self.line,
            self.column,
            &self.message,
            &self.source_line,
        )
    }
}

impl std::error::Error for FilterError {}

/// One line of at most [`MAX_DIAGNOSTIC_CHARS`] characters with every control character
/// (C0 including newline and tab, DEL, C1) written as `\xNN`.
pub(super) fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_DIAGNOSTIC_CHARS + 8));
    let mut count = 0;
    for c in text.chars() {
        let escaped = c.is_control();
        count += if escaped { 4 } else { 1 };
        if count > MAX_DIAGNOSTIC_CHARS {
            out.push('…');
            break;
        }
        if escaped {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

pub(super) fn load_error(expr: &str, errors: load::Errors<&str, ()>) -> FilterError {
    use load::Error;
    let Some((_, error)) = errors.into_iter().next() else {
        return at(expr, expr.len(), "the filter could not be loaded".into());
    };
    match error {
        Error::Io(_) => at(
            expr,
            0,
            "modules cannot be loaded here (import and include are not available)".into(),
        ),
        Error::Lex(errors) => match errors.into_iter().next() {
            Some((expected, found)) => at(
                expr,
                offset_in(expr, found),
                lex_message(expr, &expected, found),
            ),
            None => at(expr, expr.len(), "the filter could not be read".into()),
        },
        Error::Parse(errors) => match errors.into_iter().next() {
            Some((expected, found)) => {
                let what = if found.is_empty() {
                    "the end of the filter".to_string()
                } else {
                    format!("'{found}'")
                };
                let message = format!("expected {}, found {what}", expected.as_str());
                at(expr, offset_in(expr, found), message)
            }
            None => at(expr, expr.len(), "the filter could not be parsed".into()),
        },
    }
}

fn lex_message(expr: &str, expected: &load::lex::Expect<&str>, found: &str) -> String {
    use load::lex::Expect;
    let what = match found.chars().next() {
        None => "the end of the filter".to_string(),
        Some(c) => format!("'{c}'"),
    };
    let expected = match expected {
        Expect::Delim(open) => {
            let column = column_of(expr, offset_in(expr, open));
            return format!("'{open}' at column {column} is not closed, found {what}");
        }
        Expect::Digit => "a digit",
        Expect::Ident => "an identifier",
        Expect::Escape => "a string escape sequence",
        Expect::Unicode => "4 hexadecimal digits",
        Expect::Token => "a token",
        _ => "something else",
    };
    format!("expected {expected}, found {what}")
}

pub(super) fn compile_error(
    expr: &str,
    errors: jaq_core::compile::Errors<&str, ()>,
) -> FilterError {
    use jaq_core::compile::Undefined;
    let first = errors.into_iter().flat_map(|(_, errors)| errors).next();
    let Some((name, undefined)) = first else {
        return at(expr, expr.len(), "the filter could not be compiled".into());
    };
    let message = match (name, &undefined) {
        ("reduce", Undefined::Filter(n)) => format!("reduce takes 2 arguments, not {n}"),
        ("foreach", Undefined::Filter(n)) => format!("foreach takes 2 or 3 arguments, not {n}"),
        (_, Undefined::Filter(n)) => format!("undefined filter {name}/{n}"),
        (_, undefined) => format!("undefined {} {name}", undefined.as_str()),
    };
    at(expr, offset_in(expr, name), message)
}

/// Where `part`, a slice of `expr`, starts in it (the end of `expr` if it is not a slice of it).
fn offset_in(expr: &str, part: &str) -> usize {
    let start = expr.as_ptr() as usize;
    match (part.as_ptr() as usize).checked_sub(start) {
        Some(offset) if offset <= expr.len() => offset,
        _ => expr.len(),
    }
}

fn column_of(expr: &str, offset: usize) -> usize {
    locate(expr, offset).1
}

fn at(expr: &str, offset: usize, message: String) -> FilterError {
    let offset = offset.min(expr.len());
    let (line, column) = locate(expr, offset);
    FilterError {
        message: one_line(&message),
        offset,
        line,
        column,
        source_line: source_line(expr, offset),
    }
}
