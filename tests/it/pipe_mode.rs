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
    let lens: Vec<usize> = srv
        .log()
        .iter()
        .filter(|l| l.starts_with("text:"))
        .map(|l| l.len() - 5)
        .collect();
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
    // The server waits before accepting the upgrade; stdin is complete and closed long before.
    let srv = raw_server(|mut tcp, log| async move {
        tokio::time::sleep(Duration::from_millis(400)).await;
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
    });
    let r = run(&[&srv.url("/")], b"one\ntwo\nthree\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "one\ntwo\nthree\n");
    assert_eq!(srv.log(), vec!["one", "two", "three", "close"]);
}

#[test]
fn handshake_options_reach_the_server() {
    let srv = ws_server(|mut ws, _| async move { while let Some(Ok(_)) = ws.next().await {} });
    let r = run(
        &[
            "-H",
            "X-Trace-Id: abc 123",
            "-H",
            "X-Empty:",
            "-s",
            "chat.v2",
            "-s",
            "json",
            "--origin",
            "https://app.example",
            "-u",
            "alice:s3cret",
            &srv.url("/path?q=1&r=%20x"),
        ],
        b"",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let req = srv.wait_for("request", |l| l.starts_with("request:"));
    assert!(req.starts_with("request: GET /path?q=1&r=%20x\n"), "{req}");
    assert!(req.contains("x-trace-id: abc 123\n"), "{req}");
    assert!(req.contains("x-empty: \n"), "{req}");
    assert!(
        req.contains("sec-websocket-protocol: chat.v2, json\n"),
        "{req}"
    );
    assert!(req.contains("origin: https://app.example\n"), "{req}");
    // base64("alice:s3cret")
    assert!(
        req.contains("authorization: Basic YWxpY2U6czNjcmV0\n"),
        "{req}"
    );
    assert!(
        req.contains(&format!(
            "user-agent: wscope/{}\n",
            env!("CARGO_PKG_VERSION")
        )),
        "{req}"
    );
}

#[test]
fn credentials_in_the_url_become_basic_auth_and_are_masked_when_shown() {
    let srv = echo_server();
    let url = format!("ws://bob:pa%3Ass@{}/", srv.addr);
    let r = run(&["-v", &url], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let req = srv.wait_for("request", |l| l.starts_with("request:"));
    assert!(req.contains("authorization: Basic Ym9iOnBhOnNz\n"), "{req}");
    assert!(
        r.stderr.contains("> Authorization: Basic ****"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("Ym9iOnBhOnNz"),
        "credentials leaked: {}",
        r.stderr
    );
    let r = run(&["-v", "--show-credentials", &url], b"");
    assert!(
        r.stderr.contains("> Authorization: Basic Ym9iOnBhOnNz"),
        "{}",
        r.stderr
    );
}

#[test]
fn verbose_shows_request_and_response_verbatim() {
    let srv = raw_server(|mut tcp, _| async move {
        let head = read_head(&mut tcp).await;
        let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(
            request_key(&head).as_bytes(),
        );
        let resp = format!(
            "HTTP/1.1 101 Switching Protocols\r\nX-Served-By: Raw-Test\r\nupgrade: WebSocket\r\nCONNECTION: upgrade\r\nSec-WebSocket-Accept: {accept}\r\nSet-Cookie: a=b\r\n\r\n"
        );
        tcp.write_all(resp.as_bytes()).await.expect("write");
        if read_until_close(&mut tcp).await.is_some() {
            let _ = tcp.write_all(&frame(0x88, &[0x03, 0xe8])).await;
        }
    });
    let r = run(&["-v", "-H", "X-Mixed-Case: Value", &srv.url("/v")], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let e = &r.stderr;
    let expected_req = [
        "> GET /v HTTP/1.1",
        &format!("> Host: {}", srv.addr),
        "> Upgrade: websocket",
        "> Connection: Upgrade",
        "> Sec-WebSocket-Version: 13",
        "> X-Mixed-Case: Value",
    ];
    let mut pos = 0;
    for line in expected_req {
        let at = e[pos..]
            .find(line)
            .unwrap_or_else(|| panic!("missing or out of order: {line}\n{e}"));
        pos += at + line.len();
    }
    let expected_resp = [
        "< HTTP/1.1 101 Switching Protocols",
        "< X-Served-By: Raw-Test",
        "< upgrade: WebSocket",
        "< CONNECTION: upgrade",
        "< Sec-WebSocket-Accept: ",
        "< Set-Cookie: a=b",
    ];
    for line in expected_resp {
        let at = e[pos..]
            .find(line)
            .unwrap_or_else(|| panic!("missing or out of order: {line}\n{e}"));
        pos += at + line.len();
    }
    assert!(e.contains("dns "), "timings shown: {e}");
    assert!(e.contains("tcp "), "timings shown: {e}");
    assert!(e.contains("Upgrade answered in "), "timings shown: {e}");
    assert!(r.stdout.is_empty());
}

#[test]
fn rejected_handshake_shows_status_headers_and_body() {
    let srv = raw_server(|mut tcp, _| async move {
        read_head(&mut tcp).await;
        let body = "{\"error\":\"token expired\"}";
        let resp = format!(
            "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm=\"api\"\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        tcp.write_all(resp.as_bytes()).await.expect("write");
        tokio::time::sleep(Duration::from_secs(5)).await;
    });
    let r = run(&[&srv.url("/")], b"");
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(
        r.stderr.contains("< HTTP/1.1 401 Unauthorized"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("< WWW-Authenticate: Bearer realm=\"api\""),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("{\"error\":\"token expired\"}"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("wscope: error: the server rejected the upgrade: 401 Unauthorized"),
        "{}",
        r.stderr
    );
    assert!(
        r.took < Duration::from_secs(4),
        "body read per Content-Length, not until close"
    );
}

#[test]
fn rejected_handshake_with_chunked_body() {
    let srv = raw_server(|mut tcp, _| async move {
        read_head(&mut tcp).await;
        tcp.write_all(b"HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\n7\r\norigin \r\n9\r\nforbidden\r\n0\r\n\r\n")
            .await
            .expect("write");
        tokio::time::sleep(Duration::from_secs(5)).await;
    });
    let r = run(&[&srv.url("/")], b"");
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("origin forbidden"), "{}", r.stderr);
    assert!(r.took < Duration::from_secs(4));
}

#[test]
fn wrong_accept_key_is_diagnosed() {
    let srv = raw_server(|mut tcp, _| async move {
        read_head(&mut tcp).await;
        tcp.write_all(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n")
            .await
            .expect("write");
        tokio::time::sleep(Duration::from_secs(2)).await;
    });
    let r = run(&[&srv.url("/")], b"hi\n");
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(
        r.stderr.contains("wrong Sec-WebSocket-Accept: expected '"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("received 'AAAAAAAAAAAAAAAAAAAAAAAAAAA='"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("< HTTP/1.1 101"),
        "the bad response is shown: {}",
        r.stderr
    );
}

#[test]
fn unoffered_subprotocol_is_diagnosed() {
    let srv = raw_server(|mut tcp, _| async move {
        let head = read_head(&mut tcp).await;
        let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(
            request_key(&head).as_bytes(),
        );
        let resp = format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n"
        );
        tcp.write_all(resp.as_bytes()).await.expect("write");
        tokio::time::sleep(Duration::from_secs(2)).await;
    });
    let r = run(&["-s", "chat", &srv.url("/")], b"");
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("subprotocol 'mqtt', which was not offered (offered: chat)"),
        "{}",
        r.stderr
    );
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
    std::thread::sleep(Duration::from_millis(100));
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
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
    let r = run(
        &[
            "--jsonl",
            "--ping-interval",
            "0.1",
            "-w",
            "0.55",
            &srv.url("/"),
        ],
        b"",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rtts = r
        .out()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json"))
        .filter(|e| e["type"] == "pong" && e["rtt_ms"].as_f64().is_some())
        .count();
    assert!(rtts >= 3, "a pong with its RTT per ping: {}", r.out());

    // A peer that reads but never answers pings.
    let mute = raw_server(|mut tcp, _| async move {
        raw_accept(&mut tcp).await;
        while read_client_frame(&mut tcp).await.is_some() {}
    });
    let r = run(
        &[
            "-w",
            "10",
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
    assert!(r.took < Duration::from_secs(5), "{:?}", r.took);
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
fn a_declined_subprotocol_is_warned_about() {
    // tokio-tungstenite's server selects no subprotocol unless told to.
    let srv = echo_server();
    let r = run(&["-s", "chat", "-s", "json", &srv.url("/")], b"x\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "x\n");
    assert!(
        r.stderr.contains(
            "wscope: warning: the server selected none of the offered subprotocols (chat, json)"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn a_403_hint_says_what_the_request_had_and_lacked() {
    let srv = raw_server(|mut tcp, _| async move {
        read_head(&mut tcp).await;
        // No reason phrase, as some servers send it.
        let _ = tcp
            .write_all(b"HTTP/1.1 403 \r\nContent-Length: 0\r\n\r\n")
            .await;
        tokio::time::sleep(Duration::from_secs(5)).await;
    });
    let r = run(&["--origin", "https://app.example", &srv.url("/feed")], b"");
    assert_eq!(r.code, 5, "{}", r.stderr);
    let err = r
        .stderr
        .lines()
        .find(|l| l.starts_with("wscope: error:"))
        .expect("error line");
    assert_eq!(err, "wscope: error: the server rejected the upgrade: 403");
    let hint = r
        .stderr
        .lines()
        .find(|l| l.starts_with("hint:"))
        .expect("hint line");
    for said in [
        "not always about credentials",
        "path /feed",
        "sent Origin https://app.example",
        "offered no subprotocol",
        "sent no credentials",
    ] {
        assert!(hint.contains(said), "{said} missing from {hint}");
    }
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
        let log: Vec<String> = srv
            .log()
            .into_iter()
            .filter(|l| l.starts_with("text:"))
            .collect();
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
