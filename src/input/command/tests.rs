//! Unit tests of the REPL's command grammar.

use super::*;

/// A line as the REPL parses it without `--proto`.
pub(super) fn parse(line: &str) -> Result<Option<Command>, String> {
    super::parse(line, None)
}

pub(super) fn ok(s: &str) -> Command {
    parse(s).expect(s).expect("a command")
}

#[test]
fn with_a_protocol_plain_lines_and_its_commands_are_its_own() {
    let sio = Some(ProtoKind::SocketIo);
    let line = |t: &str| Command::Proto(ProtoInput::Line(t.into()));
    assert_eq!(super::parse("hi", sio), Ok(Some(line("hi"))));
    assert_eq!(super::parse("//x", sio), Ok(Some(line("/x"))));
    assert_eq!(
        super::parse("/emit chat 1", sio),
        Ok(Some(Command::Proto(ProtoInput::Command {
            name: "/emit",
            args: "chat 1".into()
        })))
    );
    let e = super::parse("/emit chat nope", sio).unwrap_err();
    assert!(
        e.starts_with("/emit: column 6: argument 1 is not a JSON value"),
        "{e}"
    );
    assert!(e.ends_with("nothing sent"), "{e}");
    assert!(
        super::parse("/emit chat", None).is_err(),
        "not a command without --proto"
    );
    assert_eq!(
        super::parse("/text raw", sio),
        Ok(Some(Command::Send(Outgoing::Text("raw".into()))))
    );
    assert_eq!(complete("/e", sio), ["/emit"]);
    assert_eq!(complete("/a", sio), ["/ack"]);
    assert!(complete("/e", None).is_empty());
    let help = help_text(sio);
    assert!(help.starts_with("Socket.IO commands"), "{help}");
    assert!(help.contains("/emit") && help.contains("/quit"), "{help}");
}

#[test]
fn plain_and_escaped_text() {
    assert_eq!(ok("hello"), Command::Send(Outgoing::Text("hello".into())));
    assert_eq!(ok("//etc"), Command::Send(Outgoing::Text("/etc".into())));
    assert_eq!(ok("@x"), Command::Send(Outgoing::Text("@x".into())));
    assert_eq!(
        ok("/text @req.json"),
        Command::Send(Outgoing::TextFile("req.json".into()))
    );
    assert!(parse("/text @").is_err());
    assert_eq!(
        ok("/text  two spaces"),
        Command::Send(Outgoing::Text(" two spaces".into()))
    );
    assert_eq!(parse("").expect("ok"), None);
}

#[test]
fn binary_forms() {
    let want = Command::Send(Outgoing::Binary(BinarySource::Bytes(vec![0, 0xff, 0x10])));
    assert_eq!(ok("/binary 0x00ff10"), want);
    assert_eq!(ok("/binary 00 ff 10"), want);
    assert_eq!(ok("/binary base64:AP8Q"), want);
    assert_eq!(
        ok("/binary @/tmp/x"),
        Command::Send(Outgoing::Binary(BinarySource::File("/tmp/x".into())))
    );
    assert!(parse("/binary 0x0").is_err());
    assert!(parse("/binary zz").is_err());
    assert!(parse("/binary").is_err());
    assert!(parse("/binary base64:!!").is_err());
    // Found by the fuzzer: non-ASCII text must be refused, not sliced mid-character.
    assert!(parse("/binary CCCż").is_err());
    assert!(parse("/raw ż1").is_err());
}

#[test]
fn control_frames_respect_rfc_limits() {
    assert_eq!(
        ok("/ping abc"),
        Command::Send(Outgoing::Ping(b"abc".to_vec()))
    );
    assert_eq!(ok("/ping"), Command::Send(Outgoing::Ping(vec![])));
    assert!(parse(&format!("/ping {}", "x".repeat(126))).is_err());
    assert!(parse(&format!("/pong {}", "x".repeat(125))).is_ok());
}

#[test]
fn close_codes_and_reasons() {
    assert_eq!(ok("/close"), Command::End(Ending::Close(None)));
    assert_eq!(
        ok("/close 4000 bye"),
        Command::End(Ending::Close(Some((4000, "bye".into()))))
    );
    assert_eq!(
        ok("/close 1000"),
        Command::End(Ending::Close(Some((1000, String::new()))))
    );
    assert!(parse("/close 1005").is_err());
    assert!(parse("/close 999").is_err());
    assert!(parse("/close abc").is_err());
    assert!(parse(&format!("/close 1000 {}", "r".repeat(124))).is_err());
}

#[test]
fn other_commands_and_errors() {
    assert_eq!(ok("/frames on"), Command::Local(Local::Frames(true)));
    assert!(parse("/frames maybe").is_err());
    assert_eq!(ok("/status"), Command::Local(Local::Status));
    assert_eq!(ok("/quit"), Command::End(Ending::Quit));
    assert!(parse("/status now").is_err());
    assert!(parse("/nope").unwrap_err().contains("//nope"));
    assert_eq!(
        complete("/p", None),
        vec!["/plain", "/ping", "/pong", "/pretty"]
    );
}

#[test]
fn protocol_testing_commands() {
    assert_eq!(
        ok("/frag 3 hello"),
        Command::Send(Outgoing::Frag {
            parts: 3,
            text: "hello".into(),
            ping_between: false
        })
    );
    assert!(matches!(
        ok("/fragping 2 hi"),
        Command::Send(Outgoing::Frag {
            ping_between: true,
            ..
        })
    ));
    assert!(parse("/frag 0 x").is_err());
    assert!(parse("/frag x").is_err());
    assert_eq!(
        ok("/frame 1 100 text hi"),
        Command::Send(Outgoing::Frame {
            fin: true,
            rsv: [true, false, false],
            opcode: Opcode::Text,
            payload: BinarySource::Bytes(b"hi".to_vec())
        })
    );
    assert!(matches!(
        ok("/frame 0 000 0x3 0xc328"),
        Command::Send(Outgoing::Frame { fin: false, opcode, payload: BinarySource::Bytes(ref b), .. }) if opcode == Opcode::from(3) && b == &[0xc3, 0x28]
    ));
    assert!(matches!(
        ok("/frame 1 000 ping *126"),
        Command::Send(Outgoing::Frame { opcode: Opcode::Ping, payload: BinarySource::Bytes(ref b), .. }) if b.len() == 126
    ));
    assert!(matches!(
        ok("/frame 1 000 close"),
        Command::Send(Outgoing::Frame {
            opcode: Opcode::Close,
            ..
        })
    ));
    assert!(parse("/frame 2 000 text").is_err());
    assert!(parse("/frame 1 12 text").is_err());
    assert!(parse("/frame 1 000 16").is_err());
    assert!(parse("/frame 1 000").is_err());
    assert_eq!(
        ok("/raw 0x8100"),
        Command::Send(Outgoing::Raw(vec![0x81, 0x00]))
    );
    assert_eq!(
        ok("/raw 81 00"),
        Command::Send(Outgoing::Raw(vec![0x81, 0x00]))
    );
    assert!(parse("/raw").is_err());
    assert!(parse("/raw 0xz").is_err());
}

proptest::proptest! {
    #[test]
    fn the_parser_never_panics(line in "\\PC*") {
        let _ = parse(&line);
    }
}
