//! `--proto jsonrpc` against the JSON-RPC servers users run (rpc-websockets, the library
//! Solana's web3.js speaks through; Ganache, an Ethereum development node), and against a
//! server of ours that answers badly: calls and their ids, results in the order they arrive,
//! error responses, batches, a subscription's notifications, the wait for pending calls after
//! the input, `--call-timeout`, `--heartbeat`, JSON Lines and the REPL in a terminal.

use crate::proto_peers::{Proto, ProtoPeer};
use crate::pty::{ctrl_d, expect, repl_command, spawn, state_dir};
use crate::support::*;
use expectrl::Expect;
use serde_json::{Value, json};

fn lines(r: &Run) -> Vec<String> {
    r.out().lines().map(str::to_string).collect()
}

/// What the server received, as JSON.
fn received(peer: &ProtoPeer) -> Vec<Value> {
    peer.events()
        .iter()
        .filter(|e| e["event"] == "message")
        .map(|e| serde_json::from_str(e["text"].as_str().expect("text")).expect("JSON"))
        .collect()
}

#[test]
fn results_print_in_the_order_they_arrive_and_errors_fail_the_run() {
    let Some(peer) = ProtoPeer::start(Proto::RpcWebsockets, &[]) else {
        return;
    };
    // slow is answered two seconds after sum, which was sent after it.
    let input = b"slow [2000, \"late\"]\nsum [1, 2]\nfail [7]\necho {\"a\": [1, 2]}\nnope\n";
    let r = run(&["--proto", "jsonrpc", &peer.endpoint()], input);
    assert_eq!(r.code, 17, "{}", r.stderr);
    let out = lines(&r);
    assert_eq!(out[out.len() - 1], r#""late""#, "{out:?}");
    assert_eq!(out.len(), 3, "{out:?}");
    assert!(out.contains(&"3".to_string()) && out.contains(&r#"{"a":[1,2]}"#.to_string()));
    assert!(
        r.stderr
            .contains(r#"wscope: error: fail: -32001 failed on purpose; data: {"params":[7]}"#),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("wscope: error: nope: -32601 Method not found"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("wscope: error: 2 of 5 JSON-RPC calls failed"),
        "{}",
        r.stderr
    );
    let sent = received(&peer);
    let ids: Vec<&Value> = sent.iter().map(|m| &m["id"]).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    assert_eq!(
        sent[1],
        json!({"jsonrpc": "2.0", "id": 2, "method": "sum", "params": [1, 2]})
    );
}

#[test]
fn a_batch_goes_as_one_message_and_its_answers_are_matched_one_by_one() {
    let Some(peer) = ProtoPeer::start(Proto::RpcWebsockets, &[]) else {
        return;
    };
    let batch = br#"[{"method":"sum","params":[2,3]},{"jsonrpc":"2.0","method":"echo","params":["x"],"id":"e"},{"method":"fail","params":[]}]"#;
    let r = run(
        &["--proto", "jsonrpc", "-v", &peer.endpoint()],
        &[batch, &b"\n"[..]].concat(),
    );
    assert_eq!(r.code, 17, "{}", r.stderr);
    assert_eq!(lines(&r), ["5", r#"["x"]"#]);
    assert!(r.stderr.contains("sum (id 1) answered in"), "{}", r.stderr);
    assert!(
        r.stderr.contains(r#"echo (id "e") answered in"#),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("fail: -32001 failed on purpose"),
        "{}",
        r.stderr
    );
    let sent = received(&peer);
    assert_eq!(sent.len(), 1, "one message: {sent:?}");
    assert_eq!(sent[0].as_array().map(Vec::len), Some(3));
    assert_eq!(sent[0][2]["id"], 2);
}

#[test]
fn a_subscriptions_notifications_print_whole_and_keep_streaming() {
    let Some(peer) = ProtoPeer::start(Proto::RpcWebsockets, &["--tick-ms", "20"]) else {
        return;
    };
    let r = run(
        &["--proto", "jsonrpc", "-n", "4", &peer.endpoint()],
        b"rpc.on [\"tick\"]\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = lines(&r);
    assert_eq!(out[0], r#"{"tick":"ok"}"#, "{out:?}");
    for tick in &out[1..] {
        let v: Value = serde_json::from_str(tick).expect("JSON");
        assert_eq!(v["notification"], "tick", "{tick}");
        assert!(v["params"]["n"].is_u64(), "{tick}");
    }
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[test]
fn after_the_input_pending_calls_are_waited_for_within_the_call_timeout_and_wait() {
    let Some(peer) = ProtoPeer::start(Proto::RpcWebsockets, &[]) else {
        return;
    };
    let url = peer.endpoint();
    // The idle window does not cut the wait for an answer.
    let r = run(
        &["--proto", "jsonrpc", "--idle", "0.1", &url],
        b"slow [1500]\n",
    );
    assert_eq!((r.code, r.out().as_str()), (0, "1500\n"), "{}", r.stderr);

    let r = run(
        &["--proto", "jsonrpc", "--call-timeout", "0.3", &url],
        b"slow [60000]\nsum [1, 2]\n",
    );
    assert_eq!(r.code, 17, "{}", r.stderr);
    assert_eq!(r.out(), "3\n");
    assert!(
        r.stderr
            .contains("wscope: error: slow (id 1): no answer within 0.3s (--call-timeout)"),
        "{}",
        r.stderr
    );

    let r = run(
        &["--proto", "jsonrpc", "-w", "0.3", &url],
        b"slow [60000]\n",
    );
    assert_eq!(r.code, 17, "{}", r.stderr);
    assert!(
        r.stderr.contains("1 call got no answer: slow (id 1)"),
        "{}",
        r.stderr
    );
}

#[test]
fn ids_start_where_asked_and_the_heartbeat_is_a_quiet_call() {
    let Some(peer) = ProtoPeer::start(Proto::RpcWebsockets, &[]) else {
        return;
    };
    let args = [
        "--proto",
        "jsonrpc",
        "--id-start",
        "100",
        "--heartbeat",
        "0.05",
        "--heartbeat-message",
        r#"echo ["beat"]"#,
        &peer.endpoint(),
    ];
    let r = run(&args, b"slow [1000]\n");
    assert_eq!((r.code, r.out().as_str()), (0, "1000\n"), "{}", r.stderr);
    let sent = received(&peer);
    assert_eq!(sent[0]["id"], 100);
    assert!(
        sent.iter().any(|m| m["params"] == json!(["beat"])),
        "{sent:?}"
    );

    let r = run(
        &[
            "--proto",
            "jsonrpc",
            "--heartbeat",
            "1",
            "--heartbeat-message",
            "echo [",
            &peer.endpoint(),
        ],
        b"",
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("--heartbeat-message: column 6"),
        "{}",
        r.stderr
    );
    let r = run(&["--call-timeout", "1", &peer.endpoint()], b"");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("--call-timeout is a JSON-RPC option"),
        "{}",
        r.stderr
    );
}

#[test]
fn bad_input_lines_are_said_with_their_place_and_the_others_still_go() {
    let Some(peer) = ProtoPeer::start(Proto::RpcWebsockets, &[]) else {
        return;
    };
    let input = b"sum [1, 2]\nsum 1 2\n{\"id\":3}\nsum [3,\necho [\"last\"]\n";
    let r = run(&["--proto", "jsonrpc", &peer.endpoint()], input);
    assert_eq!(r.code, 10, "{}", r.stderr);
    assert_eq!(lines(&r), ["3", r#"["last"]"#]);
    for says in [
        "stdin line 2: column 5: params must be a JSON array (by position) or object (by name), not a number; not sent",
        "stdin line 3: a request needs \"method\" (a string); not sent",
        "stdin line 4: column 7: params is not valid JSON",
    ] {
        assert!(r.stderr.contains(says), "{says}: {}", r.stderr);
    }
    assert_eq!(received(&peer).len(), 2);
}

#[test]
fn json_lines_carry_the_method_id_and_round_trip_of_each_answer() {
    let Some(peer) = ProtoPeer::start(Proto::RpcWebsockets, &[]) else {
        return;
    };
    let r = run(
        &["--proto", "jsonrpc", "--jsonl", &peer.endpoint()],
        b"sum [1, 2]\nfail\n",
    );
    assert_eq!(r.code, 17, "{}", r.stderr);
    let events: Vec<Value> = r
        .out()
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    let call = events
        .iter()
        .find(|e| e["type"] == "message" && e["dir"] == "out" && e["app"][0]["kind"] == "call")
        .expect("the call");
    assert_eq!(call["app"][0]["input"], "sum [1, 2]");
    assert_eq!(call["app"][0]["id"], 1);
    let result = events
        .iter()
        .find(|e| e["type"] == "message" && e["dir"] == "in" && e["app"][0]["kind"] == "result")
        .expect("the result");
    let app = &result["app"][0];
    assert_eq!(
        (&app["data"], &app["method"], &app["id"]),
        (&json!(3), &json!("sum"), &json!(1))
    );
    assert!(app["rtt_ms"].as_f64().is_some(), "{app}");
    let failed = events
        .iter()
        .find(|e| e["type"] == "error" && e["notice"] == "proto")
        .expect("the error response");
    assert_eq!(failed["exit_code"], 17);
    assert_eq!(failed["about"], "error_response");
    assert_eq!(failed["facts"]["code"], -32001);
    assert_eq!(failed["facts"]["method"], "fail");
}

#[test]
fn a_recording_replays_the_calls_and_expects_the_same_results() {
    let Some(peer) = ProtoPeer::start(Proto::RpcWebsockets, &[]) else {
        return;
    };
    let file = temp_file("jsonrpc-record.jsonl", b"");
    let path = file.to_str().expect("path");
    let args = ["--proto", "jsonrpc", "--record", path, &peer.endpoint()];
    let r = run(&args, b"sum [1, 2]\necho [\"x\"]\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&["replay", path, "--no-timing", "--expect"], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(lines(&r), ["3", r#"["x"]"#]);
    assert_eq!(received(&peer).len(), 4);
}

#[test]
fn answers_no_call_waits_for_are_said_with_the_message_and_nothing_is_lost() {
    let server = ws_server(|mut ws, log| async move {
        use futures_util::{SinkExt, StreamExt};
        while let Some(Ok(m)) = ws.next().await {
            let Message::Text(t) = m else {
                continue;
            };
            push(&log, format!("text:{}", t.as_str()));
            let id = serde_json::from_str::<Value>(t.as_str()).expect("JSON")["id"].clone();
            for answer in [
                r#"{"jsonrpc":"2.0","result":"stray","id":999}"#.to_string(),
                r#"{"jsonrpc":"2.0","result":"lost?"}"#.to_string(),
                "not json".to_string(),
                format!(r#"{{"jsonrpc":"2.0","result":"mine","id":{id}}}"#),
            ] {
                let _ = ws.send(Message::text(answer)).await;
            }
        }
    });
    let r = run(&["--proto", "jsonrpc", &server.url("/")], b"m\n");
    assert_eq!(
        (r.code, r.out().as_str()),
        (0, "\"mine\"\n"),
        "{}",
        r.stderr
    );
    for says in [
        r#"wscope: warning: an answer for id 999, which no call is waiting for: {"jsonrpc":"2.0","result":"stray","id":999}"#,
        r#"(an answer without an id: it matches no call (a server must not answer a notification)): {"jsonrpc":"2.0","result":"lost?"}"#,
        "(not JSON (column 2: expected ident)): not json",
    ] {
        assert!(r.stderr.contains(says), "{says}: {}", r.stderr);
    }
}

#[test]
fn an_ethereum_node_answers_and_notifies_each_new_block() {
    let Some(peer) = ProtoPeer::start(Proto::Ganache, &[]) else {
        return;
    };
    let input = b"eth_blockNumber\neth_subscribe [\"newHeads\"]\nevm_mine\n";
    let r = run(&["--proto", "jsonrpc", "-n", "4", &peer.endpoint()], input);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = lines(&r);
    assert_eq!(out[..2], [r#""0x0""#, r#""0x1""#], "{out:?}");
    assert!(out.contains(&r#""0x0""#.to_string()), "evm_mine: {out:?}");
    let head = out
        .iter()
        .map(|l| serde_json::from_str::<Value>(l).expect("JSON"))
        .find(|v| v["method"] == "eth_subscription")
        .expect("a newHeads notification");
    assert_eq!(head["params"]["subscription"], "0x1");
    assert_eq!(head["params"]["result"]["number"], "0x1");
    // Ganache's error carries a stack (and the code of a parse error): the message is shown,
    // the stack is not.
    let r = run(&["--proto", "jsonrpc", &peer.endpoint()], b"nope\n");
    assert_eq!(r.code, 17, "{}", r.stderr);
    assert!(
        r.stderr.starts_with(
            "wscope: error: nope: -32700 The method nope does not exist/is not available\n"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn the_repl_calls_lists_what_is_pending_and_sends_notifications() {
    let Some(peer) = ProtoPeer::start(Proto::RpcWebsockets, &[]) else {
        return;
    };
    let url = peer.endpoint();
    let args = ["--proto", "jsonrpc", &url];
    let mut s = spawn(repl_command(BIN, &args, &state_dir("jsonrpc")));
    expect(&mut s, "WebSocket open");
    s.send_line("sum [1, 2]").expect("send");
    expect(&mut s, "sum (id 1) answered in");
    expect(&mut s, "< 3");
    s.send_line("slow [60000]").expect("send");
    peer.wait_for("slow", |e| {
        e["text"].as_str().is_some_and(|t| t.contains("slow"))
    });
    s.send_line("/pending").expect("send");
    expect(&mut s, "1 call is waiting for its answer:");
    expect(&mut s, "slow");
    expect(&mut s, "s ago");
    s.send_line("sum [1,").expect("send");
    expect(&mut s, "wscope: error: column 7: params is not valid JSON");
    s.send_line("/notify echo 5").expect("send");
    expect(&mut s, "/notify: column 6: params must be a JSON array");
    s.send_line(r#"/notify echo {"n": 1}"#).expect("send");
    let note = peer.wait_for("the notification", |e| {
        e["text"].as_str().is_some_and(|t| t.contains(r#""n": 1"#))
    });
    let note: Value = serde_json::from_str(note["text"].as_str().expect("text")).expect("JSON");
    assert_eq!(note.get("id"), None, "{note}");
    // The call still waiting is the run's status.
    assert_eq!(ctrl_d(&mut s), 17);
}
