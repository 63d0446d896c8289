//! `--input json`: stdin as a stream of JSON values, pretty-printed or not, each sent compact as
//! one text message. Finds where each value ends in a buffer that grows as stdin is read (a
//! value may arrive in pieces), and says where a syntax error is as a line and column of the
//! whole input. Pure.

use crate::display::json::{Layout, layout};
use serde::de::IgnoredAny;
use std::fmt;

/// A syntax error in the input, located in the whole of stdin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonSyntax {
    pub line: u64,
    pub column: u64,
    pub message: String,
}

impl fmt::Display for JsonSyntax {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "stdin is not valid JSON at line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for JsonSyntax {}

/// What the buffer holds next.
#[derive(Debug, PartialEq, Eq)]
pub enum Cut {
    /// A whole value: its compact text, and how many bytes of the buffer it used up.
    Value {
        text: String,
        used: usize,
    },
    /// The value is not complete yet: read more.
    NeedMore,
    /// Nothing but white space, and the input is over.
    End,
    Bad(JsonSyntax),
}

/// Follows the position in the whole input as values are cut off the front of the buffer.
#[derive(Debug, Default)]
pub struct JsonCutter {
    /// Lines entirely before the buffer's start.
    lines_before: u64,
    /// Bytes of the buffer's first line that came before its start.
    column_before: u64,
    /// An incomplete value is parsed again only once the buffer has grown to this size (so a
    /// value arriving in many pieces is not re-parsed from its start for every piece).
    retry_at: usize,
}

impl JsonCutter {
    /// The next value at the start of `buf`; `eof`: nothing more will come.
    pub fn cut(&mut self, buf: &[u8], eof: bool) -> Cut {
        if !eof && buf.len() < self.retry_at {
            return Cut::NeedMore;
        }
        let mut values = serde_json::Deserializer::from_slice(buf).into_iter::<IgnoredAny>();
        match values.next() {
            None if eof => Cut::End,
            None => Cut::NeedMore,
            Some(Ok(_)) => {
                let used = values.byte_offset();
                self.retry_at = 0;
                let raw = &buf[..used];
                let text = layout(raw, Layout::default())
                    .unwrap_or_else(|| String::from_utf8_lossy(raw).trim().to_string());
                self.advance(raw);
                Cut::Value { text, used }
            }
            Some(Err(e)) if e.is_eof() && !eof => {
                self.retry_at = buf.len().saturating_mul(2).max(buf.len() + 64 * 1024);
                Cut::NeedMore
            }
            Some(Err(e)) => Cut::Bad(self.locate(&e)),
        }
    }

    /// The error's place in the whole input, and its message without serde's own position.
    fn locate(&self, e: &serde_json::Error) -> JsonSyntax {
        let line = e.line() as u64;
        let column = e.column() as u64;
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message);
        JsonSyntax {
            line: self.lines_before + line,
            column: if line <= 1 {
                self.column_before + column
            } else {
                column
            },
            message: message.to_string(),
        }
    }

    /// Moves the position past `consumed`.
    fn advance(&mut self, consumed: &[u8]) {
        match memchr::memrchr(b'\n', consumed) {
            Some(last) => {
                self.lines_before += memchr::memchr_iter(b'\n', consumed).count() as u64;
                self.column_before = (consumed.len() - last - 1) as u64;
            }
            None => self.column_before += consumed.len() as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every value of `input`, cut as stdin would be read, in `piece`-byte reads.
    fn values(input: &[u8], piece: usize) -> Result<Vec<String>, (JsonSyntax, usize)> {
        let mut cutter = JsonCutter::default();
        let mut buf = Vec::new();
        let mut read = 0;
        let mut out = Vec::new();
        loop {
            let eof = read == input.len();
            match cutter.cut(&buf, eof) {
                Cut::Value { text, used } => {
                    out.push(text);
                    buf.drain(..used);
                }
                Cut::NeedMore => {
                    let n = piece.min(input.len() - read);
                    buf.extend_from_slice(&input[read..read + n]);
                    read += n;
                }
                Cut::End => return Ok(out),
                Cut::Bad(e) => return Err((e, out.len())),
            }
        }
    }

    #[test]
    fn pretty_and_compact_values_come_out_compact_whatever_the_reads() {
        let input = b"{\n  \"a\": [1, 2],\n  \"b\": \"x y\"\n}\n[3]  \"s\" 1.50e3\n\ttrue null";
        let want = [
            "{\"a\":[1,2],\"b\":\"x y\"}",
            "[3]",
            "\"s\"",
            "1.50e3",
            "true",
            "null",
        ];
        for piece in [1, 2, 7, 1000] {
            assert_eq!(
                values(input, piece).expect("valid"),
                want,
                "reads of {piece}"
            );
        }
    }

    #[test]
    fn a_syntax_error_names_its_line_and_column_in_the_whole_input() {
        let input = b"{\"ok\": 1}\n{\"fine\": true}\n  {\"bad\": 1,, \"x\": 2}\n{\"never\": 1}";
        for piece in [1, 5, 4096] {
            let (e, sent) = values(input, piece).expect_err("invalid");
            assert_eq!(sent, 2, "reads of {piece}");
            assert_eq!((e.line, e.column), (3, 13), "reads of {piece}: {e}");
        }
    }

    #[test]
    fn a_truncated_value_is_an_error_only_at_the_end() {
        let mut cutter = JsonCutter::default();
        assert_eq!(cutter.cut(b"{\"a\": [1,", false), Cut::NeedMore);
        assert!(matches!(cutter.cut(b"{\"a\": [1,", true), Cut::Bad(_)));
        let mut cutter = JsonCutter::default();
        assert_eq!(cutter.cut(b"  \n ", true), Cut::End);
    }
}
