//! JSON Lines as a contract: every line carries the schema version; credentials are masked
//! in `--jsonl` and `--record` as `-v` masks them on the screen (Authorization,
//! Proxy-Authorization, Cookie, a URL's password and the Basic credentials made of it), and
//! shown with `--show-credentials`; a recording this version wrote replays with `--expect`;
//! every run ends with a line saying how it ended.

use crate::support::*;
use serde_json::{Value, json};
use std::path::Path;
use tokio::io::AsyncWriteExt;
use wscope::error::EXIT_STATUS_TABLE;

/// What must not leak: a URL's password, the Basic credentials made of it, a Proxy-Authorization
/// value, a cookie's value, a bearer token.
const SECRETS: [&str; 5] = [
    "s3cret",
    "YWxpY2U6czNjcmV0",
    "cHJveHk6cGFzcw==",
    "c00kie",
    "t0k3n-value",
];

/// Runs a session with `--jsonl` and `--record` at once; returns the run and the recording.
fn recorded(name: &str, args: &[&str]) -> (Run, String) {
    let path = temp_file(name, b"");
    let mut all = vec!["--jsonl", "--record", path.to_str().expect("path")];
    all.extend_from_slice(args);
    let r = run(&all, b"hi\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let recording = std::fs::read_to_string(&path).expect("recording");
    (r, recording)
}

/// Two sessions between them send every kind of credential.
fn sessions(srv: &Server, extra: &[&str]) -> Vec<(Run, String)> {
    let with_password = format!("ws://alice:s3cret@{}/", srv.addr);
    let mut first = extra.to_vec();
    first.extend([
        "-H",
        "Proxy-Authorization: Basic cHJveHk6cGFzcw==",
        "-H",
        "Cookie: session=c00kie; theme=dark",
        &with_password,
    ]);
    let plain = srv.url("/");
    let mut second = extra.to_vec();
    second.extend(["-H", "Authorization: Bearer t0k3n-value", &plain]);
    vec![
        recorded("creds-1.jsonl", &first),
        recorded("creds-2.jsonl", &second),
    ]
}

#[test]
fn credentials_are_masked_in_json_lines_and_recordings_unless_asked() {
    let srv = echo_server();
    let masked = sessions(&srv, &[]);
    let masks = [
        "ws://alice:***@",
        r"Authorization: Basic ****\r\n",
        r"Proxy-Authorization: Basic ****\r\n",
        r"Cookie: session=****; theme=****\r\n",
    ];
    let (first, second) = (&masked[0], &masked[1]);
    for (what, text) in [("--jsonl", first.0.out()), ("--record", first.1.clone())] {
        for mask in masks {
            assert!(text.contains(mask), "{what}: {mask} in {text}");
        }
    }
    for (what, text) in [("--jsonl", second.0.out()), ("--record", second.1.clone())] {
        assert!(
            text.contains(r"Authorization: Bearer ****\r\n"),
            "{what}: {text}"
        );
    }
    for (r, recording) in &masked {
        for secret in SECRETS {
            for (what, text) in [("--jsonl", r.out()), ("--record", recording.clone())] {
                assert!(!text.contains(secret), "{secret} leaked by {what}: {text}");
            }
        }
    }
    let request = srv.wait_for("the request", |l| {
        l.starts_with("request:") && l.contains("cookie")
    });
    assert!(
        request.contains("cookie: session=c00kie; theme=dark\n"),
        "{request}"
    );

    let shown = sessions(&srv, &["--show-credentials"]);
    let all: String = shown.iter().map(|(r, rec)| r.out() + rec).collect();
    for secret in SECRETS {
        let in_both = shown
            .iter()
            .any(|(r, rec)| r.out().contains(secret) && rec.contains(secret));
        assert!(in_both, "{secret} shown with --show-credentials: {all}");
    }
}

#[test]
fn the_screen_masks_cookies_as_json_lines_do() {
    let srv = echo_server();
    let args = |show: bool| {
        let mut a = vec!["-v", "-H", "Cookie: session=c00kie; theme=dark"];
        if show {
            a.push("--show-credentials");
        }
        a
    };
    let url = srv.url("/");
    let mut masked = args(false);
    masked.push(&url);
    let r = run(&masked, b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("> Cookie: session=****; theme=****\n"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("c00kie"), "{}", r.stderr);
    let mut shown = args(true);
    shown.push(&url);
    let r = run(&shown, b"");
    assert!(
        r.stderr.contains("> Cookie: session=c00kie; theme=dark\n"),
        "{}",
        r.stderr
    );
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("recording")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn a_recording_this_version_wrote_replays_with_expect() {
    let srv = echo_server();
    let path = temp_file("this-version.jsonl", b"");
    let r = run(
        &[
            "--record",
            path.to_str().expect("path"),
            "-x",
            "-v",
            "--timing",
            "-e",
            r#"{"op":"hello"}"#,
            "-e",
            "second ✓",
            &srv.url("/v"),
        ],
        b"",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let events = lines(&path);
    for e in &events {
        assert_eq!(e["v"], 1, "the schema version on every line: {e}");
        assert!(e["ts"].as_str().is_some_and(|t| t.ends_with('Z')), "{e}");
    }
    let types: Vec<&str> = events.iter().filter_map(|e| e["type"].as_str()).collect();
    for t in [
        "connected",
        "request",
        "response",
        "open",
        "frame",
        "message",
        "close",
        "info",
        "timing",
    ] {
        assert!(types.contains(&t), "{t} in {types:?}");
    }
    let r = run(&["replay", path.to_str().expect("path"), "--expect"], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "{\"op\":\"hello\"}\nsecond ✓\n");
    assert!(
        r.stderr
            .contains("the 2 messages received match the recording"),
        "{}",
        r.stderr
    );
}

/// The last two lines of a `--jsonl` run.
fn last_two(r: &Run) -> (Value, Value) {
    let out = r.out();
    let mut last = out
        .lines()
        .rev()
        .map(|l| serde_json::from_str::<Value>(l).unwrap_or_else(|e| panic!("{e}: {l}")));
    let end = last.next().expect("a last line");
    (last.next().unwrap_or(Value::Null), end)
}

/// What the exit status table says of `code`.
fn meaning(code: u8) -> &'static str {
    EXIT_STATUS_TABLE
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, what)| *what)
        .expect("in the table")
}

#[test]
fn every_run_ends_with_a_line_saying_how_it_ended() {
    // wscope closes after its input; the server answers.
    let srv = echo_server();
    let r = run(&["--jsonl", "-e", "hi", &srv.url("/")], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (before, end) = last_two(&r);
    assert_eq!(before["type"], "close", "the conversation comes first");
    assert_eq!(
        end,
        json!({
            "v": 1, "ts": end["ts"], "type": "end", "exit_code": 0, "meaning": meaning(0),
            "close": {"by": "wscope", "code": 1000, "reason": ""},
            "received": {"messages": 1, "bytes": 2}, "sent": {"messages": 1, "bytes": 2},
        })
    );

    // The server closes with 4000: the error, then the end, both with status 8.
    let closing = raw_server(|mut tcp, _| async move {
        raw_accept(&mut tcp).await;
        let _ = tcp.write_all(&frame(0x88, b"\x0f\xa0bye")).await;
        let _ = read_client_frame(&mut tcp).await;
    });
    let r = run(&["--jsonl", &closing.url("/")], b"");
    assert_eq!(r.code, 8, "{}", r.stderr);
    let (error, end) = last_two(&r);
    assert_eq!(
        (&error["type"], &error["exit_code"]),
        (&json!("error"), &json!(8))
    );
    assert_eq!(
        (&end["type"], &end["exit_code"], &end["meaning"]),
        (&json!("end"), &json!(8), &json!(meaning(8)))
    );
    assert_eq!(
        end["close"],
        json!({"by": "peer", "code": 4000, "reason": "bye"})
    );

    // Nothing to connect to: no close either way, nothing sent.
    let r = run(&["--jsonl", "-e", "hi", "ws://127.0.0.1:1/"], b"");
    assert_eq!(r.code, 3, "{}", r.stderr);
    let (error, end) = last_two(&r);
    assert_eq!(error["type"], "error");
    assert_eq!(
        (&end["exit_code"], &end["close"], &end["sent"]["messages"]),
        (&json!(3), &Value::Null, &json!(0))
    );
}
