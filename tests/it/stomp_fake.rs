//! `--proto stomp` against scripted servers, for what a real broker does not send: frames cut
//! anywhere, several in one message, bodies with NULs, escaped headers, bad frames (without
//! their NUL, with a bad header, over the limit), heart-beats that stop, a DISCONNECT that is
//! never answered, SockJS endpoints; and the options' usage errors.

use crate::support::*;
use futures_util::{SinkExt, StreamExt};
use tokio::io::AsyncWriteExt;

const CONNECTED: &str = "CONNECTED\nversion:1.2\nserver:fake/1\n\n\0";

/// A STOMP server: logs what it receives as `text:…`, answers CONNECT with `connected`, sends
/// `script` once the first SUBSCRIBE came, and answers DISCONNECT with its RECEIPT when
/// `receipt`.
fn fake_broker(connected: &'static str, script: &'static [&'static str], receipt: bool) -> Server {
    ws_server(move |mut ws, log| async move {
        let mut sent = false;
        while let Some(Ok(m)) = ws.next().await {
            let Message::Text(t) = m else {
                continue;
            };
            push(&log, format!("text:{}", t.as_str()));
            if t.starts_with("CONNECT\n") {
                let _ = ws.send(Message::text(connected)).await;
            }
            if t.starts_with("SUBSCRIBE\n") && !sent {
                sent = true;
                for m in script {
                    let _ = ws.send(Message::text(*m)).await;
                }
            }
            if t.starts_with("DISCONNECT\n") && receipt {
                let _ = ws
                    .send(Message::text("RECEIPT\nreceipt-id:wscope-disconnect\n\n\0"))
                    .await;
            }
        }
    })
}

fn lines(r: &Run) -> Vec<String> {
    r.out().lines().map(str::to_string).collect()
}

#[test]
fn frames_in_any_cut_and_bad_ones_cost_only_themselves() {
    const BIG: &str = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
    static SCRIPT: &[&str] = &[
        "MESSAGE\nsubscription:0\ncontent-length:3\n\na\0b\0",
        "MESSAGE\nsubscription:0\nx-key:a\\cb\\\\c\n",
        "\nsplit body\0\n",
        "MESSAGE\nsubscription:0\n\none\0MESSAGE\nsubscription:0\n\ntwo\0",
        "MESSAGE\nbad header line\n\nlost\0MESSAGE\nsubscription:0\n\nafter a bad header\0",
        "MESSAGE\nsubscription:0\n\nno nul",
        "MESSAGE\nsubscription:0\n\nafter no nul\0",
        "MESSAGE\nsubscription:0\n\n",
        BIG,
        BIG,
        "\0MESSAGE\nsubscription:0\n\nafter a large one\0",
    ];
    let srv = fake_broker(CONNECTED, SCRIPT, true);
    let args = [
        "--proto",
        "stomp",
        "--subscribe",
        "/q:x",
        "--destination",
        "/q:x",
        "--max-message-size",
        "200",
        "-n",
        "8",
        &srv.url("/ws"),
    ];
    let r = run(&args, b"n\0l\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        lines(&r),
        [
            "\"a\\u0000b\"",
            "split body",
            "one",
            "two",
            "after a bad header",
            "no nul",
            "after no nul",
            "after a large one"
        ]
    );
    // (The scripted server selects no subprotocol, which is said too.)
    let warnings: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| !l.contains("selected none of the offered subprotocols"))
        .collect();
    assert_eq!(warnings.len(), 3, "{}", r.stderr);
    assert!(
        warnings[0].contains("line 2 of the frame is not a header"),
        "{}",
        r.stderr
    );
    assert!(
        warnings[1].contains("did not end with the NUL"),
        "{}",
        r.stderr
    );
    assert!(
        warnings[2].contains("within the body limit of 200 bytes"),
        "{}",
        r.stderr
    );
    let texts = srv.texts();
    // Escaped headers out; a body with a NUL gets its content-length.
    assert!(
        texts.contains(&"text:SUBSCRIBE\nid:0\ndestination:/q\\cx\nack:auto\n\n\0".into()),
        "{texts:?}"
    );
    assert!(
        texts.contains(&"text:SEND\ndestination:/q\\cx\ncontent-length:3\n\nn\0l\0".into()),
        "{texts:?}"
    );
    assert_eq!(
        texts.last().map(String::as_str),
        Some("text:DISCONNECT\nreceipt:wscope-disconnect\n\n\0")
    );
}

#[test]
fn escaped_headers_come_in_unescaped() {
    static SCRIPT: &[&str] = &["MESSAGE\nsubscription:0\nx-key:a\\cb\\\\c\\nd\n\nbody\0"];
    let srv = fake_broker(CONNECTED, SCRIPT, true);
    let args = [
        "--proto",
        "stomp",
        "--subscribe",
        "/q",
        "-n",
        "1",
        "--jsonl",
        &srv.url("/"),
    ];
    let r = run(&args, b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let app = r
        .out()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json"))
        .find(|l| l["app"][0]["kind"] == "message")
        .expect("the MESSAGE")["app"][0]
        .clone();
    assert_eq!(app["headers"]["x-key"], "a:b\\c\nd");
}

#[test]
fn heart_beats_that_stop_end_the_run() {
    let srv = fake_broker(
        "CONNECTED\nversion:1.2\nheart-beat:500,500\n\n\0",
        &[],
        true,
    );
    let args = [
        "--proto",
        "stomp",
        "--heartbeat",
        "1",
        "-w",
        "60",
        &srv.url("/"),
    ];
    let r = run(&args, b"");
    assert_eq!(r.code, 9, "{}", r.stderr);
    // The silence it names is as long as it was: two agreed beats at least (more on a busy
    // machine, where the check runs late).
    let silence: f64 = r
        .stderr
        .split("the STOMP server's heart-beats stopped: nothing for ")
        .nth(1)
        .and_then(|rest| rest.split_once("s (it agreed to send one every 1.0s)"))
        .and_then(|(secs, _)| secs.parse().ok())
        .unwrap_or_else(|| panic!("{}", r.stderr));
    assert!(silence >= 2.0, "{}", r.stderr);
    let texts = srv.texts();
    assert!(texts[0].contains("heart-beat:1000,1000"), "{texts:?}");
}

#[test]
fn a_disconnect_never_answered_is_waited_for_within_the_close_timeout() {
    let srv = fake_broker(CONNECTED, &[], false);
    let args = [
        "--proto",
        "stomp",
        "--destination",
        "/q",
        "--idle",
        "0",
        "--close-timeout",
        "1",
        &srv.url("/"),
    ];
    let r = run(&args, b"hi\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "wscope: warning: the RECEIPT for DISCONNECT did not come within 1.0s (--close-timeout): closing without it"
        ),
        "{}",
        r.stderr
    );
    // The DISCONNECT went out before the Close.
    srv.wait_for("the DISCONNECT", |l| l.starts_with("text:DISCONNECT\n"));
}

#[test]
fn a_sockjs_endpoint_is_named_for_what_it_is() {
    let srv = ws_server(|mut ws, _| async move {
        let _ = ws.send(Message::text("o")).await;
        while let Some(Ok(_)) = ws.next().await {}
    });
    let r = run(
        &["--proto", "stomp", &srv.url("/stomp/1/abc/websocket")],
        b"",
    );
    assert_eq!(r.code, 16, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("the server speaks SockJS, not bare STOMP"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("hint: this is a SockJS session"),
        "{}",
        r.stderr
    );
    let r = run(&["-w", "0", &srv.url("/stomp/1/abc/websocket")], b"");
    assert!(
        r.stderr
            .contains("wscope: warning: this server speaks SockJS"),
        "{}",
        r.stderr
    );
    // The endpoint itself answers a GET with its greeting.
    let srv = raw_server(|mut tcp, _| async move {
        read_head(&mut tcp).await;
        let answer = "HTTP/1.1 200 OK\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: 19\r\n\r\nWelcome to SockJS!\n";
        let _ = tcp.write_all(answer.as_bytes()).await;
    });
    let r = run(&[&srv.url("/stomp")], b"");
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("hint: this is a SockJS endpoint: its raw WebSocket is at /stomp/websocket"),
        "{}",
        r.stderr
    );
}

#[test]
fn stomp_options_belong_to_stomp() {
    let cases: [(&[&str], &str); 5] = [
        (
            &["--subscribe", "/q"],
            "--subscribe is a STOMP option: it goes with --proto stomp",
        ),
        (&["--ack", "client"], "--ack is a STOMP option"),
        (
            &["--proto", "socketio", "--stomp-host", "/"],
            "--stomp-host is a STOMP option",
        ),
        (
            &[
                "--proto",
                "stomp",
                "--heartbeat",
                "1",
                "--heartbeat-message",
                "x",
            ],
            "--heartbeat-message does not go with --proto stomp",
        ),
        (
            &["--heartbeat", "5"],
            "--heartbeat needs --heartbeat-message MSG",
        ),
    ];
    for (args, says) in cases {
        let mut all = args.to_vec();
        all.push("ws://127.0.0.1:9/");
        let r = run(&all, b"");
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(says), "{args:?}: {}", r.stderr);
    }
}
