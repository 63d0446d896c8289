//! A received body as the one line it prints as. A STOMP body is bytes of any kind, but a
//! received application message is one line: a body that is one line of text prints as it
//! is (byte-exact), JSON laid out over several lines prints compact, any other text with line
//! breaks or control characters prints as a JSON string (`"two\nlines"`), and bytes that are
//! not UTF-8 print as `{"_binary":"<base64>"}`, the form Socket.IO's binary data takes too.
//! Pure.

use crate::display::json::{self, Layout};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// The line a body prints as, and whether that line is JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line {
    pub text: String,
    pub json: bool,
}

/// How `body` prints.
pub(crate) fn line(body: &[u8]) -> Line {
    let Ok(text) = std::str::from_utf8(body) else {
        return Line {
            text: format!("{{\"_binary\":\"{}\"}}", STANDARD.encode(body)),
            json: true,
        };
    };
    let one_line = !text.chars().any(|c| c.is_control() && c != '\t');
    if one_line {
        return Line {
            json: json::is_json(body),
            text: text.to_string(),
        };
    }
    let compact = Layout {
        pretty: false,
        color: false,
    };
    let text = json::layout(body, compact)
        .filter(|t| !t.contains(['\n', '\r']))
        .unwrap_or_else(|| super::super::json_text::quote(text));
    Line { text, json: true }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_body_is_one_line() {
        let cases: [(&[u8], &str, bool); 7] = [
            (b"hello queue", "hello queue", false),
            (b"", "", false),
            (b"{\"a\": 1}", "{\"a\": 1}", true),
            (b"{\n  \"a\": [1, 2]\n}\n", "{\"a\":[1,2]}", true),
            (b"two\nlines", "\"two\\nlines\"", true),
            (b"a\0b", "\"a\\u0000b\"", true),
            (b"\xff\x00\x01", "{\"_binary\":\"/wAB\"}", true),
        ];
        for (body, text, is_json) in cases {
            let got = line(body);
            assert_eq!((got.text.as_str(), got.json), (text, is_json), "{body:?}");
        }
        assert_eq!(line(b"tab\there").text, "tab\there");
    }
}
