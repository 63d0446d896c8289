//! `--proto graphql`: what the user types and what goes wrong. Bad input lines said with
//! their place (the others still go); a server that never acknowledges the connection; a
//! server that slips with its ids (in-process, as no real one does it on purpose); and the
//! REPL in a pseudo-terminal: operations over several lines, `/ops` and `/stop`.

use crate::proto_peers::{Proto, ProtoPeer};
use crate::pty::{ctrl_d, expect, repl_command, spawn, state_dir};
use crate::support::*;
use expectrl::Expect;
use futures_util::{SinkExt, StreamExt};

#[test]
fn bad_input_lines_are_said_with_their_place_and_the_others_still_go() {
    let Some(peer) = ProtoPeer::start(Proto::GraphqlWs, &[]) else {
        return;
    };
    let input = concat!(
        "{ hello }\n",
        r#"{"query":"query G($n: String!) { greet(name: $n) }","variables":{"n":}}"#,
        "\n",
        r#"{"query":"{ hello }","variables":"{\"n\": 1"}"#,
        "\n",
        "hello\n",
        r#"{"query":"query G($n: String!) { greet(name: $n) }","variables":{"n":"bo"}}"#,
        "\n",
    );
    let url = peer.endpoint();
    let r = run(
        &["--proto", "graphql", "--idle", "600", &url],
        input.as_bytes(),
    );
    assert_eq!(r.code, 10, "{}", r.stderr);
    let stdout = r.out();
    let mut out: Vec<&str> = stdout.lines().collect();
    out.sort();
    assert_eq!(
        out,
        [
            r#"{"data":{"greet":"hello bo"}}"#,
            r#"{"data":{"hello":"world"}}"#
        ]
    );
    for said in [
        "stdin line 2: ",
        "stdin line 3: \"variables\" is a string that is not a JSON object",
        "stdin line 4: ",
        "\"hello\" cannot start a GraphQL operation",
    ] {
        assert!(r.stderr.contains(said), "{said}: {}", r.stderr);
    }
    assert_eq!(r.stderr.matches("wscope: error").count(), 3, "{}", r.stderr);
    assert_eq!(r.stderr.matches("; not sent").count(), 3, "{}", r.stderr);
    // Only the two good ones reached the server, with ids of their own.
    let ids: Vec<String> = peer
        .events()
        .iter()
        .filter(|e| e["event"] == "subscribe")
        .map(|e| e["id"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(ids, ["1", "2"]);
}

#[test]
fn an_operation_waits_for_the_ack_and_a_server_that_never_sends_it_times_out() {
    let server = ws_server(|mut ws, log| async move {
        while let Some(Ok(m)) = ws.next().await {
            if let Message::Text(t) = m {
                push(&log, format!("text:{}", t.as_str()));
            }
        }
    });
    let url = server.url("/graphql");
    // The server selects no subprotocol: the dialect is pinned.
    let args = [
        "--proto",
        "graphql",
        "--graphql-dialect",
        "transport-ws",
        "--handshake-timeout",
        "1",
    ];
    let r = run(&[&args[..], &["-e", "{ hello }", &url]].concat(), b"");
    assert_eq!(r.code, 9, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "GraphQL: the server's connection_ack did not come within 1.0s (--handshake-timeout)"
        ),
        "{}",
        r.stderr
    );
    // connection_init went out, the operation never did.
    server.wait_for("connection_init", |l| l.contains("connection_init"));
    assert_eq!(server.texts(), [r#"text:{"type":"connection_init"}"#]);
}

/// A server that acknowledges, then answers each operation with two results and, for ids it
/// was given, a complete twice; it also sends a result for an id nobody used.
fn slipping_server() -> Server {
    ws_server(|mut ws, log| async move {
        // Until our Close, which tungstenite answers.
        while let Some(Ok(m)) = ws.next().await {
            let Message::Text(t) = m else { continue };
            push(&log, format!("text:{}", t.as_str()));
            let m: serde_json::Value = serde_json::from_str(t.as_str()).unwrap_or_default();
            let id = m["id"].as_str().unwrap_or_default().to_string();
            let replies = match m["type"].as_str() {
                Some("connection_init") => vec![r#"{"type":"connection_ack"}"#.to_string()],
                Some("subscribe") => vec![
                    format!(r#"{{"id":"{id}","type":"next","payload":{{"data":{{"n":1}}}}}}"#),
                    r#"{"id":"99","type":"next","payload":{"data":{"stray":true}}}"#.to_string(),
                    format!(r#"{{"id":"{id}","type":"complete"}}"#),
                    format!(r#"{{"id":"{id}","type":"complete"}}"#),
                    format!(r#"{{"id":"{id}","type":"next","payload":{{"data":{{"n":2}}}}}}"#),
                ],
                _ => vec![],
            };
            for r in replies {
                if ws.send(Message::text(r)).await.is_err() {
                    return;
                }
            }
        }
    })
}

#[test]
fn messages_for_ids_that_are_not_running_are_said_and_nothing_is_lost() {
    let server = slipping_server();
    let url = server.url("/graphql");
    let args = ["--proto", "graphql", "--graphql-dialect", "transport-ws"];
    let r = run(
        &[&args[..], &["-e", "{ n }", "-e", "{ n }", &url]].concat(),
        b"",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let stdout = r.out();
    let out: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        out.iter().filter(|l| **l == r#"{"data":{"n":1}}"#).count(),
        2,
        "{out:?}"
    );
    assert_eq!(
        out.iter().filter(|l| l.contains("stray")).count(),
        2,
        "the server's data: {out:?}"
    );
    assert!(
        r.stderr.contains(
            "a next message for operation \"99\", which wscope did not start on this connection"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "a complete message for operation 1, which the server ended already: not shown"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("a next message for operation 2, which the server ended already: not shown"),
        "{}",
        r.stderr
    );
    // Each operation had an id of its own.
    let ids: Vec<String> = server
        .texts()
        .iter()
        .filter(|t| t.contains("subscribe"))
        .cloned()
        .collect();
    assert!(ids[0].starts_with(r#"text:{"id":"1","#), "{ids:?}");
    assert!(ids[1].starts_with(r#"text:{"id":"2","#), "{ids:?}");
}

#[test]
fn the_repl_runs_operations_typed_over_several_lines_lists_them_and_stops_one() {
    let Some(peer) = ProtoPeer::start(Proto::GraphqlWs, &[]) else {
        return;
    };
    let url = peer.endpoint();
    let state = state_dir("graphql");
    let mut s = spawn(repl_command(BIN, &["--proto", "graphql", &url], &state));
    expect(
        &mut s,
        "the server acknowledged the connection (graphql-transport-ws)",
    );
    s.send_line("subscription {").expect("type");
    s.send_line("  count(to: 100000, every_ms: 200)")
        .expect("type");
    s.send_line("}").expect("type");
    expect(&mut s, r#"{"data":{"count":2}}"#);
    s.send_line("{ hello }").expect("type");
    expect(&mut s, r#"{"data":{"hello":"world"}}"#);
    expect(&mut s, "operation 2 (query) complete: 1 result");
    s.send_line("/ops").expect("type");
    expect(&mut s, "subscription { count(to: 100000, every_ms: 200) }");
    s.send_line("/stop 2").expect("type");
    expect(
        &mut s,
        "no operation 2 is running (running: 1): nothing sent",
    );
    s.send_line("/stop 1").expect("type");
    expect(&mut s, "operation 1 (subscription) stopped after");
    let done = peer.wait_for("the stop", |e| e["event"] == "complete" && e["id"] == "1");
    assert_eq!(done["id"], "1");
    s.send_line("/ops").expect("type");
    expect(&mut s, "no operation is running");
    let sub = peer.wait_for("the subscription", |e| {
        e["event"] == "subscribe" && e["id"] == "1"
    });
    assert_eq!(
        sub["payload"]["query"],
        "subscription {\n  count(to: 100000, every_ms: 200)\n}"
    );
    assert_eq!(ctrl_d(&mut s), 0);
}

#[test]
fn graphql_options_are_checked_before_connecting() {
    let url = "ws://127.0.0.1:9/graphql";
    for (args, said) in [
        (
            &["--graphql-dialect", "legacy"][..],
            "--graphql-dialect is a GraphQL option: it goes with --proto graphql",
        ),
        (
            &["--proto", "graphql", "--eio", "3"][..],
            "--eio is a Socket.IO option: it goes with --proto socketio",
        ),
        (
            &["--proto", "graphql", "--connect-payload", "[1]"][..],
            "--connect-payload: the payload must be a JSON object, not an array",
        ),
        (
            &["--proto", "graphql", "--reflect"][..],
            "--reflect does not go with --proto graphql",
        ),
    ] {
        let r = run(&[args, &[url]].concat(), b"");
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(said), "{args:?}: {}", r.stderr);
    }
}
