//! Unit tests of the messages of both dialects, with the protocol documents' messages.

use super::client::{self, ClientMessage, NotInDialect};
use super::close;
use super::message::{Dialect, MessageError, ServerMessage, decode, error_messages};
use super::operation::parse_operation;

const NEW: Dialect = Dialect::TransportWs;
const LEGACY: Dialect = Dialect::Legacy;

#[test]
fn graphql_transport_ws_server_messages() {
    let cases = [
        (r#"{"type":"connection_ack"}"#, ServerMessage::ConnectionAck { payload: None }),
        (
            r#"{"type":"connection_ack","payload":{"server":"yoga"}}"#,
            ServerMessage::ConnectionAck { payload: Some(r#"{"server":"yoga"}"#.into()) },
        ),
        (r#"{"type":"ping"}"#, ServerMessage::Ping { payload: None }),
        (r#"{"type":"ping","payload":null}"#, ServerMessage::Ping { payload: None }),
        (r#"{"type":"ping","payload":{"t":1}}"#, ServerMessage::Ping { payload: Some(r#"{"t":1}"#.into()) }),
        (r#"{"type":"pong"}"#, ServerMessage::Pong { payload: None }),
        (
            r#"{"id":"1","type":"next","payload":{"data":{"count":1}}}"#,
            ServerMessage::Next { id: "1".into(), payload: r#"{"data":{"count":1}}"#.into(), errors: vec![] },
        ),
        (
            r#"{"type":"next","id":"a","payload":{"data":null,"errors":[{"message":"boom","path":["x"]},{"message":"bang"}]}}"#,
            ServerMessage::Next {
                id: "a".into(),
                payload: r#"{"data":null,"errors":[{"message":"boom","path":["x"]},{"message":"bang"}]}"#.into(),
                errors: vec!["boom".into(), "bang".into()],
            },
        ),
        (
            r#"{"id":"2","type":"error","payload":[{"message":"Cannot query field \"x\" on type \"Query\".","locations":[{"line":1,"column":3}]}]}"#,
            ServerMessage::Error {
                id: "2".into(),
                payload: r#"[{"message":"Cannot query field \"x\" on type \"Query\".","locations":[{"line":1,"column":3}]}]"#.into(),
                messages: vec![r#"Cannot query field "x" on type "Query"."#.into()],
            },
        ),
        (r#"{"id":"1","type":"complete"}"#, ServerMessage::Complete { id: "1".into() }),
    ];
    for (text, msg) in cases {
        assert_eq!(decode(NEW, text), Ok(msg), "{text}");
    }
}

#[test]
fn legacy_server_messages() {
    let cases = [
        (r#"{"type":"connection_ack"}"#, ServerMessage::ConnectionAck { payload: None }),
        (r#"{"type":"ka"}"#, ServerMessage::KeepAlive),
        (
            r#"{"type":"connection_error","payload":{"message":"Prohibited connection!"}}"#,
            ServerMessage::ConnectionError {
                payload: Some(r#"{"message":"Prohibited connection!"}"#.into()),
                message: "Prohibited connection!".into(),
            },
        ),
        (
            r#"{"type":"connection_error"}"#,
            ServerMessage::ConnectionError { payload: None, message: "the server refused the connection".into() },
        ),
        (
            r#"{"id":"1","type":"data","payload":{"data":{"hello":"world"}}}"#,
            ServerMessage::Next { id: "1".into(), payload: r#"{"data":{"hello":"world"}}"#.into(), errors: vec![] },
        ),
        // subscriptions-transport-ws reports some failures as data with errors.
        (
            r#"{"id":"1","type":"data","payload":{"errors":[{"message":"x","extensions":{"code":"INTERNAL_SERVER_ERROR"}}],"data":null}}"#,
            ServerMessage::Next {
                id: "1".into(),
                payload: r#"{"errors":[{"message":"x","extensions":{"code":"INTERNAL_SERVER_ERROR"}}],"data":null}"#.into(),
                errors: vec!["x".into()],
            },
        ),
        (
            r#"{"id":"1","type":"error","payload":{"message":"Syntax Error: Unexpected Name \"hello\"."}}"#,
            ServerMessage::Error {
                id: "1".into(),
                payload: r#"{"message":"Syntax Error: Unexpected Name \"hello\"."}"#.into(),
                messages: vec![r#"Syntax Error: Unexpected Name "hello"."#.into()],
            },
        ),
        (
            r#"{"id":"3","type":"error"}"#,
            ServerMessage::Error { id: "3".into(), payload: "null".into(), messages: vec![] },
        ),
        (r#"{"id":"1","type":"complete","payload":null}"#, ServerMessage::Complete { id: "1".into() }),
        (r#"{"type":"connection_ack","payload":"ok"}"#, ServerMessage::ConnectionAck { payload: Some("\"ok\"".into()) }),
    ];
    for (text, msg) in cases {
        assert_eq!(decode(LEGACY, text), Ok(msg), "{text}");
    }
}

#[test]
fn messages_a_server_must_not_send_are_named() {
    let other = |t: &str, d| MessageError::OtherDialect {
        type_name: t.into(),
        dialect: d,
    };
    assert_eq!(decode(NEW, r#"{"type":"ka"}"#), Err(other("ka", LEGACY)));
    assert_eq!(
        decode(NEW, r#"{"type":"data","id":"1","payload":{}}"#),
        Err(other("data", LEGACY))
    );
    assert_eq!(
        decode(NEW, r#"{"type":"connection_error"}"#),
        Err(other("connection_error", LEGACY))
    );
    assert_eq!(
        decode(LEGACY, r#"{"type":"ping"}"#),
        Err(other("ping", NEW))
    );
    assert_eq!(
        decode(LEGACY, r#"{"type":"next","id":"1"}"#),
        Err(other("next", NEW))
    );
    for t in [
        "connection_init",
        "subscribe",
        "start",
        "stop",
        "connection_terminate",
    ] {
        let text = format!(r#"{{"type":"{t}"}}"#);
        assert_eq!(decode(NEW, &text), Err(MessageError::ClientType(t.into())));
    }
    assert_eq!(
        decode(LEGACY, r#"{"type":"ka"}"#.replace("ka", "nope").as_str()),
        Err(MessageError::UnknownType("nope".into()))
    );
    let shown = decode(NEW, r#"{"type":"ka"}"#).unwrap_err().to_string();
    assert_eq!(
        shown,
        "\"ka\" is a message of the legacy graphql-ws (subscriptions-transport-ws), not of the dialect the server selected"
    );
}

#[test]
fn malformed_messages_say_what_is_wrong() {
    #[rustfmt::skip]
    let cases = [
        (NEW, "nope", "the message is not JSON (column 2: expected ident)"),
        (NEW, "[]", "the message is an array, not a JSON object"),
        (NEW, "{}", "the message has no \"type\""),
        (NEW, r#"{"type":7}"#, "the message's \"type\" is a number, not a string"),
        (NEW, r#"{"type":"next","payload":{}}"#, "a \"next\" message needs the operation's \"id\" as a non-empty string, not none"),
        (NEW, r#"{"type":"next","id":1,"payload":{}}"#, "not a number"),
        (NEW, r#"{"type":"complete","id":""}"#, "not an empty string"),
        (NEW, r#"{"type":"next","id":"1","payload":[]}"#, "a \"next\" message's \"payload\" must be an object (an execution result), not an array"),
        (NEW, r#"{"type":"next","id":"1"}"#, "not missing"),
        (NEW, r#"{"type":"error","id":"1","payload":[]}"#, "not an empty array"),
        (NEW, r#"{"type":"error","id":"1","payload":[{"msg":"x"}]}"#, "not an array with an item that is not one"),
        (NEW, r#"{"type":"error","id":"1","payload":{"message":"x"}}"#, "must be a non-empty array of GraphQL errors"),
        (NEW, r#"{"type":"ping","payload":"x"}"#, "must be an object, null or missing, not a string"),
        (NEW, r#"{"type":"ping","type":"pong"}"#, "the member \"type\" occurs twice"),
        (LEGACY, r#"{"type":"data","id":"1","payload":"x"}"#, "not a string"),
    ];
    for (dialect, text, shown) in cases {
        let e = decode(dialect, text).unwrap_err().to_string();
        assert!(e.contains(shown), "{text}: {e}");
    }
}

#[test]
fn error_messages_in_every_shape() {
    assert_eq!(
        error_messages(r#"[{"message":"a"},{"message":"b"},"c",{"x":1}]"#),
        ["a", "b", "c"]
    );
    assert_eq!(error_messages(r#"{"message":"one"}"#), ["one"]);
    assert_eq!(
        error_messages(r#"{"errors":[{"message":"nested"}]}"#),
        ["nested"]
    );
    assert_eq!(error_messages(r#""plain""#), ["plain"]);
    assert!(error_messages("42").is_empty());
    assert!(error_messages("not json").is_empty());
}

#[test]
fn client_messages_in_each_dialect() {
    let text = r#"{"query":"subscription { count(to: 3) }","variables":{"n":1}}"#;
    let op = parse_operation(text).unwrap();
    let sub = |id| ClientMessage::Subscribe { id, operation: &op };
    #[rustfmt::skip]
    let cases = [
        (NEW, ClientMessage::ConnectionInit { payload: None }, r#"{"type":"connection_init"}"#),
        (LEGACY, ClientMessage::ConnectionInit { payload: Some(r#"{"token":"t"}"#) }, r#"{"type":"connection_init","payload":{"token":"t"}}"#),
        (NEW, sub("1"), r#"{"id":"1","type":"subscribe","payload":{"query":"subscription { count(to: 3) }","variables":{"n":1}}}"#),
        (LEGACY, sub("1"), r#"{"id":"1","type":"start","payload":{"query":"subscription { count(to: 3) }","variables":{"n":1}}}"#),
        (NEW, ClientMessage::Complete { id: "7" }, r#"{"id":"7","type":"complete"}"#),
        (LEGACY, ClientMessage::Complete { id: "7" }, r#"{"id":"7","type":"stop"}"#),
        (NEW, ClientMessage::Pong { payload: Some("{\"t\":1}") }, r#"{"type":"pong","payload":{"t":1}}"#),
        (NEW, ClientMessage::Ping { payload: None }, r#"{"type":"ping"}"#),
        (LEGACY, ClientMessage::Terminate, r#"{"type":"connection_terminate"}"#),
    ];
    for (dialect, message, text) in cases {
        assert_eq!(client::encode(dialect, &message).as_deref(), Ok(text));
    }
    let e = client::encode(LEGACY, &ClientMessage::Pong { payload: None }).unwrap_err();
    assert_eq!(
        e,
        NotInDialect {
            message: "pong",
            dialect: LEGACY
        }
    );
    assert_eq!(e.to_string(), "the graphql-ws protocol has no pong message");
    assert!(client::encode(LEGACY, &ClientMessage::Ping { payload: None }).is_err());
    assert!(client::encode(NEW, &ClientMessage::Terminate).is_err());
}

#[test]
fn payloads_the_user_gives_are_objects() {
    assert_eq!(
        client::object_payload(r#" {"a": 1} "#).unwrap(),
        r#"{"a": 1}"#
    );
    let e = client::object_payload("[1]").unwrap_err().to_string();
    assert_eq!(e, "the payload must be a JSON object, not an array");
    let e = client::object_payload("{").unwrap_err().to_string();
    assert!(
        e.starts_with("column 1: the payload is not valid JSON"),
        "{e}"
    );
}

#[test]
fn dialects_and_close_codes() {
    assert_eq!(Dialect::from_subprotocol("graphql-transport-ws"), Some(NEW));
    assert_eq!(Dialect::from_subprotocol("graphql-ws"), Some(LEGACY));
    assert_eq!(Dialect::from_subprotocol("graphql"), None);
    assert_eq!(LEGACY.subprotocol(), "graphql-ws");
    for code in [4400, 4401, 4403, 4406, 4408, 4409, 4429, 4500] {
        let c = close::describe(NEW, code).unwrap();
        assert_eq!(c.code, code);
        assert!(!c.meaning.is_empty());
    }
    assert_eq!(close::describe(NEW, 4401).unwrap().name, "Unauthorized");
    assert!(
        close::describe(NEW, 4403)
            .unwrap()
            .hint
            .unwrap()
            .contains("--connect-payload")
    );
    assert!(
        close::describe(NEW, 4406)
            .unwrap()
            .hint
            .unwrap()
            .contains("--graphql-dialect")
    );
    // subscriptions-transport-ws closes 1002 after selecting graphql-transport-ws.
    assert_eq!(close::describe(NEW, 1002).unwrap().name, "ProtocolError");
    assert_eq!(close::describe(LEGACY, 1002), None);
    assert_eq!(close::describe(NEW, 1011), None);
    assert_eq!(close::describe(LEGACY, 1011).unwrap().code, 1011);
    assert_eq!(close::describe(LEGACY, 4400).unwrap().name, "BadRequest");
    assert_eq!(close::describe(NEW, 1000), None);
}
