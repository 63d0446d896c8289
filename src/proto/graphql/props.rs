//! Property tests: server messages written by an independent encoder (serde_json values) are
//! decoded field for field; client messages read back by serde_json hold what was put in;
//! the JSON form of an operation parses back to the same operation; generated documents get
//! their kind right; arbitrary text never panics.

use super::client::{self, ClientMessage};
use super::document::OperationKind;
use super::message::{Dialect, ServerMessage, decode};
use super::operation::{Operation, parse_operation};
use crate::proto::strategies::{json_object as object, json_value};
use proptest::prelude::*;
use serde_json::{Value, json};

fn dialect() -> impl Strategy<Value = Dialect> {
    prop_oneof![Just(Dialect::TransportWs), Just(Dialect::Legacy)]
}

/// A server message of the dialect and the JSON an independent encoder writes for it.
fn server_message(d: Dialect) -> impl Strategy<Value = (ServerMessage, String)> {
    let id = "[ -~é]{1,8}";
    let ack = proptest::option::of(object()).prop_map(|p| {
        let mut v = json!({"type": "connection_ack"});
        if let Some(p) = &p {
            v["payload"] = p.clone();
        }
        (
            ServerMessage::ConnectionAck {
                payload: p.map(|p| p.to_string()),
            },
            v.to_string(),
        )
    });
    let next = (id, object(), prop::collection::vec("[ -~]{0,6}", 0..3)).prop_map(
        move |(id, mut p, errs)| {
            if !errs.is_empty() {
                p["errors"] = errs.iter().map(|m| json!({"message": m})).collect();
            }
            let kind = if d == Dialect::Legacy { "data" } else { "next" };
            let v = json!({"id": id, "type": kind, "payload": p});
            (
                ServerMessage::Next {
                    id,
                    payload: p.to_string(),
                    errors: errs,
                },
                v.to_string(),
            )
        },
    );
    let error = (id, prop::collection::vec("[ -~]{0,6}", 1..3)).prop_map(move |(id, msgs)| {
        let p: Value = msgs
            .iter()
            .map(|m| json!({"message": m, "path": ["a"]}))
            .collect();
        let v = json!({"type": "error", "id": id, "payload": p});
        (
            ServerMessage::Error {
                id,
                payload: p.to_string(),
                messages: msgs,
            },
            v.to_string(),
        )
    });
    let complete = id.prop_map(|id| {
        let v = json!({"id": id, "type": "complete"});
        (ServerMessage::Complete { id }, v.to_string())
    });
    prop_oneof![ack, next, error, complete, own_messages(d)]
}

/// The messages only one dialect has: ping (graphql-transport-ws), ka and connection_error
/// (legacy).
fn own_messages(d: Dialect) -> BoxedStrategy<(ServerMessage, String)> {
    match d {
        Dialect::TransportWs => proptest::option::of(object())
            .prop_map(|p| {
                let mut v = json!({"type": "ping"});
                if let Some(p) = &p {
                    v["payload"] = p.clone();
                }
                (
                    ServerMessage::Ping {
                        payload: p.map(|p| p.to_string()),
                    },
                    v.to_string(),
                )
            })
            .boxed(),
        Dialect::Legacy => prop_oneof![
            Just((ServerMessage::KeepAlive, r#"{"type":"ka"}"#.to_string())),
            "[ -~]{1,8}".prop_map(|m| {
                let v = json!({"type": "connection_error", "payload": {"message": m}});
                let payload = Some(v["payload"].to_string());
                (
                    ServerMessage::ConnectionError {
                        payload,
                        message: m,
                    },
                    v.to_string(),
                )
            }),
        ]
        .boxed(),
    }
}

fn document() -> impl Strategy<Value = (OperationKind, String)> {
    let kind = prop_oneof![
        Just(OperationKind::Query),
        Just(OperationKind::Mutation),
        Just(OperationKind::Subscription)
    ];
    let noise = prop_oneof![
        Just(String::new()),
        "# [ -~]{0,12}\n",
        "fragment F on T \\{ a(s: \"[a-z{}]{0,5}\") \\}\n",
    ];
    let selection = "[a-z]{1,5}(\\(s: \"[a-z{}()#]{0,6}\"\\))?( \\{ [a-z]{1,4} \\})?";
    (
        kind,
        noise.clone(),
        proptest::option::of("[A-Z][a-z]{0,5}"),
        selection,
        noise,
    )
        .prop_map(|(kind, before, name, selection, after)| {
            let name = name.map_or(String::new(), |n| format!(" {n}"));
            (
                kind,
                format!("{before}{}{name} {{ {selection} }}\n{after}", kind.as_str()),
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn server_messages_decode_field_for_field(
        (d, (msg, text)) in dialect().prop_flat_map(|d| (Just(d), server_message(d))),
    ) {
        prop_assert_eq!(decode(d, &text), Ok(msg));
    }

    #[test]
    fn client_messages_hold_what_was_put_in(
        d in dialect(),
        id in "[ -~é\"\\\\]{1,8}",
        (kind, query) in document(),
        variables in proptest::option::of(object()),
        init in proptest::option::of(object()),
    ) {
        let operation = Operation {
            query: query.clone(),
            variables: variables.as_ref().map(Value::to_string),
            operation_name: None,
            extensions: None,
            kind,
        };
        let sub: Value = serde_json::from_str(
            &client::encode(d, &ClientMessage::Subscribe { id: &id, operation: &operation }).unwrap(),
        ).unwrap();
        prop_assert_eq!(&sub["id"], &Value::from(id.clone()));
        prop_assert_eq!(&sub["type"], if d == Dialect::Legacy { "start" } else { "subscribe" });
        prop_assert_eq!(&sub["payload"]["query"], &Value::from(query));
        // The same text parsed the same way (serde_json's float parsing is not exact).
        let reparsed = |v: &Value| serde_json::from_str::<Value>(&v.to_string()).unwrap();
        let want = variables.as_ref().map(reparsed);
        prop_assert_eq!(sub["payload"].get("variables"), want.as_ref());
        let init_text = init.as_ref().map(Value::to_string);
        let msg: Value = serde_json::from_str(
            &client::encode(d, &ClientMessage::ConnectionInit { payload: init_text.as_deref() }).unwrap(),
        ).unwrap();
        let want = init.as_ref().map(reparsed);
        prop_assert_eq!(msg.get("payload"), want.as_ref());
    }

    #[test]
    fn documents_get_their_kind((kind, doc) in document()) {
        prop_assert_eq!(parse_operation(&doc).map(|o| o.kind), Ok(kind));
    }

    #[test]
    fn the_json_form_parses_back_to_the_same_operation(
        (_, doc) in document(),
        variables in proptest::option::of(object()),
        extensions in proptest::option::of(object()),
    ) {
        let mut op = parse_operation(&doc).unwrap();
        op.variables = variables.map(|v| v.to_string());
        op.extensions = extensions.map(|v| v.to_string());
        prop_assert_eq!(parse_operation(&op.payload_json()), Ok(op));
    }

    #[test]
    fn arbitrary_text_never_panics(text in "[ -~\n{}()\\[\\]\"#\\\\é]{0,64}", d in dialect()) {
        let _ = decode(d, &text);
        let _ = parse_operation(&text);
        let _ = client::object_payload(&text);
    }

    #[test]
    fn arbitrary_json_messages_never_panic(v in json_value(), t in "[a-z_]{0,16}", d in dialect()) {
        let _ = decode(d, &json!({"type": t, "id": "1", "payload": v}).to_string());
        let _ = decode(d, &json!({"type": t, "id": v}).to_string());
    }
}
