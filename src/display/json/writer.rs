//! The layout writer: the scanner's tokens written back as compact or indented text,
//! coloured or not, with DEL and C1 controls inside strings escaped for display.

use super::scan::{Container, Scalar, Tokens};
use super::{Layout, MAX_INDENT_LEVELS, palette};
use std::fmt::Write as _;

/// Two spaces per level up to [`MAX_INDENT_LEVELS`].
const INDENT: &str = "                                                                ";
const _: () = assert!(INDENT.len() == 2 * MAX_INDENT_LEVELS);

/// Writes the tokens it is given as compact or indented text, coloured or not.
pub(super) struct Writer<'a> {
    out: &'a mut String,
    layout: Layout,
    depth: usize,
    /// Escape DEL and C1 controls inside strings.
    terminal_safe: bool,
    /// Once `out` is this long, line breaks stop and `over_limit` is set.
    pretty_limit: usize,
    pub(super) over_limit: bool,
}

impl<'a> Writer<'a> {
    pub(super) fn new(
        out: &'a mut String,
        layout: Layout,
        terminal_safe: bool,
        pretty_limit: usize,
    ) -> Self {
        Writer {
            out,
            layout,
            depth: 0,
            terminal_safe,
            pretty_limit,
            over_limit: false,
        }
    }

    fn newline(&mut self) {
        if self.out.len() > self.pretty_limit {
            self.over_limit = true;
            return;
        }
        self.out.push('\n');
        let width = 2 * self.depth.min(MAX_INDENT_LEVELS);
        self.out.push_str(INDENT.get(..width).unwrap_or(INDENT));
    }

    fn painted(&mut self, color: &str, raw: &str, is_string: bool) {
        if self.layout.color {
            self.out.push_str(color);
        }
        if is_string && self.terminal_safe {
            push_terminal_safe(self.out, raw);
        } else {
            self.out.push_str(raw);
        }
        if self.layout.color {
            self.out.push_str(palette::RESET);
        }
    }
}

impl Tokens<'_> for Writer<'_> {
    fn open(&mut self, container: Container) {
        self.out.push(container.open());
        self.depth += 1;
    }

    fn close(&mut self, container: Container, empty: bool) {
        self.depth = self.depth.saturating_sub(1);
        if self.layout.pretty && !empty {
            self.newline();
        }
        self.out.push(char::from(container.close()));
    }

    fn element(&mut self) {
        if self.layout.pretty {
            self.newline();
        }
    }

    fn comma(&mut self) {
        self.out.push(',');
    }

    fn key(&mut self, raw: &str) {
        self.painted(palette::KEY, raw, true);
        self.out
            .push_str(if self.layout.pretty { ": " } else { ":" });
    }

    fn scalar(&mut self, kind: Scalar, raw: &str) {
        let color = match kind {
            Scalar::String => palette::STRING,
            Scalar::Number => palette::NUMBER,
            Scalar::Boolean => palette::BOOLEAN,
            Scalar::Null => palette::NULL,
        };
        self.painted(color, raw, kind == Scalar::String);
    }
}

/// Appends a JSON string token with DEL and C1 controls written as `\u00XX` escapes.
fn push_terminal_safe(out: &mut String, raw: &str) {
    // DEL is 0x7F; C1 controls are U+0080..=U+009F, encoded 0xC2 0x80..=0x9F.
    if memchr::memchr2(0x7F, 0xC2, raw.as_bytes()).is_none() {
        out.push_str(raw);
        return;
    }
    for c in raw.chars() {
        if c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
}
