//! Unit tests of the REPL's STOMP commands.

use super::commands::COMMANDS;
use super::input::{StompCommand, parse};

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

fn send(destination: &str, headers: &[(&str, &str)], body: &str) -> StompCommand {
    StompCommand::Send {
        destination: destination.into(),
        headers: h(headers),
        body: body.into(),
    }
}

#[test]
fn each_command_with_its_arguments() {
    let subscribe = |d: &str, hs| StompCommand::Subscribe {
        destination: d.into(),
        headers: h(hs),
    };
    #[rustfmt::skip]
    let cases = [
        ("subscribe", "/queue/a", subscribe("/queue/a", &[])),
        ("subscribe", "-H selector:a=1 \"/queue/two words\" -H durable:true", subscribe("/queue/two words", &[("selector", "a=1"), ("durable", "true")])),
        ("unsubscribe", " sub-0 ", StompCommand::Unsubscribe { id: "sub-0".into() }),
        ("send", "/queue/a hello  queue a ", send("/queue/a", &[], "hello  queue a ")),
        ("send", r#"-H content-type:text/plain /topic/x -H "k:a b" {"a": 1}"#, send("/topic/x", &[("content-type", "text/plain"), ("k", "a b")], r#"{"a": 1}"#)),
        ("send", "/q -- -H is the body", send("/q", &[], "-H is the body")),
        ("send", "/q --", send("/q", &[], "")),
        ("send", "/q --x", send("/q", &[], "--x")),
        ("send", "/q -H a:", send("/q", &[("a", "")], "")),
        ("ack", "12345", StompCommand::Ack { id: "12345".into() }),
        ("nack", "007", StompCommand::Nack { id: "007".into() }),
        ("begin", "", StompCommand::Begin { transaction: None }),
        ("begin", "tx1", StompCommand::Begin { transaction: Some("tx1".into()) }),
        ("commit", "tx1", StompCommand::Commit { transaction: Some("tx1".into()) }),
        ("commit", "", StompCommand::Commit { transaction: None }),
        ("abort", "tx1", StompCommand::Abort { transaction: Some("tx1".into()) }),
        ("abort", " ", StompCommand::Abort { transaction: None }),
    ];
    for (name, args, command) in cases {
        assert_eq!(ok(name, args), command, "/{name} {args}");
    }
    assert!(parse("quit", "").is_none());
    assert_eq!(COMMANDS.len(), 8);
    for c in COMMANDS {
        let example = c
            .example
            .strip_prefix(c.name)
            .expect("the example uses the command");
        assert_eq!((c.check)(example.trim_start()), Ok(()), "{}", c.example);
    }
    assert!((COMMANDS[0].check)("").is_err());
}

#[test]
fn mistakes_are_explained() {
    #[rustfmt::skip]
    let cases = [
        ("subscribe", "", "/subscribe needs a destination: /subscribe [-H name:value]… DEST"),
        ("subscribe", "/a /b", "column 4: /subscribe takes one destination"),
        ("subscribe", "-H id:7 /a", "column 4: -H id: that header is set by the command's own arguments"),
        ("send", "", "/send needs a destination"),
        ("send", "-H destination:/x /q", "column 4: -H destination: that header is set"),
        ("send", "-H /q", "column 4: -H \"/q\" is not a header: -H name:value"),
        ("send", "/q -H :v", "column 7: -H \":v\" is not a header"),
        ("send", "/q -H", "column 6: -H needs a header: -H name:value"),
        ("send", "\"/q", "column 3: the quoted word is not valid JSON"),
        ("unsubscribe", "", "/unsubscribe needs a subscription id: /unsubscribe ID"),
        ("ack", "1 2", "column 3: /ack takes only a message's ack id"),
        ("commit", "a b", "column 3: /commit takes only a transaction: /commit [TX]"),
        ("begin", "a b", "column 3: /begin takes only a transaction"),
    ];
    for (name, args, shown) in cases {
        let e = err(name, args);
        assert!(e.starts_with(shown), "/{name} {args}: {e}");
    }
}
