//! Fuzz the reading of the server's answer to the upgrade (wire/response.rs, rejection.rs): any
//! bytes must parse or be refused without a panic, a parsed head must print back to the same
//! head, the end of a head arriving in pieces must be found where it is in the whole, and the
//! judging of a 101 and the hints for a refusal must take whatever the head says.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wscope::wire::rejection::rejected;
use wscope::wire::request::{RequestOptions, build};
use wscope::wire::response::{
    ResponseHead, body_framing, check_upgrade, describe_garbage, head_end, parse_head,
};
use wscope::wire::target::Target;

/// The head as text again: what `parse_head` read from it must read the same.
fn print(head: &ResponseHead) -> String {
    let mut text = format!("{} {} {}\r\n", head.version, head.status, head.reason);
    for (name, value) in &head.headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text + "\r\n"
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, bytes)) = data.split_first() else {
        return;
    };
    // The head's end, found in one search and in searches resumed after each piece.
    let whole = head_end(bytes, 0);
    let step = usize::from(control % 64) + 1;
    let mut searched = 0;
    let mut seen = 0;
    let in_pieces = loop {
        seen = (seen + step).min(bytes.len());
        if let Some(end) = head_end(&bytes[..seen], searched) {
            break Some(end);
        }
        searched = seen;
        if seen == bytes.len() {
            break None;
        }
    };
    assert_eq!(whole, in_pieces, "found across {step}-byte pieces");
    if let Some(end) = whole {
        assert!(end <= bytes.len() && bytes[..end].ends_with(b"\r\n\r\n"));
    }

    let head_bytes = &bytes[..whole.unwrap_or(bytes.len())];
    let shown = describe_garbage(head_bytes);
    assert!(
        shown.len() <= 60 * 4 + 2 || shown.contains("TLS"),
        "{shown}"
    );
    let Ok(head) = parse_head(head_bytes) else {
        return;
    };
    assert!((100..=999).contains(&head.status));
    for (name, value) in &head.headers {
        assert!(!name.contains(':') && !value.contains("\r\n"));
        assert_eq!(value.trim(), value);
    }
    assert_eq!(parse_head(print(&head).as_bytes()).as_ref(), Ok(&head));

    let _ = body_framing(&head);
    let target = Target::parse("ws://example.test/chat").expect("url");
    let options = RequestOptions {
        subprotocols: if control & 0x40 != 0 {
            vec!["chat".into(), "json".into()]
        } else {
            Vec::new()
        },
        ..RequestOptions::default()
    };
    let request = build(&target, &options, "dGhlIHNhbXBsZSBub25jZQ==");
    let verdict = check_upgrade(
        &head,
        &request.key,
        &request.offered_protocols,
        &request.extension_offer,
    );
    if let Err(problems) = verdict {
        assert!(!problems.is_empty());
    }
    let _ = rejected(&head, &request);
});
