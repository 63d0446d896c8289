//! `--input json`: stdin as a stream of JSON values, pretty-printed or not, each sent compact as
//! one text message. Finds where each value ends in a buffer that grows as stdin is read (a
//! value may arrive in pieces, and is sent as soon as its last piece is in), and says where a
//! syntax error is as a line and column of the whole input. Pure.

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
    /// How far the value at the buffer's start may reach, followed across reads.
    extent: Extent,
}

impl JsonCutter {
    /// The next value at the start of `buf`; `eof`: nothing more will come.
    pub fn cut(&mut self, buf: &[u8], eof: bool) -> Cut {
        // Parsed only once it may be whole: no waiting for more input than the value needs,
        // and a value arriving in many pieces is not parsed again from its start for each.
        if !eof && !self.extent.may_be_whole(buf) {
            return Cut::NeedMore;
        }
        let mut values = serde_json::Deserializer::from_slice(buf).into_iter::<IgnoredAny>();
        match values.next() {
            None if eof => Cut::End,
            None => Cut::NeedMore,
            Some(Ok(_)) => {
                let used = values.byte_offset();
                let raw = &buf[..used];
                if let Err(e) = std::str::from_utf8(raw) {
                    return Cut::Bad(self.not_utf8(raw, e.valid_up_to()));
                }
                self.extent = Extent::default();
                let text = layout(raw, Layout::default())
                    .unwrap_or_else(|| String::from_utf8_lossy(raw).trim().to_string());
                self.advance(raw);
                Cut::Value { text, used }
            }
            Some(Err(e)) if e.is_eof() && !eof => Cut::NeedMore,
            Some(Err(e)) => Cut::Bad(self.locate(&e)),
        }
    }

    /// The error's place in the whole input, and its message without serde's own position.
    fn locate(&self, e: &serde_json::Error) -> JsonSyntax {
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message);
        self.at(e.line() as u64, e.column() as u64, message)
    }

    /// Invalid UTF-8 at `offset` of the value `raw`: JSON text is UTF-8, and a message must
    /// not be changed on its way out (serde_json skips over the bytes of a string unread).
    fn not_utf8(&self, raw: &[u8], offset: usize) -> JsonSyntax {
        let before = &raw[..offset];
        let line = 1 + memchr::memchr_iter(b'\n', before).count() as u64;
        let line_start = memchr::memrchr(b'\n', before).map_or(0, |nl| nl + 1);
        self.at(line, (offset - line_start + 1) as u64, "invalid UTF-8")
    }

    /// A place given as serde_json gives it (line and column in the buffer, from 1), in the
    /// whole input.
    fn at(&self, line: u64, column: u64, message: &str) -> JsonSyntax {
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

/// Where the value at the start of a buffer ends, as far as its brackets, strings and
/// delimiters say: each byte is looked at once however many reads the value takes. It only
/// decides when parsing is worth trying; serde_json decides what the value is.
#[derive(Debug, Default)]
struct Extent {
    /// Bytes of the buffer looked at so far.
    scanned: usize,
    /// The value's first byte, once past the white space before it.
    first: Option<u8>,
    /// Open brackets.
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// The value's end has been seen.
    whole: bool,
}

impl Extent {
    /// Whether `buf` (the same buffer, grown since the last call) may hold a whole value: its
    /// outer bracket or string closed, or a number or literal followed by a delimiter. A
    /// number at the very end of what has arrived may go on in the next read.
    fn may_be_whole(&mut self, buf: &[u8]) -> bool {
        while !self.whole && self.scanned < buf.len() {
            let b = buf[self.scanned];
            self.scanned += 1;
            self.step(b);
        }
        self.whole
    }

    fn step(&mut self, b: u8) {
        let Some(first) = self.first else {
            if !b.is_ascii_whitespace() {
                self.first = Some(b);
                self.open(b);
            }
            return;
        };
        if self.in_string {
            match (self.escaped, b) {
                (true, _) => self.escaped = false,
                (false, b'\\') => self.escaped = true,
                (false, b'"') => {
                    self.in_string = false;
                    self.whole = self.depth == 0;
                }
                _ => {}
            }
        } else if matches!(first, b'{' | b'[') {
            match b {
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    self.whole = self.depth == 0;
                }
                b'"' => self.in_string = true,
                _ => {}
            }
        } else {
            // A number or a literal ends at the first byte that cannot be part of it.
            self.whole = b.is_ascii_whitespace() || b"{}[],:\"".contains(&b);
        }
    }

    /// The value's first byte: a bracket or a string opens.
    fn open(&mut self, b: u8) {
        match b {
            b'{' | b'[' => self.depth = 1,
            b'"' => self.in_string = true,
            _ => {}
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
    fn a_number_cut_by_a_read_is_read_whole() {
        // Found by fuzzing (fuzz/fuzz_targets/json_input.rs): `" 1.` then `\x01\x01{`.
        let input = b" 1.\x01\x01{";
        let (e, _) = values(input, 3).expect_err("invalid");
        assert_eq!((e.line, e.column), (1, 4), "{e}");
        let input = b"1 12 123\n-4.5e+6 [1.25,-3] {\"a\":1e5} 7";
        let want = ["1", "12", "123", "-4.5e+6", "[1.25,-3]", "{\"a\":1e5}", "7"];
        for piece in 1..=input.len() {
            assert_eq!(
                values(input, piece).expect("valid"),
                want,
                "reads of {piece}"
            );
        }
    }

    #[test]
    fn a_value_is_cut_as_soon_as_its_last_piece_arrives() {
        let mut cutter = JsonCutter::default();
        assert_eq!(cutter.cut(b" {\"a\": [\"]}\\\"\", ", false), Cut::NeedMore);
        assert_eq!(
            cutter.cut(b" {\"a\": [\"]}\\\"\", {}]}", false),
            Cut::Value {
                text: r#"{"a":["]}\"",{}]}"#.to_string(),
                used: 20
            }
        );
        let mut cutter = JsonCutter::default();
        assert_eq!(cutter.cut(b"\"x", false), Cut::NeedMore);
        assert!(matches!(cutter.cut(b"\"x\"", false), Cut::Value { .. }));
        let mut cutter = JsonCutter::default();
        assert_eq!(cutter.cut(b"-12", false), Cut::NeedMore);
        assert!(matches!(
            cutter.cut(b"-12\n", false),
            Cut::Value { used: 3, .. }
        ));
    }

    #[test]
    fn a_string_that_is_not_utf8_is_an_error_not_replaced() {
        // Found by fuzzing (fuzz/fuzz_targets/json_input.rs): the string went out with U+FFFD.
        let input = b"{\"ok\": 1}\n[\"fine\",\n  \"su\xff\"]";
        for piece in [1, 4, 100] {
            let (e, sent) = values(input, piece).expect_err("invalid");
            assert_eq!(sent, 1, "reads of {piece}");
            assert_eq!(
                (e.line, e.column, e.message.as_str()),
                (3, 6, "invalid UTF-8")
            );
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
