//! Fuzz JSON-RPC: any text, as a received message and as a line the user typed, must give a
//! value or an error, never a panic; what a line becomes must be valid JSON, the pending
//! table must accept and give back the ids it assigns, and the client's state machine must
//! print every message it delivers on one line and keep its pending calls bounded.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::time::Instant;
use wscope::proto::fuzzing::jsonrpc_client_takes;
use wscope::proto::jsonrpc::{IdAllocator, PendingCalls, Received, classify, parse_line};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut pending = PendingCalls::new(16);
    if let Ok(typed) = parse_line(text) {
        let out = typed.assign(&mut IdAllocator::default(), |k| pending.contains(k));
        let json = out.to_json();
        assert!(
            serde_json::from_str::<serde::de::IgnoredAny>(&json).is_ok(),
            "{json}"
        );
        let ids: Vec<(&str, &str)> = out
            .requests()
            .iter()
            .filter_map(|r| r.id.as_deref().map(|id| (id, r.method.as_str())))
            .collect();
        let _ = pending.insert(&ids, Instant::now(), false);
    }
    let answers = match classify(text) {
        Received::Batch(items) => items.into_iter().map(|i| i.received).collect(),
        one => vec![one],
    };
    for answer in answers {
        if let Received::Response(r) = answer {
            let _ = pending.take(&r.id);
        }
    }
    assert!(pending.len() <= 16);

    jsonrpc_client_takes(text);
});
