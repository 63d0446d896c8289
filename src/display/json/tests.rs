//! Tests of the JSON layout, the highlighting, the validation of what /json sends, and
//! agreement with jq.

use super::*;

const PLAIN: Layout = Layout {
    pretty: false,
    color: false,
};
const PRETTY: Layout = Layout {
    pretty: true,
    color: false,
};
const COLOR: Layout = Layout {
    pretty: false,
    color: true,
};
const PRETTY_COLOR: Layout = Layout {
    pretty: true,
    color: true,
};

fn laid(doc: &str, layout: Layout) -> String {
    super::layout(doc.as_bytes(), layout).expect("valid JSON")
}

/// Documents whose text jq leaves as it is (it rewrites numbers and escapes otherwise).
const JQ_STABLE: &[&str] = &[
    r#"{"a":[1,2,{}],"b":{"c":null,"d":[],"e":[[]]},"s":"x\"y\\z\n\t","n":-12.5,"t":true,"f":false}"#,
    r#"  [ {"a" : {"b":[ {"c":[ ]} ]}} , "héllo ☃ 😀" , 123456789 ]  "#,
    r#"{"":"","nested":{"empty_obj":{},"empty_arr":[],"deep":[[[{"x":[0]}]]]}}"#,
    "\"\\u001b[31m\"",
    "\"\u{7f}\"",
    "[]",
    "{}",
    "0",
    "-1.5",
    "null",
    "\"a\"",
];

#[test]
fn compact_drops_only_insignificant_whitespace() {
    let doc = " {\n \"a\" : [ 1 ,\t2, { } ],\r\n\"b\" : { \"c\" : null , \"d\" : [ ] } , \"s\" : \"x y\" } ";
    assert_eq!(
        laid(doc, PLAIN),
        r#"{"a":[1,2,{}],"b":{"c":null,"d":[]},"s":"x y"}"#
    );
}

#[test]
fn pretty_indents_two_spaces_and_keeps_empty_containers_inline() {
    let doc = r#"{"a":[1,{"b":[]},{}],"c":{"d":{"e":null}},"f":[[]]}"#;
    let expected = "{\n  \"a\": [\n    1,\n    {\n      \"b\": []\n    },\n    {}\n  ],\n  \"c\": {\n    \"d\": {\n      \"e\": null\n    }\n  },\n  \"f\": [\n    []\n  ]\n}";
    assert_eq!(laid(doc, PRETTY), expected);
    assert_eq!(laid("[]", PRETTY), "[]");
    assert_eq!(laid("  7 ", PRETTY), "7");
}

#[test]
fn numbers_strings_and_key_order_are_kept_as_written() {
    let doc = r#"{"z":-0.0e+10,"a":1E400,"big":123456789012345678901234567890,"e":"\u00e9\/\ud83d\ude00","u":"héllo ☃ 😀","z":1.50}"#;
    assert_eq!(laid(doc, PLAIN), doc);
    let pretty = laid(doc, PRETTY);
    for token in [
        "-0.0e+10",
        "1E400",
        "123456789012345678901234567890",
        r#""\u00e9\/\ud83d\ude00""#,
        "\"héllo ☃ 😀\"",
        "1.50",
    ] {
        assert!(pretty.contains(token), "{token} in {pretty}");
    }
    let keys: Vec<_> = pretty
        .lines()
        .filter_map(|l| l.trim().split(':').next())
        .collect();
    assert_eq!(
        keys,
        [
            "{", "\"z\"", "\"a\"", "\"big\"", "\"e\"", "\"u\"", "\"z\"", "}"
        ]
    );
}

#[test]
fn colours_each_kind_of_token_and_leaves_punctuation_plain() {
    let doc = r#"{"k":"v","n":-1.5e3,"t":true,"f":false,"z":null,"a":[],"o":{}}"#;
    let expected = concat!(
        "{",
        "\x1b[1;34m\"k\"\x1b[0m:\x1b[32m\"v\"\x1b[0m,",
        "\x1b[1;34m\"n\"\x1b[0m:\x1b[36m-1.5e3\x1b[0m,",
        "\x1b[1;34m\"t\"\x1b[0m:\x1b[33mtrue\x1b[0m,",
        "\x1b[1;34m\"f\"\x1b[0m:\x1b[33mfalse\x1b[0m,",
        "\x1b[1;34m\"z\"\x1b[0m:\x1b[90mnull\x1b[0m,",
        "\x1b[1;34m\"a\"\x1b[0m:[],",
        "\x1b[1;34m\"o\"\x1b[0m:{}",
        "}"
    );
    assert_eq!(laid(doc, COLOR), expected);
    let expected_pretty = concat!(
        "[\n",
        "  \x1b[32m\"é\\n\"\x1b[0m,\n",
        "  {\n",
        "    \x1b[1;34m\"k\"\x1b[0m: \x1b[36m0\x1b[0m\n",
        "  }\n",
        "]"
    );
    assert_eq!(laid(r#"["é\n",{"k":0}]"#, PRETTY_COLOR), expected_pretty);
}

#[test]
fn no_escape_sequence_appears_when_colour_is_off() {
    for doc in JQ_STABLE {
        for layout in [PLAIN, PRETTY] {
            let out = laid(doc, layout);
            assert!(!out.contains('\x1b'), "{out:?}");
            assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
        }
    }
}

#[test]
fn del_and_c1_controls_in_strings_are_escaped_for_display_only() {
    let doc = "{\"k\u{7f}\":\"a\u{85}b\u{9b}31m\u{7f}\",\"plain\":\"\u{a0}é\"}";
    let escaped = r#"{"k\u007f":"a\u0085b\u009b31m\u007f","plain":" é"}"#.replace(' ', "\u{a0}");
    assert_eq!(laid(doc, PLAIN), escaped);
    for layout in [PRETTY, COLOR, PRETTY_COLOR] {
        let out = laid(doc, layout);
        let raw_controls = out
            .chars()
            .filter(|&c| c.is_control() && c != '\n' && c != '\x1b')
            .count();
        assert_eq!(raw_controls, 0, "{out:?}");
    }
    // What is sent keeps the characters as typed.
    assert_eq!(validate_for_send(doc).unwrap(), doc);
}

#[test]
fn texts_that_are_not_exactly_one_json_document() {
    for text in [
        "",
        "   ",
        "123abc",
        r#"{"a":1} x"#,
        r#"{"a":1}{"b":2}"#,
        "1 2",
        "[1,]",
        "[1 2]",
        r#"{"a":1,}"#,
        r#"{"a" 1}"#,
        r#"{"a"}"#,
        "{'a':1}",
        "{a:1}",
        "{1:2}",
        "[",
        "]",
        "[1}",
        "01",
        "1.",
        ".5",
        "+1",
        "-",
        "1e",
        "NaN",
        "Infinity",
        "tru",
        "nul",
        "True",
        "\"abc",
        "\"a\tb\"",
        "\"a\nb\"",
        "\"\\x41\"",
        "\"\\u12\"",
        "# comment\n1",
        "// comment\n1",
        "\u{feff}{}",
        "b\"bytes\"",
    ] {
        assert!(!is_json(text.as_bytes()), "{text:?} taken for JSON");
        assert_eq!(super::layout(text.as_bytes(), COLOR), None, "{text:?}");
        assert!(validate_for_send(text).is_err(), "{text:?}");
    }
    assert!(!is_json(b"\"\xff\""), "invalid UTF-8");
    assert!(!is_json(b"[\"\xc2\"]"), "truncated UTF-8");
}

#[test]
fn any_single_value_with_surrounding_whitespace_is_json() {
    for text in [
        "0",
        "-0",
        "-0.0e+10",
        "1E-2",
        "\"\"",
        " true\n",
        "\r\nnull\t",
        "[[],{}]",
        r#"{"a":{"b":{"c":[1,"2",null,false]}}}"#,
        r#""\ud800""#,
        r#""\"\\\/\b\f\n\r\t\u0000""#,
    ] {
        assert!(is_json(text.as_bytes()), "{text:?}");
    }
}

#[test]
fn layout_into_appends_and_leaves_the_buffer_alone_on_failure() {
    let mut out = String::from("> ");
    assert!(layout_into(b"[1, 2]", PLAIN, &mut out));
    assert_eq!(out, "> [1,2]");
    assert!(!layout_into(b"[1, 2", PLAIN, &mut out));
    assert_eq!(out, "> [1,2]");
}

#[test]
fn send_validation_compacts_or_points_at_the_mistake() {
    assert_eq!(
        validate_for_send(" { \"op\" : \"sub\" ,\n \"ch\" : [ 1 , 2.50 ] } ").unwrap(),
        r#"{"op":"sub","ch":[1,2.50]}"#
    );
    let cases: &[(&str, usize, usize, &str)] = &[
        ("{\"a\": tru}", 1, 7, "invalid literal"),
        ("{\n  \"é\": [1,\n  2,,]\n}", 3, 5, "expected a value"),
        ("{\"a\":1,}", 1, 8, "expected a string as object key"),
        ("[1 2]", 1, 4, "expected ',' or ']'"),
        ("{\"a\":1", 1, 7, "expected ',' or '}', found the end"),
        ("\"ab", 1, 4, "unterminated string"),
        ("\"a\\qb\"", 1, 4, "invalid escape in a string"),
        (
            "\"a\tb\"",
            1,
            3,
            "control character in a string (write it as an escape)",
        ),
        ("1.", 1, 3, "invalid number"),
        ("{} {}", 1, 4, "unexpected text after the JSON value"),
        ("", 1, 1, "expected a value, found the end"),
        ("☃ ☃", 1, 1, "expected a value"),
        ("[\"☃\", ☃]", 1, 7, "expected a value"),
    ];
    for &(text, line, column, message) in cases {
        let e = validate_for_send(text).unwrap_err();
        assert_eq!(
            (e.line, e.column, e.message.as_str()),
            (line, column, message),
            "{text:?}"
        );
    }
    let e = validate_for_send("[\n  1 2]").unwrap_err();
    assert_eq!(e.to_string(), "line 2, column 5: expected ',' or ']'");
    assert_eq!(e.offset, 6);
}

/// Runs `f` on a thread with a small stack: recursion per nesting level would overflow it.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(128 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn a_megabyte_of_nesting_is_scanned_without_recursion() {
    on_small_stack(|| {
        let depth = 512 * 1024;
        let doc = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert!(is_json(doc.as_bytes()));
        assert_eq!(laid(&doc, PLAIN), doc);
        assert_eq!(laid(&doc, PRETTY_COLOR), doc);
        let unclosed = "[{\"a\":".repeat(depth / 2);
        assert!(!is_json(unclosed.as_bytes()));
    });
}

#[test]
fn indentation_stops_growing_at_the_cap() {
    let depth = MAX_INDENT_LEVELS + 8;
    let doc = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    let pretty = laid(&doc, PRETTY);
    let widest = pretty.lines().map(|l| l.len() - l.trim_start().len()).max();
    assert_eq!(widest, Some(2 * MAX_INDENT_LEVELS));
    assert_eq!(pretty.lines().count(), 2 * depth + 1);
}

#[test]
fn pretty_layout_that_would_grow_too_much_is_compact() {
    // Each `[` would take a line of 64 spaces: far more than PRETTY_GROWTH times.
    let depth = PRETTY_SLACK;
    let doc = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    assert_eq!(laid(&doc, PRETTY), doc);
    let coloured = laid(&format!("[{doc},1]"), PRETTY_COLOR);
    assert_eq!(coloured, format!("[{doc},\x1b[36m1\x1b[0m]"));
    // A document that grows less keeps its indentation.
    let wide = format!("[{}0]", "0,".repeat(PRETTY_SLACK));
    assert_eq!(laid(&wide, PRETTY).lines().count(), PRETTY_SLACK + 3);
}

#[test]
fn depth_limit_for_filtering() {
    let doc = "[[[1]]]";
    assert!(check(doc, 3).is_ok());
    assert!(matches!(check(doc, 2), Err(Rejected::TooDeep)));
    assert!(matches!(check("[[[]]]", 2), Err(Rejected::TooDeep)));
    assert!(matches!(check("[1", 5), Err(Rejected::Syntax(_))));
}

/// The layout agrees with jq where jq keeps the text (skipped when jq is not installed).
#[test]
fn layout_matches_jq() {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let jq = |flag: &str, doc: &str| -> Option<String> {
        let mut child = Command::new("jq")
            .arg(flag)
            .arg(".")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        child.stdin.take()?.write_all(doc.as_bytes()).ok()?;
        let out = child.wait_with_output().ok()?;
        assert!(out.status.success(), "jq failed on {doc:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        Some(text.strip_suffix('\n').unwrap_or(&text).to_string())
    };
    if jq("-c", "1").is_none() {
        eprintln!("jq is not installed: layout_matches_jq skipped");
        return;
    }
    for doc in JQ_STABLE {
        assert_eq!(Some(laid(doc, PRETTY)), jq("-M", doc), "pretty {doc:?}");
        assert_eq!(Some(laid(doc, PLAIN)), jq("-c", doc), "compact {doc:?}");
    }
}
