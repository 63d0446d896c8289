//! Unit tests of the operation grammar: documents and their JSON form.

use super::document::{OperationDef, OperationKind, operations};
use super::operation::{Operation, parse_operation};

use OperationKind::{Mutation, Query, Subscription};

fn kind(text: &str) -> OperationKind {
    parse_operation(text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .kind
}

fn error(text: &str) -> String {
    parse_operation(text).unwrap_err().to_string()
}

#[test]
fn documents_and_their_kinds() {
    assert_eq!(kind("{ hello }"), Query);
    assert_eq!(kind("query Q { a }"), Query);
    assert_eq!(kind("subscription OnCount { count(to: 3) }"), Subscription);
    assert_eq!(kind(r#"mutation { add(x: "}{ query") }"#), Mutation);
    assert_eq!(
        kind(
            "# subscription { comment }\n  subscription S {\n a(s: \"\"\"block { \\\"\"\" \"\"\") }\n}"
        ),
        Subscription
    );
    assert_eq!(kind("fragment F on Query { a }\nquery Q { ...F }"), Query);
    assert_eq!(
        kind("query Q($a: In = {x: [1]}) @live(if: true) { a }"),
        Query
    );
    assert_eq!(kind("subscription\n{ a }"), Subscription);
    let op = parse_operation(" {hello}\n").unwrap();
    assert_eq!(
        op,
        Operation {
            query: " {hello}\n".into(),
            variables: None,
            operation_name: None,
            extensions: None,
            kind: Query,
        }
    );
    assert_eq!(op.payload_json(), r#"{"query":" {hello}\n"}"#);
}

#[test]
fn the_lexer_finds_names_and_skips_what_cannot_hold_a_definition() {
    let ops = operations(
        "query A { a } ,, mutation B($x: Int) { b(s: \"mutation C {\") } subscription @d { c } \
         query D\n# query E {\n{ e }",
    )
    .unwrap();
    let want = [
        OperationDef {
            kind: Query,
            name: Some("A".into()),
        },
        OperationDef {
            kind: Mutation,
            name: Some("B".into()),
        },
        OperationDef {
            kind: Subscription,
            name: None,
        },
        OperationDef {
            kind: Query,
            name: Some("D".into()),
        },
    ];
    assert_eq!(ops, want);
    assert_eq!(operations("}}} { a }").unwrap().len(), 1);
    assert_eq!(operations("\"unterminated").unwrap(), []);
    assert_eq!(operations("\"\"\"unterminated { a }").unwrap(), []);
}

#[test]
fn documents_that_cannot_be_run_are_explained() {
    assert!(error("").starts_with("an empty operation"));
    assert!(error("  \n ").starts_with("an empty operation"));
    assert_eq!(
        error("hello"),
        "column 1: \"hello\" cannot start a GraphQL operation: a document holds query, mutation, subscription, fragment or { … }"
    );
    assert!(
        error("{ a }\n  type Foo { a: Int }")
            .starts_with("line 2, column 3: \"type\" cannot start")
    );
    assert_eq!(
        error("query A { a } query B { b } { c }"),
        "the document has 3 operations (A, B, (anonymous)); send one, or name it with operationName in the JSON form"
    );
    assert!(error("fragment F on T { a }").starts_with("the document has no operation"));
}

#[test]
fn the_json_form_as_devtools_copy_it() {
    let op = parse_operation(r#"{"query":"subscription { count(to: 3) }"}"#).unwrap();
    assert_eq!(
        (op.kind, op.variables, op.operation_name),
        (Subscription, None, None)
    );
    let text = r#"{"operationName":"B","variables":{"n":1.50},"query":"query A { a } subscription B { b }"}"#;
    let op = parse_operation(text).unwrap();
    assert_eq!(op.kind, Subscription);
    assert_eq!(op.operation_name.as_deref(), Some("B"));
    assert_eq!(op.variables.as_deref(), Some(r#"{"n":1.50}"#));
    assert_eq!(
        op.payload_json(),
        r#"{"query":"query A { a } subscription B { b }","variables":{"n":1.50},"operationName":"B"}"#
    );
    let op = parse_operation(
        "{ \"query\": \"{a}\", \"variables\": null, \"operationName\": null,\n \"extensions\": {\"persistedQuery\": {\"version\": 1}} }",
    )
    .unwrap();
    assert_eq!((op.variables, op.operation_name), (None, None));
    assert_eq!(
        op.extensions.as_deref(),
        Some(r#"{"persistedQuery": {"version": 1}}"#)
    );
    let op = parse_operation(r#"{"query":"{a}","variables":"{\"n\": 1}"}"#).unwrap();
    assert_eq!(op.variables.as_deref(), Some(r#"{"n": 1}"#));
}

#[test]
fn the_json_form_is_checked_member_by_member() {
    #[rustfmt::skip]
    let cases = [
        ("{}", "the operation's JSON has no \"query\" (the GraphQL document)"),
        (r#"{"query": 1}"#, "\"query\" must be a string (the GraphQL document), not a number"),
        (r#"{"query": " "}"#, "the operation's \"query\" is empty"),
        (r#"{"query":"{a}","variables":[1]}"#, "\"variables\" must be a JSON object or null, not an array"),
        (r#"{"query":"{a}","variables":{"a":}}"#, "column 33: the operation's JSON is not valid JSON: expected value"),
        ("{\"query\":\"{a}\",\n\"variables\":{\"a\":}}", "line 2, column 18: the operation's JSON is not valid JSON"),
        (r#"{"query":"{a}","variables":"{\"n\":}"}"#, "\"variables\" is a string that is not a JSON object: column 6: expected value"),
        (r#"{"query":"{a}","variables":"[1]"}"#, "\"variables\" is a string that holds an array, not a JSON object"),
        (r#"{"query":"{a}","operationName":7}"#, "\"operationName\" must be a string or null, not a number"),
        (r#"{"query":"{a}","extensions":"x"}"#, "\"extensions\" must be a JSON object or null, not a string"),
        (r#"{"query":"{a}","varaibles":{}}"#, "unknown member \"varaibles\" in the operation's JSON"),
        (r#"{"query":"{a}","query":"{b}"}"#, "the member \"query\" occurs twice"),
        (r#"{"query":"query A { a } query B { b }"}"#, "the document has 2 operations (A, B)"),
        (r#"{"query":"{ a }","operationName":"Z"}"#, "the document has no operation named \"Z\" (it has: (anonymous))"),
        (r#"{"query":"hello"}"#, "in \"query\": \"hello\" cannot start a GraphQL operation"),
        (r#"{"query":"{a}""#, "the operation's JSON is not valid JSON"),
    ];
    for (text, shown) in cases {
        let e = error(text);
        assert!(e.contains(shown), "{text}: {e}");
    }
}

#[test]
fn a_document_is_open_while_a_bracket_or_a_block_string_is() {
    use super::document::is_open;
    for open in [
        "{",
        "subscription {\n  count(to: 3",
        "query Q($a: [Int",
        "{ a(s: \"\"\"x\n",
    ] {
        assert!(is_open(open), "{open:?}");
    }
    for closed in [
        "{ hello }",
        "{ a(s: \"{\") }",
        "{ a } # {",
        "",
        "}}",
        "{ a(s: \"\"\"{\"\"\") }",
    ] {
        assert!(!is_open(closed), "{closed:?}");
    }
}
