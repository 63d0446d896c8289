//! Fuzz the Socket.IO decoders: arbitrary WebSocket messages (cut from the input at 0x1e
//! bytes; one that starts with 0xff, which no UTF-8 text does, is binary) through Engine.IO and the reassembler must never panic, never make it
//! wait for more attachments than its limit, and every event must come out as valid JSON;
//! the same texts through the input grammar must never panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wscope::proto::socketio::engine::{self, Data, EnginePacket};
use wscope::proto::socketio::{Limits, Reassembler, Received, SocketIoVersion, input, packet};

fuzz_target!(|data: &[u8]| {
    let Some((&control, rest)) = data.split_first() else {
        return;
    };
    let version = if control & 1 == 0 {
        SocketIoVersion::V5
    } else {
        SocketIoVersion::V4
    };
    let limits = Limits {
        max_attachments: 1 + usize::from(control >> 4),
        max_attachment_bytes: 1 << (control & 0x0e),
    };
    let mut r = Reassembler::new(version, limits);
    for message in rest.split(|&b| b == 0x1e) {
        let decoded = match message.split_first() {
            Some((0xff, bytes)) => engine::decode_binary(version.engine(), bytes),
            _ => match std::str::from_utf8(message) {
                Ok(text) => {
                    let _ = packet::decode(version, text, &limits);
                    let _ = input::parse_line(text);
                    let _ = input::parse_emit(text);
                    let _ = input::parse_ack(text);
                    engine::decode_text(text)
                }
                Err(_) => continue,
            },
        };
        let got = match decoded {
            Ok(EnginePacket::Message(Data::Text(t))) => r.text(&t),
            Ok(EnginePacket::Message(Data::Binary(b))) => r.binary(b),
            _ => continue,
        };
        assert!(r.missing() <= limits.max_attachments);
        if let Ok(Some(Received::Event { json, .. } | Received::Ack { json, .. })) = got {
            assert!(
                serde_json::from_str::<serde::de::IgnoredAny>(&json).is_ok(),
                "{json}"
            );
        }
    }
});
