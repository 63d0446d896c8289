//! Proptest strategies the protocols' property tests share: arbitrary JSON values (with
//! strings that need escaping, floats, nesting) and objects.

use proptest::prelude::*;
use serde_json::Value;

/// Any JSON value, nested up to four levels.
pub(super) fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        "[ -~é\u{7f}\u{2028}]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{0,5}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A JSON object of up to three members.
pub(super) fn json_object() -> impl Strategy<Value = Value> {
    prop::collection::btree_map("[a-z]{1,4}", json_value(), 0..3)
        .prop_map(|m| Value::Object(m.into_iter().collect()))
}
