//! Tests of the jq filters: compile errors and their positions, results, raw output, run-time
//! errors, what is not JSON, and the stack the deepest input needs.

use super::errors::MAX_DIAGNOSTIC_CHARS;
use super::*;

fn compile(expr: &str) -> Filter {
    Filter::compile(expr).unwrap_or_else(|e| panic!("{e}"))
}

/// Every result, or the error that ended them, as one list.
fn results(filter: &Filter, input: &str) -> Vec<Result<Output, RunError>> {
    match filter.run(input.as_bytes()) {
        Ok(outputs) => outputs.collect(),
        Err(e) => vec![Err(e)],
    }
}

fn json(texts: &[&str]) -> Vec<Result<Output, RunError>> {
    texts
        .iter()
        .map(|t| Ok(Output::Json(t.to_string())))
        .collect()
}

#[test]
fn compile_errors_carry_the_column_and_render_with_a_caret() {
    let e = Filter::compile(".a | | .b").err().unwrap();
    assert_eq!((e.offset, e.line, e.column), (5, 1, 6));
    assert_eq!(
        e.to_string(),
        "--filter: error at column 6: expected term, found '|'\n  .a | | .b\n       ^"
    );
    let cases = [
        (
            "(.a",
            4,
            "'(' at column 1 is not closed, found the end of the filter",
        ),
        ("1 +", 4, "expected term, found the end of the filter"),
        (".a | foo(1)", 6, "undefined filter foo/1"),
        ("map(.) | $x", 10, "undefined variable $x"),
        (
            "\"a\\qb\"",
            4,
            "expected a string escape sequence, found 'q'",
        ),
        ("reduce .[] as $x (0)", 1, "reduce takes 2 arguments, not 1"),
        ("input", 1, "undefined filter input/0"),
        (
            "import \"m\" as m; .",
            1,
            "modules cannot be loaded here (import and include are not available)",
        ),
        (
            "\"é☃\" | .[",
            10,
            "'[' at column 9 is not closed, found the end of the filter",
        ),
    ];
    for (expr, column, message) in cases {
        let e = Filter::compile(expr).err().unwrap();
        assert_eq!((e.column, e.message.as_str()), (column, message), "{expr}");
    }
}

#[test]
fn compile_errors_in_a_later_line_name_it() {
    let e = Filter::compile(".a\n  | bar").err().unwrap();
    assert_eq!((e.line, e.column, e.offset), (2, 5, 7));
    assert_eq!(
        e.to_string(),
        "--filter: error at line 2, column 5: undefined filter bar/0\n    | bar\n      ^"
    );
}

#[test]
fn select_keeps_what_matches_and_drops_the_rest() {
    let f = compile(r#"select(.type == "trade")"#);
    let trade = r#"{"type":"trade","px":1.50,"q":[1,{}]}"#;
    assert_eq!(results(&f, trade), json(&[trade]));
    assert_eq!(results(&f, r#"{"type":"quote"}"#), json(&[]));
    assert_eq!(
        results(&f, "[1,2]"),
        vec![Err(RunError::Filter(
            "cannot index [1,2] with \"type\"".into()
        ))]
    );
}

#[test]
fn results_are_compact_json_and_raw_output_unquotes_strings() {
    let input = r#"{"s":"a\nb\u00e9\"","n":[1, 2.0, {"k": null}],"t":true}"#;
    let f = compile(".s, .n, .t, (.n | length)");
    assert_eq!(
        results(&f, input),
        json(&["\"a\\nbé\\\"\"", "[1,2.0,{\"k\":null}]", "true", "3"])
    );
    let raw = compile(".s, .n, .t").with_raw_output(true);
    assert_eq!(
        results(&raw, input),
        vec![
            Ok(Output::Text("a\nbé\"".into())),
            Ok(Output::Json("[1,2.0,{\"k\":null}]".into())),
            Ok(Output::Json("true".into())),
        ]
    );
}

#[test]
fn standard_library_filters_are_there() {
    let input = r#"{"a":1,"b":[3,1,2],"s":"Hello, World","t":"2015-03-05T23:51:47Z"}"#;
    let cases: &[(&str, &[&str])] = &[
        ("keys", &[r#"["a","b","s","t"]"#]),
        ("length", &["4"]),
        (r#"has("a"), has("z")"#, &["true", "false"]),
        (
            "[paths]",
            &[r#"[["a"],["b"],["b",0],["b",1],["b",2],["s"],["t"]]"#],
        ),
        (".b | map(. * 2)", &["[6,2,4]"]),
        (".b | sort, add, min, max", &["[1,2,3]", "6", "1", "3"]),
        (r#".s | test("w.r"; "i")"#, &["true"]),
        (
            r#".s | ascii_downcase | split(", ")"#,
            &[r#"["hello","world"]"#],
        ),
        (
            r#".s | sub("(?<x>[A-Z])"; "<\(.x)>"; "g")"#,
            &[r#""<H>ello, <W>orld""#],
        ),
        (".t | fromdateiso8601", &["1425599507"]),
        ("to_entries | map(.key) | join(\",\")", &[r#""a,b,s,t""#]),
        ("[.b[] | select(. > 1)]", &["[3,2]"]),
        (".b | @base64", &[r#""WzMsMSwyXQ==""#]),
        ("[limit(2; .b[])]", &["[3,1]"]),
        ("del(.b, .s, .t) | tojson", &[r#""{\"a\":1}""#]),
        (".a as $x | [range($x; 4)]", &["[1,2,3]"]),
        ("reduce .b[] as $n (0; . + $n)", &["6"]),
        ("[.b[] | tostring]", &[r#"["3","1","2"]"#]),
        ("$ENV | type", &[r#""object""#]),
        (".missing.deeper", &["null"]),
        ("try error(\"x\") catch .", &[r#""x""#]),
    ];
    for &(expr, expected) in cases {
        let f = compile(expr);
        assert_eq!(results(&f, input), json(expected), "{expr}");
    }
}

#[test]
fn a_runtime_error_ends_the_results_of_that_message_only() {
    let f = compile(".[] | .a");
    assert_eq!(
        results(&f, r#"[{"a":1},"x",{"a":2}]"#),
        vec![
            Ok(Output::Json("1".into())),
            Err(RunError::Filter("cannot index \"x\" with \"a\"".into())),
        ]
    );
    assert_eq!(results(&f, r#"[{"a":3}]"#), json(&["3"]));
    let f = compile(".a.b");
    assert_eq!(
        results(&f, r#"{"a":"text"}"#),
        vec![Err(RunError::Filter(
            "cannot index \"text\" with \"b\"".into()
        ))]
    );
}

#[test]
fn error_messages_are_one_bounded_line() {
    let f = compile(r#"error("two\nlines\u001b[31m")"#);
    assert_eq!(
        results(&f, "1"),
        vec![Err(RunError::Filter("two\\x0alines\\x1b[31m".into()))]
    );
    let f = compile("error({a: 1})");
    assert_eq!(
        results(&f, "1"),
        vec![Err(RunError::Filter("{\"a\":1} (not a string)".into()))]
    );
    let f = compile(".x.y");
    let big = format!(r#"{{"x":"{}"}}"#, "\u{85}".repeat(5000));
    let [Err(RunError::Filter(message))] = &results(&f, &big)[..] else {
        panic!("expected one error");
    };
    assert!(
        message.chars().count() <= MAX_DIAGNOSTIC_CHARS + 1,
        "{message}"
    );
    assert!(message.starts_with("cannot index \"\\x85"), "{message}");
    assert!(message.ends_with('…'));
    assert!(!message.chars().any(char::is_control), "{message}");
}

#[test]
fn what_is_not_json_is_reported_as_such() {
    let f = compile(".");
    for text in [
        "hello",
        "123abc",
        r#"{"a":1} x"#,
        "NaN",
        "{a:1}",
        "# c\n1",
        "",
    ] {
        assert_eq!(results(&f, text), vec![Err(RunError::NotJson)], "{text:?}");
    }
    assert!(matches!(f.run(b"\"\xff\""), Err(RunError::NotJson)));
}

#[test]
fn json_jaq_cannot_take_is_an_input_error() {
    let f = compile(".");
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert_eq!(
        results(&f, &deep(MAX_INPUT_DEPTH)),
        json(&[&deep(MAX_INPUT_DEPTH)])
    );
    assert_eq!(
        results(&f, &deep(MAX_INPUT_DEPTH + 1)),
        vec![Err(RunError::Input("nested deeper than 256 levels".into()))]
    );
    let lone = results(&f, r#"["\ud800"]"#);
    assert!(matches!(&lone[..], [Err(RunError::Input(_))]), "{lone:?}");
}

#[test]
fn halt_is_reported_with_its_code() {
    assert_eq!(
        results(&compile("halt_error(3)"), "1"),
        vec![Err(RunError::Halt(3))]
    );
    assert_eq!(
        results(&compile("1, halt"), "1"),
        vec![Ok(Output::Json("1".into())), Err(RunError::Halt(0))]
    );
}

/// The deepest input allowed, through filters that recurse over it, on the 2 MiB stack of
/// a spawned thread, in a debug build (the largest frames).
#[test]
fn the_deepest_input_fits_a_small_stack() {
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(|| {
            let n = MAX_INPUT_DEPTH;
            let arrays = format!("{}1{}", "[".repeat(n), "]".repeat(n));
            let objects = format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n));
            for expr in [
                ".",
                "[..] | length",
                "tojson | length",
                "[paths] | length",
                "walk(.) | length",
                ". == .",
                "flatten? | length",
                "[.. | numbers]",
                "del(.. | numbers?) | length",
                "getpath([paths][-1]) | length",
            ] {
                let f = compile(expr);
                for input in [&arrays, &objects] {
                    let out = results(&f, input);
                    assert!(!out.is_empty(), "{expr}");
                }
            }
        })
        .unwrap();
    handle.join().unwrap();
}

#[test]
fn a_filter_can_move_to_another_thread() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    let f = compile(".a");
    send_sync(&f);
    let out = std::thread::spawn(move || results(&f, r#"{"a":[1]}"#))
        .join()
        .unwrap();
    assert_eq!(out, json(&["[1]"]));
}
