//! `--proto socketio` against servers that break the protocol (in-process, so each fault is
//! exact): pings that stop, a malformed packet, a server that is not Socket.IO, one that never
//! says anything. Each gets a clear message and its exit status; nothing received is lost.

use crate::support::*;
use futures_util::{SinkExt, StreamExt};

/// An open packet: the server pings every 100 ms (it says), and waits 100 ms for the answer.
const QUICK: &str =
    r#"0{"sid":"fake","upgrades":[],"pingInterval":100,"pingTimeout":100,"maxPayload":1000}"#;
/// An open packet with the default heartbeat.
const SLOW: &str = r#"0{"sid":"fake","upgrades":[],"pingInterval":25000,"pingTimeout":20000}"#;

/// A Socket.IO server that sends `open`, answers the CONNECT for `/`, sends `then`, logs what
/// it receives and echoes events; it never pings.
fn fake(open: &'static str, then: &'static [&'static str]) -> Server {
    ws_server(move |mut ws, log| async move {
        if ws.send(Message::text(open)).await.is_err() {
            return;
        }
        while let Some(Ok(m)) = ws.next().await {
            let Message::Text(t) = m else { continue };
            push(&log, format!("text:{}", t.as_str()));
            if t.as_str() == "40" {
                let _ = ws.send(Message::text(r#"40{"sid":"s"}"#)).await;
                for m in then {
                    let _ = ws.send(Message::text(*m)).await;
                }
            } else if t.starts_with("42") {
                let _ = ws.send(Message::Text(t)).await;
            }
        }
    })
}

#[test]
fn pings_that_stop_end_the_run_with_a_timeout() {
    let srv = fake(QUICK, &[r#"42["hello"]"#]);
    let r = run(&["--proto", "socketio", &srv.url("/")], b"");
    assert_eq!(r.code, 9, "{}", r.stderr);
    assert_eq!(r.out(), "[\"hello\"]\n");
    assert!(
        r.stderr
            .contains("the Socket.IO server stopped pinging: nothing for 0.2s"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_malformed_packet_is_said_and_skipped() {
    let srv = fake(SLOW, &[r#"42["chat","x""#, "9", r#"42["after"]"#, "2"]);
    let r = run(&["--proto", "socketio", "-n", "1", &srv.url("/")], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "[\"after\"]\n");
    assert!(
        r.stderr
            .contains("skipped a message from the server that is not valid Socket.IO"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains(r#": 42["chat","x""#), "{}", r.stderr);
    assert!(
        r.stderr.contains("is not an Engine.IO packet type"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_server_that_is_not_socket_io_is_said_to_be_so() {
    let srv = ws_server(|mut ws, _| async move {
        let _ = ws.send(Message::text("hello, I am a chat server")).await;
        while let Some(Ok(_)) = ws.next().await {}
    });
    let r = run(&["--proto", "socketio", &srv.url("/")], b"[\"x\"]\n");
    assert_eq!(r.code, 16, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "does not speak Socket.IO: its first message is not an Engine.IO open packet"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("hello, I am a chat server"),
        "{}",
        r.stderr
    );
    assert!(!srv.texts().iter().any(|t| t.contains('x')), "nothing sent");

    let silent = echo_server();
    let args = ["--proto", "socketio", "--handshake-timeout", "0.3"];
    let r = run(
        &[&args[..], &[silent.url("/").as_str()]].concat(),
        b"[\"x\"]\n",
    );
    assert_eq!(r.code, 9, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("Socket.IO: the server's Engine.IO open packet did not come within 0.3s"),
        "{}",
        r.stderr
    );
    assert!(silent.texts().is_empty(), "{:?}", silent.texts());
}

#[test]
fn a_coproc_speaks_through_the_protocol() {
    let srv = fake(SLOW, &[]);
    let program = "echo '[\"from\",\"program\"]'; read reply; echo \"got $reply\" >&2";
    let r = run(
        &["--proto", "socketio", "--coproc", program, &srv.url("/")],
        b"",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(r#"got ["from","program"]"#),
        "{}",
        r.stderr
    );
    srv.wait_for("the emit", |l| l == r#"text:42["from","program"]"#);
}

#[test]
fn a_lost_connection_reconnects_with_a_new_handshake_and_sends_its_emits_again() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let connections = Arc::new(AtomicUsize::new(0));
    let srv = ws_server(move |mut ws, log| {
        let first = connections.fetch_add(1, Ordering::SeqCst) == 0;
        async move {
            let _ = ws.send(Message::text(SLOW)).await;
            while let Some(Ok(m)) = ws.next().await {
                let Message::Text(t) = m else { continue };
                push(&log, format!("text:{}", t.as_str()));
                if t.as_str() == "40" {
                    let _ = ws.send(Message::text(r#"40{"sid":"s"}"#)).await;
                } else if first {
                    // Gone without a Close: the emit may be lost.
                    return;
                } else if t.starts_with("42") {
                    let _ = ws.send(Message::Text(t)).await;
                }
            }
        }
    });
    let args = [
        "--proto",
        "socketio",
        "--reconnect",
        "-n",
        "1",
        &srv.url("/"),
    ];
    let r = run(&args, b"[\"chat\",\"again\"]\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.out(), "[\"chat\",\"again\"]\n");
    let sent = srv.texts();
    let connects = sent.iter().filter(|t| *t == "text:40").count();
    assert_eq!(connects, 2, "a CONNECT on each connection: {sent:?}");
    let emits = sent.iter().filter(|t| t.contains("again")).count();
    assert_eq!(emits, 2, "sent again after the new handshake: {sent:?}");
}
