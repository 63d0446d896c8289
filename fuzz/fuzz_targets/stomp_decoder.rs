//! Fuzz the STOMP decoder: arbitrary bytes, fed whole and cut at a fuzzer-chosen point, must
//! never panic, must give the same frames and the same first error either way, and must never
//! hold more than its limits allow, also when decoding goes on after errors and a frame is cut
//! at a message's end; the client's state machine must take the same bytes as the server's
//! messages without a panic; the REPL's STOMP commands must never panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wscope::proto::fuzzing::stomp_client_takes;
use wscope::proto::stomp::{Decoder, Item, Limits, StompError, Version, input};

const LIMITS: Limits = Limits {
    max_headers: 8,
    max_head: 256,
    max_body: 512,
};

/// The items up to the first error, and that error.
fn decode(version: Version, pieces: &[&[u8]]) -> (Vec<Item>, Option<StompError>) {
    let mut d = Decoder::new(LIMITS);
    d.set_version(version);
    let mut items = Vec::new();
    for piece in pieces {
        d.push(piece);
        loop {
            match d.next_item() {
                Ok(Some(item)) => items.push(item),
                Ok(None) => break,
                Err(e) => return (items, Some(e)),
            }
            assert!(d.buffered() <= LIMITS.max_head + LIMITS.max_body + 4 + piece.len());
        }
        assert!(d.buffered() <= LIMITS.max_head + LIMITS.max_body + 4);
    }
    (items, d.finish().err())
}

/// Decoding through errors, with a message boundary at each piece: never stuck, never beyond
/// the limits.
fn decode_on(version: Version, pieces: &[&[u8]]) {
    let mut d = Decoder::new(LIMITS);
    d.set_version(version);
    for piece in pieces {
        if let Some(Ok(f)) = d.cut_unterminated(piece) {
            assert!(f.body.len() <= LIMITS.max_body);
        }
        d.push(piece);
        loop {
            match d.next_item() {
                Ok(None) => break,
                Ok(Some(Item::Frame(f) | Item::Unterminated(f))) => {
                    assert!(
                        f.body.len() <= LIMITS.max_body && f.headers.len() <= LIMITS.max_headers
                    )
                }
                Ok(Some(Item::HeartBeat)) | Err(_) => {}
            }
        }
        assert!(d.buffered() <= LIMITS.max_head + LIMITS.max_body + 4);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, body)) = data.split_first() else {
        return;
    };
    let version = [Version::V1_0, Version::V1_1, Version::V1_2][usize::from(control % 3)];
    let cut = (usize::from(control) * 7) % (body.len() + 1);
    let whole = decode(version, &[body]);
    let pieces = decode(version, &[&body[..cut], &body[cut..]]);
    assert_eq!(whole, pieces);
    decode_on(version, &[&body[..cut], &body[cut..]]);
    stomp_client_takes(&[&body[..cut], &body[cut..]], control, LIMITS);
    if let Ok(text) = std::str::from_utf8(body) {
        let (name, args) = text.split_once(' ').unwrap_or((text, ""));
        let _ = input::parse(name, args);
    }
});
