//! Messages a person can read, end to end in pipe mode: `--filter` (select, paths, `-r`,
//! compile and run-time errors, what is not JSON, `--filter-strict`), `--pretty`, `--decode`
//! (gzip, zlib, deflate, auto, a decompression bomb) and the JSON Lines fields.

use crate::support::*;
use flate2::Compression;
use flate2::write::{DeflateEncoder, GzEncoder, ZlibEncoder};
use futures_util::{SinkExt, StreamExt};
use std::io::Write;

/// Sends the given messages, then closes.
fn pusher(messages: Vec<Message>) -> Server {
    ws_server(move |mut ws, _| {
        let messages = messages.clone();
        async move {
            for m in messages {
                let _ = ws.send(m).await;
            }
            let _ = ws.close(None).await;
            while let Some(Ok(_)) = ws.next().await {}
        }
    })
}

fn texts(messages: &[&str]) -> Vec<Message> {
    messages.iter().map(|m| Message::text(*m)).collect()
}

/// wscope with `flags` against a server that pushes `messages` and closes.
fn pushed(messages: Vec<Message>, flags: &[&str]) -> Run {
    let srv = pusher(messages);
    let url = srv.url("/");
    let mut args = flags.to_vec();
    args.push(&url);
    run(&args, b"")
}

const FEED: &[&str] = &[
    r#"{"type":"trade","px":1.50,"data":{"items":[{"name":"a"},{"name":"b"}]}}"#,
    r#"{"type":"quote","px":2,"data":{"items":[]}}"#,
    r#"{"type":"trade","px":3e2,"data":{"items":[{"name":"c\td"}]}}"#,
];

#[test]
fn filters_select_pick_count_and_print_raw_strings() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--filter", r#"select(.type == "trade") | .px"#],
            "1.50\n3e2\n",
        ),
        (&["--filter", ".px"], "1.50\n2\n3e2\n"),
        (
            &["--filter", ".data.items[0].name"],
            "\"a\"\nnull\n\"c\\td\"\n",
        ),
        (
            &["-r", "--filter", ".data.items[0].name"],
            "a\nnull\nc\td\n",
        ),
        (&["--filter", ".data.items | length"], "2\n0\n1\n"),
        (
            &["--filter", r#"select(.type == "trade")"#],
            &format!("{}\n{}\n", FEED[0], FEED[2]),
        ),
        (
            &["--filter", "{t: .type}", "-0"],
            "{\"t\":\"trade\"}\0{\"t\":\"quote\"}\0{\"t\":\"trade\"}\0",
        ),
    ];
    for (flags, want) in cases {
        let r = pushed(texts(FEED), flags);
        assert_eq!(r.code, 0, "{flags:?}: {}", r.stderr);
        assert_eq!(r.out(), *want, "{flags:?}");
        assert!(r.stderr.is_empty(), "{flags:?}: {}", r.stderr);
    }
}

#[test]
fn a_filter_that_does_not_compile_is_a_usage_error_that_points_at_it() {
    let srv = echo_server();
    let r = run(&["--filter", ".a | | .b", &srv.url("/")], b"x\n");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "wscope: error: --filter: error at column 6: expected term, found '|'\n  .a | | .b\n       ^\n"
    );
    assert!(srv.log().is_empty(), "nothing connected: {:?}", srv.log());
}

#[test]
fn a_runtime_error_on_one_message_is_reported_and_the_session_goes_on() {
    let feed = [r#"{"a":{"b":1}}"#, r#"{"a":"x"}"#, r#"{"a":{"b":3}}"#];
    let r = pushed(texts(&feed), &["--filter", ".a.b"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "1\n3\n");
    assert_eq!(
        r.stderr,
        "wscope: warning: --filter: cannot index \"x\" with \"b\"\n"
    );
}

#[test]
fn what_is_not_json_passes_through_unless_strict() {
    let feed = ["hello", r#"{"a":1}"#, "{not json", "\x1b[2J"];
    let r = pushed(texts(&feed), &["--filter", ".a"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "hello\n1\n{not json\n\x1b[2J\n");
    let r = pushed(texts(&feed), &["--filter", ".a", "--filter-strict"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "1\n");
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[test]
fn pretty_indents_json_in_a_pipe_and_leaves_the_rest_byte_exact() {
    let feed = [
        r#"{"a":[1,{"b":null}],"s":"é\u0000"}"#,
        "plain\ttext",
        "[1,",
    ];
    let r = pushed(texts(&feed), &["--pretty"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.out(),
        "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n  \"s\": \"é\\u0000\"\n}\nplain\ttext\n[1,\n"
    );
    let r = pushed(texts(&feed), &["--color", "always"]);
    assert_eq!(
        r.out(),
        format!("{}\n", feed.join("\n")),
        "never coloured, never re-laid out"
    );
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = ZlibEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = DeflateEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[test]
fn decode_inflates_gzip_zlib_and_deflate() {
    let doc = br#"{"ch":"ticker","px":[1.5,2.5]}"#;
    for (how, packed) in [
        ("gzip", gzip(doc)),
        ("zlib", zlib(doc)),
        ("deflate", deflate(doc)),
    ] {
        let messages = vec![Message::binary(packed.clone()), Message::text("as text")];
        let r = pushed(messages.clone(), &["--decode", how]);
        assert_eq!(r.code, 0, "{how}: {}", r.stderr);
        assert_eq!(r.stdout, [doc.as_slice(), b"\nas text\n"].concat(), "{how}");
        let r = pushed(
            messages.clone(),
            &["--decode", how, "-r", "--filter", ".ch"],
        );
        assert_eq!(r.out(), "ticker\nas text\n", "{how}");
        // Without --decode, the compressed bytes as they came.
        let r = pushed(messages, &[]);
        assert_eq!(
            r.stdout,
            [packed.as_slice(), b"\nas text\n"].concat(),
            "{how}"
        );
    }
}

#[test]
fn decode_auto_recognises_gzip_and_zlib_and_leaves_the_rest() {
    let messages = vec![
        Message::binary(gzip(b"from gzip")),
        Message::binary(zlib(b"from zlib")),
        Message::binary(b"\x00\x01raw".to_vec()),
        Message::binary(b"x^ looks like zlib".to_vec()),
        Message::text("text"),
    ];
    let r = pushed(messages.clone(), &["--decode", "auto"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        b"from gzip\nfrom zlib\n\x00\x01raw\nx^ looks like zlib\ntext\n"
    );
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    let r = pushed(messages, &["--decode", "auto", "--binary-output", "hex"]);
    assert_eq!(
        r.out(),
        "from gzip\nfrom zlib\n0001726177\n785e206c6f6f6b73206c696b65207a6c6962\ntext\n"
    );
}

#[test]
fn a_decompression_bomb_is_refused_within_the_size_limit_and_the_session_goes_on() {
    // 64 MiB inflated, written in pieces: a large buffer here would raise the peak RSS that
    // the processes this one starts inherit (and other tests measure).
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    for _ in 0..1024 {
        e.write_all(&[b'{'; 64 << 10]).unwrap();
    }
    let bomb = e.finish().unwrap();
    assert!(bomb.len() < 128 << 10, "{}", bomb.len());
    let messages = vec![
        Message::binary(bomb.clone()),
        Message::binary(gzip(b"after")),
    ];
    let r = pushed(
        messages,
        &[
            "--decode",
            "gzip",
            "--max-message-size",
            "1M",
            "--binary-output",
            "base64",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "wscope: warning: --decode: gzip: the decoded message is larger than 1048576 bytes; shown as received\n"
    );
    use base64::Engine as _;
    let raw = base64::engine::general_purpose::STANDARD.encode(&bomb);
    assert_eq!(r.out(), format!("{raw}\nafter\n"));
}

#[test]
fn json_lines_carry_the_filter_output_and_the_decoded_message() {
    let messages = vec![
        Message::text(r#"{"px":1.50,"q":[1,2]}"#),
        Message::binary(gzip(br#"{"px":2}"#)),
        Message::text("not json"),
        Message::text(r#"{"px":"x","q":true}"#),
    ];
    let r = pushed(
        messages,
        &[
            "--jsonl",
            "--decode",
            "auto",
            "--filter",
            ".px, (.q | length)",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let events: Vec<serde_json::Value> = r
        .out()
        .lines()
        .map(|l| serde_json::from_str(l).expect(l))
        .filter(|e: &serde_json::Value| e["type"] == "message")
        .collect();
    assert_eq!(events.len(), 4, "{}", r.out());
    assert_eq!(events[0]["filtered"], serde_json::json!([1.5, 2]));
    assert_eq!(events[1]["decoded"]["format"], "gzip");
    assert_eq!(events[1]["decoded"]["data"], r#"{"px":2}"#);
    assert_eq!(events[1]["filtered"], serde_json::json!([2, 0]));
    assert_eq!(events[2]["filtered"], serde_json::Value::Null);
    assert_eq!(events[3]["filtered"], serde_json::json!(["x"]));
    assert_eq!(events[3]["filter_error"], "true has no length");
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[test]
fn the_deepest_message_a_filter_takes_fits_the_stack_and_a_deeper_one_is_reported() {
    let deep = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
    let feed = [deep(256), deep(257), deep(3)];
    let feed: Vec<&str> = feed.iter().map(String::as_str).collect();
    let r = pushed(texts(&feed), &["--filter", "[..] | length", "--pretty"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "257\n4\n");
    assert_eq!(
        r.stderr,
        "wscope: warning: --filter: cannot filter this message: nested deeper than 256 levels\n"
    );
}

#[test]
fn a_recording_carries_the_filter_output_beside_what_the_screen_shows() {
    let path = temp_file("filtered.jsonl", b"");
    let path_arg = path.display().to_string();
    let feed = [r#"{"a":1}"#, "plain"];
    let r = pushed(texts(&feed), &["--record", &path_arg, "--filter", ".a"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "1\nplain\n");
    let recorded = std::fs::read_to_string(&path).expect("recording");
    let messages: Vec<serde_json::Value> = recorded
        .lines()
        .map(|l| serde_json::from_str(l).expect(l))
        .filter(|e: &serde_json::Value| e["type"] == "message")
        .collect();
    assert_eq!(messages.len(), 2, "{recorded}");
    assert_eq!(messages[0]["data"], r#"{"a":1}"#);
    assert_eq!(messages[0]["filtered"], serde_json::json!([1]));
    assert_eq!(messages[1]["filtered"], serde_json::Value::Null);
}
