//! The application-protocol servers of tests/peers/ (Socket.IO, GraphQL over WebSocket, STOMP,
//! JSON-RPC) answer the real wscope binary in raw mode: one smoke test per server, each asserting
//! what a user sees today by typing the protocol's messages by hand.

use crate::proto_peers::{Proto, ProtoPeer};
use crate::support::run;

fn lines(out: &str) -> Vec<&str> {
    out.lines().collect()
}

#[test]
fn socketio_4_sends_its_open_packet_then_connects_the_namespace_asked_for() {
    for proto in [Proto::SocketIo, Proto::SocketIoPython] {
        let Some(peer) = ProtoPeer::start(proto, &[]) else {
            return;
        };
        let r = run(&["-n", "3", &peer.engine_io_url(4)], b"40\n");
        assert_eq!(r.code, 0, "{}: {}", proto.name(), r.stderr);
        let out = r.out();
        let got = lines(&out);
        assert!(
            got[0].starts_with(r#"0{"sid":""#),
            "{}: {out}",
            proto.name()
        );
        assert!(got[0].contains(r#""pingInterval":25000"#), "{out}");
        assert!(got[0].contains(r#""maxPayload":1000000"#), "{out}");
        // python-socketio sends what its connect handler emits before the CONNECT it answers.
        assert!(
            got[1..].iter().any(|l| l.starts_with(r#"40{"sid":""#)),
            "{out}"
        );
        assert!(
            got[1..]
                .iter()
                .any(|l| l.starts_with(r#"42["welcome",{"namespace":"/","id":""#)),
            "{out}"
        );
        assert_eq!(peer.wait_event("connect")["namespace"], "/");
    }
}

#[test]
fn socketio_2_connects_the_default_namespace_by_itself() {
    let Some(peer) = ProtoPeer::start(Proto::SocketIo2, &["--ping-interval", "5000"]) else {
        return;
    };
    let r = run(&["-n", "3", &peer.engine_io_url(3)], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = r.out();
    let got = lines(&out);
    assert!(got[0].starts_with(r#"0{"sid":""#), "{out}");
    assert!(
        got[0].ends_with(r#""pingInterval":5000,"pingTimeout":20000}"#),
        "no maxPayload in Engine.IO 3: {out}"
    );
    assert_eq!(got[1], "40");
    assert!(
        got[2].starts_with(r#"42["welcome",{"namespace":"/""#),
        "{out}"
    );
}

#[test]
fn graphql_ws_acknowledges_a_connection_init_with_the_token_and_refuses_one_without() {
    let Some(peer) = ProtoPeer::start(Proto::GraphqlWs, &["--token", "t0k"]) else {
        return;
    };
    let url = peer.endpoint();
    let init = r#"{"type":"connection_init","payload":{"token":"t0k"}}"#;
    let r = run(
        &["-s", "graphql-transport-ws", "-n", "1", "-e", init, &url],
        b"",
    );
    assert_eq!(
        (r.code, r.out().as_str()),
        (0, "{\"type\":\"connection_ack\"}\n"),
        "{}",
        r.stderr
    );
    assert_eq!(peer.wait_event("init")["payload"]["token"], "t0k");

    let bare = r#"{"type":"connection_init"}"#;
    let r = run(&["-s", "graphql-transport-ws", "-e", bare, &url], b"");
    assert_eq!(r.code, 8, "{}", r.stderr);
    assert!(r.stderr.contains("4403"), "{}", r.stderr);
    assert!(r.stderr.contains("Forbidden"), "{}", r.stderr);
}

#[test]
fn the_legacy_graphql_server_takes_the_first_subprotocol_offered_and_closes_unless_graphql_ws() {
    let Some(peer) = ProtoPeer::start(Proto::GraphqlLegacy, &[]) else {
        return;
    };
    let url = peer.endpoint();
    let init = r#"{"type":"connection_init","payload":{}}"#;
    let r = run(&["-s", "graphql-ws", "-n", "1", "-e", init, &url], b"");
    assert_eq!(
        (r.code, r.out().as_str()),
        (0, "{\"type\":\"connection_ack\"}\n"),
        "{}",
        r.stderr
    );

    // Nothing to send: the Close comes right after the 101.
    let both = ["-s", "graphql-transport-ws", "-s", "graphql-ws", &url];
    let r = run(&both, b"");
    assert_eq!(r.code, 8, "{}", r.stderr);
    assert!(r.stderr.contains("1002"), "{}", r.stderr);
}

#[test]
fn strawberry_speaks_both_graphql_dialects_on_one_endpoint() {
    let Some(peer) = ProtoPeer::start(Proto::Strawberry, &[]) else {
        return;
    };
    let url = peer.endpoint();
    let init = r#"{"type":"connection_init"}"#;
    for (subprotocol, ack) in [
        (
            "graphql-transport-ws",
            r#"{"type":"connection_ack","payload":null}"#,
        ),
        ("graphql-ws", r#"{"type":"connection_ack"}"#),
    ] {
        let r = run(&["-s", subprotocol, "-n", "1", "-e", init, &url], b"");
        assert_eq!((r.code, r.out().trim_end()), (0, ack), "{}", r.stderr);
    }
    assert_eq!(peer.wait_event("init")["event"], "init");
}

#[test]
fn rabbitmq_web_stomp_answers_connect_with_connected_and_a_bad_login_with_error() {
    // The broker the STOMP tests share (one RabbitMQ start for all of them).
    let Some(broker) = crate::stomp_broker::broker() else {
        return;
    };
    let url = broker.url();
    let connect = |passcode: &str| {
        format!("CONNECT\naccept-version:1.2\nhost:/\nlogin:guest\npasscode:{passcode}\n\n\0")
    };
    let args = ["--input", "whole", "-s", "v12.stomp", "-n", "1", &url];
    let r = run(&args, connect("guest").as_bytes());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = r.out();
    assert!(out.starts_with("CONNECTED\n"), "{out:?}");
    assert!(out.contains("\nversion:1.2\n"), "{out:?}");
    assert!(out.contains("\nserver:RabbitMQ/"), "{out:?}");
    assert!(
        out.ends_with("\n\n\0\n\n"),
        "NUL, then RabbitMQ's EOL, then ours: {out:?}"
    );

    let r = run(&args, connect("wrong").as_bytes());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = r.out();
    assert!(out.starts_with("ERROR\nmessage:Bad CONNECT\n"), "{out:?}");
    assert!(out.contains("Access refused for user 'guest'"), "{out:?}");
}

#[test]
fn rpc_websockets_answers_a_call_and_reports_a_failing_one_with_its_data() {
    let Some(peer) = ProtoPeer::start(Proto::RpcWebsockets, &[]) else {
        return;
    };
    let call = r#"{"jsonrpc":"2.0","method":"sum","params":[1,2],"id":1}"#;
    let fail = r#"{"jsonrpc":"2.0","method":"fail","params":["x"],"id":2}"#;
    let r = run(&["-n", "2", "-e", call, "-e", fail, &peer.endpoint()], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = r.out();
    assert!(
        out.contains("{\"jsonrpc\":\"2.0\",\"result\":3,\"id\":1}\n"),
        "{out}"
    );
    let error = r#"{"jsonrpc":"2.0","error":{"code":-32001,"message":"failed on purpose","data":{"params":["x"]}},"id":2}"#;
    assert!(out.contains(error), "{out}");
    assert_eq!(peer.wait_event("message")["text"], call);
}

#[test]
fn ganache_answers_eth_block_number_over_websocket() {
    let Some(peer) = ProtoPeer::start(Proto::Ganache, &[]) else {
        return;
    };
    let call = r#"{"jsonrpc":"2.0","method":"eth_blockNumber","params":[],"id":1}"#;
    let r = run(&["-n", "1", "-e", call, &peer.endpoint()], b"");
    assert_eq!(
        (r.code, r.out().as_str()),
        (0, "{\"id\":1,\"jsonrpc\":\"2.0\",\"result\":\"0x0\"}\n"),
        "{}",
        r.stderr
    );
}
