//! Automation end to end: the application-level heartbeat, auto-reply rules (literal and jq,
//! and their bound when a server answers them back), record and replay.

use crate::support::*;
use futures_util::{SinkExt, StreamExt};
use std::time::Duration;

#[test]
fn the_heartbeat_is_sent_every_period_and_quietly() {
    // A server that only listens: nothing it does restarts the idle window after our input.
    let srv = ws_server(|mut ws, log| async move {
        while let Some(Ok(m)) = ws.next().await {
            if let Message::Text(t) = m {
                push(&log, format!("text:{}", t.as_str()));
            }
        }
    });
    let beat = r#"text:{"op":"ping"}"#;
    let beats = |srv: &Server| srv.texts().iter().filter(|l| *l == beat).count();
    let started = std::time::Instant::now();
    let mut child = command(&[
        "--heartbeat",
        "0.2",
        "--heartbeat-message",
        r#"{"op":"ping"}"#,
        &srv.url("/"),
    ])
    .spawn()
    .expect("spawn");
    let stdin = child.stdin.take();
    let (_out, err) = collect(&mut child);
    // Three heartbeats arrive while the session lasts, however slowly the machine runs...
    let end = std::time::Instant::now() + PROMPTLY;
    while beats(&srv) < 3 {
        assert!(std::time::Instant::now() < end, "{:?}", srv.log());
        std::thread::sleep(Duration::from_millis(10));
    }
    drop(stdin);
    let code = wait_bounded(&mut child, RUN_LIMIT);
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&err.join().expect("stderr")).into_owned();
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.is_empty(), "quiet: {stderr}");
    // ...and never more often than every 0.2 s of wscope's own clock, which ran for less
    // than the time this test measured around it.
    let most = (took.as_secs_f64() / 0.2).floor() as usize;
    assert!(
        beats(&srv) <= most,
        "{} heartbeats in {took:?}",
        beats(&srv)
    );
}

#[test]
fn auto_replies_answer_literal_and_jq_matches() {
    let srv = ws_server(|mut ws, log| async move {
        for m in [r#"{"type":"ping","n":7}"#, "hello", r#"{"type":"trade"}"#] {
            let _ = ws.send(Message::text(m)).await;
        }
        while let Some(Ok(m)) = ws.next().await {
            if let Message::Text(t) = m {
                push(&log, format!("text:{}", t.as_str()));
            }
        }
    });
    let r = run(
        &[
            "--reply",
            "hello=>hi back",
            "--reply",
            r#"select(.type == "ping")=>{"type":"pong"}"#,
            "-v",
            &srv.url("/"),
        ],
        b"",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    srv.wait_for("the literal reply", |l| l == "text:hi back");
    srv.wait_for("the jq reply", |l| l == r#"text:{"type":"pong"}"#);
    let replies = srv.texts().len();
    assert_eq!(replies, 2, "nothing answers the trade: {:?}", srv.log());
    assert!(
        r.stderr.contains("auto-reply (rule 1): hi back"),
        "{}",
        r.stderr
    );
}

#[test]
fn reply_prefixes_make_any_literal_expressible_and_jq_explicit() {
    let srv = ws_server(|mut ws, log| async move {
        for m in [".ping", r#"{"type":"ping"}"#, "a=>b", "select(.x)"] {
            let _ = ws.send(Message::text(m)).await;
        }
        while let Some(Ok(m)) = ws.next().await {
            if let Message::Text(t) = m {
                push(&log, format!("text:{}", t.as_str()));
            }
        }
    });
    let r = run(
        &[
            "--reply",
            "text:.ping=>a literal dot",
            "--reply",
            r#"jq:select(.type == "ping")=>a jq match"#,
            "--reply",
            r"text:a\=>b=>an arrow",
            "--reply",
            "text:select(.x)=>not jq",
            &srv.url("/"),
        ],
        b"",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    for reply in ["a literal dot", "a jq match", "an arrow", "not jq"] {
        srv.wait_for(reply, |l| l == format!("text:{reply}"));
    }
    assert_eq!(srv.texts().len(), 4, "one reply each: {:?}", srv.log());
}

#[test]
fn a_rule_that_a_server_answers_back_is_bounded() {
    // The echo server sends every reply back, which matches the rule again: a loop.
    let srv = echo_server();
    let r = run(
        &["-e", "x", "--reply", "x=>x", "-w", "2", &srv.url("/")],
        b"",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sent = srv.log().iter().filter(|l| *l == "text:x").count();
    // The limit was reached: the message and the burst of 20 replies went out.
    assert!(
        r.stderr.contains("fires more than 20 times a second"),
        "{}",
        r.stderr
    );
    assert!(sent >= 21, "{sent} messages");
    // Then 20 a second of wscope's clock at most, which ran no longer than the run measured
    // here: far from what a loop would send, whatever the load.
    let most = 21 + 20 * r.took.as_secs_f64().ceil() as usize;
    assert!(sent <= most, "{sent} messages in {:?}", r.took);
    assert!(r.took < PROMPTLY, "-w 2 ends it: {:?}", r.took);
}
