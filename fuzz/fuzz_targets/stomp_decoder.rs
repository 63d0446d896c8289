//! Fuzz the STOMP decoder: arbitrary bytes, fed whole and cut at a fuzzer-chosen point, must
//! never panic, must give the same frames and the same first error either way, and must never
//! hold more than its limits allow, also when decoding goes on after errors and a frame is cut
//! at a message's end; the client's state machine must take the same bytes as the server's
//! messages without a panic; the REPL's STOMP commands must never panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::time::{Duration, Instant};
use wscope::proto::stomp::encoder::AckMode;
use wscope::proto::stomp::{
    Client, Decoder, HeartBeat, Item, Limits, Settings, StompError, Version, input,
};
use wscope::proto::{Protocol, WsData};

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
                    assert!(f.body.len() <= LIMITS.max_body && f.headers.len() <= LIMITS.max_headers)
                }
                Ok(Some(Item::HeartBeat)) | Err(_) => {}
            }
        }
        assert!(d.buffered() <= LIMITS.max_head + LIMITS.max_body + 4);
    }
}

/// The client, connected, given the pieces as the server's messages.
fn client_takes(pieces: &[&[u8]], ack: AckMode) {
    let t0 = Instant::now();
    let settings = Settings {
        host: "/".into(),
        connect_headers: Vec::new(),
        login: None,
        passcode: None,
        heart_beat: HeartBeat { send: 1000, receive: 1000 },
        subscribe: vec!["/q".into()],
        destination: Some("/q".into()),
        ack,
        auto_ack: ack != AckMode::ClientIndividual,
        split: Some(64),
        show_credentials: false,
        limits: LIMITS,
    };
    let mut c = Client::new(settings, t0);
    c.open(None, t0);
    c.received(WsData::Text("CONNECTED\nversion:1.2\nheart-beat:1000,1000\n\n\0"), t0);
    for (i, piece) in pieces.iter().enumerate() {
        let now = t0 + Duration::from_millis(i as u64 * 700);
        let step = match std::str::from_utf8(piece) {
            Ok(t) => c.received(WsData::Text(t), now),
            Err(_) => c.received(WsData::Binary(piece), now),
        };
        c.delivered(step.deliver.len() / 2, now);
        c.on_deadline(now);
    }
    c.farewell(t0 + Duration::from_secs(5));
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
    let ack = [AckMode::Auto, AckMode::Client, AckMode::ClientIndividual][usize::from(control % 3)];
    client_takes(&[&body[..cut], &body[cut..]], ack);
    if let Ok(text) = std::str::from_utf8(body) {
        let (name, args) = text.split_once(' ').unwrap_or((text, ""));
        let _ = input::parse(name, args);
    }
});
