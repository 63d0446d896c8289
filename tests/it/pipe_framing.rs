//! Pipe mode's own framing (session/writer/direct.rs) as a server reads it off the wire: every
//! line one masked frame, in order, with keys of its own; tungstenite's frames (pings, the
//! Close) in their place among them; nothing after a Close.

use crate::support::*;
use std::collections::HashSet;
use tokio::io::AsyncWriteExt;

/// A server that reads every client frame until the client's Close and logs each as
/// `op:<opcode> masked:<bool> key:<hex> <payload>`, then `close` and what came after it.
fn frame_logger() -> Server {
    raw_server(|mut tcp, log| async move {
        raw_accept(&mut tcp).await;
        while let Some(f) = read_client_frame(&mut tcp).await {
            let key = f.mask.map(|k| hex(&k)).unwrap_or_default();
            push(
                &log,
                format!(
                    "op:{} masked:{} key:{key} {}",
                    f.opcode(),
                    f.mask.is_some(),
                    String::from_utf8_lossy(&f.payload)
                ),
            );
            if f.opcode() == 8 {
                let _ = tcp.write_all(&frame(0x88, &1000u16.to_be_bytes())).await;
                break;
            }
        }
    })
}

#[test]
fn every_line_is_one_masked_frame_in_order_with_a_key_of_its_own() {
    let srv = frame_logger();
    // Enough lines for several hand-overs to the tap (256 KiB each).
    let lines: Vec<String> = (0..20_000)
        .map(|i| format!("line {i:05} {}", "x".repeat(i % 40)))
        .collect();
    let input = lines.join("\n") + "\n";
    let r = run(&["--idle", "0", &srv.url("/")], input.as_bytes());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let log = srv.log();
    let (data, rest) = log.split_at(lines.len());
    let mut keys = HashSet::new();
    for (got, want) in data.iter().zip(&lines) {
        let (head, payload) = got
            .split_once(' ')
            .and_then(|(op, rest)| {
                let (masked, rest) = rest.split_once(' ')?;
                let (key, payload) = rest.split_once(' ')?;
                keys.insert(key.to_string());
                Some(((op, masked), payload))
            })
            .expect("a logged frame");
        assert_eq!(head, ("op:1", "masked:true"), "{got}");
        assert_eq!(payload, want);
    }
    // 20,000 keys drawn from 2^32: a handful of repeats at most.
    assert!(
        keys.len() > lines.len() - 10,
        "{} distinct keys",
        keys.len()
    );
    assert_eq!(rest.len(), 1, "only the Close follows: {rest:?}");
    assert!(rest[0].starts_with("op:8 masked:true"), "{rest:?}");
}

#[test]
fn binary_lines_go_as_binary_frames() {
    let srv = frame_logger();
    let r = run(&["-b", "--idle", "0", &srv.url("/")], b"one\ntwo\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ops: Vec<String> = srv.log().iter().map(|l| l[..4].to_string()).collect();
    assert_eq!(ops, ["op:2", "op:2", "op:8"]);
}

#[test]
fn a_peer_that_closes_mid_stream_gets_no_data_after_our_answer() {
    // The server closes after three messages while a long input is still being sent, then
    // logs every frame until the connection ends.
    let srv = raw_server(|mut tcp, log| async move {
        raw_accept(&mut tcp).await;
        for _ in 0..3 {
            if read_client_frame(&mut tcp).await.is_none() {
                return;
            }
        }
        let _ = tcp.write_all(&frame(0x88, &1000u16.to_be_bytes())).await;
        let mut closed = false;
        while let Some(f) = read_client_frame(&mut tcp).await {
            if closed {
                push(&log, format!("after close: op {}", f.opcode()));
            }
            if f.opcode() == 8 {
                push(&log, "close");
                closed = true;
            }
        }
    });
    let input = "a line of the input\n".repeat(200_000);
    // The server never ends the connection: we do, half a second after our answer.
    let r = run(&["--close-timeout", "0.5", &srv.url("/")], input.as_bytes());
    assert_eq!(srv.log(), ["close"], "exit {}: {}", r.code, r.stderr);
    // As a rule the Close comes while lines are still going out: they are not sent, and the
    // run says so. (Had the input all gone out first, the run would end cleanly.)
    if r.code != 0 {
        assert_eq!(r.code, 7, "{}", r.stderr);
        assert!(
            r.stderr
                .contains("the peer closed the connection before everything was sent"),
            "{}",
            r.stderr
        );
    }
}
