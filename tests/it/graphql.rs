//! `--proto graphql` against the real servers users deploy: the `graphql-ws` library (subprotocol
//! `graphql-transport-ws`), Apollo's `subscriptions-transport-ws` (the legacy `graphql-ws`) and
//! Strawberry (both): queries, variables and subscriptions in pipe mode, the run ending as
//! soon as every operation is complete, auth in the `connection_init` payload, field and
//! syntax errors with their status, the servers' keepalives, the dialect each one ends up
//! speaking, and the close codes named.

use crate::proto_peers::{Proto, ProtoPeer};
use crate::support::*;

const ALL: [Proto; 3] = [Proto::GraphqlWs, Proto::GraphqlLegacy, Proto::Strawberry];

/// The lines of stdout, sorted: operations run side by side, their results interleave.
fn sorted_lines(r: &Run) -> Vec<String> {
    let mut lines: Vec<String> = r.out().lines().map(str::to_string).collect();
    lines.sort();
    lines
}

/// `--proto graphql` with `args`, then the server's endpoint. The idle window is longer than
/// any test may run: a run that ends did so because every operation was complete.
fn graphql(peer: &ProtoPeer, args: &[&str], stdin: &[u8]) -> Run {
    let url = peer.endpoint();
    let mut all = vec!["--proto", "graphql", "--idle", "600"];
    all.extend_from_slice(args);
    all.push(&url);
    run(&all, stdin)
}

#[test]
fn queries_variables_and_subscriptions_print_one_line_per_result_and_the_run_ends_with_them() {
    for proto in ALL {
        let Some(peer) = ProtoPeer::start(proto, &[]) else {
            return;
        };
        let input = concat!(
            "{ hello }\n",
            "subscription { count(to: 3) }\n",
            r#"{"query":"query G($n: String!) { greet(name: $n) }","variables":{"n":"ann"},"operationName":"G"}"#,
            "\n",
        );
        let r = graphql(&peer, &[], input.as_bytes());
        assert_eq!(r.code, 0, "{}: {}", proto.name(), r.stderr);
        assert_eq!(
            sorted_lines(&r),
            [
                r#"{"data":{"count":1}}"#,
                r#"{"data":{"count":2}}"#,
                r#"{"data":{"count":3}}"#,
                r#"{"data":{"greet":"hello ann"}}"#,
                r#"{"data":{"hello":"world"}}"#,
            ],
            "{}",
            proto.name()
        );
        assert!(r.stderr.is_empty(), "{}: {}", proto.name(), r.stderr);
        if proto != Proto::Strawberry {
            let greet = peer.wait_for("the query with variables", |e| {
                e["payload"]["operationName"] == "G"
            });
            assert_eq!(greet["payload"]["variables"]["n"], "ann");
        }
    }
}

#[test]
fn auth_in_the_connection_init_payload_is_accepted_and_its_refusal_said() {
    for proto in ALL {
        let Some(peer) = ProtoPeer::start(proto, &["--token", "t0k"]) else {
            return;
        };
        let r = graphql(
            &peer,
            &["--connect-payload", r#"{"token":"t0k"}"#, "-e", "{ hello }"],
            b"",
        );
        assert_eq!(r.code, 0, "{}: {}", proto.name(), r.stderr);
        assert_eq!(r.out(), "{\"data\":{\"hello\":\"world\"}}\n");
        let init = peer.wait_event("init");
        assert_eq!(init["payload"]["token"], "t0k");

        let r = graphql(&peer, &["-e", "{ hello }"], b"");
        assert_eq!(r.code, 16, "{}: {}", proto.name(), r.stderr);
        let said = if proto == Proto::GraphqlLegacy {
            "the GraphQL server refused the connection: not authorized (connection_error)"
        } else {
            "the GraphQL server closed with 4403 Forbidden (the server refused the connection)"
        };
        assert!(r.stderr.contains(said), "{}: {}", proto.name(), r.stderr);
        assert!(
            r.stderr
                .contains("hint: servers check credentials in the connection_init payload"),
            "{}",
            r.stderr
        );
        assert!(r.out().is_empty(), "{}", r.out());
    }
}

#[test]
fn a_field_error_and_an_unparsable_document_are_said_and_give_status_17() {
    for proto in ALL {
        let Some(peer) = ProtoPeer::start(proto, &[]) else {
            return;
        };
        let r = graphql(&peer, &["-e", "{ boom hello }"], b"");
        assert_eq!(r.code, 17, "{}: {}", proto.name(), r.stderr);
        let result: serde_json::Value =
            serde_json::from_str(r.out().trim()).expect("one JSON line");
        assert_eq!(result["data"]["hello"], "world");
        assert_eq!(result["errors"][0]["message"], "boom");
        assert!(
            r.stderr
                .contains("warning: operation 1 (query): the result has errors: boom"),
            "{}: {}",
            proto.name(),
            r.stderr
        );
        assert!(
            r.stderr
                .contains("error: a GraphQL operation failed: operation 1 (query): boom"),
            "{}",
            r.stderr
        );

        // wscope has no GraphQL parser: the server says what is wrong. A document that does
        // not validate: an error message (the legacy server: a result with errors), and the
        // next operation runs.
        let r = graphql(&peer, &["-e", "{ nope }", "-e", "{ hello }"], b"");
        assert_eq!(r.code, 17, "{}: {}", proto.name(), r.stderr);
        assert!(r.stderr.contains("operation 1 (query)"), "{}", r.stderr);
        assert!(r.stderr.contains("Cannot query field"), "{}", r.stderr);
        assert_eq!(
            r.out().lines().last(),
            Some(r#"{"data":{"hello":"world"}}"#)
        );
        // One that does not parse: graphql-ws closes with 4500, Strawberry with 4400, each
        // with the parser's message (what was running then is said); the legacy server
        // answers with a result with errors.
        let r = graphql(&peer, &["-e", "{ hello(x: ) }", "-e", "{ hello }"], b"");
        assert!(
            r.stderr.contains("Syntax Error"),
            "{}: {}",
            proto.name(),
            r.stderr
        );
        let closed = match proto {
            Proto::GraphqlWs => {
                "the GraphQL server closed with 4500 InternalServerError (the server failed): Syntax Error: Unexpected \")\"."
            }
            Proto::Strawberry => {
                "the GraphQL server closed with 4400 BadRequest (the server could not read a message): Syntax Error: Unexpected ')'."
            }
            _ => {
                assert_eq!(r.code, 17, "{}", r.stderr);
                assert_eq!(
                    r.out().lines().last(),
                    Some(r#"{"data":{"hello":"world"}}"#)
                );
                continue;
            }
        };
        assert_eq!(r.code, 16, "{}: {}", proto.name(), r.stderr);
        assert!(r.stderr.contains(closed), "{}", r.stderr);
        assert!(r.stderr.contains(" running)\n"), "{}", r.stderr);
    }
}

#[test]
fn the_servers_keepalives_are_answered_for_as_long_as_the_run_lasts() {
    // graphql-ws: the protocol's ping every 50 ms and WebSocket pings every 100 ms (a client
    // whose Pong is late is dropped); the legacy server: ka every 50 ms.
    let cases = [
        (
            Proto::GraphqlWs,
            &["--ping", "50", "--keepalive", "100"][..],
            "> {\"type\":\"pong\"}",
        ),
        (
            Proto::GraphqlLegacy,
            &["--keepalive", "50"][..],
            "< {\"type\":\"ka\"}",
        ),
    ];
    for (proto, flags, seen) in cases {
        let Some(peer) = ProtoPeer::start(proto, flags) else {
            return;
        };
        let r = graphql(
            &peer,
            &["-v", "-e", "subscription { count(to: 8, every_ms: 60) }"],
            b"",
        );
        assert_eq!(r.code, 0, "{}: {}", proto.name(), r.stderr);
        assert_eq!(r.out().lines().last(), Some(r#"{"data":{"count":8}}"#));
        let keepalives = r.stderr.lines().filter(|l| *l == seen).count();
        assert!(
            keepalives >= 2,
            "{}: {keepalives} of {seen}:\n{}",
            proto.name(),
            r.stderr
        );
        assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    }
    let Some(peer) = ProtoPeer::start(Proto::GraphqlWs, &["--ping", "50"]) else {
        return;
    };
    graphql(
        &peer,
        &["-e", "subscription { count(to: 3, every_ms: 60) }"],
        b"",
    );
    assert!(peer.wait_event("pong")["payload"].is_null());
}

#[test]
fn each_server_ends_up_speaking_its_dialect_and_the_legacy_one_takes_a_second_offer() {
    for (proto, dialect) in [
        (Proto::GraphqlWs, "graphql-transport-ws"),
        (Proto::GraphqlLegacy, "graphql-ws"),
        (Proto::Strawberry, "graphql-transport-ws"),
    ] {
        let Some(peer) = ProtoPeer::start(proto, &[]) else {
            return;
        };
        let r = graphql(&peer, &["-v", "-e", "{ hello }"], b"");
        assert_eq!(r.code, 0, "{}: {}", proto.name(), r.stderr);
        let acknowledged = format!("* GraphQL: the server acknowledged the connection ({dialect})");
        assert!(
            r.stderr.contains(&acknowledged),
            "{}: {}",
            proto.name(),
            r.stderr
        );
        let again = "* the server selected graphql-transport-ws and closed with 1002 at once: connecting again, offering graphql-ws";
        assert_eq!(
            r.stderr.contains(again),
            proto == Proto::GraphqlLegacy,
            "{}",
            r.stderr
        );
    }
    // --graphql-dialect pins one: its subprotocol alone is offered, on one connection.
    let Some(peer) = ProtoPeer::start(Proto::GraphqlLegacy, &[]) else {
        return;
    };
    let r = graphql(
        &peer,
        &["-v", "--graphql-dialect", "legacy", "-e", "{ hello }"],
        b"",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr
            .matches("> Sec-WebSocket-Protocol: graphql-ws\n")
            .count(),
        1,
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("connecting again"), "{}", r.stderr);
    // Strawberry pinned to the legacy dialect refuses queries: its answer is the status.
    let Some(peer) = ProtoPeer::start(Proto::Strawberry, &[]) else {
        return;
    };
    let r = graphql(
        &peer,
        &["--graphql-dialect", "legacy", "-e", "{ hello }"],
        b"",
    );
    assert_eq!(r.code, 17, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("operation 1 (query) failed: queries are not allowed"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_subprotocol_the_server_does_not_speak_gets_its_close_code_named() {
    let Some(peer) = ProtoPeer::start(Proto::GraphqlWs, &[]) else {
        return;
    };
    // Pinned, over another offer: spoken anyway; graphql-ws closes 4406.
    let r = graphql(
        &peer,
        &[
            "-s",
            "chat",
            "--graphql-dialect",
            "transport-ws",
            "-e",
            "{ hello }",
        ],
        b"",
    );
    assert_eq!(r.code, 16, "{}", r.stderr);
    assert!(
        r.stderr.contains("the GraphQL server closed with 4406 SubprotocolNotAcceptable (the server does not speak the subprotocol offered): Subprotocol not acceptable"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("hint: the server speaks neither subprotocol offered"),
        "{}",
        r.stderr
    );
    // Not pinned: what the server answered is said at once.
    let r = graphql(&peer, &["-s", "chat", "-e", "{ hello }"], b"");
    assert_eq!(r.code, 16, "{}", r.stderr);
    assert!(
        r.stderr.contains("the server selected no subprotocol"),
        "{}",
        r.stderr
    );
}

#[test]
fn without_proto_a_graphql_server_is_named_in_a_hint() {
    let Some(peer) = ProtoPeer::start(Proto::GraphqlWs, &[]) else {
        return;
    };
    let url = peer.endpoint();
    let init = r#"{"type":"connection_init"}"#;
    let r = run(
        &["-s", "graphql-transport-ws", "-n", "1", "-e", init, &url],
        b"",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("this server speaks graphql: its first message is a GraphQL over WebSocket connection_ack; wscope speaks it with --proto graphql"),
        "{}",
        r.stderr
    );
    let r = run(&["-s", "graphql-ws", "-e", init, &url], b"");
    assert_eq!(r.code, 8, "{}", r.stderr);
    assert!(r.stderr.contains("peer closed with 4406"), "{}", r.stderr);
    assert!(
        r.stderr.contains("hint: this server speaks graphql"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--proto graphql"), "{}", r.stderr);
}

#[test]
fn json_lines_carry_the_operation_id_and_kind() {
    let Some(peer) = ProtoPeer::start(Proto::GraphqlWs, &[]) else {
        return;
    };
    let r = graphql(
        &peer,
        &["--jsonl", "-e", "subscription { count(to: 2) }"],
        b"",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let events: Vec<serde_json::Value> = r
        .out()
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    let app = |dir: &str| {
        events
            .iter()
            .filter(|e| e["type"] == "message" && e["dir"] == dir && e["app"].is_array())
            .map(|e| e["app"][0].clone())
            .collect::<Vec<_>>()
    };
    let sent = app("out");
    assert_eq!(sent.len(), 1, "{events:?}");
    assert_eq!(sent[0]["kind"], "operation");
    assert_eq!(sent[0]["id"], "1");
    assert_eq!(sent[0]["operation"], "subscription");
    assert_eq!(sent[0]["input"], "subscription { count(to: 2) }");
    let results = app("in");
    assert_eq!(results.len(), 2, "{events:?}");
    assert_eq!(results[1]["kind"], "result");
    assert_eq!(results[1]["id"], "1");
    assert_eq!(
        results[1]["data"],
        serde_json::json!({"data": {"count": 2}})
    );
    let complete = events
        .iter()
        .find(|e| e["notice"] == "proto" && e["about"] == "complete")
        .expect("complete");
    assert_eq!(complete["facts"]["results"], 2);
}

#[test]
fn connection_init_goes_out_at_once() {
    // The servers close with 4408 when connection_init has not come within 100 ms: a run
    // that outlives that sent it in time.
    for proto in [Proto::GraphqlWs, Proto::Strawberry] {
        let Some(peer) = ProtoPeer::start(proto, &["--init-timeout", "100"]) else {
            return;
        };
        let r = graphql(
            &peer,
            &["-e", "subscription { count(to: 4, every_ms: 100) }"],
            b"",
        );
        assert_eq!(r.code, 0, "{}: {}", proto.name(), r.stderr);
        assert_eq!(r.out().lines().count(), 4, "{}", r.out());
    }
}
