//! Unit tests of the Engine.IO and Socket.IO codecs with the protocol documents' own examples
//! (engine.io-protocol v3 and v4, socket.io-protocol v4 and v5).

use super::engine::{self, Data, EngineError, EnginePacket, EngineVersion, WsMessage};
use super::packet::{self, Limits, Packet, PacketError, PacketType, SocketIoVersion};
use std::time::Duration;

const V5: SocketIoVersion = SocketIoVersion::V5;
const V4: SocketIoVersion = SocketIoVersion::V4;

#[test]
fn engine_open_packets_of_both_revisions() {
    let v4 = r#"0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#;
    let EnginePacket::Open(h) = engine::decode_text(v4).unwrap() else {
        panic!("not open")
    };
    assert_eq!(h.sid, "lv_VI97HAXpY6yYWAAAC");
    assert_eq!(h.upgrades, ["websocket"]);
    assert_eq!((h.ping_interval, h.ping_timeout), (25000, 20000));
    assert_eq!(h.max_payload, Some(1_000_000));
    assert_eq!(h.silence_limit(), Duration::from_millis(45000));
    assert_eq!(h.raw, &v4[1..]);
    assert_eq!(
        engine::encode(EngineVersion::V4, &EnginePacket::Open(h)),
        WsMessage::Text(v4.into())
    );

    // The v3 document's WebSocket-only session: no upgrades, no maxPayload.
    let v3 = r#"0{"sid":"lv_VI97HAXpY6yYWAAAC","pingInterval":25000,"pingTimeout":5000}"#;
    let EnginePacket::Open(h) = engine::decode_text(v3).unwrap() else {
        panic!("not open")
    };
    assert!(h.upgrades.is_empty());
    assert_eq!(h.max_payload, None);
    assert_eq!(h.ping_timeout, 5000);
    let h = engine::decode_text(r#"0{"sid":"a","pingInterval":2.5e4,"pingTimeout":5000.0}"#);
    assert!(
        matches!(h, Ok(EnginePacket::Open(h)) if h.ping_interval == 25000 && h.ping_timeout == 5000)
    );
}

#[test]
fn engine_open_packets_that_are_refused_say_why() {
    #[rustfmt::skip]
    let cases = [
        ("0", "column 1: EOF while parsing a value"),
        ("0[]", "its data is an array, not a JSON object"),
        (r#"0{"pingInterval":1,"pingTimeout":1}"#, "no \"sid\" string"),
        (r#"0{"sid":1,"pingInterval":1,"pingTimeout":1}"#, "no \"sid\" string"),
        (r#"0{"sid":"a","pingTimeout":1}"#, "no \"pingInterval\""),
        (r#"0{"sid":"a","pingInterval":-1,"pingTimeout":1}"#, "\"pingInterval\" is -1"),
        (r#"0{"sid":"a","pingInterval":"25000","pingTimeout":1}"#, "\"pingInterval\" is \"25000\""),
        (r#"0{"sid":"a","pingInterval":1,"pingTimeout":1.5}"#, "\"pingTimeout\" is 1.5"),
        (r#"0{"sid":"a","pingInterval":1,"pingTimeout":1,"maxPayload":true}"#, "\"maxPayload\" is true"),
        (r#"0{"sid":"a","upgrades":"websocket","pingInterval":1,"pingTimeout":1}"#, "\"upgrades\" is not an array"),
        (r#"0{"sid":"a","sid":"b","pingInterval":1,"pingTimeout":1}"#, "\"sid\" occurs twice"),
    ];
    for (text, why) in cases {
        let e = engine::decode_text(text).unwrap_err();
        assert!(matches!(e, EngineError::BadOpen(_)), "{text}");
        let shown = e.to_string();
        assert!(
            shown.starts_with("the Engine.IO open packet is not valid: "),
            "{shown}"
        );
        assert!(shown.contains(why), "{text}: {shown}");
    }
}

#[test]
fn engine_packets_of_the_documents() {
    let cases = [
        ("1", EnginePacket::Close),
        ("2", EnginePacket::Ping(String::new())),
        ("2probe", EnginePacket::Ping("probe".into())),
        ("3probe", EnginePacket::Pong("probe".into())),
        ("3", EnginePacket::Pong(String::new())),
        (
            "4HelloWorld",
            EnginePacket::Message(Data::Text("HelloWorld".into())),
        ),
        ("4", EnginePacket::Message(Data::Text(String::new()))),
        ("5", EnginePacket::Upgrade),
        ("6", EnginePacket::Noop),
    ];
    for (text, packet) in cases {
        assert_eq!(engine::decode_text(text).unwrap(), packet, "{text}");
        for v in [EngineVersion::V3, EngineVersion::V4] {
            assert_eq!(engine::encode(v, &packet), WsMessage::Text(text.into()));
        }
    }
    assert_eq!(engine::decode_text(""), Err(EngineError::Empty));
    assert_eq!(engine::decode_text("7"), Err(EngineError::UnknownType('7')));
    assert_eq!(
        engine::decode_text("é4"),
        Err(EngineError::UnknownType('é'))
    );
    assert!(
        EngineError::UnknownType('x')
            .to_string()
            .contains("4 message")
    );
}

#[test]
fn engine_binary_messages_of_both_revisions() {
    // v3: "4|0|1|2|3|4|5" in the document: the type as a byte, then the data.
    let v3 = engine::decode_binary(EngineVersion::V3, &[4, 0, 1, 2, 3, 4, 5]).unwrap();
    assert_eq!(
        v3,
        EnginePacket::Message(Data::Binary(vec![0, 1, 2, 3, 4, 5]))
    );
    assert_eq!(
        engine::encode(EngineVersion::V3, &v3),
        WsMessage::Binary(vec![4, 0, 1, 2, 3, 4, 5])
    );
    let v4 = engine::decode_binary(EngineVersion::V4, &[1, 2, 3, 4]).unwrap();
    assert_eq!(v4, EnginePacket::Message(Data::Binary(vec![1, 2, 3, 4])));
    assert_eq!(
        engine::encode(EngineVersion::V4, &v4),
        WsMessage::Binary(vec![1, 2, 3, 4])
    );
    assert_eq!(
        engine::decode_binary(EngineVersion::V4, &[]),
        Ok(EnginePacket::Message(Data::Binary(vec![])))
    );
    assert_eq!(
        engine::decode_binary(EngineVersion::V3, &[]),
        Err(EngineError::BinaryType(None))
    );
    let e = engine::decode_binary(EngineVersion::V3, &[0x34, 1]).unwrap_err();
    assert_eq!(e, EngineError::BinaryType(Some(0x34)));
    assert!(e.to_string().contains("starts with 0x34"), "{e}");
    assert_eq!(EngineVersion::V3.query_value(), "3");
}

fn p(
    kind: PacketType,
    namespace: &str,
    attachments: usize,
    id: Option<u64>,
    data: Option<&str>,
) -> Packet {
    Packet {
        kind,
        namespace: namespace.into(),
        attachments,
        id,
        data: data.map(Into::into),
    }
}

#[test]
fn socketio_v5_packets_of_the_document() {
    use PacketType::*;
    #[rustfmt::skip]
    let cases = [
        ("0", p(Connect, "/", 0, None, None)),
        (r#"0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"}"#, p(Connect, "/admin", 0, None, Some(r#"{"sid":"oSO0OpakMV_3jnilAAAA"}"#))),
        (r#"4{"message":"Not authorized"}"#, p(ConnectError, "/", 0, None, Some(r#"{"message":"Not authorized"}"#))),
        (r#"2["foo"]"#, p(Event, "/", 0, None, Some(r#"["foo"]"#))),
        (r#"2/admin,["bar"]"#, p(Event, "/admin", 0, None, Some(r#"["bar"]"#))),
        (r#"51-["baz",{"_placeholder":true,"num":0}]"#, p(BinaryEvent, "/", 1, None, Some(r#"["baz",{"_placeholder":true,"num":0}]"#))),
        (r#"52-/admin,["baz",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]"#, p(BinaryEvent, "/admin", 2, None, Some(r#"["baz",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]"#))),
        (r#"212["foo"]"#, p(Event, "/", 0, Some(12), Some(r#"["foo"]"#))),
        (r#"3/admin,13["bar"]"#, p(Ack, "/admin", 0, Some(13), Some(r#"["bar"]"#))),
        (r#"61-15["bar",{"_placeholder":true,"num":0}]"#, p(BinaryAck, "/", 1, Some(15), Some(r#"["bar",{"_placeholder":true,"num":0}]"#))),
        ("1", p(Disconnect, "/", 0, None, None)),
        ("1/admin,", p(Disconnect, "/admin", 0, None, None)),
        (r#"2[42,"numbered"]"#, p(Event, "/", 0, None, Some(r#"[42,"numbered"]"#))),
    ];
    for (text, packet) in cases {
        assert_eq!(
            packet::decode(V5, text, &Limits::default()).as_ref(),
            Ok(&packet),
            "{text}"
        );
        assert_eq!(packet::encode(&packet).unwrap(), text);
    }
    // A namespace at the end, without its comma, is still the namespace.
    assert_eq!(
        packet::decode(V5, "1/admin", &Limits::default())
            .unwrap()
            .namespace,
        "/admin"
    );
}

#[test]
fn socketio_v4_packets_of_the_document() {
    use PacketType::*;
    #[rustfmt::skip]
    let cases = [
        ("0/admin,", p(Connect, "/admin", 0, None, None)),
        (r#"2["hello",1]"#, p(Event, "/", 0, None, Some(r#"["hello",1]"#))),
        (r#"2/admin,456["project:delete",123]"#, p(Event, "/admin", 0, Some(456), Some(r#"["project:delete",123]"#))),
        ("3/admin,456[]", p(Ack, "/admin", 0, Some(456), Some("[]"))),
        (r#"4/admin,"Not authorized""#, p(ConnectError, "/admin", 0, None, Some(r#""Not authorized""#))),
        (r#"51-/admin,456["project:delete",{"_placeholder":true,"num":0}]"#, p(BinaryEvent, "/admin", 1, Some(456), Some(r#"["project:delete",{"_placeholder":true,"num":0}]"#))),
        (r#"61-/admin,456[{"_placeholder":true,"num":0}]"#, p(BinaryAck, "/admin", 1, Some(456), Some(r#"[{"_placeholder":true,"num":0}]"#))),
        ("4/admin,42", p(ConnectError, "/admin", 0, Some(42), None)),
    ];
    for (text, packet) in cases {
        assert_eq!(
            packet::decode(V4, text, &Limits::default()).as_ref(),
            Ok(&packet),
            "{text}"
        );
        assert_eq!(packet::encode(&packet).unwrap(), text);
    }
    assert_eq!(PacketType::ConnectError.name(V4), "ERROR");
    assert_eq!(PacketType::ConnectError.name(V5), "CONNECT_ERROR");
    // v5 is stricter about what CONNECT and CONNECT_ERROR carry.
    assert!(packet::decode(V4, "0[1]", &Limits::default()).is_ok());
    assert!(packet::decode(V5, "0[1]", &Limits::default()).is_err());
    assert!(packet::decode(V4, "41", &Limits::default()).is_ok());
    assert!(packet::decode(V5, "4[1]", &Limits::default()).is_err());
}

#[test]
fn malformed_packets_are_typed_errors_in_words() {
    let limits = Limits::default();
    let err = |text: &str| packet::decode(V5, text, &limits).unwrap_err();
    assert_eq!(err(""), PacketError::Empty);
    assert_eq!(err("7[]"), PacketError::UnknownType('7'));
    assert_eq!(err("x"), PacketError::UnknownType('x'));
    for bad in [
        "5[]",
        "5-[\"a\"]",
        "50-[\"a\"]",
        "5a-[\"a\"]",
        "5+1-[\"a\"]",
    ] {
        assert_eq!(err(bad), PacketError::BadAttachments, "{bad}");
    }
    assert_eq!(
        err("511-[\"a\"]"),
        PacketError::TooManyAttachments {
            count: 11,
            limit: 10
        }
    );
    assert_eq!(
        err("599999999999999999999999-[\"a\"]"),
        PacketError::TooManyAttachments {
            count: usize::MAX,
            limit: 10
        }
    );
    assert_eq!(
        err("299999999999999999999999[\"a\"]"),
        PacketError::AckIdTooLarge
    );
    assert_eq!(err("3[]"), PacketError::AckWithoutId);
    let e = err("2/admin,[\"a\",");
    assert!(
        matches!(&e, PacketError::BadJson(j) if j.column == 13),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "the packet's data is not valid JSON at column 13: EOF while parsing a value"
    );
    for (bad, shown) in [
        (
            "2",
            "a EVENT packet's data must be an array whose first element is the event name, not nothing",
        ),
        ("2{}", "not an object"),
        ("2[]", "not an empty array"),
        ("2[{}]", "not an array that starts with an object"),
        ("2\"a\"", "not a string"),
        ("3[1]x", "not valid JSON"),
        ("31{}", "an array of the answer's arguments, not an object"),
        ("0\"a\"", "a JSON object (or nothing), not a string"),
    ] {
        let e = err(bad).to_string();
        assert!(e.contains(shown), "{bad}: {e}");
    }
    assert!(
        PacketError::UnknownType('9')
            .to_string()
            .contains("6 BINARY_ACK")
    );
    let e = packet::encode(&p(PacketType::Event, "/a,b", 0, None, Some("[\"x\"]"))).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the namespace \"/a,b\" must start with '/' and cannot hold a comma"
    );
    assert!(packet::check_namespace("admin").is_err());
    assert_eq!(SocketIoVersion::V4.engine(), EngineVersion::V3);
}
