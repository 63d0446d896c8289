//! Automation end to end: the application-level heartbeat, auto-reply rules (literal and jq,
//! and their bound when a server answers them back), record and replay.

use crate::support::*;
use futures_util::{SinkExt, StreamExt};
use std::time::Duration;

#[test]
fn the_heartbeat_is_sent_every_period_and_quietly() {
    let srv = echo_server();
    let r = run(
        &[
            "--heartbeat",
            "0.2",
            "--heartbeat-message",
            r#"{"op":"ping"}"#,
            "-w",
            "1.1",
            &srv.url("/"),
        ],
        b"",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let beats = srv
        .log()
        .iter()
        .filter(|l| *l == r#"text:{"op":"ping"}"#)
        .count();
    assert!(
        (3..=7).contains(&beats),
        "{beats} heartbeats in 1.1 s at 0.2 s"
    );
    assert!(r.stderr.is_empty(), "quiet: {}", r.stderr);
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
    // 1 message, a burst of 20, 20 a second after that: far from what a loop would send.
    assert!((21..=80).contains(&sent), "{sent} messages in 2 s");
    assert!(
        r.stderr.contains("fires more than 20 times a second"),
        "{}",
        r.stderr
    );
    assert!(r.took < Duration::from_secs(10));
}
