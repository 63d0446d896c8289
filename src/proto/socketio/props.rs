//! Property tests: every packet encoded is decoded back the same; binary data shown to the
//! user, typed back, sends the same messages; arbitrary input never panics and never makes
//! the reassembler wait for more than its bounds.

use super::engine::{self, Data, EnginePacket, EngineVersion, Handshake, WsMessage};
use super::input::{self, Arg, Emit};
use super::outgoing;
use super::packet::{self, Limits, Packet, PacketType, SocketIoVersion};
use super::reassembler::{Reassembler, Received};
use crate::proto::strategies::json_value;
use proptest::prelude::*;
use serde_json::Value;

fn version() -> impl Strategy<Value = SocketIoVersion> {
    prop_oneof![Just(SocketIoVersion::V4), Just(SocketIoVersion::V5)]
}

fn handshake() -> impl Strategy<Value = Handshake> {
    (
        "[A-Za-z0-9_-]{1,20}",
        prop::collection::vec("[a-z]{1,9}", 0..3),
        any::<u32>(),
        any::<u32>(),
        proptest::option::of(any::<u64>()),
    )
        .prop_map(|(sid, upgrades, interval, timeout, max)| {
            let mut v = serde_json::json!({"sid": sid, "upgrades": upgrades,
                "pingInterval": interval, "pingTimeout": timeout});
            if let Some(m) = max {
                v["maxPayload"] = m.into();
            }
            Handshake {
                sid,
                upgrades,
                ping_interval: interval.into(),
                ping_timeout: timeout.into(),
                max_payload: max,
                raw: v.to_string(),
            }
        })
}

fn engine_packet() -> impl Strategy<Value = EnginePacket> {
    prop_oneof![
        handshake().prop_map(EnginePacket::Open),
        Just(EnginePacket::Close),
        ".{0,10}".prop_map(EnginePacket::Ping),
        ".{0,10}".prop_map(EnginePacket::Pong),
        ".{0,20}".prop_map(|t| EnginePacket::Message(Data::Text(t))),
        prop::collection::vec(any::<u8>(), 0..20)
            .prop_map(|b| EnginePacket::Message(Data::Binary(b))),
        Just(EnginePacket::Upgrade),
        Just(EnginePacket::Noop),
    ]
}

fn event_data() -> impl Strategy<Value = String> {
    ("[ -~]{0,6}", prop::collection::vec(json_value(), 0..4)).prop_map(|(name, args)| {
        let mut all = vec![Value::String(name)];
        all.extend(args);
        Value::Array(all).to_string()
    })
}

fn socketio_packet() -> impl Strategy<Value = Packet> {
    let namespace = prop_oneof![Just("/".to_string()), "/[a-z0-9/?=&._-]{1,10}"];
    let object = || {
        prop::collection::btree_map("[a-z]{0,4}", json_value(), 0..3)
            .prop_map(|m| Value::Object(m.into_iter().collect()).to_string())
    };
    let array =
        || prop::collection::vec(json_value(), 0..4).prop_map(|a| Value::Array(a).to_string());
    let kind_and_data = prop_oneof![
        proptest::option::of(object()).prop_map(|d| (PacketType::Connect, d, None)),
        Just((PacketType::Disconnect, None, None)),
        (event_data(), proptest::option::of(any::<u64>())).prop_map(|(d, id)| (
            PacketType::Event,
            Some(d),
            id
        )),
        (array(), any::<u64>()).prop_map(|(d, id)| (PacketType::Ack, Some(d), Some(id))),
        prop_oneof![
            object(),
            "[ -~]{0,8}".prop_map(|s| Value::String(s).to_string())
        ]
        .prop_map(|d| (PacketType::ConnectError, Some(d), None)),
        (event_data(), proptest::option::of(any::<u64>())).prop_map(|(d, id)| (
            PacketType::BinaryEvent,
            Some(d),
            id
        )),
        (array(), any::<u64>()).prop_map(|(d, id)| (PacketType::BinaryAck, Some(d), Some(id))),
    ];
    (namespace, kind_and_data, 1usize..=10).prop_map(|(namespace, (kind, data, id), n)| Packet {
        kind,
        namespace,
        attachments: if kind.is_binary() { n } else { 0 },
        id,
        data,
    })
}

fn arg() -> impl Strategy<Value = Arg> {
    prop_oneof![
        json_value().prop_map(|v| Arg::Json(v.to_string())),
        prop::collection::vec(any::<u8>(), 0..12).prop_map(Arg::Bytes),
        // Binary data nested in a typed JSON value, in the user's form.
        prop::collection::vec(any::<u8>(), 0..12)
            .prop_map(|b| Arg::Json(format!("{{\"k\":[1,{}]}}", super::binary::binary_json(&b)))),
    ]
}

/// Feeds WebSocket messages to a reassembler as the session would.
fn receive(version: SocketIoVersion, r: &mut Reassembler, msgs: &[WsMessage]) -> Vec<Received> {
    let mut got = Vec::new();
    for m in msgs {
        let packet = match m {
            WsMessage::Text(t) => engine::decode_text(t),
            WsMessage::Binary(b) => engine::decode_binary(version.engine(), b),
        };
        let out = match packet.expect("engine packet") {
            EnginePacket::Message(Data::Text(t)) => r.text(&t),
            EnginePacket::Message(Data::Binary(b)) => r.binary(b),
            other => panic!("not a message: {other:?}"),
        };
        got.extend(out.expect("valid"));
    }
    got
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn engine_packets_round_trip(p in engine_packet(), v3 in any::<bool>()) {
        let v = if v3 { EngineVersion::V3 } else { EngineVersion::V4 };
        let back = match engine::encode(v, &p) {
            WsMessage::Text(t) => engine::decode_text(&t),
            WsMessage::Binary(b) => engine::decode_binary(v, &b),
        };
        prop_assert_eq!(back, Ok(p));
    }

    #[test]
    fn socketio_packets_round_trip(p in socketio_packet(), v in version()) {
        let text = packet::encode(&p).unwrap();
        prop_assert_eq!(packet::decode(v, &text, &Limits::default()), Ok(p));
    }

    #[test]
    fn binary_data_shown_and_typed_back_sends_the_same(
        v in version(),
        name in "[a-z]{1,6}",
        args in prop::collection::vec(arg(), 0..5),
        id in proptest::option::of(any::<u64>()),
    ) {
        let emit = Emit { event: name.clone(), args, ack: false };
        let sent = outgoing::event(v, "/ns", id, &emit).unwrap();
        let mut r = Reassembler::new(v, Limits::default());
        let got = receive(v, &mut r, &sent);
        prop_assert_eq!(got.len(), 1);
        let Received::Event { namespace, id: got_id, name: got_name, json } = &got[0] else {
            panic!("not an event: {:?}", got[0]);
        };
        prop_assert_eq!(namespace, "/ns");
        prop_assert_eq!(*got_id, id);
        prop_assert_eq!(got_name, &name);
        prop_assert!(!json.contains("_placeholder"));
        let typed = input::parse_line(json).unwrap();
        prop_assert_eq!(outgoing::event(v, "/ns", id, &typed).unwrap(), sent);
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,64}", v in version()) {
        let _ = engine::decode_text(&text);
        let _ = packet::decode(v, &text, &Limits::default());
        let _ = input::parse_line(&text);
        let _ = input::parse_emit(&text);
        let _ = input::parse_ack(&text);
    }

    #[test]
    fn arbitrary_packets_shaped_like_socketio_never_panic(
        kind in 0u8..8,
        head in "[0-9/,\\-a-z]{0,8}",
        data in prop_oneof![json_value().prop_map(|v| v.to_string()), ".{0,16}"],
        v in version(),
    ) {
        let text = format!("{kind}{head}{data}");
        let _ = packet::decode(v, &text, &Limits::default());
    }

    #[test]
    fn reassembler_stays_within_its_bounds(
        v in version(),
        msgs in prop::collection::vec(
            prop_oneof![
                "[0-6][0-9]{0,2}-?[\\[\\]{}\"_a-z:,0-9 ]{0,40}".prop_map(Ok),
                prop::collection::vec(any::<u8>(), 0..40).prop_map(Err),
            ],
            0..12,
        ),
    ) {
        let limits = Limits { max_attachments: 4, max_attachment_bytes: 64 };
        let mut r = Reassembler::new(v, limits);
        for m in msgs {
            let _ = match m {
                Ok(t) => r.text(&t),
                Err(b) => r.binary(b),
            };
            prop_assert!(r.missing() <= 4);
        }
    }
}
