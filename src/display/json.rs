//! JSON as wscope shows it: is a message one JSON document, and if so, its tokens laid out
//! compact or indented, optionally coloured.
//!
//! The layout copies the message's own tokens: numbers and strings stay exactly as written
//! (`1.50`, `1e2`, `"\u00e9"` are not rewritten) and key order is kept, so what is shown is
//! what the peer sent, with only insignificant whitespace changed. The scanner keeps its open
//! containers on a heap stack, not the call stack: any nesting depth is scanned in linear time.
//!
//! Strings and numbers are lexed by `hifijson` (the lexer behind jaq-json, so no extra crate);
//! the structure (arrays, objects, commas, colons, one value and nothing after it) is followed
//! here, because hifijson's own value parsers recurse once per nesting level.
//!
//! Terminal safety: a valid JSON text has no raw C0 control character outside whitespace, but
//! its strings may hold raw DEL and C1 controls (U+0080–U+009F), which terminals obey. Every
//! layout made for display writes those as `\u00XX` escapes: the same JSON value, and the same
//! set of characters that `render::escape_terminal` escapes. [`validate_for_send`] keeps them,
//! since what it returns is sent, not shown.

use hifijson::num::Lex as _;
use hifijson::str::Lex as _;
use hifijson::token::Lex as _;
use hifijson::{Read as _, SliceLexer};
use std::fmt::{self, Write as _};

/// How a JSON document is laid out for display.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Layout {
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
pub mod palette {
    /// Object keys: bold blue (jq's `34;1`).
    pub const KEY: &str = "\x1b[1;34m";
    /// String values: green (jq's `0;32`).
    pub const STRING: &str = "\x1b[32m";
    /// Numbers: cyan.
    pub const NUMBER: &str = "\x1b[36m";
    /// `true` and `false`: yellow.
    pub const BOOLEAN: &str = "\x1b[33m";
    /// `null`: bright black (jq's `0;90`).
    pub const NULL: &str = "\x1b[90m";
    /// Ends every coloured token.
    pub const RESET: &str = "\x1b[0m";
}

/// Pretty layout indents at most this many levels; deeper levels line up with the last one.
///
/// Without a cap, a deeply nested message (`[[[[…]]]]`) would take quadratic time and space
/// to indent; with it, the layout stays linear in the size of the message.
pub const MAX_INDENT_LEVELS: usize = 32;

/// Pretty layout may make a document this many times larger (plus [`PRETTY_SLACK`]).
pub const PRETTY_GROWTH: usize = 16;

/// Bytes of pretty layout allowed beyond [`PRETTY_GROWTH`], so small documents always indent.
pub const PRETTY_SLACK: usize = 64 * 1024;

/// Two spaces per level up to [`MAX_INDENT_LEVELS`].
const INDENT: &str = "                                                                ";
const _: () = assert!(INDENT.len() == 2 * MAX_INDENT_LEVELS);

/// Why a text is not one JSON document, and where (1-based line and column, in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
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

/// True when `bytes` are exactly one JSON document (RFC 8259; whitespace around it allowed).
pub fn is_json(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    scan(text, usize::MAX, &mut Discard).is_ok()
}

/// Lays out `bytes` if they are one JSON document, for display; `None` when they are not
/// (the caller shows them as it shows any other message).
pub fn layout(bytes: &[u8], layout: Layout) -> Option<String> {
    let mut out = String::new();
    layout_into(bytes, layout, &mut out).then_some(out)
}

/// Like [`layout`], appending to `out` so that a renderer can reuse one buffer. Returns false,
/// leaving `out` as it was, when `bytes` are not one JSON document.
pub fn layout_into(bytes: &[u8], layout: Layout, out: &mut String) -> bool {
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
pub fn validate_for_send(text: &str) -> Result<String, JsonError> {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Container {
    Array,
    Object,
}

impl Container {
    fn open(self) -> char {
        match self {
            Container::Array => '[',
            Container::Object => '{',
        }
    }

    fn close(self) -> u8 {
        match self {
            Container::Array => b']',
            Container::Object => b'}',
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
struct Discard;

impl Tokens<'_> for Discard {
    fn open(&mut self, _: Container) {}
    fn close(&mut self, _: Container, _: bool) {}
    fn element(&mut self) {}
    fn comma(&mut self) {}
    fn key(&mut self, _: &str) {}
    fn scalar(&mut self, _: Scalar, _: &str) {}
}

/// What the scanner expects next.
enum Next {
    Value,
    Key,
    AfterValue,
}

/// Follows one JSON document through `text`, reporting its tokens to `tokens`.
pub(crate) fn scan<'t>(
    text: &'t str,
    max_depth: usize,
    tokens: &mut impl Tokens<'t>,
) -> Result<(), Rejected> {
    let bytes = text.as_bytes();
    let mut lexer = SliceLexer::new(bytes);
    let mut stack: Vec<Container> = Vec::new();
    let mut next = Next::Value;
    let at = |lexer: &SliceLexer, message: &str| {
        Rejected::Syntax(error_at(text, offset(bytes, lexer), message))
    };
    let syntax = |offset: usize, message: &str| Rejected::Syntax(error_at(text, offset, message));
    loop {
        match next {
            Next::Value => {
                let peeked = lexer.ws_peek();
                let start = offset(bytes, &lexer);
                let kind = match peeked {
                    None => return Err(at(&lexer, "expected a value, found the end")),
                    Some(c @ (b'[' | b'{')) => {
                        let container = if c == b'[' {
                            Container::Array
                        } else {
                            Container::Object
                        };
                        if stack.len() >= max_depth {
                            return Err(Rejected::TooDeep);
                        }
                        lexer.take_next();
                        tokens.open(container);
                        if lexer.ws_peek() == Some(container.close()) {
                            lexer.take_next();
                            tokens.close(container, true);
                            next = Next::AfterValue;
                        } else {
                            stack.push(container);
                            tokens.element();
                            next = match container {
                                Container::Array => Next::Value,
                                Container::Object => Next::Key,
                            };
                        }
                        continue;
                    }
                    Some(b'"') => {
                        lex_string(&mut lexer).map_err(|m| at(&lexer, m))?;
                        Scalar::String
                    }
                    Some(b'-' | b'0'..=b'9') => {
                        if lexer.num_ignore().validate().is_err() {
                            let end = offset(bytes, &lexer).max(start + 1);
                            return Err(syntax(end, "invalid number"));
                        }
                        Scalar::Number
                    }
                    Some(b't' | b'f' | b'n') => match lexer.null_or_bool() {
                        Some(Some(_)) => Scalar::Boolean,
                        Some(None) => Scalar::Null,
                        None => return Err(syntax(start, "invalid literal")),
                    },
                    Some(_) => return Err(at(&lexer, "expected a value")),
                };
                let raw = slice(text, start, offset(bytes, &lexer));
                tokens.scalar(kind, raw);
                next = Next::AfterValue;
            }
            Next::Key => {
                if lexer.ws_peek() != Some(b'"') {
                    return Err(at(&lexer, "expected a string as object key"));
                }
                let start = offset(bytes, &lexer);
                lex_string(&mut lexer).map_err(|m| at(&lexer, m))?;
                tokens.key(slice(text, start, offset(bytes, &lexer)));
                if lexer.ws_peek() != Some(b':') {
                    return Err(at(&lexer, "expected ':' after the object key"));
                }
                lexer.take_next();
                next = Next::Value;
            }
            Next::AfterValue => {
                let Some(&container) = stack.last() else {
                    return match lexer.ws_peek() {
                        None => Ok(()),
                        Some(_) => Err(at(&lexer, "unexpected text after the JSON value")),
                    };
                };
                match lexer.ws_peek() {
                    Some(b',') => {
                        lexer.take_next();
                        tokens.comma();
                        tokens.element();
                        next = match container {
                            Container::Array => Next::Value,
                            Container::Object => Next::Key,
                        };
                    }
                    Some(c) if c == container.close() => {
                        lexer.take_next();
                        stack.pop();
                        tokens.close(container, false);
                    }
                    found => {
                        let close = char::from(container.close());
                        let message = match found {
                            None => format!("expected ',' or '{close}', found the end"),
                            Some(_) => format!("expected ',' or '{close}'"),
                        };
                        return Err(at(&lexer, &message));
                    }
                }
            }
        }
    }
}

/// Lexes a string starting at its opening quote (peeked, not taken).
fn lex_string(lexer: &mut SliceLexer) -> Result<(), &'static str> {
    use hifijson::str::Error;
    lexer.take_next();
    lexer.str_ignore().map_err(|e| match e {
        Error::Control => "control character in a string (write it as an escape)",
        Error::Escape(_) => "invalid escape in a string",
        Error::Eof => "unterminated string",
        Error::Utf8(_) => "invalid UTF-8 in a string",
    })
}

fn offset(bytes: &[u8], lexer: &SliceLexer) -> usize {
    bytes.len() - lexer.as_slice().len()
}

/// `text[start..end]`, or "" if that is not a range of character boundaries (it always is:
/// every token starts and ends at an ASCII byte).
fn slice(text: &str, start: usize, end: usize) -> &str {
    text.get(start..end).unwrap_or_default()
}

fn error_at(text: &str, offset: usize, message: &str) -> JsonError {
    let offset = offset.min(text.len());
    let before = text.as_bytes().get(..offset).unwrap_or_default();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    // Characters, not bytes: count the bytes that start a UTF-8 sequence.
    let column = 1 + before
        .get(line_start..)
        .unwrap_or_default()
        .iter()
        .filter(|&&b| (b & 0xC0) != 0x80)
        .count();
    JsonError {
        line,
        column,
        offset,
        message: message.to_string(),
    }
}

/// Writes the tokens it is given as compact or indented text, coloured or not.
struct Writer<'a> {
    out: &'a mut String,
    layout: Layout,
    depth: usize,
    /// Escape DEL and C1 controls inside strings.
    terminal_safe: bool,
    /// Once `out` is this long, line breaks stop and `over_limit` is set.
    pretty_limit: usize,
    over_limit: bool,
}

impl<'a> Writer<'a> {
    fn new(out: &'a mut String, layout: Layout, terminal_safe: bool, pretty_limit: usize) -> Self {
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

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: Layout = Layout {
        pretty: false,
        color: false,
    };
    const PRETTY: Layout = Layout {
        pretty: true,
        color: false,
    };
    const COLOR: Layout = Layout {
        pretty: false,
        color: true,
    };
    const PRETTY_COLOR: Layout = Layout {
        pretty: true,
        color: true,
    };

    fn laid(doc: &str, layout: Layout) -> String {
        super::layout(doc.as_bytes(), layout).expect("valid JSON")
    }

    /// Documents whose text jq leaves as it is (it rewrites numbers and escapes otherwise).
    const JQ_STABLE: &[&str] = &[
        r#"{"a":[1,2,{}],"b":{"c":null,"d":[],"e":[[]]},"s":"x\"y\\z\n\t","n":-12.5,"t":true,"f":false}"#,
        r#"  [ {"a" : {"b":[ {"c":[ ]} ]}} , "héllo ☃ 😀" , 123456789 ]  "#,
        r#"{"":"","nested":{"empty_obj":{},"empty_arr":[],"deep":[[[{"x":[0]}]]]}}"#,
        "\"\\u001b[31m\"",
        "\"\u{7f}\"",
        "[]",
        "{}",
        "0",
        "-1.5",
        "null",
        "\"a\"",
    ];

    #[test]
    fn compact_drops_only_insignificant_whitespace() {
        let doc = " {\n \"a\" : [ 1 ,\t2, { } ],\r\n\"b\" : { \"c\" : null , \"d\" : [ ] } , \"s\" : \"x y\" } ";
        assert_eq!(
            laid(doc, PLAIN),
            r#"{"a":[1,2,{}],"b":{"c":null,"d":[]},"s":"x y"}"#
        );
    }

    #[test]
    fn pretty_indents_two_spaces_and_keeps_empty_containers_inline() {
        let doc = r#"{"a":[1,{"b":[]},{}],"c":{"d":{"e":null}},"f":[[]]}"#;
        let expected = "{\n  \"a\": [\n    1,\n    {\n      \"b\": []\n    },\n    {}\n  ],\n  \"c\": {\n    \"d\": {\n      \"e\": null\n    }\n  },\n  \"f\": [\n    []\n  ]\n}";
        assert_eq!(laid(doc, PRETTY), expected);
        assert_eq!(laid("[]", PRETTY), "[]");
        assert_eq!(laid("  7 ", PRETTY), "7");
    }

    #[test]
    fn numbers_strings_and_key_order_are_kept_as_written() {
        let doc = r#"{"z":-0.0e+10,"a":1E400,"big":123456789012345678901234567890,"e":"\u00e9\/\ud83d\ude00","u":"héllo ☃ 😀","z":1.50}"#;
        assert_eq!(laid(doc, PLAIN), doc);
        let pretty = laid(doc, PRETTY);
        for token in [
            "-0.0e+10",
            "1E400",
            "123456789012345678901234567890",
            r#""\u00e9\/\ud83d\ude00""#,
            "\"héllo ☃ 😀\"",
            "1.50",
        ] {
            assert!(pretty.contains(token), "{token} in {pretty}");
        }
        let keys: Vec<_> = pretty
            .lines()
            .filter_map(|l| l.trim().split(':').next())
            .collect();
        assert_eq!(
            keys,
            [
                "{", "\"z\"", "\"a\"", "\"big\"", "\"e\"", "\"u\"", "\"z\"", "}"
            ]
        );
    }

    #[test]
    fn colours_each_kind_of_token_and_leaves_punctuation_plain() {
        let doc = r#"{"k":"v","n":-1.5e3,"t":true,"f":false,"z":null,"a":[],"o":{}}"#;
        let expected = concat!(
            "{",
            "\x1b[1;34m\"k\"\x1b[0m:\x1b[32m\"v\"\x1b[0m,",
            "\x1b[1;34m\"n\"\x1b[0m:\x1b[36m-1.5e3\x1b[0m,",
            "\x1b[1;34m\"t\"\x1b[0m:\x1b[33mtrue\x1b[0m,",
            "\x1b[1;34m\"f\"\x1b[0m:\x1b[33mfalse\x1b[0m,",
            "\x1b[1;34m\"z\"\x1b[0m:\x1b[90mnull\x1b[0m,",
            "\x1b[1;34m\"a\"\x1b[0m:[],",
            "\x1b[1;34m\"o\"\x1b[0m:{}",
            "}"
        );
        assert_eq!(laid(doc, COLOR), expected);
        let expected_pretty = concat!(
            "[\n",
            "  \x1b[32m\"é\\n\"\x1b[0m,\n",
            "  {\n",
            "    \x1b[1;34m\"k\"\x1b[0m: \x1b[36m0\x1b[0m\n",
            "  }\n",
            "]"
        );
        assert_eq!(laid(r#"["é\n",{"k":0}]"#, PRETTY_COLOR), expected_pretty);
    }

    #[test]
    fn no_escape_sequence_appears_when_colour_is_off() {
        for doc in JQ_STABLE {
            for layout in [PLAIN, PRETTY] {
                let out = laid(doc, layout);
                assert!(!out.contains('\x1b'), "{out:?}");
                assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
            }
        }
    }

    #[test]
    fn del_and_c1_controls_in_strings_are_escaped_for_display_only() {
        let doc = "{\"k\u{7f}\":\"a\u{85}b\u{9b}31m\u{7f}\",\"plain\":\"\u{a0}é\"}";
        let escaped =
            r#"{"k\u007f":"a\u0085b\u009b31m\u007f","plain":" é"}"#.replace(' ', "\u{a0}");
        assert_eq!(laid(doc, PLAIN), escaped);
        for layout in [PRETTY, COLOR, PRETTY_COLOR] {
            let out = laid(doc, layout);
            let raw_controls = out
                .chars()
                .filter(|&c| c.is_control() && c != '\n' && c != '\x1b')
                .count();
            assert_eq!(raw_controls, 0, "{out:?}");
        }
        // What is sent keeps the characters as typed.
        assert_eq!(validate_for_send(doc).unwrap(), doc);
    }

    #[test]
    fn texts_that_are_not_exactly_one_json_document() {
        for text in [
            "",
            "   ",
            "123abc",
            r#"{"a":1} x"#,
            r#"{"a":1}{"b":2}"#,
            "1 2",
            "[1,]",
            "[1 2]",
            r#"{"a":1,}"#,
            r#"{"a" 1}"#,
            r#"{"a"}"#,
            "{'a':1}",
            "{a:1}",
            "{1:2}",
            "[",
            "]",
            "[1}",
            "01",
            "1.",
            ".5",
            "+1",
            "-",
            "1e",
            "NaN",
            "Infinity",
            "tru",
            "nul",
            "True",
            "\"abc",
            "\"a\tb\"",
            "\"a\nb\"",
            "\"\\x41\"",
            "\"\\u12\"",
            "# comment\n1",
            "// comment\n1",
            "\u{feff}{}",
            "b\"bytes\"",
        ] {
            assert!(!is_json(text.as_bytes()), "{text:?} taken for JSON");
            assert_eq!(super::layout(text.as_bytes(), COLOR), None, "{text:?}");
            assert!(validate_for_send(text).is_err(), "{text:?}");
        }
        assert!(!is_json(b"\"\xff\""), "invalid UTF-8");
        assert!(!is_json(b"[\"\xc2\"]"), "truncated UTF-8");
    }

    #[test]
    fn any_single_value_with_surrounding_whitespace_is_json() {
        for text in [
            "0",
            "-0",
            "-0.0e+10",
            "1E-2",
            "\"\"",
            " true\n",
            "\r\nnull\t",
            "[[],{}]",
            r#"{"a":{"b":{"c":[1,"2",null,false]}}}"#,
            r#""\ud800""#,
            r#""\"\\\/\b\f\n\r\t\u0000""#,
        ] {
            assert!(is_json(text.as_bytes()), "{text:?}");
        }
    }

    #[test]
    fn layout_into_appends_and_leaves_the_buffer_alone_on_failure() {
        let mut out = String::from("> ");
        assert!(layout_into(b"[1, 2]", PLAIN, &mut out));
        assert_eq!(out, "> [1,2]");
        assert!(!layout_into(b"[1, 2", PLAIN, &mut out));
        assert_eq!(out, "> [1,2]");
    }

    #[test]
    fn send_validation_compacts_or_points_at_the_mistake() {
        assert_eq!(
            validate_for_send(" { \"op\" : \"sub\" ,\n \"ch\" : [ 1 , 2.50 ] } ").unwrap(),
            r#"{"op":"sub","ch":[1,2.50]}"#
        );
        let cases: &[(&str, usize, usize, &str)] = &[
            ("{\"a\": tru}", 1, 7, "invalid literal"),
            ("{\n  \"é\": [1,\n  2,,]\n}", 3, 5, "expected a value"),
            ("{\"a\":1,}", 1, 8, "expected a string as object key"),
            ("[1 2]", 1, 4, "expected ',' or ']'"),
            ("{\"a\":1", 1, 7, "expected ',' or '}', found the end"),
            ("\"ab", 1, 4, "unterminated string"),
            ("\"a\\qb\"", 1, 4, "invalid escape in a string"),
            (
                "\"a\tb\"",
                1,
                3,
                "control character in a string (write it as an escape)",
            ),
            ("1.", 1, 3, "invalid number"),
            ("{} {}", 1, 4, "unexpected text after the JSON value"),
            ("", 1, 1, "expected a value, found the end"),
            ("☃ ☃", 1, 1, "expected a value"),
            ("[\"☃\", ☃]", 1, 7, "expected a value"),
        ];
        for &(text, line, column, message) in cases {
            let e = validate_for_send(text).unwrap_err();
            assert_eq!(
                (e.line, e.column, e.message.as_str()),
                (line, column, message),
                "{text:?}"
            );
        }
        let e = validate_for_send("[\n  1 2]").unwrap_err();
        assert_eq!(e.to_string(), "line 2, column 5: expected ',' or ']'");
        assert_eq!(e.offset, 6);
    }

    /// Runs `f` on a thread with a small stack: recursion per nesting level would overflow it.
    fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::Builder::new()
            .stack_size(128 * 1024)
            .spawn(f)
            .unwrap()
            .join()
            .unwrap()
    }

    #[test]
    fn a_megabyte_of_nesting_is_scanned_without_recursion() {
        on_small_stack(|| {
            let depth = 512 * 1024;
            let doc = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            assert!(is_json(doc.as_bytes()));
            assert_eq!(laid(&doc, PLAIN), doc);
            assert_eq!(laid(&doc, PRETTY_COLOR), doc);
            let unclosed = "[{\"a\":".repeat(depth / 2);
            assert!(!is_json(unclosed.as_bytes()));
        });
    }

    #[test]
    fn indentation_stops_growing_at_the_cap() {
        let depth = MAX_INDENT_LEVELS + 8;
        let doc = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        let pretty = laid(&doc, PRETTY);
        let widest = pretty.lines().map(|l| l.len() - l.trim_start().len()).max();
        assert_eq!(widest, Some(2 * MAX_INDENT_LEVELS));
        assert_eq!(pretty.lines().count(), 2 * depth + 1);
    }

    #[test]
    fn pretty_layout_that_would_grow_too_much_is_compact() {
        // Each `[` would take a line of 64 spaces: far more than PRETTY_GROWTH times.
        let depth = PRETTY_SLACK;
        let doc = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert_eq!(laid(&doc, PRETTY), doc);
        let coloured = laid(&format!("[{doc},1]"), PRETTY_COLOR);
        assert_eq!(coloured, format!("[{doc},\x1b[36m1\x1b[0m]"));
        // A document that grows less keeps its indentation.
        let wide = format!("[{}0]", "0,".repeat(PRETTY_SLACK));
        assert_eq!(laid(&wide, PRETTY).lines().count(), PRETTY_SLACK + 3);
    }

    #[test]
    fn depth_limit_for_filtering() {
        let doc = "[[[1]]]";
        assert!(check(doc, 3).is_ok());
        assert!(matches!(check(doc, 2), Err(Rejected::TooDeep)));
        assert!(matches!(check("[[[]]]", 2), Err(Rejected::TooDeep)));
        assert!(matches!(check("[1", 5), Err(Rejected::Syntax(_))));
    }

    /// The layout agrees with jq where jq keeps the text (skipped when jq is not installed).
    #[test]
    fn layout_matches_jq() {
        use std::io::Write as _;
        use std::process::{Command, Stdio};
        let jq = |flag: &str, doc: &str| -> Option<String> {
            let mut child = Command::new("jq")
                .arg(flag)
                .arg(".")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .ok()?;
            child.stdin.take()?.write_all(doc.as_bytes()).ok()?;
            let out = child.wait_with_output().ok()?;
            assert!(out.status.success(), "jq failed on {doc:?}");
            let text = String::from_utf8(out.stdout).unwrap();
            Some(text.strip_suffix('\n').unwrap_or(&text).to_string())
        };
        if jq("-c", "1").is_none() {
            eprintln!("jq is not installed: layout_matches_jq skipped");
            return;
        }
        for doc in JQ_STABLE {
            assert_eq!(Some(laid(doc, PRETTY)), jq("-M", doc), "pretty {doc:?}");
            assert_eq!(Some(laid(doc, PLAIN)), jq("-c", doc), "compact {doc:?}");
        }
    }
}
