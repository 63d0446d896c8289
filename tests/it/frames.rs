//! The frame inspector and protocol-violation diagnostics, end to end against raw servers.

use crate::support::*;
use tokio::io::AsyncWriteExt;

/// A raw server that completes the upgrade, writes `bytes`, then logs the client's frames.
fn scripted(bytes: Vec<u8>) -> Server {
    raw_server(move |mut tcp, log| {
        let bytes = bytes.clone();
        async move {
            raw_accept(&mut tcp).await;
            tcp.write_all(&bytes).await.expect("write");
            while let Some(f) = read_client_frame(&mut tcp).await {
                push(
                    &log,
                    format!(
                        "{}:{}:{}:{}",
                        f.opcode(),
                        f.mask.is_some(),
                        f.close_code().map(|c| c.to_string()).unwrap_or_default(),
                        hex(&f.payload)
                    ),
                );
                if f.opcode() == 8 {
                    let _ = tcp
                        .write_all(&frame(0x88, &f.payload[..2.min(f.payload.len())]))
                        .await;
                    break;
                }
            }
        }
    })
}

#[test]
fn fragmented_message_with_a_ping_in_between() {
    let mut bytes = frame(0x01, b"Hel"); // TEXT, fin=0
    bytes.extend(frame(0x89, b"p1")); // PING between fragments
    bytes.extend(frame(0x00, b"lo, ")); // CONT, fin=0
    bytes.extend(frame(0x80, b"world")); // CONT, fin=1
    bytes.extend(frame(0x88, &[0x03, 0xe8])); // CLOSE 1000
    let srv = scripted(bytes);
    let r = run(&["-x", "-w", "5", &srv.url("/")], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "Hello, world\n", "printed once, whole");
    let e = &r.stderr;
    let order = [
        "< frame TEXT  fin=0 rsv=000 mask=none len=3 (7-bit)",
        "< frame PING  fin=1 rsv=000 mask=none len=2 (7-bit)",
        "< frame CONT  fin=0 rsv=000 mask=none len=4 (7-bit)",
        "< frame CONT  fin=1 rsv=000 mask=none len=5 (7-bit)",
    ];
    let mut pos = 0;
    for line in order {
        let at = e[pos..]
            .find(line)
            .unwrap_or_else(|| panic!("missing/out of order {line}\n{e}"));
        pos += at;
    }
    let pong = e
        .lines()
        .find(|l| l.starts_with("> frame PONG"))
        .unwrap_or_else(|| panic!("no pong line\n{e}"));
    assert!(pong.contains("fin=1") && pong.contains("len=2"), "{pong}");
    assert!(
        !pong.contains("mask=none"),
        "client frames carry a mask key: {pong}"
    );
    // The server saw the automatic pong, masked, with the ping's payload.
    srv.wait_for("pong", |l| l == format!("10:true::{}", hex(b"p1")));
}

#[test]
fn hexdump_shows_header_bytes_payload_and_16_and_64_bit_lengths() {
    let mut bytes = frame(0x82, &[0xab; 300]); // 16-bit length
    bytes.extend(frame(0x82, &vec![0xcd; 70_000])); // 64-bit length
    bytes.extend(frame(0x88, &[0x0f, 0xa1, b'o', b'k'])); // CLOSE 4001 "ok"
    let srv = scripted(bytes);
    let r = run(&["-X", "--dump-bytes", "20", "-w", "5", &srv.url("/")], b"");
    assert_eq!(r.code, 8, "{}", r.stderr);
    let e = &r.stderr;
    assert!(
        e.contains("< frame BIN   fin=1 rsv=000 mask=none len=300 (16-bit)"),
        "{e}"
    );
    assert!(e.contains("  header 82 7e 01 2c"), "{e}");
    assert!(e.contains("  0000  ab ab ab ab"), "{e}");
    assert!(e.contains("  ... 280 more bytes"), "{e}");
    assert!(
        e.contains("< frame BIN   fin=1 rsv=000 mask=none len=70000 (64-bit)"),
        "{e}"
    );
    assert!(e.contains("< frame CLOSE fin=1 rsv=000 mask=none len=4 (7-bit) code=4001 (application-defined) \"ok\""), "{e}");
    assert_eq!(
        r.stdout.len(),
        70_302,
        "two messages, each ended by a newline"
    );
}

/// Each violation: server frames, expected close code on the wire, diagnostic text.
fn violation_cases() -> Vec<(&'static str, Vec<u8>, u16, &'static str)> {
    let mut long_ping = vec![0x89, 126, 0, 126];
    long_ping.extend(vec![b'x'; 126]);
    vec![
        (
            "invalid utf-8",
            frame(0x81, b"ok \xff\xfe"),
            1007,
            "invalid UTF-8",
        ),
        (
            "reserved opcode",
            frame(0x83, b"x"),
            1002,
            "reserved opcode 0x3",
        ),
        (
            "reserved control opcode",
            frame(0x8b, b""),
            1002,
            "reserved opcode 0xb",
        ),
        ("rsv bit", frame(0xc1, b"x"), 1002, "RSV bit set"),
        (
            "fragmented control",
            frame(0x09, b"p"),
            1002,
            "fragmented control frame",
        ),
        (
            "oversized control",
            long_ping,
            1002,
            "control frame payload over 125 bytes",
        ),
        (
            "masked from server",
            vec![0x81, 0x81, 1, 2, 3, 4, b'a' ^ 1],
            1002,
            "masked frame from the server",
        ),
        (
            "continuation without start",
            frame(0x80, b"x"),
            1002,
            "continuation frame without a message",
        ),
        (
            "one-byte close",
            frame(0x88, &[0x03]),
            1002,
            "1-byte payload",
        ),
        (
            "bad close code",
            frame(0x88, &[0x03, 0xed]),
            1002,
            "code 1005",
        ),
        (
            "too big",
            frame(0x82, &[0u8; 2048]),
            1009,
            "exceeds --max-message-size",
        ),
    ]
}

#[test]
fn every_protocol_violation_gets_its_close_code_diagnostic_and_exit_code() {
    for (name, bytes, want_code, diagnostic) in violation_cases() {
        let srv = scripted(bytes);
        let r = run(
            &["--max-message-size", "1K", "-w", "20", &srv.url("/")],
            b"",
        );
        assert_eq!(r.code, 6, "{name}: {}", r.stderr);
        assert!(r.stderr.contains(diagnostic), "{name}: {}", r.stderr);
        assert!(
            r.stderr.contains("protocol error by the peer"),
            "{name}: {}",
            r.stderr
        );
        assert!(
            r.took < PROMPTLY,
            "{name}: ends at the violation, not -w 20"
        );
        srv.wait_for(name, |l| l.starts_with(&format!("8:true:{want_code}:")));
        if name != "bad close code" {
            assert!(
                r.stderr.contains("offending frame: "),
                "{name}: {}",
                r.stderr
            );
        }
    }
}

#[test]
fn jsonl_is_one_json_object_per_line_and_round_trips_binary() {
    let srv = echo_server();
    let binary: Vec<u8> = (0..=255u8).collect();
    let mut input = b"text line \xe2\x9c\x93\n".to_vec();
    input.extend_from_slice(b"\n");
    let r = run(&["--jsonl", "-x", &srv.url("/")], &input);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let events: Vec<serde_json::Value> = r
        .out()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect();
    let types: Vec<&str> = events.iter().filter_map(|e| e["type"].as_str()).collect();
    for t in [
        "connected",
        "request",
        "response",
        "open",
        "frame",
        "message",
        "close",
    ] {
        assert!(types.contains(&t), "{t} missing from {types:?}");
    }
    let msgs: Vec<&serde_json::Value> = events
        .iter()
        .filter(|e| e["type"] == "message" && e["dir"] == "in")
        .collect();
    assert_eq!(msgs[0]["data"], "text line ✓");
    assert_eq!(msgs[0]["opcode"], "text");
    assert!(
        events
            .iter()
            .all(|e| e["ts"].as_str().is_some_and(|t| t.ends_with('Z')))
    );
    let resp = events
        .iter()
        .find(|e| e["type"] == "response")
        .expect("response");
    assert!(resp["timings"]["upgrade_ms"].as_f64().is_some());

    // Binary: every byte value survives base64.
    let srv = ws_server(move |mut ws, _| {
        let data = binary.clone();
        async move {
            use futures_util::{SinkExt, StreamExt};
            let _ = ws.send(Message::binary(data)).await;
            while let Some(Ok(_)) = ws.next().await {}
        }
    });
    let r = run(&["--jsonl", "-n", "1", &srv.url("/")], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let msg: serde_json::Value = r
        .out()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json"))
        .find(|e| e["type"] == "message")
        .expect("message event");
    assert_eq!(msg["opcode"], "binary");
    assert_eq!(msg["encoding"], "base64");
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(msg["data"].as_str().expect("data"))
        .expect("base64");
    assert_eq!(bytes, (0..=255u8).collect::<Vec<_>>());
}

#[test]
fn jsonl_reports_errors_as_events_too() {
    let srv = scripted(frame(0xc1, b"x"));
    let r = run(&["--jsonl", "-w", "5", &srv.url("/")], b"");
    assert_eq!(r.code, 6);
    let last: Vec<serde_json::Value> = r
        .out()
        .lines()
        .rev()
        .take(2)
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(last[1]["type"], "error");
    assert_eq!(last[1]["exit_code"], 6);
    assert_eq!(last[0]["type"], "end", "the run's last line");
    assert_eq!(last[0]["exit_code"], 6);
}

#[test]
fn fragment_option_sends_each_line_in_pieces() {
    let srv = scripted(Vec::new());
    let r = run(&["--fragment", "3", &srv.url("/")], b"abcdefg\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let log = srv.log();
    let frames: Vec<&str> = log.iter().map(String::as_str).collect();
    assert_eq!(
        frames[..3],
        [
            format!("1:true::{}", hex(b"abc")),
            format!("0:true::{}", hex(b"def")),
            format!("0:true::{}", hex(b"g")),
        ]
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()[..]
    );
}
