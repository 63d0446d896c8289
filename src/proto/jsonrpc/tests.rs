//! Unit tests with the JSON-RPC 2.0 specification's examples.

use super::classify::{
    Invalid, Outcome, Reason, Received, Response, RpcError, ServerRequest, classify,
};
use super::id::{IdAllocator, IdKey};
use super::pending::{PendingCalls, PendingError};
use super::request::{Call, Outgoing, Typed, parse_line, parse_notify};
use std::time::{Duration, Instant};

fn send(line: &str) -> String {
    let mut ids = IdAllocator::default();
    parse_line(line)
        .unwrap()
        .assign(&mut ids, |_| false)
        .to_json()
}

#[test]
fn lines_become_requests() {
    assert_eq!(
        send("subtract [42, 23]"),
        r#"{"jsonrpc":"2.0","id":1,"method":"subtract","params":[42, 23]}"#
    );
    assert_eq!(
        send(r#"subtract {"subtrahend": 23, "minuend": 42}"#),
        r#"{"jsonrpc":"2.0","id":1,"method":"subtract","params":{"subtrahend": 23, "minuend": 42}}"#
    );
    assert_eq!(
        send("eth_blockNumber"),
        r#"{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}"#
    );
    assert_eq!(
        send(r#""two words" []"#),
        r#"{"jsonrpc":"2.0","id":1,"method":"two words","params":[]}"#
    );
    assert_eq!(
        send(r#" {"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": "a"}"#),
        r#"{"jsonrpc":"2.0","id":"a","method":"subtract","params":[42, 23]}"#
    );
    assert_eq!(
        send(r#"{"method":"user.login","params":{"user":"a"},"auth":null,"id":1.0}"#),
        r#"{"jsonrpc":"2.0","id":1.0,"method":"user.login","params":{"user":"a"},"auth":null}"#
    );
    assert_eq!(
        send(r#"[{"method":"sum","params":[1,2,4],"id":"1"},{"method":"get_data"}]"#),
        r#"[{"jsonrpc":"2.0","id":"1","method":"sum","params":[1,2,4]},{"jsonrpc":"2.0","id":1,"method":"get_data"}]"#
    );
    let n = parse_notify("update [1,2,3,4,5]").unwrap();
    assert_eq!(
        n,
        Call {
            method: "update".into(),
            params: Some("[1,2,3,4,5]".into()),
            id: None,
            notification: true,
            extra: vec![]
        }
    );
    let out = Typed::One(n).assign(&mut IdAllocator::default(), |_| false);
    assert_eq!(
        out.to_json(),
        r#"{"jsonrpc":"2.0","method":"update","params":[1,2,3,4,5]}"#
    );
    assert_eq!(out.requests().len(), 1);
}

#[test]
fn ids_start_where_asked_and_skip_those_in_use() {
    let mut ids = IdAllocator::new(5);
    let taken = |k: &IdKey| *k == IdKey::Num("6".into());
    let out = parse_line(r#"[{"method":"a"},{"method":"b"},{"method":"c","id":6}]"#)
        .unwrap()
        .assign(&mut ids, taken);
    let got: Vec<_> = out
        .requests()
        .iter()
        .map(|r| r.id.clone().unwrap())
        .collect();
    assert_eq!(got, ["5", "7", "6"]);
    assert!(matches!(out, Outgoing::Batch(_)));
    assert_eq!(IdAllocator::default().next_free(|_| false), 1);
    assert_eq!(IdAllocator::new(0).next_free(|_| false), 0);
}

#[test]
fn mistakes_in_what_is_typed_are_explained() {
    #[rustfmt::skip]
    let cases = [
        ("", "an empty line: type METHOD [PARAMS] or a JSON-RPC request object"),
        ("sum 1", "column 5: params must be a JSON array (by position) or object (by name), not a number"),
        ("sum [1,", "column 7: params is not valid JSON: EOF while parsing a value"),
        ("sum [1] [2]", "column 9: only one JSON value of params may follow the method"),
        ("sum [1]x", "column 8: params must end here"),
        ("sum hello", "column 5: params is not valid JSON"),
        (r#"  {"method": }"#, "column 14: the request is not valid JSON: expected value"),
        (r#"{"params": []}"#, "a request needs \"method\" (a string)"),
        (r#"{"method": 1}"#, "\"method\" must be a string, not a number"),
        (r#"{"method": "a", "params": "x"}"#, "params must be a JSON array (by position) or object (by name), not a string"),
        (r#"{"method": "a", "id": {}}"#, "\"id\" must be a string, a number or null, not an object"),
        (r#"{"method": "a", "jsonrpc": "1.0"}"#, "\"jsonrpc\" must be \"2.0\", not \"1.0\""),
        (r#"{"result": 1, "id": 1}"#, "this is a response (it has \"result\"), not a request"),
        (r#"{"method": "a", "method": "b"}"#, "column 30: in the request, the member \"method\" occurs twice"),
        ("[]", "column 1: an empty batch: servers answer it with a single Invalid Request error"),
        ("[1]", "batch item 1: a request must be a JSON object, not a number"),
        (r#"[{"method":"a","id":1},{"method":"b","id":1.0}]"#, "batch item 2: the id 1.0 is used twice in the batch"),
        ("[{]", "column 3: the batch is not valid JSON: key must be a string"),
    ];
    for (line, shown) in cases {
        let e = parse_line(line).unwrap_err().to_string();
        assert!(e.starts_with(shown), "{line}: {e}");
    }
    assert!(
        parse_notify("")
            .unwrap_err()
            .to_string()
            .contains("a method name is missing")
    );
}

fn response(id: &str, outcome: Outcome) -> Received {
    Received::Response(Response {
        id: id.into(),
        outcome,
    })
}

fn error(code: i64, message: &str) -> Outcome {
    Outcome::Error(RpcError {
        code,
        message: message.into(),
        data: None,
    })
}

#[test]
fn received_messages_of_the_specification() {
    assert_eq!(
        classify(r#"{"jsonrpc": "2.0", "result": 19, "id": 1}"#),
        response("1", Outcome::Result("19".into()))
    );
    assert_eq!(
        classify(
            r#"{"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found"}, "id": "1"}"#
        ),
        response("\"1\"", error(-32601, "Method not found"))
    );
    assert_eq!(
        classify(
            r#"{"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}, "id": null}"#
        ),
        response("null", error(-32700, "Parse error"))
    );
    let with_data = classify(
        r#"{"jsonrpc":"2.0","id":7,"error":{"code":3,"message":"execution reverted","data":"0x08c3"}}"#,
    );
    let Received::Response(Response {
        outcome: Outcome::Error(e),
        ..
    }) = with_data
    else {
        panic!()
    };
    assert_eq!(e.data.as_deref(), Some("\"0x08c3\""));
    let batch = classify(
        r#"[
        {"jsonrpc": "2.0", "result": 7, "id": "1"},
        {"jsonrpc": "2.0", "result": 19, "id": "2"},
        {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null},
        {"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found"}, "id": "5"},
        {"jsonrpc": "2.0", "result": ["hello", 5], "id": "9"}
    ]"#,
    );
    let Received::Batch(items) = batch else {
        panic!("{batch:?}")
    };
    assert_eq!(items.len(), 5);
    assert_eq!(
        items[4].text,
        r#"{"jsonrpc": "2.0", "result": ["hello", 5], "id": "9"}"#
    );
    assert_eq!(
        items[4].received,
        response("\"9\"", Outcome::Result(r#"["hello", 5]"#.into()))
    );
    let note = classify(
        r#"{"jsonrpc":"2.0","method":"eth_subscription","params":{"subscription":"0x9ce5","result":{"number":"0x1b4"}}}"#,
    );
    assert_eq!(
        note,
        Received::Request(ServerRequest {
            method: "eth_subscription".into(),
            params: Some(r#"{"subscription":"0x9ce5","result":{"number":"0x1b4"}}"#.into()),
            id: None,
        })
    );
    let call =
        classify(r#"{"jsonrpc":"2.0","id":"s1","method":"workspace/configuration","params":{}}"#);
    assert!(
        matches!(call, Received::Request(ServerRequest { id: Some(id), .. }) if id == "\"s1\"")
    );
}

#[test]
fn invalid_messages_say_why() {
    let invalid = |text: &str| match classify(text) {
        Received::Invalid(i) => i,
        other => panic!("{text}: {other:?}"),
    };
    #[rustfmt::skip]
    let cases = [
        ("{", "not JSON (column 1: EOF while parsing an object)", None),
        ("42", "a number is not a JSON-RPC message (an object)", None),
        ("[]", "an empty batch", None),
        (r#"{"result":1,"id":1}"#, "no \"jsonrpc\":\"2.0\" member", Some("1")),
        (r#"{"jsonrpc":"1.0","result":1,"id":1}"#, "\"jsonrpc\" is \"1.0\", not \"2.0\"", Some("1")),
        (r#"{"jsonrpc":"2.0","result":1}"#, "an answer without an id: it matches no call (a server must not answer a notification)", None),
        (r#"{"jsonrpc":"2.0","params":[1]}"#, "neither an id (a response) nor a method (a request from the server)", None),
        (r#"{"jsonrpc":"2.0","result":1,"error":null,"id":2}"#, "both \"result\" and \"error\"", Some("2")),
        (r#"{"jsonrpc":"2.0","id":2}"#, "a response with neither \"result\" nor \"error\"", Some("2")),
        (r#"{"jsonrpc":"2.0","result":1,"id":[2]}"#, "\"id\" is an array, not a string, a number or null", None),
        (r#"{"jsonrpc":"2.0","method":5}"#, "\"method\" is a number, not a string", None),
        (r#"{"jsonrpc":"2.0","method":"m","params":5}"#, "\"params\" is a number, not an array or an object", None),
        (r#"{"jsonrpc":"2.0","id":3,"error":"boom"}"#, "the \"error\" object is a string, not an object", Some("3")),
        (r#"{"jsonrpc":"2.0","id":3,"error":{"code":1.5,"message":"x"}}"#, "the \"error\" object has no integer \"code\"", Some("3")),
        (r#"{"jsonrpc":"2.0","id":3,"error":{"code":1}}"#, "the \"error\" object has no \"message\" string", Some("3")),
        (r#"{"jsonrpc":"2.0","id":3,"id":4,"result":1}"#, "not JSON (column 30: the member \"id\" occurs twice)", None),
    ];
    for (text, reason, id) in cases {
        let i = invalid(text);
        assert_eq!(i.reason.to_string(), reason, "{text}");
        assert_eq!(i.id.as_deref(), id, "{text}");
    }
    let Received::Batch(items) = classify(r#"[1, {"jsonrpc":"2.0","result":1,"id":1}, [2]]"#)
    else {
        panic!()
    };
    assert!(matches!(
        &items[0].received,
        Received::Invalid(Invalid {
            reason: Reason::NotObject(_),
            ..
        })
    ));
    assert!(matches!(&items[1].received, Received::Response(_)));
    assert!(matches!(
        &items[2].received,
        Received::Invalid(Invalid {
            reason: Reason::NotObject(_),
            ..
        })
    ));
    let big = format!("[{}]", vec!["1"; super::classify::MAX_BATCH + 1].join(","));
    assert!(matches!(
        classify(&big),
        Received::Invalid(Invalid {
            reason: Reason::BatchTooLarge,
            ..
        })
    ));
}

#[test]
fn ids_compare_by_value() {
    let key = |s: &str| IdKey::of(s);
    assert_eq!(key("1"), key("1.0"));
    assert_eq!(key("1"), key("1e0"));
    assert_eq!(key("-0"), key("0"));
    assert_eq!(key(r#""a""#), key(r#""\u0061""#));
    assert_ne!(key("1"), key(r#""1""#));
    assert_eq!(
        key("123456789012345678901234567890"),
        Some(IdKey::Num("123456789012345678901234567890".into()))
    );
    assert_ne!(
        key("123456789012345678901234567890"),
        key("123456789012345678901234567891")
    );
    assert_eq!(key("1.5"), Some(IdKey::Num("1.5".into())));
    assert_eq!(key("null"), Some(IdKey::Null));
    for bad in ["", "[1]", "{}", "true", "01", "nul", "\"x", "-"] {
        assert_eq!(key(bad), None, "{bad}");
    }
}

#[test]
fn pending_calls_are_matched_by_id_and_bounded() {
    let t0 = Instant::now();
    let later = t0 + Duration::from_secs(5);
    let mut p = PendingCalls::new(3);
    assert_eq!(p.insert(&[("1", "eth_blockNumber")], t0, false), Ok(None));
    let batch = p
        .insert(&[("\"a\"", "sum"), ("2", "get")], later, false)
        .unwrap()
        .unwrap();
    assert_eq!(p.len(), 3);
    assert_eq!(
        p.insert(&[("3", "x")], t0, false),
        Err(PendingError::Full { limit: 3 })
    );
    assert_eq!(
        p.insert(&[("1.0", "x")], t0, false),
        Err(PendingError::Duplicate("1.0".into()))
    );
    let oldest: Vec<&str> = p.oldest_first().map(|c| c.method.as_str()).collect();
    assert_eq!(oldest[0], "eth_blockNumber");
    let got = p.take("\"\\u0061\"").unwrap();
    assert_eq!(
        (got.id.as_str(), got.method.as_str(), got.batch),
        ("\"a\"", "sum", Some(batch))
    );
    assert_eq!(p.len(), 2);
    assert_eq!(
        p.take("\"a\""),
        Err(PendingError::UnknownId("\"a\"".into()))
    );
    assert_eq!(
        p.take("null").unwrap_err().to_string(),
        "an answer with id null: the server could not read the id of the call it answers"
    );
    assert_eq!(p.take("[1]"), Err(PendingError::NotAnId("[1]".into())));
    assert!(p.contains(&IdKey::Num("2".into())));
    let gone = p.expire(t0 + Duration::from_secs(3), Duration::from_secs(2));
    assert_eq!(gone.len(), 1);
    assert_eq!(gone[0].method, "eth_blockNumber");
    assert_eq!(p.len(), 1);
    assert_eq!(
        p.insert(&[("9", "a"), ("9", "b")], t0, false),
        Err(PendingError::Duplicate("9".into()))
    );
    assert_eq!(p.len(), 1);
    assert!(!p.is_empty());
    assert_eq!(
        PendingError::UnknownId("7".into()).to_string(),
        "an answer for id 7, which no call is waiting for"
    );
}
