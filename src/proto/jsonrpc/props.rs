//! Property tests: what wscope sends parses back to the same requests; responses written by
//! an independent encoder (serde_json values) are classified field for field; the pending
//! table matches every answer to its call and never holds more than its limit; arbitrary
//! text never panics.

use super::classify::{Outcome, Received, classify};
use super::id::{IdAllocator, IdKey};
use super::pending::PendingCalls;
use super::request::{Call, Typed, parse_line};
use crate::proto::strategies::{json_object, json_value};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::time::Instant;

fn id() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<u32>().prop_map(Value::from),
        "[ -~é]{0,6}".prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
    ]
}

fn params() -> impl Strategy<Value = Option<Value>> {
    proptest::option::of(prop_oneof![
        json_object(),
        prop::collection::vec(json_value(), 0..4).prop_map(Value::Array),
    ])
}

fn call() -> impl Strategy<Value = Call> {
    (
        "[ -~é]{1,10}",
        params(),
        proptest::option::of(id()),
        prop::collection::vec(("x[a-z]{0,3}", json_value()), 0..2),
    )
        .prop_map(|(method, params, id, extra)| {
            let mut extra: Vec<(String, String)> =
                extra.into_iter().map(|(k, v)| (k, v.to_string())).collect();
            extra.sort();
            extra.dedup_by(|a, b| a.0 == b.0);
            Call {
                method,
                params: params.map(|p| p.to_string()),
                id: id.map(|i| i.to_string()),
                notification: false,
                extra,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn what_is_sent_parses_back_to_the_same_requests(
        calls in prop::collection::vec(call(), 1..4),
        start in any::<u32>(),
    ) {
        let mut seen = std::collections::HashSet::new();
        let calls: Vec<Call> = calls
            .into_iter()
            .filter(|c| c.id.as_deref().and_then(IdKey::of).is_none_or(|k| seen.insert(k)))
            .collect();
        let typed = if calls.len() == 1 { Typed::One(calls[0].clone()) } else { Typed::Batch(calls) };
        let mut ids = IdAllocator::new(start.into());
        let out = typed.assign(&mut ids, |_| false);
        let text = out.to_json();
        let again = parse_line(&text).unwrap().assign(&mut IdAllocator::new(0), |_| false);
        prop_assert_eq!(again, out);
    }

    #[test]
    fn responses_are_classified_field_for_field(
        id in id(),
        result in prop_oneof![json_value().prop_map(Ok), (any::<i32>(), "[ -~]{0,8}", proptest::option::of(json_value())).prop_map(Err)],
    ) {
        let mut v = json!({"jsonrpc": "2.0", "id": id});
        match &result {
            Ok(r) => v["result"] = r.clone(),
            Err((code, message, data)) => {
                v["error"] = json!({"code": code, "message": message});
                if let Some(d) = data {
                    v["error"]["data"] = d.clone();
                }
            }
        }
        let Received::Response(r) = classify(&v.to_string()) else {
            panic!("not a response: {v}");
        };
        prop_assert_eq!(IdKey::of(&r.id), IdKey::of(&id.to_string()));
        match (r.outcome, result) {
            (Outcome::Result(got), Ok(want)) => prop_assert_eq!(got, want.to_string()),
            (Outcome::Error(e), Err((code, message, data))) => {
                prop_assert_eq!(e.code, i64::from(code));
                prop_assert_eq!(e.message, message);
                prop_assert_eq!(e.data, data.map(|d| d.to_string()));
            }
            (got, want) => panic!("{got:?} for {want:?}"),
        }
    }

    #[test]
    fn pending_calls_match_every_answer_and_stay_bounded(
        ops in prop::collection::vec((any::<bool>(), 0u8..12), 0..64),
    ) {
        let mut p = PendingCalls::new(5);
        let mut model = std::collections::HashSet::new();
        let now = Instant::now();
        for (insert, n) in ops {
            let id = n.to_string();
            if insert {
                let ok = p.insert(&[(&id, "m")], now, false).is_ok();
                prop_assert_eq!(ok, !model.contains(&n) && model.len() < 5);
                if ok {
                    model.insert(n);
                }
            } else {
                let got = p.take(&format!("{n}.0"));
                prop_assert_eq!(got.is_ok(), model.remove(&n));
            }
            prop_assert!(p.len() <= 5);
            prop_assert_eq!(p.len(), model.len());
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in "[ -~é\n]{0,64}") {
        let _ = classify(&text);
        let _ = parse_line(&text);
        let _ = IdKey::of(&text);
    }

    #[test]
    fn arbitrary_json_messages_never_panic(v in json_value(), m in json_value()) {
        let _ = classify(&v.to_string());
        let _ = classify(&json!({"jsonrpc": "2.0", "id": v, "method": m}).to_string());
        let _ = classify(&json!([{"jsonrpc": "2.0", "id": m, "error": v}]).to_string());
        let _ = parse_line(&json!({"method": "m", "params": v, "id": m}).to_string());
    }
}
