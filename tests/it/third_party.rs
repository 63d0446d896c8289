//! The servers users actually run (tests/peers/: Python websockets, uvicorn on websockets and on
//! wsproto, aiohttp, Node ws): every behaviour of the harness, on all five at once, seen from the
//! real wscope binary and from the server's own event log.

use crate::peers::{Impl, Peer, on_every_impl};
use crate::support::run;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// The value of request header `name` (lower case) in an `open` or `rejected` event.
fn header<'a>(event: &'a Value, name: &str) -> Option<&'a str> {
    event["headers"]
        .as_array()?
        .iter()
        .find(|pair| pair[0] == name)
        .and_then(|pair| pair[1].as_str())
}

/// Sends an upgrade request for `path` with `extra` header lines by hand; returns the response head.
fn raw_upgrade(port: u16, path: &str, extra: &str) -> String {
    let mut tcp = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    tcp.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n\
         Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
         Sec-WebSocket-Version: 13\r\n{extra}\r\n"
    );
    tcp.write_all(request.as_bytes()).expect("write");
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && tcp.read(&mut byte).expect("read (10 s bound)") == 1 {
        head.push(byte[0]);
    }
    String::from_utf8_lossy(&head).into_owned()
}

#[test]
fn echo_returns_text_and_binary_and_the_server_logs_both() {
    on_every_impl(|imp| {
        let peer = Peer::start(imp, true);
        let url = peer.url("/echo?from=test");
        let r = run(
            &["-n", "1", "-e", "héllo ✓", "-H", "X-Peer-Test: yes", &url],
            b"",
        );
        assert_eq!((r.code, r.out().as_str()), (0, "héllo ✓\n"), "{}", r.stderr);
        let open = peer.wait_event("open");
        assert_eq!(open["path"], "/echo?from=test");
        assert_eq!(header(&open, "x-peer-test"), Some("yes"), "{open}");
        assert_eq!(open["subprotocol"], Value::Null);
        let text = json!({"event": "message", "type": "text", "length": 10, "text": "héllo ✓"});
        assert_eq!(peer.wait_event("message"), text);
        assert_eq!(peer.wait_event("close")["code"], 1000);

        let r = run(&["-b", "-n", "1", &peer.url("/echo")], b"\x00\xffbin\n");
        assert_eq!(
            (r.code, r.stdout.as_slice()),
            (0, &b"\x00\xffbin\n"[..]),
            "{}",
            r.stderr
        );
        let binary = peer.wait_for("binary message", |e| e["type"] == "binary");
        assert_eq!(binary["length"], 5);
        assert_eq!(binary["base64"], "AP9iaW4=");
    });
}

#[test]
fn forbidden_refuses_with_403_and_a_json_body_and_unknown_paths_with_404() {
    on_every_impl(|imp| {
        let peer = Peer::start(imp, true);
        let r = run(&["-e", "x", &peer.url("/forbidden")], b"");
        assert_eq!(r.code, 5, "{}", r.stderr);
        assert!(r.stderr.contains("403"), "{}", r.stderr);
        assert!(
            r.stderr
                .contains(r#"{"error":"forbidden","detail":"origin not allowed"}"#),
            "no JSON body in: {}",
            r.stderr
        );
        let rejected = peer.wait_event("rejected");
        assert_eq!(
            (&rejected["path"], &rejected["status"]),
            (&json!("/forbidden"), &json!(403))
        );

        let r = run(&["-e", "x", &peer.url("/nowhere")], b"");
        assert_eq!(r.code, 5, "{}", r.stderr);
        peer.wait_for("404", |e| e["event"] == "rejected" && e["status"] == 404);
        assert!(peer.events().iter().all(|e| e["event"] != "open"));
    });
}

#[test]
fn chat_selects_the_offered_chat_protocol() {
    on_every_impl(|imp| {
        let peer = Peer::start(imp, true);
        let r = run(
            &[
                "-s",
                "other",
                "-s",
                "chat",
                "-n",
                "1",
                "-e",
                "x",
                &peer.url("/chat"),
            ],
            b"",
        );
        assert_eq!((r.code, r.out().as_str()), (0, "x\n"), "{}", r.stderr);
        let open = peer.wait_event("open");
        assert_eq!(open["subprotocol"], "chat");
        assert_eq!(open["offered"], json!(["other", "chat"]));
    });
}

#[test]
fn subprotocol_path_selects_none_even_when_one_is_offered() {
    on_every_impl(|imp| {
        let peer = Peer::start(imp, true);
        let r = run(
            &[
                "-s",
                "chat",
                "-n",
                "1",
                "-e",
                "x",
                &peer.url("/subprotocol"),
            ],
            b"",
        );
        assert_eq!((r.code, r.out().as_str()), (0, "x\n"), "{}", r.stderr);
        let open = peer.wait_event("open");
        assert_eq!(open["offered"], json!(["chat"]));
        assert_eq!(open["subprotocol"], Value::Null);
    });
}

#[test]
fn close_path_closes_on_the_first_message_with_the_code_and_reason_asked() {
    on_every_impl(|imp| {
        let peer = Peer::start(imp, true);
        let url = peer.url("/close?code=4001&reason=go%20away");
        let r = run(&["-n", "1", "-e", "x", &url], b"");
        assert_eq!(r.code, 8, "{}", r.stderr);
        assert!(
            r.stderr.contains("4001") && r.stderr.contains("go away"),
            "{}",
            r.stderr
        );
        assert_eq!(peer.wait_event("message")["text"], "x");
        let closing = peer.wait_event("server_close");
        assert_eq!(
            (&closing["code"], &closing["reason"]),
            (&json!(4001), &json!("go away"))
        );
    });
}

#[test]
fn echo_close_path_echoes_then_closes_with_the_defaults() {
    on_every_impl(|imp| {
        let peer = Peer::start(imp, true);
        let r = run(&["-n", "1", "-e", "hi", &peer.url("/echo-close")], b"");
        assert_eq!((r.code, r.out().as_str()), (0, "hi\n"), "{}", r.stderr);
        assert_eq!(peer.wait_event("message")["text"], "hi");
        let closing = peer.wait_event("server_close");
        assert_eq!(
            (&closing["code"], &closing["reason"]),
            (&json!(1000), &json!("done"))
        );
    });
}

#[test]
fn stream_pushes_numbered_messages_without_reading() {
    on_every_impl(|imp| {
        let peer = Peer::start(imp, true);
        let url = peer.url("/stream?interval_ms=10");
        let r = run(&["-n", "3", "--close-timeout", "1", &url], b"");
        // aiohttp hands a Close only to a handler that reads: a push-only one never answers it.
        // The others answer it by themselves. Either way -n 3 got what it asked for.
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(r.out(), "msg 1\nmsg 2\nmsg 3\n");
        let unanswered = r.stderr.contains("did not answer our Close");
        assert_eq!(unanswered, imp == Impl::Aiohttp, "{}", r.stderr);
        assert_eq!(peer.wait_event("open")["path"], "/stream?interval_ms=10");
        assert_eq!(peer.wait_event("close")["code"], 1000);
        assert!(peer.events().iter().all(|e| e["event"] != "message"));
    });
}

#[test]
fn subscribe_ticks_after_the_first_message_and_notices_the_close() {
    on_every_impl(|imp| {
        let peer = Peer::start(imp, true);
        let url = peer.url("/subscribe?interval_ms=10");
        let r = run(&["-n", "2", "-e", "sub", &url], b"");
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.out().starts_with("tick 1\ntick 2\n"), "{}", r.out());
        assert_eq!(peer.wait_event("message")["text"], "sub");
        assert_eq!(peer.wait_event("close")["code"], 1000);
    });
}

#[test]
fn deflate_flag_decides_whether_permessage_deflate_is_negotiated() {
    on_every_impl(|imp| {
        let peers = [Peer::start(imp, true), Peer::start(imp, false)];
        for (peer, deflate) in peers.iter().zip([true, false]) {
            let offer = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n";
            let head = raw_upgrade(peer.port, "/echo", offer);
            assert!(head.starts_with("HTTP/1.1 101"), "{head}");
            let accepted = head.lines().any(|l| {
                l.to_ascii_lowercase()
                    .starts_with("sec-websocket-extensions: permessage-deflate")
            });
            assert_eq!(accepted, deflate, "deflate {deflate}: {head}");
            let names = if deflate {
                json!(["permessage-deflate"])
            } else {
                json!([])
            };
            assert_eq!(peer.wait_event("open")["extensions"], names);
        }
    });
}

#[test]
fn a_dropped_peer_leaves_no_process_behind() {
    on_every_impl(|imp| {
        let peer = Peer::start(imp, true);
        let proc_dir = format!("/proc/{}", peer.pid());
        assert!(std::path::Path::new(&proc_dir).exists());
        eprintln!(
            "{}: port printed {:?} after spawn",
            imp.name(),
            peer.started_in
        );
        drop(peer);
        assert!(
            !std::path::Path::new(&proc_dir).exists(),
            "{proc_dir} still there"
        );
    });
}
