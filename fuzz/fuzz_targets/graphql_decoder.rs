//! Fuzz the GraphQL over WebSocket decoders: any text, as a server message of either dialect
//! and as an operation the user typed, must give a value or an error, never a panic; an
//! operation that parses must write a subscribe message that is valid JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wscope::proto::graphql::{ClientMessage, Dialect, client, message, operation};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for dialect in [Dialect::TransportWs, Dialect::Legacy] {
        let _ = message::decode(dialect, text);
    }
    let _ = client::object_payload(text);
    if let Ok(op) = operation::parse_operation(text) {
        let sub = ClientMessage::Subscribe {
            id: "1",
            operation: &op,
        };
        let json = client::encode(Dialect::TransportWs, &sub).expect("subscribe exists");
        assert!(
            serde_json::from_str::<serde::de::IgnoredAny>(&json).is_ok(),
            "{json}"
        );
    }
});
