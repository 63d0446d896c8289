//! A shortcut for the commonest filter, a chain of object keys (`.field`, `.data.price`):
//! the answer is read from the message's tokens in the scan that checks it, without building
//! jaq values. Building them (a map per object, an allocation per string) costs several
//! times more than the rest of the work, and `.field` on a busy feed is the case to be fast.
//!
//! jaq stays the reference: the shortcut answers only when its answer is certainly jaq's, and
//! says "unsure" otherwise, so that jaq runs. It answers when every value on the path is an
//! object or null, and the value found is a scalar that jaq would write back as written.
//! It is unsure when something on the path is an array or another scalar (jaq reports an
//! error), when the value found is an array or object (jaq re-writes it), when a key on the
//! path or the string found holds an escape (jaq decodes and re-escapes), or when any string
//! holds a `\u` surrogate escape (jaq's reader refuses lone surrogates).
//!
//! Duplicate keys are resolved as jaq resolves them: the last one wins, in its first place.

use super::filter::Output;
use super::json::{self, Container, Rejected, Scalar, Tokens};

/// A filter of the form `.key1.key2…` (jq identifiers, no spaces between them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeyPath {
    keys: Vec<String>,
}

impl KeyPath {
    /// Recognises `.a`, `.a.b`, … (surrounding whitespace allowed); `None` for anything else.
    pub(crate) fn parse(expr: &str) -> Option<KeyPath> {
        let keys = expr
            .trim()
            .strip_prefix('.')?
            .split('.')
            .map(|key| is_identifier(key).then(|| key.to_string()))
            .collect::<Option<Vec<_>>>()?;
        Some(KeyPath { keys })
    }

    /// The filter's one result on `text`, `Ok(None)` when jaq must answer, or why `text`
    /// cannot be filtered (the same reasons [`json::check`] gives).
    pub(crate) fn lookup(
        &self,
        text: &str,
        max_depth: usize,
        raw_output: bool,
    ) -> Result<Option<Output>, Rejected> {
        let mut walk = Walk {
            keys: &self.keys,
            depth: 0,
            on_path: 0,
            next_on_path: true,
            found: None,
            unsure: false,
        };
        json::scan(text, max_depth, &mut walk)?;
        if walk.unsure {
            return Ok(None);
        }
        Ok(walk.found.and_then(|found| render(found, raw_output)))
    }
}

/// jq identifiers: `[A-Za-z_][A-Za-z0-9_]*`.
fn is_identifier(key: &str) -> bool {
    let mut bytes = key.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Follows the path through the tokens of one document.
struct Walk<'k, 't> {
    keys: &'k [String],
    /// Open containers.
    depth: usize,
    /// How many of the open containers, from the root, are objects on the path.
    on_path: usize,
    /// The next value reported is on the path, at level `depth` (the root is level 0).
    next_on_path: bool,
    /// The result so far: the last value found at the end of the path, or null when an
    /// object on the path lacks the next key.
    found: Option<(Scalar, &'t str)>,
    unsure: bool,
}

const NULL: (Scalar, &str) = (Scalar::Null, "null");

impl<'t> Tokens<'t> for Walk<'_, 't> {
    fn open(&mut self, container: Container) {
        if std::mem::take(&mut self.next_on_path) {
            if self.depth < self.keys.len() && container == Container::Object {
                self.on_path = self.depth + 1;
                // Until the key turns up, the object's lookup gives null.
                self.found = Some(NULL);
            } else {
                self.unsure = true;
            }
        }
        self.depth += 1;
    }

    fn close(&mut self, _: Container, _: bool) {
        self.depth = self.depth.saturating_sub(1);
        self.on_path = self.on_path.min(self.depth);
    }

    fn element(&mut self) {}

    fn comma(&mut self) {}

    fn key(&mut self, raw: &'t str) {
        if has_surrogate_escape(raw) {
            self.unsure = true;
        }
        if self.on_path == self.depth && self.depth > 0 {
            if raw.contains('\\') {
                self.unsure = true;
            }
            let wanted = self.keys.get(self.depth - 1).map(String::as_str);
            self.next_on_path = unquoted(raw) == wanted;
        }
    }

    fn scalar(&mut self, kind: Scalar, raw: &'t str) {
        if kind == Scalar::String && has_surrogate_escape(raw) {
            self.unsure = true;
        }
        if std::mem::take(&mut self.next_on_path) {
            if self.depth == self.keys.len() {
                self.found = Some((kind, raw));
            } else if kind == Scalar::Null {
                // `null | .key` is null.
                self.found = Some(NULL);
            } else {
                self.unsure = true;
            }
        }
    }
}

fn unquoted(raw: &str) -> Option<&str> {
    raw.strip_prefix('"')?.strip_suffix('"')
}

/// `\uD800`–`\uDFFF` (or text that only looks like it after an escaped backslash).
fn has_surrogate_escape(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    memchr::memchr_iter(b'\\', bytes).any(|i| {
        matches!(
            bytes.get(i + 1..i + 4),
            Some([b'u', b'd' | b'D', b'8'..=b'9' | b'a'..=b'f' | b'A'..=b'F'])
        )
    })
}

/// The scalar as jaq writes it, if that is certain.
fn render((kind, raw): (Scalar, &str), raw_output: bool) -> Option<Output> {
    match kind {
        // jaq reads integers as numbers and writes them back; `-0` is the one that changes.
        Scalar::Number if raw == "-0" => Some(Output::Json("0".into())),
        Scalar::Null | Scalar::Boolean | Scalar::Number => Some(Output::Json(raw.into())),
        // jaq decodes escapes and writes some back differently (`\u00e9` as `é`).
        Scalar::String if raw.contains('\\') => None,
        Scalar::String if raw_output => unquoted(raw).map(|s| Output::Text(s.into())),
        // jaq writes DEL as `\u007f`.
        Scalar::String if raw.contains('\u{7f}') => None,
        Scalar::String => Some(Output::Json(raw.into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::display::filter::{Filter, RunError};
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn lookup(expr: &str, text: &str, raw_output: bool) -> Option<Output> {
        let path = KeyPath::parse(expr).expect("a key path");
        path.lookup(text, 64, raw_output).expect("valid JSON")
    }

    fn json(text: &str) -> Option<Output> {
        Some(Output::Json(text.into()))
    }

    #[test]
    fn recognises_chains_of_identifiers_only() {
        for expr in [".a", " .field ", ".data.price", "._x.y_2"] {
            assert!(KeyPath::parse(expr).is_some(), "{expr}");
        }
        for expr in [
            ".", "..", ".a.", ".a..b", ". a", ".a .b", ".1", ".a[0]", ".\"a\"", ".a?", "a",
            ".a|.b", ".é",
        ] {
            assert_eq!(KeyPath::parse(expr), None, "{expr}");
        }
    }

    #[test]
    fn answers_for_scalars_on_a_path_of_objects() {
        let msg = r#"{"type":"trade","data":{"px":1.50,"qty":-0,"ok":true,"id":"X1","n":null}}"#;
        assert_eq!(lookup(".type", msg, false), json(r#""trade""#));
        assert_eq!(
            lookup(".type", msg, true),
            Some(Output::Text("trade".into()))
        );
        assert_eq!(lookup(".data.px", msg, false), json("1.50"));
        assert_eq!(lookup(".data.qty", msg, false), json("0"));
        assert_eq!(lookup(".data.ok", msg, false), json("true"));
        assert_eq!(lookup(".data.n", msg, false), json("null"));
        assert_eq!(lookup(".missing", msg, false), json("null"));
        assert_eq!(lookup(".missing.deeper", msg, false), json("null"));
        assert_eq!(lookup(".data.n.deeper", msg, false), json("null"));
        assert_eq!(lookup(".a", "null", false), json("null"));
        assert_eq!(
            lookup(".a", r#"{"a":1,"b":{"a":2},"a":3}"#, false),
            json("3")
        );
        assert_eq!(
            lookup(".a.b", r#"{"a":{"b":1},"a":{}}"#, false),
            json("null")
        );
    }

    #[test]
    fn leaves_to_jaq_what_it_cannot_be_sure_of() {
        for (expr, msg) in [
            (".data", r#"{"data":{"px":1}}"#),
            (".data", r#"{"data":[1]}"#),
            (".a.b", r#"{"a":[1]}"#),
            (".a.b", r#"{"a":"text"}"#),
            (".a", "[1]"),
            (".a", "5"),
            (".a", r#"{"a":"\u00e9"}"#),
            (".a", "{\"a\":\"\u{7f}\"}"),
            (".a", r#"{"\u0061":1}"#),
            (".a", r#"{"a":1,"b":"\ud800"}"#),
        ] {
            assert_eq!(lookup(expr, msg, false), None, "{expr} on {msg}");
        }
        assert_eq!(
            lookup(".a", "{\"a\":\"\u{7f}\"}", true),
            Some(Output::Text("\u{7f}".into()))
        );
    }

    #[test]
    fn rejects_what_is_not_json_or_too_deep() {
        let path = KeyPath::parse(".a").unwrap();
        assert!(matches!(
            path.lookup("{\"a\":1} x", 64, false),
            Err(Rejected::Syntax(_))
        ));
        assert!(matches!(
            path.lookup("{\"a\":[[1]]}", 2, false),
            Err(Rejected::TooDeep)
        ));
    }

    const SCALARS: &[&str] = &[
        "null",
        "true",
        "false",
        "0",
        "-0",
        "7",
        "-12",
        "1.50",
        "-0.0e+10",
        "1E400",
        "123456789012345678901234567890",
        "\"\"",
        "\"x\"",
        "\"a\\nb\"",
        "\"\\u00e9\"",
        "\"é☃\"",
        "\"\u{7f}\"",
        "\"\u{85}\"",
        "\"\\ud83d\\ude00\"",
        "\"\\ud800\"",
        "\"\\\\ud800\"",
    ];
    const KEYS: &[&str] = &["\"a\"", "\"b\"", "\"c\"", "\"\\u0061\"", "\"a b\""];
    const EXPRS: &[&str] = &[".a", ".b", ".a.b", ".a.a", ".b.c.a", " .c "];

    fn document() -> impl Strategy<Value = String> {
        let leaf = prop::sample::select(SCALARS).prop_map(String::from);
        leaf.prop_recursive(4, 40, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4)
                    .prop_map(|v| format!("[{}]", v.join(","))),
                prop::collection::vec((prop::sample::select(KEYS), inner), 0..5).prop_map(
                    |members| {
                        let members: Vec<_> =
                            members.iter().map(|(k, v)| format!("{k}:{v}")).collect();
                        format!("{{{}}}", members.join(","))
                    }
                ),
            ]
        })
    }

    /// Objects in objects with few keys, so that paths and duplicate keys meet often.
    fn object_tree() -> impl Strategy<Value = String> {
        let leaf = prop::sample::select(&SCALARS[..8]).prop_map(String::from);
        leaf.prop_recursive(4, 30, 3, |inner| {
            prop::collection::vec((prop::sample::select(&KEYS[..2]), inner), 0..4).prop_map(
                |members| {
                    let members: Vec<_> = members.iter().map(|(k, v)| format!("{k}:{v}")).collect();
                    format!("{{{}}}", members.join(","))
                },
            )
        })
    }

    /// Each expression with its shortcut and without it, raw output off and on.
    fn filters() -> &'static [(Filter, Filter)] {
        static FILTERS: OnceLock<Vec<(Filter, Filter)>> = OnceLock::new();
        FILTERS.get_or_init(|| {
            let mut filters = Vec::new();
            for expr in EXPRS {
                for raw in [false, true] {
                    let with = Filter::compile(expr).unwrap().with_raw_output(raw);
                    let without = Filter::compile(expr).unwrap().with_raw_output(raw);
                    filters.push((with, without.without_shortcut()));
                }
            }
            filters
        })
    }

    fn results(filter: &Filter, text: &str) -> Vec<Result<Output, RunError>> {
        match filter.run(text.as_bytes()) {
            Ok(outputs) => outputs.collect(),
            Err(e) => vec![Err(e)],
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn the_shortcut_gives_what_jaq_gives(doc in prop_oneof![document(), object_tree()]) {
            for (with, without) in filters() {
                prop_assert_eq!(results(with, &doc), results(without, &doc), "{}", doc);
            }
        }
    }
}
