//! Unit tests of the REPL's STOMP commands.

use super::input::{COMMANDS, StompCommand, parse};

fn ok(name: &str, args: &str) -> StompCommand {
    parse(name, args)
        .unwrap()
        .unwrap_or_else(|e| panic!("/{name} {args}: {e}"))
}

fn err(name: &str, args: &str) -> String {
    parse(name, args).unwrap().unwrap_err().to_string()
}

fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn each_command_with_its_arguments() {
    assert_eq!(
        ok("subscribe", "/queue/a"),
        StompCommand::Subscribe {
            destination: "/queue/a".into(),
            headers: vec![]
        }
    );
    assert_eq!(
        ok(
            "subscribe",
            "-H selector:a=1 \"/queue/two words\" -H durable:true"
        ),
        StompCommand::Subscribe {
            destination: "/queue/two words".into(),
            headers: h(&[("selector", "a=1"), ("durable", "true")]),
        }
    );
    assert_eq!(
        ok("unsubscribe", " sub-0 "),
        StompCommand::Unsubscribe { id: "sub-0".into() }
    );
    assert_eq!(
        ok("send", "/queue/a hello  queue a "),
        StompCommand::Send {
            destination: "/queue/a".into(),
            headers: vec![],
            body: "hello  queue a ".into()
        }
    );
    assert_eq!(
        ok(
            "send",
            r#"-H content-type:text/plain /topic/x -H "k:a b" {"a": 1}"#
        ),
        StompCommand::Send {
            destination: "/topic/x".into(),
            headers: h(&[("content-type", "text/plain"), ("k", "a b")]),
            body: r#"{"a": 1}"#.into(),
        }
    );
    assert_eq!(
        ok("send", "/q -- -H is the body"),
        StompCommand::Send {
            destination: "/q".into(),
            headers: vec![],
            body: "-H is the body".into()
        }
    );
    assert_eq!(
        ok("send", "/q --"),
        StompCommand::Send {
            destination: "/q".into(),
            headers: vec![],
            body: "".into()
        }
    );
    assert_eq!(
        ok("send", "/q --x").clone(),
        StompCommand::Send {
            destination: "/q".into(),
            headers: vec![],
            body: "--x".into()
        }
    );
    assert_eq!(
        ok("send", "/q -H a:"),
        StompCommand::Send {
            destination: "/q".into(),
            headers: h(&[("a", "")]),
            body: "".into()
        }
    );
    assert_eq!(ok("ack", "12345"), StompCommand::Ack { id: "12345".into() });
    assert_eq!(ok("nack", "007"), StompCommand::Nack { id: "007".into() });
    assert_eq!(ok("begin", ""), StompCommand::Begin { transaction: None });
    assert_eq!(
        ok("begin", "tx1"),
        StompCommand::Begin {
            transaction: Some("tx1".into())
        }
    );
    assert_eq!(
        ok("commit", "tx1"),
        StompCommand::Commit {
            transaction: "tx1".into()
        }
    );
    assert_eq!(
        ok("abort", "tx1"),
        StompCommand::Abort {
            transaction: "tx1".into()
        }
    );
    assert!(parse("quit", "").is_none());
    assert_eq!(COMMANDS.len(), 8);
}

#[test]
fn mistakes_are_explained() {
    for (name, args, shown) in [
        (
            "subscribe",
            "",
            "/subscribe needs a destination: /subscribe [-H name:value]… DEST",
        ),
        (
            "subscribe",
            "/a /b",
            "column 4: /subscribe takes one destination",
        ),
        (
            "subscribe",
            "-H id:7 /a",
            "column 4: -H id: that header is set by the command's own arguments",
        ),
        ("send", "", "/send needs a destination"),
        (
            "send",
            "-H destination:/x /q",
            "column 4: -H destination: that header is set",
        ),
        (
            "send",
            "-H /q",
            "column 4: -H \"/q\" is not a header: -H name:value",
        ),
        ("send", "/q -H :v", "column 7: -H \":v\" is not a header"),
        (
            "send",
            "/q -H",
            "column 6: -H needs a header: -H name:value",
        ),
        (
            "send",
            "\"/q",
            "column 3: the quoted word is not valid JSON",
        ),
        (
            "unsubscribe",
            "",
            "/unsubscribe needs a subscription id: /unsubscribe ID",
        ),
        ("ack", "1 2", "column 3: /ack takes only a message's ack id"),
        ("commit", "", "/commit needs a transaction: /commit TX"),
        ("begin", "a b", "column 3: /begin takes only a transaction"),
    ] {
        let e = err(name, args);
        assert!(e.starts_with(shown), "/{name} {args}: {e}");
    }
}
