//! `--record FILE` from pipe mode and from the REPL, and `wscope replay` of what it wrote:
//! against a server that answers the same, one that answers differently (`--expect`), a
//! third-party server, and with the recorded timing scaled or dropped.

use crate::peers::{Peer, on_every_impl};
use crate::pty::*;
use crate::support::*;
use expectrl::{ControlCode, Expect};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn events(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("recording written")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// `(dir, data)` of every data message in a recording, in order.
fn messages(events: &[Value]) -> Vec<(String, String)> {
    events
        .iter()
        .filter(|e| e["type"] == "message")
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap_or_default().to_string();
            (s("dir"), s("data"))
        })
        .collect()
}

fn recording_path(name: &str) -> PathBuf {
    temp_file(name, b"").with_file_name(name)
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(d, m)| (d.to_string(), m.to_string()))
        .collect()
}

/// A server that answers every text message uppercased, after the second one differently.
fn shouting_server() -> Server {
    ws_server(|mut ws, log| async move {
        while let Some(Ok(m)) = ws.next().await {
            if let Message::Text(t) = m {
                push(&log, format!("text:{}", t.as_str()));
                let _ = ws.send(Message::text(t.as_str().to_uppercase())).await;
            }
        }
    })
}

#[test]
fn pipe_mode_records_the_whole_conversation_and_prints_the_same() {
    let srv = echo_server();
    let path = recording_path("pipe.jsonl");
    let r = run(
        &["--record", path.to_str().unwrap(), &srv.url("/")],
        b"one\ntwo\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "one\ntwo\n", "stdout is the data it always was");
    let evs = events(&path);
    let kinds: Vec<&str> = evs.iter().filter_map(|e| e["type"].as_str()).collect();
    assert_eq!(kinds[..4], ["connected", "request", "response", "open"]);
    // The conversation ends with both Close frames; the run's end comes after it.
    assert_eq!(kinds[kinds.len() - 3..], ["close", "close", "end"]);
    let end = evs.last().expect("the end");
    assert_eq!(
        (
            &end["exit_code"],
            &end["close"]["by"],
            &end["close"]["code"]
        ),
        (&json!(0), &json!("wscope"), &json!(1000)),
        "{end}"
    );
    assert_eq!(
        (&end["received"]["messages"], &end["sent"]["messages"]),
        (&json!(2), &json!(2)),
        "{end}"
    );
    let msgs = messages(&evs);
    assert_eq!(msgs.len(), 4);
    for m in ["one", "two"] {
        let sent = msgs.iter().position(|x| x.0 == "out" && x.1 == m);
        let back = msgs.iter().position(|x| x.0 == "in" && x.1 == m);
        assert!(
            sent < back && sent.is_some(),
            "{m} sent, then echoed: {msgs:?}"
        );
    }
}

#[test]
fn a_failed_run_ends_its_recording_with_the_error() {
    let path = recording_path("refused.jsonl");
    let r = run(
        &["--record", path.to_str().unwrap(), "ws://127.0.0.1:1/"],
        b"",
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    let evs = events(&path);
    let last: Vec<&str> = evs
        .iter()
        .rev()
        .take(2)
        .filter_map(|e| e["type"].as_str())
        .collect();
    assert_eq!(
        last,
        ["end", "error"],
        "the error, then the run's end: {evs:?}"
    );
    let end = evs.last().expect("the end");
    assert_eq!(
        (&end["exit_code"], &end["close"]),
        (&json!(3), &Value::Null),
        "{end}"
    );
    let r = run(
        &["--record", "/nonexistent/dir/x.jsonl", "ws://127.0.0.1:1/"],
        b"",
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("cannot write the recording"),
        "{}",
        r.stderr
    );
}

#[test]
fn the_repl_records_without_disturbing_the_screen() {
    let srv = repl_server();
    let path = recording_path("repl.jsonl");
    let state = state_dir("record");
    let args = ["--record", path.to_str().unwrap(), &srv.url("/")];
    let mut s = spawn(repl_command(BIN, &args, &state));
    expect(&mut s, "WebSocket open");
    s.send_line("hello from the repl").expect("send");
    expect(&mut s, "< hello from the repl");
    s.send_line("/binary 01ff").expect("send");
    srv.wait_for("binary", |l| l == "binary:01ff");
    s.send(ControlCode::EndOfTransmission).expect("ctrl-d");
    let mut screen = String::new();
    let mut buf = [0u8; 4096];
    while let Ok(n @ 1..) = s.try_read(&mut buf) {
        screen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert_eq!(wait_exit(&mut s), 0);
    assert!(
        !screen.contains("\"type\""),
        "no JSON on the screen: {screen}"
    );
    let msgs = messages(&events(&path));
    assert_eq!(
        msgs,
        pairs(&[
            ("out", "hello from the repl"),
            ("in", "hello from the repl"),
            ("out", "Af8="),
        ])
    );
}

/// Records `-e` messages against an echo server; returns the recording.
fn record_echo_session(name: &str, sent: &[&str]) -> PathBuf {
    let srv = echo_server();
    let path = recording_path(name);
    let mut args = vec!["--record", path.to_str().unwrap()];
    for m in sent {
        args.extend(["-e", m]);
    }
    let url = srv.url("/feed");
    args.push(&url);
    let r = run(&args, b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    path
}

#[test]
fn replay_sends_the_recording_again_and_expect_passes_when_the_answers_match() {
    let path = record_echo_session("same.jsonl", &["alpha", r#"{"n":1}"#]);
    let other = echo_server();
    let r = run(
        &[
            "replay",
            path.to_str().unwrap(),
            &other.url("/"),
            "--expect",
        ],
        b"",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "alpha\n{\"n\":1}\n");
    assert!(
        r.stderr
            .contains("the 2 messages received match the recording"),
        "{}",
        r.stderr
    );
    let got: Vec<String> = other.texts();
    assert_eq!(got, ["text:alpha", "text:{\"n\":1}"]);
}

#[test]
fn replay_expect_shows_a_diff_and_exits_13_when_the_answers_differ() {
    let path = record_echo_session("differs.jsonl", &["same", "case", "123"]);
    let srv = shouting_server();
    let r = run(
        &["replay", path.to_str().unwrap(), &srv.url("/"), "--expect"],
        b"",
    );
    assert_eq!(r.code, 13, "{}", r.stderr);
    assert_eq!(r.out(), "SAME\nCASE\n123\n", "what came back is printed");
    assert!(
        r.stderr.contains(
            "--- recorded: 3 messages\n+++ received: 3 messages (4 lines differ)\n\
             @@ recorded message 1 @@\n- same\n- case\n+ SAME\n+ CASE\n  123\n"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("differ from the recording"),
        "{}",
        r.stderr
    );
    let without = run(&["replay", path.to_str().unwrap(), &srv.url("/")], b"");
    assert_eq!(without.code, 0, "without --expect nothing is compared");
    // With JSON Lines, the verdict is the run's: its error, then its end, say 13.
    let jsonl = run(
        &[
            "replay",
            path.to_str().unwrap(),
            &srv.url("/"),
            "--expect",
            "--jsonl",
        ],
        b"",
    );
    assert_eq!(jsonl.code, 13, "{}", jsonl.stderr);
    let out = jsonl.out();
    let last: Vec<(Value, Value)> = out
        .lines()
        .rev()
        .take(2)
        .map(|l| serde_json::from_str::<Value>(l).expect("json"))
        .map(|e| (e["type"].clone(), e["exit_code"].clone()))
        .collect();
    assert_eq!(
        last,
        [(json!("end"), json!(13)), (json!("error"), json!(13))],
        "{out}"
    );
}

#[test]
fn replay_against_third_party_servers_matches_the_recording() {
    let path = record_echo_session("peer.jsonl", &["to a peer", "and back", r#"{"k":[1,2]}"#]);
    on_every_impl(|imp| {
        let peer = Peer::start(imp, true);
        let r = run(
            &[
                "replay",
                path.to_str().unwrap(),
                &peer.url("/echo"),
                "--expect",
            ],
            b"",
        );
        assert_eq!(r.code, 0, "{}: {}", imp.name(), r.stderr);
        assert_eq!(
            r.out(),
            "to a peer\nand back\n{\"k\":[1,2]}\n",
            "{}",
            imp.name()
        );
    });
}

/// A recording made by hand: three messages 0, `gap` and twice `gap` seconds after the open.
fn timed_recording(url: &str, name: &str, gap: f64) -> PathBuf {
    let line = |secs: f64, rest: &str| {
        let (m, s) = ((secs / 60.0).floor(), secs % 60.0);
        format!("{{\"ts\":\"2026-11-30T10:{m:02}:{s:09.6}Z\",{rest}}}\n")
    };
    let mut text = line(0.0, &format!("\"type\":\"connected\",\"url\":\"{url}\""));
    text += &line(0.1, "\"type\":\"open\"");
    for (i, m) in ["a", "b", "c"].iter().enumerate() {
        text += &line(
            0.1 + gap * i as f64,
            &format!("\"type\":\"message\",\"dir\":\"out\",\"opcode\":\"text\",\"data\":\"{m}\""),
        );
    }
    temp_file(name, text.as_bytes())
}

/// A server that logs each message with the milliseconds since the first one.
fn clock_server() -> Server {
    ws_server(|mut ws, log| async move {
        let mut first: Option<Instant> = None;
        while let Some(Ok(m)) = ws.next().await {
            if let Message::Text(t) = m {
                let start = *first.get_or_insert_with(Instant::now);
                push(
                    &log,
                    format!("{}@{}", t.as_str(), start.elapsed().as_millis()),
                );
            }
        }
    })
}

fn arrival_ms(srv: &Server, msg: &str) -> u128 {
    let line = srv.wait_for(msg, |l| l.starts_with(&format!("{msg}@")));
    line.split('@')
        .nth(1)
        .and_then(|ms| ms.parse().ok())
        .expect("ms")
}

/// When wscope sent each of a, b and c, in seconds after it logged the open (from --jsonl).
/// Measured by the sender: a late receiver cannot shrink these, and the schedule starts after
/// the open, so each is at least the recorded offset.
fn sent_after_open(jsonl: &str) -> [f64; 3] {
    let events: Vec<Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let secs = |e: &Value| {
        let ts = e["ts"].as_str().expect("ts");
        let clock = ts.split_once('T').expect("time").1.trim_end_matches('Z');
        clock
            .split(':')
            .map(|p| p.parse::<f64>().expect("number"))
            .fold(0.0, |acc, p| acc * 60.0 + p)
    };
    let open = events
        .iter()
        .find(|e| e["type"] == "open")
        .map(secs)
        .expect("open");
    ["a", "b", "c"].map(|m| {
        let sent = events
            .iter()
            .find(|e| e["type"] == "message" && e["dir"] == "out" && e["data"] == m)
            .map(secs)
            .unwrap_or_else(|| panic!("{m} not sent: {jsonl}"));
        // Across midnight the clock starts again.
        (sent - open).rem_euclid(86_400.0)
    })
}

#[test]
fn replay_keeps_the_recorded_timing_scaled_by_speed_or_none() {
    let srv = clock_server();
    let path = timed_recording(&srv.url("/"), "timed.jsonl", 0.6);
    let r = run(
        &["replay", path.to_str().unwrap(), "--idle", "0", "--jsonl"],
        b"",
    );
    assert_eq!(r.code, 0, "the recorded URL is used: {}", r.stderr);
    arrival_ms(&srv, "c");
    let [_, b, c] = sent_after_open(&r.out());
    assert!(b >= 0.6 && c >= 1.2, "offsets of 0.6 s kept: b@{b} c@{c}");

    let fast = clock_server();
    let r = run(
        &[
            "replay",
            path.to_str().unwrap(),
            &fast.url("/"),
            "--speed",
            "4",
            "--idle",
            "0",
            "--jsonl",
        ],
        b"",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    arrival_ms(&fast, "c");
    let [_, b, c] = sent_after_open(&r.out());
    assert!(
        b >= 0.15 && c >= 0.3,
        "offsets of 0.15 s at 4x: b@{b} c@{c}"
    );

    let r = run(
        &[
            "replay",
            path.to_str().unwrap(),
            "--no-timing",
            "--speed",
            "2",
        ],
        b"",
    );
    assert_eq!(r.code, 2, "--no-timing and --speed conflict: {}", r.stderr);
}

#[test]
fn replay_without_timing_sends_at_once_and_bad_recordings_are_input_errors() {
    let srv = clock_server();
    // Kept, the recorded timing would take 40 s.
    let path = timed_recording(&srv.url("/"), "slow.jsonl", 20.0);
    let r = run(&["replay", path.to_str().unwrap(), "--no-timing"], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        arrival_ms(&srv, "c") < PROMPTLY.as_millis(),
        "no waits between messages"
    );

    let bad = temp_file(
        "bad.jsonl",
        b"{\"type\":\"open\",\"ts\":\"2026-11-30T10:00:00Z\"}\nnot json\n",
    );
    let r = run(&["replay", bad.to_str().unwrap()], b"");
    assert_eq!(r.code, 10, "{}", r.stderr);
    assert!(
        r.stderr.contains("bad.jsonl: line 2: not JSON"),
        "{}",
        r.stderr
    );
    let r = run(&["replay", "/nonexistent.jsonl"], b"");
    assert_eq!(r.code, 10, "{}", r.stderr);
}
