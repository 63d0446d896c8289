//! permessage-deflate (RFC 7692) end to end: byte-exact echoes through the servers users run
//! (asserted from the server's side), every rule a peer can break (closed with the code the RFC
//! asks for), a decompression bomb (memory stays bounded), every invalid answer (the handshake
//! fails naming the parameter), and the offer itself.

use crate::peers::{Impl, Peer, on_every_impl};
use crate::support::*;
use base64::Engine as _;
use std::process::{Command, Stdio};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use wscope::wire::deflate::Compressor;

/// What a compressed message's payload is on the wire.
fn deflated(data: &[u8]) -> Vec<u8> {
    let mut c = Compressor::new(15, true, 1);
    let mut out = Vec::new();
    c.compress(data, &mut out).expect("compress");
    c.finish_message(&mut out).expect("finish");
    out
}

const AGREED: &str = "Sec-WebSocket-Extensions: permessage-deflate\r\n";

/// A raw server that agrees to permessage-deflate, sends `bytes`, and logs the client's frames
/// as `opcode:close code`.
fn deflate_server(answer: &'static str, bytes: Vec<u8>) -> Server {
    raw_server(move |mut tcp, log| {
        let bytes = bytes.clone();
        async move {
            let head = raw_accept_with(&mut tcp, answer).await;
            push(&log, format!("request: {head}"));
            let _ = tcp.write_all(&bytes).await;
            while let Some(f) = read_client_frame(&mut tcp).await {
                let code = f.close_code().map(|c| c.to_string()).unwrap_or_default();
                push(&log, format!("{}:{code}", f.opcode()));
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
fn echoes_are_byte_exact_both_ways_through_every_server_that_compresses() {
    let big = format!(
        "{{\"items\":[{}]}}",
        r#"{"id":1,"name":"wscope"},"#.repeat(900)
    );
    let lines = ["hello", "héllo wörld ✓ 日本語", big.as_str(), ""];
    let input = lines.iter().map(|l| format!("{l}\n")).collect::<String>();
    on_every_impl(|imp| {
        let peer = Peer::start(imp, true);
        let r = run(
            &["-x", "--idle", "0.5", &peer.url("/echo")],
            input.as_bytes(),
        );
        assert_eq!(r.code, 0, "{}: {}", imp.name(), r.stderr);
        assert!(r.stdout == input.as_bytes(), "{}: echo differs", imp.name());
        // Ours compress every message; the big one comes back compressed from every server
        // (Node ws leaves messages under 1 KiB alone).
        assert!(
            r.stderr.contains("> frame TEXT  fin=1 rsv=100"),
            "{}",
            r.stderr
        );
        assert!(
            r.stderr.contains("< frame TEXT  fin=1 rsv=100 mask=none"),
            "{}: {}",
            imp.name(),
            r.stderr
        );
        assert!(
            r.stderr
                .contains(&format!("inflated to {} bytes", big.len())),
            "{}",
            r.stderr
        );
        let open = peer.wait_event("open");
        assert_eq!(
            open["extensions"],
            serde_json::json!(["permessage-deflate"]),
            "{}",
            imp.name()
        );
        let texts = received_texts(&peer, lines.len());
        assert_eq!(texts, lines, "{}: what the server received", imp.name());
    });
}

/// The first `n` text messages the server logged, waiting (bounded) until there are `n`.
fn received_texts(peer: &Peer, n: usize) -> Vec<String> {
    let end = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let texts: Vec<String> = peer
            .events()
            .into_iter()
            .filter(|e| e["event"] == "message")
            .map(|e| e["text"].as_str().unwrap_or_default().to_string())
            .collect();
        if texts.len() >= n {
            return texts;
        }
        assert!(
            std::time::Instant::now() < end,
            "the server logged only {texts:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn binary_messages_are_byte_exact_through_compression() {
    let payloads: [&[u8]; 3] = [b"\x00\x01\x02\xff", &[0xabu8; 40_000], b"x"];
    let mut input = Vec::new();
    for p in payloads {
        input.extend_from_slice(p);
        input.push(b'\n');
    }
    for imp in [Impl::Websockets, Impl::NodeWs] {
        let peer = Peer::start(imp, true);
        let r = run(&["-b", "--idle", "0.5", &peer.url("/echo")], &input);
        assert_eq!(r.code, 0, "{}: {}", imp.name(), r.stderr);
        assert!(r.stdout == input, "{}: binary echo differs", imp.name());
        for p in payloads {
            let want = base64::engine::general_purpose::STANDARD.encode(p);
            peer.wait_for("the binary message", |e| e["base64"] == want.as_str());
        }
    }
}

#[test]
fn without_deflate_nothing_is_offered_and_a_header_replaces_the_offer() {
    let srv = ws_server(|mut ws, _| async move {
        use futures_util::StreamExt;
        while let Some(Ok(_)) = ws.next().await {}
    });
    let offer = |args: &[&str]| {
        let url = srv.url("/");
        let mut all = args.to_vec();
        all.extend(["--idle", "0", url.as_str()]);
        let r = run(&all, b"");
        assert_eq!(r.code, 0, "{}", r.stderr);
        let req = srv.wait_for("request", |l| l.starts_with("request:"));
        srv.log.lock().expect("log").clear();
        req.lines()
            .find_map(|l| l.strip_prefix("sec-websocket-extensions: "))
            .map(str::to_string)
    };
    assert_eq!(
        offer(&[]).as_deref(),
        Some("permessage-deflate; client_max_window_bits")
    );
    assert_eq!(offer(&["--no-deflate"]), None);
    let custom = [
        "-H",
        "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover",
    ];
    assert_eq!(
        offer(&custom).as_deref(),
        Some("permessage-deflate; server_no_context_takeover")
    );
}

/// Each rule a compressing peer can break, with the close code RFC 7692 and RFC 6455 ask for.
#[test]
fn every_compression_rule_is_enforced_with_its_close_code() {
    let payload = deflated(b"hello hello hello");
    let (first, second) = payload.split_at(payload.len() / 2);
    let mut cont_with_rsv1 = frame(0x41, first);
    cont_with_rsv1.extend(frame(0xc0, second));
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("RSV1 on a continuation", cont_with_rsv1, 1002, "RSV1"),
        ("RSV1 on a control frame", frame(0xc9, b"p"), 1002, "RSV1"),
        (
            "corrupt data",
            frame(0xc1, &[0xff, 0xff, 0xff, 0xff]),
            1007,
            "1007",
        ),
        (
            "over the limit",
            frame(0xc1, &deflated(&[b'a'; 100_000])),
            1009,
            "1009",
        ),
    ];
    for (name, bytes, code, says) in cases {
        let srv = deflate_server(AGREED, bytes);
        let r = run(
            &["--max-message-size", "10K", "-w", "20", &srv.url("/")],
            b"",
        );
        assert_eq!(r.code, 6, "{name}: {}", r.stderr);
        assert!(
            r.stderr.contains("protocol error by the peer"),
            "{name}: {}",
            r.stderr
        );
        assert!(r.stderr.contains(says), "{name}: {}", r.stderr);
        assert!(r.took < PROMPTLY, "{name}: ends at the error, not -w 20");
        srv.wait_for(name, |l| l == format!("8:{code}"));
    }
}

#[test]
fn a_decompression_bomb_stops_at_the_limit_with_bounded_memory() {
    // 1 GiB of zeros, compressed to about a megabyte, in one message.
    let mut c = Compressor::new(15, true, 9);
    let mut bomb = Vec::new();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..1024 {
        c.compress(&zeros, &mut bomb).expect("compress");
    }
    c.finish_message(&mut bomb).expect("finish");
    assert!(bomb.len() < 2 << 20, "{}", bomb.len());
    let srv = deflate_server(AGREED, frame(0xc2, &bomb));
    let cmd = command(&["--max-message-size", "8M", "-w", "10", &srv.url("/")]);
    let (code, peak_kib, stderr) = run_with_peak_rss(cmd);
    assert_eq!(code, 6, "{stderr}");
    assert!(stderr.contains("1009"), "{stderr}");
    assert!(
        peak_kib < 48 * 1024,
        "peak RSS {peak_kib} KiB while inflating a 1 GiB bomb"
    );
    srv.wait_for("close 1009", |l| l == "8:1009");
}

/// Forks `cmd` from a small Python process that reports the child's peak RSS (wait4's
/// ru_maxrss). The test process cannot spawn it itself: a child's ru_maxrss starts at the peak of
/// the process it was spawned from, and under `cargo test` that is every test's memory so far.
const PEAK_RSS: &str = r#"
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(f"peak-rss-kib={usage.ru_maxrss}", file=sys.stderr)
sys.exit(os.waitstatus_to_exitcode(status))
"#;

/// Runs `cmd` (bounded) with stdin empty; its exit code, peak RSS in KiB and stderr.
fn run_with_peak_rss(cmd: Command) -> (i32, i64, String) {
    let mut forked = Command::new("python3");
    forked
        .arg("-c")
        .arg(PEAK_RSS)
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in cmd.get_envs() {
        match value {
            Some(v) => forked.env(key, v),
            None => forked.env_remove(key),
        };
    }
    let mut child = forked.spawn().expect("python3");
    let (_out, err) = collect(&mut child);
    let code = wait_bounded(&mut child, RUN_LIMIT);
    let stderr = String::from_utf8_lossy(&err.join().expect("stderr")).into_owned();
    let (stderr, peak) = stderr
        .trim_end()
        .rsplit_once('\n')
        .unwrap_or(("", stderr.trim_end()));
    let peak = peak
        .strip_prefix("peak-rss-kib=")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no peak RSS reported: {stderr}{peak}"));
    (code, peak, stderr.to_owned())
}

#[test]
fn every_invalid_answer_fails_the_handshake_naming_the_parameter() {
    let cases = [
        ("permessage-deflate; foo", "foo"),
        (
            "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
            "server_no_context_takeover",
        ),
        (
            "permessage-deflate; server_max_window_bits=16",
            "server_max_window_bits=16",
        ),
        (
            "permessage-deflate; server_max_window_bits=7",
            "server_max_window_bits=7",
        ),
        (
            "permessage-deflate; client_no_context_takeover=1",
            "client_no_context_takeover",
        ),
        (
            "permessage-deflate; client_max_window_bits",
            "client_max_window_bits",
        ),
        (
            "permessage-deflate, permessage-deflate",
            "permessage-deflate",
        ),
        ("x-webkit-deflate-frame", "x-webkit-deflate-frame"),
    ];
    for (answer, named) in cases {
        let header: &'static str =
            Box::leak(format!("Sec-WebSocket-Extensions: {answer}\r\n").into_boxed_str());
        let srv = deflate_server(header, Vec::new());
        let r = run(&["--idle", "0", &srv.url("/")], b"");
        assert_eq!(r.code, 5, "{answer}: {}", r.stderr);
        let error = r
            .stderr
            .lines()
            .find(|l| l.starts_with("wscope: error:"))
            .unwrap_or_default();
        assert!(
            error.contains("invalid handshake response"),
            "{answer}: {error}"
        );
        assert!(error.contains(named), "{answer}: {error}");
    }
}

#[test]
fn the_demo_server_negotiates_compression() {
    let r = run(
        &[
            "demo",
            "-x",
            "-v",
            "--idle",
            "0.3",
            "-e",
            "hello hello hello",
        ],
        b"",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "hello hello hello\n");
    assert!(
        r.stderr.contains("permessage-deflate: server→client"),
        "{}",
        r.stderr
    );
    for dir in ['>', '<'] {
        let line = format!("{dir} frame TEXT  fin=1 rsv=100");
        assert!(
            r.stderr.contains(&line),
            "no compressed {dir} frame: {}",
            r.stderr
        );
    }
    assert!(
        r.stderr.contains("< frame TEXT  fin=1 rsv=100"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("inflated to 17 bytes"), "{}", r.stderr);
    assert!(
        r.stderr.contains("compressed from 17 bytes"),
        "{}",
        r.stderr
    );
}
