//! Tests of the display pipeline: what a pipe and a terminal get for each kind of message,
//! with and without --pretty, --filter and --decode, the bounds on a filter's output, and the
//! JSON Lines fields.

use super::*;
use crate::display::json::palette;
use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write as _;

const PLAIN: Place = Place::Terminal { color: false };
const COLOUR: Place = Place::Terminal { color: true };

fn config() -> DisplayConfig {
    DisplayConfig::new(1 << 20)
}

fn filtered(expr: &str) -> DisplayConfig {
    DisplayConfig {
        filter: Some(JqFilter::compile(expr, false).unwrap()),
        ..config()
    }
}

fn shown<'a>(c: &DisplayConfig, kind: DataKind, data: &'a [u8], place: Place) -> Vec<Shown<'a>> {
    c.show(c.see(kind, data), place)
}

fn text(s: &str) -> Shown<'static> {
    Shown::Text(Cow::Owned(s.to_string()))
}

fn json(s: &str) -> Shown<'static> {
    Shown::Json(s.to_string())
}

/// The warnings a message gives, as the screen words them.
fn notes(seen: &Seen<'_>) -> Vec<String> {
    let words = crate::render::text::notice::warning_words;
    seen.warnings().iter().map(words).collect()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

const DOC: &[u8] = br#"{ "type": "trade", "px": 1.50, "tags": ["a"] }"#;

#[test]
fn a_pipe_gets_messages_as_they_came_unless_asked() {
    let c = config();
    assert!(!c.transforms());
    for (kind, data) in [
        (DataKind::Text, DOC),
        (DataKind::Text, b"not json \x1b[2J".as_slice()),
        (DataKind::Binary, b"\x00\xff".as_slice()),
    ] {
        assert_eq!(
            shown(&c, kind, data, Place::Pipe),
            vec![Shown::AsReceived(kind, data)]
        );
    }
    let pretty = DisplayConfig {
        pretty: true,
        ..config()
    };
    assert_eq!(
        shown(&pretty, DataKind::Text, DOC, Place::Pipe),
        vec![json(
            "{\n  \"type\": \"trade\",\n  \"px\": 1.50,\n  \"tags\": [\n    \"a\"\n  ]\n}"
        )]
    );
    assert_eq!(
        shown(&pretty, DataKind::Text, b"[1,", Place::Pipe),
        vec![Shown::AsReceived(DataKind::Text, b"[1,")]
    );
}

#[test]
fn a_terminal_gets_json_laid_out_and_everything_else_escaped() {
    let c = config();
    assert_eq!(
        shown(&c, DataKind::Text, DOC, PLAIN),
        vec![json(r#"{"type":"trade","px":1.50,"tags":["a"]}"#)]
    );
    let [Shown::Json(coloured)] = &shown(&c, DataKind::Text, b"{\"k\":true}", COLOUR)[..] else {
        panic!("one JSON piece");
    };
    assert_eq!(
        coloured,
        &format!(
            "{{{}\"k\"{}:{}true{}}}",
            palette::KEY,
            palette::RESET,
            palette::BOOLEAN,
            palette::RESET
        )
    );
    assert_eq!(
        shown(&c, DataKind::Text, b"evil \x1b[2J\x07", COLOUR),
        vec![text("evil \\x1b[2J\\x07")]
    );
    assert_eq!(
        shown(&c, DataKind::Binary, br#"{"a":1}"#, COLOUR),
        vec![Shown::Binary(Cow::Borrowed(br#"{"a":1}"#.as_slice()))]
    );
}

#[test]
fn filter_results_replace_the_message() {
    let c = filtered(r#"select(.type == "trade") | .px, .tags[0]"#);
    assert!(c.transforms());
    assert_eq!(
        shown(&c, DataKind::Text, DOC, Place::Pipe),
        vec![json("1.50"), json("\"a\"")]
    );
    let [_, Shown::Json(coloured)] = &shown(&c, DataKind::Text, DOC, COLOUR)[..] else {
        panic!("two results");
    };
    assert_eq!(
        coloured,
        &format!("{}\"a\"{}", palette::STRING, palette::RESET)
    );
    assert_eq!(
        shown(&c, DataKind::Text, br#"{"type":"quote"}"#, Place::Pipe),
        vec![]
    );
    let raw = DisplayConfig {
        filter: Some(JqFilter::compile(".tags[0], .type", true).unwrap()),
        ..config()
    };
    assert_eq!(
        shown(&raw, DataKind::Text, DOC, Place::Pipe),
        vec![text("a"), text("trade")]
    );
    let evil = DisplayConfig {
        filter: Some(JqFilter::compile(".s", true).unwrap()),
        ..config()
    };
    assert_eq!(
        shown(&evil, DataKind::Text, br#"{"s":"\u001b[2J"}"#, PLAIN),
        vec![text("\\x1b[2J")]
    );
}

#[test]
fn what_is_not_json_passes_a_filter_unless_strict() {
    let c = filtered(".a");
    let seen = c.see(DataKind::Text, b"hello");
    assert_eq!(seen.filtered, Some(Filtered::NotJson));
    assert!(notes(&seen).is_empty());
    assert_eq!(
        c.show(seen, Place::Pipe),
        vec![Shown::AsReceived(DataKind::Text, b"hello")]
    );
    let strict = DisplayConfig {
        strict: true,
        ..filtered(".a")
    };
    assert_eq!(shown(&strict, DataKind::Text, b"hello", PLAIN), vec![]);
    assert_eq!(
        shown(&strict, DataKind::Text, br#"{"a":2}"#, Place::Pipe),
        vec![json("2")]
    );
}

#[test]
fn a_filter_error_is_a_note_and_earlier_results_stand() {
    let c = filtered(".[] | .a");
    let seen = c.see(DataKind::Text, br#"[{"a":1},"x"]"#);
    assert_eq!(
        notes(&seen),
        vec!["--filter: cannot index \"x\" with \"a\"".to_string()]
    );
    assert_eq!(c.show(seen, Place::Pipe), vec![json("1")]);
}

#[test]
fn a_filter_that_never_ends_is_cut() {
    let c = filtered("repeat(1)");
    let seen = c.see(DataKind::Text, b"0");
    let Some(Filtered::Ran { results, error }) = &seen.filtered else {
        panic!("ran");
    };
    assert_eq!(results.len(), MAX_RESULTS);
    assert!(
        error
            .as_deref()
            .unwrap_or("")
            .contains("more than 100000 results")
    );
    let small = DisplayConfig {
        max_size: 1000,
        ..filtered("repeat(.)")
    };
    let seen = small.see(DataKind::Text, br#""0123456789""#);
    let Some(Filtered::Ran { results, error }) = &seen.filtered else {
        panic!("ran");
    };
    assert_eq!(
        results.len(),
        84,
        "12-byte results up to just past 1000 bytes"
    );
    assert!(error.as_deref().unwrap_or("").contains("passed 1000 bytes"));
}

#[test]
fn decoding_inflates_binary_messages_before_they_are_shown_or_filtered() {
    let packed = gzip(DOC);
    let c = DisplayConfig {
        decode: Some(Decode::Gzip),
        ..config()
    };
    let seen = c.see(DataKind::Binary, &packed);
    assert_eq!(
        (seen.kind, seen.decoded),
        (DataKind::Text, Some(Format::Gzip))
    );
    assert_eq!(
        c.show(seen, Place::Pipe),
        vec![Shown::Text(Cow::Borrowed(
            std::str::from_utf8(DOC).unwrap()
        ))]
    );
    assert_eq!(
        shown(&c, DataKind::Binary, &packed, PLAIN),
        vec![json(r#"{"type":"trade","px":1.50,"tags":["a"]}"#)]
    );
    let both = DisplayConfig {
        decode: Some(Decode::Auto),
        ..filtered(".px")
    };
    assert_eq!(
        shown(&both, DataKind::Binary, &packed, Place::Pipe),
        vec![json("1.50")]
    );
    // Text messages are not decoded; binary that is not compressed fails as the flag says.
    assert_eq!(
        shown(&c, DataKind::Text, b"plain", Place::Pipe),
        vec![Shown::AsReceived(DataKind::Text, b"plain")]
    );
    let seen = c.see(DataKind::Binary, b"\x00\x01");
    assert_eq!(notes(&seen).len(), 1);
    assert!(
        notes(&seen)[0].starts_with("--decode: gzip: "),
        "{:?}",
        notes(&seen)
    );
    assert_eq!(
        c.show(seen, Place::Pipe),
        vec![Shown::AsReceived(DataKind::Binary, b"\x00\x01")]
    );
    let binary = gzip(b"\x00\xff");
    assert_eq!(
        shown(&c, DataKind::Binary, &binary, PLAIN),
        vec![Shown::Binary(Cow::Owned(b"\x00\xff".to_vec()))]
    );
}

#[test]
fn a_decompression_bomb_stops_at_the_size_limit() {
    let bomb = gzip(&vec![b'0'; 4 << 20]);
    assert!(bomb.len() < 8 << 10);
    let c = DisplayConfig {
        decode: Some(Decode::Auto),
        max_size: 1 << 20,
        ..config()
    };
    let seen = c.see(DataKind::Binary, &bomb);
    assert_eq!(seen.decoded, None);
    assert_eq!(
        notes(&seen),
        vec![format!(
            "--decode: gzip: the decoded message is larger than {} bytes; shown as received",
            1 << 20
        )]
    );
}

#[test]
fn json_lines_carry_what_the_filter_and_the_decoder_made() {
    use crate::jsonl;
    let at = std::time::SystemTime::UNIX_EPOCH;
    let c = DisplayConfig {
        decode: Some(Decode::Auto),
        ..filtered(".px, nan, .tags[]")
    };
    let packed = gzip(DOC);
    let seen = c.see(DataKind::Binary, &packed);
    let line = jsonl::to_string(&crate::render::json::received(
        at,
        DataKind::Binary,
        &packed,
        &seen,
    ));
    let v: serde_json::Value = serde_json::from_str(&line).expect(&line);
    assert_eq!(v["type"], "message");
    assert_eq!(v["decoded"]["format"], "gzip");
    assert_eq!(v["decoded"]["len"], DOC.len());
    assert_eq!(v["decoded"]["data"], std::str::from_utf8(DOC).unwrap());
    assert_eq!(v["filtered"], serde_json::json!([1.5, "NaN", "a"]));
    assert!(v.get("filter_error").is_none());

    let seen = c.see(DataKind::Text, b"hello");
    let line = jsonl::to_string(&crate::render::json::received(
        at,
        DataKind::Text,
        b"hello",
        &seen,
    ));
    let v: serde_json::Value = serde_json::from_str(&line).expect(&line);
    assert_eq!(v["data"], "hello");
    assert_eq!(v["filtered"], serde_json::Value::Null);

    let seen = c.see(DataKind::Text, b"[1]");
    let line = jsonl::to_string(&crate::render::json::received(
        at,
        DataKind::Text,
        b"[1]",
        &seen,
    ));
    let v: serde_json::Value = serde_json::from_str(&line).expect(&line);
    assert_eq!(v["filtered"], serde_json::json!([]));
    assert_eq!(v["filter_error"], "cannot index [1] with \"px\"");

    let plain = config();
    let seen = plain.see(DataKind::Text, b"hi");
    let line = jsonl::to_string(&crate::render::json::received(
        at,
        DataKind::Text,
        b"hi",
        &seen,
    ));
    assert_eq!(
        line,
        jsonl::to_string(&crate::render::json::line(
            &crate::event::Stamped {
                at,
                event: crate::event::Event::Message {
                    dir: crate::wire::tap::Dir::In,
                    kind: DataKind::Text,
                    data: b"hi".to_vec(),
                },
            },
            false
        ))
    );
}
