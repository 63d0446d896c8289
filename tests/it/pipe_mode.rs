//! Pipe mode end to end: the real binary against real servers on loopback.

use crate::support::*;
use futures_util::{SinkExt, StreamExt};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

#[test]
fn text_echo_is_byte_exact_with_multibyte_and_empty_lines() {
    let srv = echo_server();
    let input = "hello\nhéllo wörld ✓ 日本語 🎉\n\n  spaces  \ttab\nlast\n";
    let r = run(&[&srv.url("/")], input.as_bytes());
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    assert_eq!(r.out(), input);
    assert!(
        r.stderr.is_empty(),
        "pipe mode must keep stderr quiet: {}",
        r.stderr
    );
    assert!(
        srv.log().contains(&"text:".to_string()),
        "empty message sent as a message"
    );
}

#[test]
fn demo_runs_its_own_server_and_takes_the_client_options() {
    let r = run(&["demo", "-x", "-e", "hello"], b"");
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    assert_eq!(r.out(), "hello\n");
    assert!(
        r.stderr
            .contains("* demo: echo server running on ws://127.0.0.1:")
    );
    for dir in ['>', '<'] {
        assert!(
            r.stderr.contains(&format!("{dir} frame TEXT  fin=1")),
            "no {dir} TEXT frame in: {}",
            r.stderr
        );
    }
}

#[test]
fn crlf_is_stripped_and_a_last_line_without_newline_is_sent() {
    let srv = echo_server();
    let r = run(&[&srv.url("/")], b"a\r\nb\r\nc");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "a\nb\nc\n");
}

#[test]
fn ten_mib_line_is_sent_whole() {
    let srv = echo_server();
    let line: String = (0..10 * 1024 * 1024)
        .map(|i| (b'a' + (i % 26) as u8) as char)
        .collect();
    let input = format!("{line}\nafter\n");
    let r = run(&[&srv.url("/")], input.as_bytes());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.len(), input.len());
    assert!(
        r.stdout == input.as_bytes(),
        "10 MiB line must round-trip unchanged"
    );
    let lens: Vec<usize> = srv.texts().iter().map(|l| l.len() - 5).collect();
    assert_eq!(
        lens,
        vec![line.len(), 5],
        "one message per line, never split"
    );
}

#[test]
fn binary_round_trip_is_raw() {
    let srv = echo_server();
    let r = run(&["-b", &srv.url("/")], b"\x00\xff\x10\nzz\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout, b"\x00\xff\x10\nzz\n",
        "raw, each message ended by a newline"
    );
    let log = srv.log();
    assert!(log.contains(&"binary:00ff10".to_string()), "{log:?}");
    assert!(log.contains(&"binary:7a7a".to_string()), "{log:?}");
}

#[test]
fn lines_read_before_the_connection_opens_are_queued() {
    // The server answers the upgrade only once wscope has read all of stdin and it is closed.
    let gate = Gate::default();
    let g = gate.clone();
    let srv = raw_server(move |mut tcp, log| {
        let g = g.clone();
        async move {
            g.passed().await;
            raw_accept(&mut tcp).await;
            while let Some(f) = read_client_frame(&mut tcp).await {
                if f.opcode() == 8 {
                    push(&log, "close");
                    let _ = tcp.write_all(&frame(0x88, &[0x03, 0xe8])).await;
                    break;
                }
                push(&log, String::from_utf8_lossy(&f.payload).into_owned());
                let _ = tcp.write_all(&frame(0x81, &f.payload)).await;
            }
        }
    });
    let mut child = command(&[&srv.url("/")]).spawn().expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let (out, err) = collect(&mut child);
    std::io::Write::write_all(&mut stdin, b"one\ntwo\nthree\n").expect("stdin");
    wait_drained(&stdin);
    drop(stdin);
    gate.open();
    let code = wait_bounded(&mut child, RUN_LIMIT);
    let stderr = String::from_utf8_lossy(&err.join().expect("stderr")).into_owned();
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(out.join().expect("stdout"), b"one\ntwo\nthree\n");
    assert_eq!(srv.log(), vec!["one", "two", "three", "close"]);
}

#[test]
fn messages_sent_slowly_after_our_eof_are_all_printed() {
    // The server answers each message 150 ms late, so the client's EOF (and Close) comes long
    // before the last answers. tungstenite handles the Close only after the earlier messages.
    let srv = ws_server(|mut ws, _| async move {
        while let Some(Ok(m)) = ws.next().await {
            if m.is_text() {
                tokio::time::sleep(Duration::from_millis(150)).await;
                let reply = format!("reply to {}", m.to_text().unwrap_or(""));
                if ws.send(Message::text(reply)).await.is_err() {
                    break;
                }
            }
        }
    });
    let r = run(&[&srv.url("/")], b"1\n2\n3\n4\n5\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.out(),
        "reply to 1\nreply to 2\nreply to 3\nreply to 4\nreply to 5\n"
    );
}

fn closing_server(code: Option<u16>) -> Server {
    ws_server(move |mut ws, _| async move {
        let _ = ws.send(Message::text("bye soon")).await;
        match code {
            Some(c) => {
                let _ = ws
                    .send(Message::Close(Some(CloseFrame {
                        code: CloseCode::from(c),
                        reason: "server says so".into(),
                    })))
                    .await;
                while let Some(Ok(_)) = ws.next().await {}
            }
            None => {
                // Drop the TCP connection without a Close frame.
                let _ = ws.flush().await;
                drop(ws);
            }
        }
    })
}

#[test]
fn server_close_codes_map_to_distinct_exit_codes() {
    let cases = [(Some(1000), 0), (Some(1001), 0), (Some(4001), 8), (None, 7)];
    for (code, want) in cases {
        let srv = closing_server(code);
        let r = run(&["-w", "20", &srv.url("/")], b"");
        assert_eq!(r.code, want, "server close {code:?}: {}", r.stderr);
        assert_eq!(
            r.out(),
            "bye soon\n",
            "data before the close is printed ({code:?})"
        );
        assert!(
            r.took < Duration::from_secs(10),
            "does not wait for -w after the peer ends"
        );
        if code == Some(4001) {
            assert!(
                r.stderr
                    .contains("peer closed with 4001 (application-defined): server says so"),
                "{}",
                r.stderr
            );
        }
        if code.is_none() {
            assert!(r.stderr.contains("without a Close frame"), "{}", r.stderr);
        }
    }
}

#[test]
fn execute_and_count() {
    let srv = echo_server();
    let r = run(
        &["-e", "first", "-e", "second", "-n", "1", &srv.url("/")],
        b"ignored\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.out().starts_with("first\n"), "{}", r.out());
    assert!(!r.out().contains("ignored"));
}

#[test]
fn count_waits_for_a_pushed_message_after_input_ends() {
    let srv = ws_server(|mut ws, _| async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let _ = ws.send(Message::text("pushed")).await;
        while let Some(Ok(_)) = ws.next().await {}
    });
    let r = run(&["-n", "1", &srv.url("/")], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "pushed\n");
}

#[test]
fn invalid_utf8_line_is_refused_not_sent() {
    let srv = echo_server();
    let r = run(&[&srv.url("/")], b"good\nbad \xff\xfe\nnever\n");
    assert_eq!(r.code, 10, "{}", r.stderr);
    assert!(
        r.stderr.contains("stdin line 2 is not valid UTF-8"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("-b/--binary"), "{}", r.stderr);
    assert_eq!(
        r.stderr.matches("wscope: error:").count(),
        1,
        "{}",
        r.stderr
    );
    let log = srv.log();
    assert!(log.contains(&"text:good".to_string()));
    assert!(
        !log.iter().any(|l| l.contains("bad") || l.contains("never")),
        "{log:?}"
    );
}

#[test]
fn unreadable_stdin_is_an_input_error_not_an_empty_input() {
    let srv = echo_server();
    let mut cmd = command(&[&srv.url("/")]);
    let dir = std::fs::File::open(std::env::temp_dir()).expect("open a directory");
    cmd.stdin(dir);
    let mut child = cmd.spawn().expect("spawn wscope");
    let (out, err) = collect(&mut child);
    let code = wait_bounded(&mut child, Duration::from_secs(10));
    let err = String::from_utf8_lossy(&err.join().expect("stderr")).into_owned();
    assert_eq!(code, 10, "{err}");
    assert!(err.contains("reading stdin"), "{err}");
    assert_eq!(err.matches("wscope: error:").count(), 1, "{err}");
    assert!(out.join().expect("stdout").is_empty());
}

#[test]
fn closed_stdout_ends_quietly_with_zero() {
    let srv = ws_server(|mut ws, _| async move {
        for i in 0..1_000_000 {
            if ws.send(Message::text(format!("flood {i}"))).await.is_err() {
                return;
            }
        }
    });
    let mut cmd = command(&["-w", "30", &srv.url("/")]);
    let mut child = cmd.spawn().expect("spawn");
    drop(child.stdin.take());
    let mut out = child.stdout.take().expect("stdout");
    let mut first = [0u8; 8];
    std::io::Read::read_exact(&mut out, &mut first).expect("some output");
    drop(out);
    let mut err = child.stderr.take().expect("stderr");
    let code = wait_bounded(&mut child, Duration::from_secs(15));
    let mut e = String::new();
    let _ = std::io::Read::read_to_string(&mut err, &mut e);
    assert_eq!(code, 0, "stderr: {e}");
    assert!(e.is_empty(), "quiet: {e}");
}

#[test]
fn sigint_closes_and_exits_130() {
    let srv = ws_server(|mut ws, log| async move {
        while let Some(Ok(m)) = ws.next().await {
            if let Message::Close(c) = m {
                push(&log, format!("close:{:?}", c.map(|c| u16::from(c.code))));
            }
        }
    });
    let mut cmd = command(&[&srv.url("/")]);
    let mut child = cmd.spawn().expect("spawn");
    let _stdin = child.stdin.take();
    let (out, err) = collect(&mut child);
    srv.wait_for("connection", |l| l.starts_with("request:"));
    interrupt(child.id());
    let code = wait_bounded(&mut child, Duration::from_secs(10));
    let _ = out.join();
    let _ = err.join();
    assert_eq!(code, 130);
    srv.wait_for("close 1000", |l| l == "close:Some(1000)");
}

#[test]
fn connection_refused_and_usage_errors() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    drop(l);
    let r = run(&[&format!("ws://127.0.0.1:{port}/")], b"");
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("cannot connect to 127.0.0.1"),
        "{}",
        r.stderr
    );

    let r = run(&["http://example.com/"], b"");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("try ws://example.com/"), "{}", r.stderr);
    let r = run(&["https://example.com/x"], b"");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("try wss://example.com/x"), "{}", r.stderr);
    let r = run(&["-H", "no colon", "ws://127.0.0.1:1/"], b"");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("has no colon"), "{}", r.stderr);
}

#[test]
fn protocol_violation_closes_with_1002_and_exits_6() {
    let srv = raw_server(|mut tcp, log| async move {
        raw_accept(&mut tcp).await;
        tcp.write_all(&frame(0x83, b"reserved opcode"))
            .await
            .expect("write");
        if let Some(f) = read_until_close(&mut tcp).await {
            push(&log, format!("close:{:?}", f.close_code()));
        }
    });
    let r = run(&["-w", "5", &srv.url("/")], b"");
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(r.stderr.contains("reserved opcode 0x3"), "{}", r.stderr);
    srv.wait_for("close 1002", |l| l == "close:Some(1002)");
}

#[test]
fn timing_is_reported_monotonic_and_plausible() {
    let srv = ws_server(|mut ws, _| async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let _ = ws.send(Message::text("late")).await;
        while let Some(Ok(_)) = ws.next().await {}
    });
    let r = run(&["-v", "--timing", "-n", "1", &srv.url("/")], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let line = r
        .stderr
        .lines()
        .find(|l| l.starts_with("* timing: "))
        .unwrap_or_else(|| panic!("{}", r.stderr));
    for part in ["dns ", "connect ", "upgrade ", "first message ", "total "] {
        assert!(line.contains(part), "{line}");
    }
    assert!(r.stderr.contains("* first message "), "{}", r.stderr);

    let r = run(&["--jsonl", "--timing", "-n", "1", &srv.url("/")], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t: serde_json::Value = r
        .out()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json"))
        .find(|e| e["type"] == "timing")
        .expect("timing event");
    let f = |k: &str| t[k].as_f64().unwrap_or_else(|| panic!("{k} in {t}"));
    let (dns, tcp, up, first, total) = (
        f("dns_ms"),
        f("tcp_ms"),
        f("upgrade_ms"),
        f("first_message_ms"),
        f("total_ms"),
    );
    assert!(dns >= 0.0 && tcp >= 0.0 && up >= 0.0);
    assert!(
        first >= 40.0,
        "the server waited 50 ms before its first message: {first}"
    );
    assert!(
        dns + tcp + up + first <= total + 1.0,
        "parts fit in the total: {t}"
    );
    assert!(t["tls_ms"].is_null() && t["proxy_ms"].is_null());
}

#[test]
fn ping_interval_measures_rtt_and_ping_timeout_declares_a_dead_peer() {
    let srv = echo_server();
    let mut child = command(&["--jsonl", "--ping-interval", "0.1", &srv.url("/")])
        .spawn()
        .expect("spawn");
    let stdin = child.stdin.take();
    let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut err = child.stderr.take().expect("stderr");
    let err = std::thread::spawn(move || {
        let mut e = String::new();
        let _ = std::io::Read::read_to_string(&mut err, &mut e);
        e
    });
    // Three pongs, each with the round trip of its ping, however long they take to come.
    let mut rtts = 0;
    while rtts < 3 {
        let mut line = String::new();
        let n = std::io::BufRead::read_line(&mut out, &mut line).expect("stdout");
        assert!(n > 0, "wscope ended after {rtts} pongs");
        let e: serde_json::Value = serde_json::from_str(&line).expect("json");
        if e["type"] == "pong" && e["rtt_ms"].as_f64().is_some() {
            rtts += 1;
        }
    }
    drop(stdin);
    let rest = std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let code = wait_bounded(&mut child, RUN_LIMIT);
    assert_eq!(code, 0, "{}", err.join().expect("stderr"));
    let _ = rest.join();

    // A peer that reads but never answers pings.
    let mute = raw_server(|mut tcp, _| async move {
        raw_accept(&mut tcp).await;
        while read_client_frame(&mut tcp).await.is_some() {}
    });
    let r = run(
        &[
            "-w",
            "20",
            "--ping-interval",
            "0.2",
            "--ping-timeout",
            "0.5",
            "--close-timeout",
            "0.5",
            &mute.url("/"),
        ],
        b"",
    );
    assert_eq!(r.code, 9, "{}", r.stderr);
    assert!(
        r.stderr.contains("no pong from the peer within 0.5s"),
        "{}",
        r.stderr
    );
    // Declared dead long before -w 20 passes.
    assert!(r.took < PROMPTLY, "{:?}", r.took);
}

/// Sends the given binary messages, then closes.
fn binary_pusher(messages: &'static [&'static [u8]]) -> Server {
    ws_server(move |mut ws, _| async move {
        for m in messages {
            let _ = ws.send(Message::binary(m.to_vec())).await;
        }
        let _ = ws.close(None).await;
        while let Some(Ok(_)) = ws.next().await {}
    })
}

#[test]
fn binary_messages_keep_their_boundaries_in_every_output_mode() {
    const MESSAGES: &[&[u8]] = &[b"\x00\n\xff", b"", b"ab"];
    let cases: [(&[&str], &[u8]); 4] = [
        (&[], b"\x00\n\xff\n\nab\n"),
        (&["--binary-output", "hex"], b"000aff\n\n6162\n"),
        (&["--binary-output", "base64"], b"AAr/\n\nYWI=\n"),
        (&["-0"], b"\x00\n\xff\x00\x00ab\x00"),
    ];
    for (flags, want) in cases {
        let srv = binary_pusher(MESSAGES);
        let url = srv.url("/");
        let mut args = flags.to_vec();
        args.push(&url);
        let r = run(&args, b"");
        assert_eq!(r.code, 0, "{flags:?}: {}", r.stderr);
        assert_eq!(r.stdout, want, "{flags:?}");
    }
}

#[test]
fn nul_separated_input_keeps_newlines_inside_messages() {
    let srv = echo_server();
    let r = run(&["-0", &srv.url("/")], b"line one\nline two\0second\0");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, b"line one\nline two\0second\0");
    let log = srv.log();
    assert!(
        log.contains(&"text:line one\nline two".to_string()),
        "{log:?}"
    );
}

#[test]
fn jsonl_records_both_directions() {
    let srv = echo_server();
    let r = run(&["--jsonl", &srv.url("/")], b"ping 1\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let messages: Vec<serde_json::Value> = r
        .out()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json"))
        .filter(|e| e["type"] == "message")
        .collect();
    assert_eq!(messages.len(), 2, "{}", r.out());
    assert_eq!(messages[0]["dir"], "out");
    assert_eq!(messages[0]["data"], "ping 1");
    assert_eq!(messages[1]["dir"], "in");
    assert_eq!(messages[1]["data"], "ping 1");
}

#[test]
fn input_framings_cut_stdin_into_messages() {
    let cases: [(&[&str], &[u8], &[&str]); 4] = [
        (&["--input", "lines"], b"a\r\nb\n", &["text:a", "text:b"]),
        (&["--input", "nul"], b"a\nb\0c", &["text:a\nb", "text:c"]),
        (&["--input", "whole"], b"a\nb\n", &["text:a\nb\n"]),
        (
            &["--input", "json"],
            b"{\n  \"op\": \"sub\",\n  \"args\": [1, 2]\n}\n[\"x\"] 42\n",
            &[
                "text:{\"op\":\"sub\",\"args\":[1,2]}",
                "text:[\"x\"]",
                "text:42",
            ],
        ),
    ];
    for (flags, input, sent) in cases {
        let srv = echo_server();
        let url = srv.url("/");
        let mut args = flags.to_vec();
        args.push(&url);
        let r = run(&args, input);
        assert_eq!(r.code, 0, "{flags:?}: {}", r.stderr);
        let log: Vec<String> = srv.texts();
        assert_eq!(log, sent, "{flags:?}");
    }
}

#[test]
fn a_json_syntax_error_stops_the_input_after_the_values_before_it() {
    let srv = echo_server();
    let input = b"{\"n\": 1}\n{\"n\": 2}\n{\"n\": 3,, }\n{\"n\": 4}\n";
    let r = run(&["--input", "json", &srv.url("/")], input);
    assert_eq!(r.code, 10, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("stdin is not valid JSON at line 3, column 9"),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.out(),
        "{\"n\":1}\n{\"n\":2}\n",
        "the replies to the values before it"
    );
    let log = srv.log();
    assert!(log.contains(&"text:{\"n\":2}".to_string()), "{log:?}");
    assert!(
        !log.iter()
            .any(|l| l.contains("\"n\":3") || l.contains("\"n\":4")),
        "{log:?}"
    );
}
