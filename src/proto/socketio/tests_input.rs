//! Unit tests of what the user types and what goes out for it.

use super::binary::BinaryError;
use super::engine::WsMessage;
use super::input::{self, AckReply, Arg, Emit};
use super::outgoing::{self, OutgoingError};
use super::packet::SocketIoVersion;
use std::path::PathBuf;

const V5: SocketIoVersion = SocketIoVersion::V5;

fn json(args: &[&str]) -> Vec<Arg> {
    args.iter().map(|a| Arg::Json((*a).into())).collect()
}

#[test]
fn a_plain_line_is_the_message_event_and_an_array_line_an_event() {
    assert_eq!(
        input::parse_line("  hi there ").unwrap(),
        Emit {
            event: "message".into(),
            args: json(&[r#""  hi there ""#]),
            ack: false
        }
    );
    assert_eq!(
        input::parse_line(r#" ["chat", "hi", {"a": 1.50}]"#).unwrap(),
        Emit {
            event: "chat".into(),
            args: json(&[r#""hi""#, r#"{"a": 1.50}"#]),
            ack: false
        }
    );
    assert_eq!(input::parse_line(r#"["ping"]"#).unwrap().args, vec![]);
    assert_eq!(input::parse_line("{\"a\":1}").unwrap().event, "message");
}

#[test]
fn an_array_line_that_is_not_an_event_is_an_error_with_its_column() {
    let e = input::parse_line(r#"  ["chat", "hi""#).unwrap_err();
    assert_eq!(e.column, Some(15));
    assert_eq!(
        e.to_string(),
        "column 15: a line that starts with '[' is an event [\"name\", arg…]; this one is not valid JSON: EOF while parsing a list"
    );
    let e = input::parse_line("[]").unwrap_err();
    assert!(
        e.to_string().contains("an empty array names no event"),
        "{e}"
    );
    let e = input::parse_line("[1, 2]").unwrap_err();
    assert!(
        e.to_string().contains("must be a string, not a number"),
        "{e}"
    );
    assert!(e.to_string().contains(r#"/emit message "[1, 2]""#), "{e}");
    let e = input::parse_line(r#"["connect"]"#).unwrap_err();
    assert!(
        e.to_string()
            .contains("\"connect\" is reserved by Socket.IO"),
        "{e}"
    );
    assert!(input::parse_line("[").is_err());
    assert!(input::parse_line(r#"["a"] x"#).is_err());
}

#[test]
fn emit_and_ack_arguments() {
    assert_eq!(
        input::parse_emit(r#"chat "hi" {"a": [1, 2]} -3.5e2 null @dir/f.bin"#).unwrap(),
        Emit {
            event: "chat".into(),
            args: vec![
                Arg::Json(r#""hi""#.into()),
                Arg::Json(r#"{"a": [1, 2]}"#.into()),
                Arg::Json("-3.5e2".into()),
                Arg::Json("null".into()),
                Arg::File(PathBuf::from("dir/f.bin")),
            ],
            ack: false,
        }
    );
    let e = input::parse_emit(r#"--ack "two words" true"#).unwrap();
    assert_eq!(
        (e.event.as_str(), e.ack, e.args.len()),
        ("two words", true, 1)
    );
    let e = input::parse_emit(r#""--ack""#).unwrap();
    assert_eq!((e.event.as_str(), e.ack), ("--ack", false));
    assert_eq!(
        input::parse_ack(" 12 \"ok\" @x").unwrap(),
        AckReply {
            id: 12,
            args: vec![Arg::Json("\"ok\"".into()), Arg::File("x".into())]
        }
    );
    assert_eq!(input::parse_ack("7").unwrap().args, vec![]);
}

#[test]
fn emit_and_ack_mistakes_are_explained() {
    for (text, shown) in [
        ("", "/emit needs an event name: /emit [--ack] EVENT [ARG…]"),
        ("--ack", "/emit needs an event name"),
        (
            "chat hello",
            "column 6: argument 1 is not a JSON value: hello (a string needs quotes: \"hello\")",
        ),
        (
            "chat 1 {\"a\":}",
            "column 13: argument 2 is not valid JSON: expected value",
        ),
        (
            "chat [1]x",
            "column 9: argument 1 must end here, followed by a space, not 'x'",
        ),
        ("chat @", "column 6: @ needs a file name: @FILE"),
        (
            "disconnect 1",
            "column 1: \"disconnect\" is reserved by Socket.IO",
        ),
    ] {
        let e = input::parse_emit(text).unwrap_err().to_string();
        assert!(e.starts_with(shown), "{text}: {e}");
    }
    for (text, shown) in [
        (
            "",
            "/ack needs the id of the event to answer: /ack ID [ARG…]",
        ),
        (
            "x1",
            "column 1: the ack id must be a whole number, not \"x1\"",
        ),
        ("-1", "column 1: the ack id must be a whole number"),
        ("1 nope", "column 3: argument 1 is not a JSON value"),
    ] {
        let e = input::parse_ack(text).unwrap_err().to_string();
        assert!(e.starts_with(shown), "{text}: {e}");
    }
}

fn texts(msgs: &[WsMessage]) -> Vec<String> {
    msgs.iter()
        .map(|m| match m {
            WsMessage::Text(t) => t.clone(),
            WsMessage::Binary(b) => format!("<{b:?}>"),
        })
        .collect()
}

#[test]
fn events_and_acks_on_the_wire() {
    let emit = input::parse_line(r#"["chat","hi"]"#).unwrap();
    assert_eq!(
        texts(&outgoing::event(V5, "/", None, &emit).unwrap()),
        [r#"42["chat","hi"]"#]
    );
    assert_eq!(
        texts(&outgoing::event(V5, "/admin", Some(12), &emit).unwrap()),
        [r#"42/admin,12["chat","hi"]"#]
    );
    let emit = input::parse_emit(r#"up "x.bin" {"_binary":"AQID"} [{"_binary": "BA"}]"#).unwrap();
    let mut emit_with_file = emit.clone();
    emit_with_file.args.push(Arg::Bytes(vec![9]));
    assert_eq!(
        texts(&outgoing::event(V5, "/", None, &emit_with_file).unwrap()),
        [
            r#"453-["up","x.bin",{"_placeholder":true,"num":0},[{"_placeholder":true,"num":1}],{"_placeholder":true,"num":2}]"#,
            "<[1, 2, 3]>",
            "<[4]>",
            "<[9]>",
        ]
    );
    // Engine.IO v3 puts the type byte before each attachment.
    let v4 = outgoing::event(SocketIoVersion::V4, "/", Some(3), &emit).unwrap();
    assert_eq!(
        texts(&v4)[0],
        r#"452-3["up","x.bin",{"_placeholder":true,"num":0},[{"_placeholder":true,"num":1}]]"#
    );
    assert_eq!(v4[1], WsMessage::Binary(vec![4, 1, 2, 3]));
    let reply = input::parse_ack(r#"15 "bar" {"_binary":"AQIDBA=="}"#).unwrap();
    assert_eq!(
        texts(&outgoing::ack(V5, "/", &reply).unwrap()),
        [
            r#"461-15["bar",{"_placeholder":true,"num":0}]"#,
            "<[1, 2, 3, 4]>"
        ]
    );
    let reply = input::parse_ack("13").unwrap();
    assert_eq!(
        texts(&outgoing::ack(V5, "/admin", &reply).unwrap()),
        ["43/admin,13[]"]
    );
}

#[test]
fn what_cannot_be_sent_is_refused_before_anything_goes_out() {
    let file = Emit {
        event: "up".into(),
        args: vec![Arg::File("a.bin".into())],
        ack: false,
    };
    let e = outgoing::event(V5, "/", None, &file).unwrap_err();
    assert_eq!(e, OutgoingError::UnreadFile("a.bin".into()));
    let bad = input::parse_emit(r#"up 1 {"_binary":"not base64!"}"#).unwrap();
    let e = outgoing::event(V5, "/", None, &bad).unwrap_err();
    assert!(
        matches!(
            &e,
            OutgoingError::Binary {
                arg: 2,
                error: BinaryError::NotBase64 { column: 1, .. }
            }
        ),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .starts_with("argument 2: column 1: the value of \"_binary\" must be a base64 string"),
        "{e}"
    );
    let bad = input::parse_emit(r#"up [{"_binary":"AQ==","x":1}]"#).unwrap();
    let e = outgoing::event(V5, "/", None, &bad)
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "argument 1: column 2: an object with \"_binary\" is binary data and can have no other member"
    );
    let bad = input::parse_emit(r#"up {"_binary":7}"#).unwrap();
    let e = outgoing::event(V5, "/", None, &bad)
        .unwrap_err()
        .to_string();
    assert!(
        e.ends_with("must be a base64 string: it is a number"),
        "{e}"
    );
    let many = Emit {
        event: "up".into(),
        args: vec![Arg::Bytes(vec![]); 11],
        ack: false,
    };
    let e = outgoing::event(V5, "/", None, &many)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("argument 11: more than 10 binary values"),
        "{e}"
    );
    let many = Emit {
        event: "up".into(),
        args: json(&[&format!("[{}]", [r#"{"_binary":""}"#; 11].join(","))]),
        ack: false,
    };
    assert!(outgoing::event(V5, "/", None, &many).is_err());
    assert!(outgoing::event(V5, "/a,b", None, &input::parse_line("x").unwrap()).is_err());
}

#[test]
fn connect_and_disconnect_on_the_wire() {
    let t = |m: WsMessage| texts(&[m]).remove(0);
    assert_eq!(t(outgoing::connect("/", None).unwrap()), "40");
    assert_eq!(t(outgoing::connect("/admin", None).unwrap()), "40/admin,");
    assert_eq!(
        t(outgoing::connect("/admin", Some(r#" {"token": "123"} "#)).unwrap()),
        r#"40/admin,{"token": "123"}"#
    );
    let e = outgoing::connect("/", Some("[1]")).unwrap_err().to_string();
    assert_eq!(
        e,
        "the Socket.IO connect payload must be a JSON object (it is the handshake's auth), not an array"
    );
    assert!(
        outgoing::connect("/", Some("{"))
            .unwrap_err()
            .to_string()
            .contains("not invalid JSON (column 1: EOF")
    );
    assert_eq!(
        t(outgoing::connect_v4("/admin", Some("token=1234&uid=abcd")).unwrap()),
        "40/admin?token=1234&uid=abcd,"
    );
    assert_eq!(
        t(outgoing::connect_v4("/", Some("?t=1")).unwrap()),
        "40/?t=1,"
    );
    assert_eq!(t(outgoing::connect_v4("/", None).unwrap()), "40");
    assert!(outgoing::connect_v4("/", Some("a,b")).is_err());
    assert_eq!(t(outgoing::disconnect("/").unwrap()), "41");
    assert_eq!(t(outgoing::disconnect("/admin").unwrap()), "41/admin,");
}
