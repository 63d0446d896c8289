//! Fuzz the REPL command parser: any line must parse or be refused, never panic, and never
//! yield a control frame payload or close reason over the RFC 6455 limits; with each
//! application protocol too (`--proto`), whose commands are checked as they are typed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wscope::input::command::{Command, Ending, Outgoing, parse};
use wscope::proto::ProtoKind;

fuzz_target!(|data: &[u8]| {
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    let protocols = ProtoKind::ALL.iter().copied().map(Some);
    for proto in std::iter::once(None).chain(protocols) {
        if let Ok(Some(cmd)) = parse(line, proto) {
            match cmd {
                Command::Send(Outgoing::Ping(p) | Outgoing::Pong(p)) => assert!(p.len() <= 125),
                Command::End(Ending::Close(Some((code, reason)))) => {
                    assert!(wscope::wire::frame::close_code_sendable(code));
                    assert!(reason.len() <= 123);
                }
                _ => {}
            }
        }
    }
});
