//! Unit tests of inflating received messages: fragments, context takeover, the size limit, bombs.

use super::*;
use crate::wire::deflate::codec::Compressor;
use crate::wire::deflate::framing::frame_bytes as frame;

fn incoming(role: Role, limit: u64) -> Incoming {
    Incoming::new(role, 15, false, limit, Arc::new(DeflateStats::default()))
}

fn compressed(msg: &[u8]) -> Vec<u8> {
    let mut c = Compressor::new(15, false, 6);
    let mut out = Vec::new();
    c.compress(msg, &mut out).unwrap();
    c.finish_message(&mut out).unwrap();
    out
}

/// Everything the transformer produces for `wire`, or the violation it stops at.
fn run_all(inc: &mut Incoming, wire: &[u8]) -> (Vec<u8>, Option<Violation>) {
    inc.push(wire);
    let mut out = Vec::new();
    loop {
        match inc.output() {
            Ok([]) => return (out, None),
            Ok(bytes) => {
                let n = bytes.len();
                out.extend_from_slice(bytes);
                inc.consume(n);
            }
            Err(v) => return (out, Some(v)),
        }
    }
}

#[test]
fn plain_frames_pass_in_place_and_compressed_ones_do_not() {
    let mut inc = incoming(Role::Client, 1 << 20);
    let mut wire = frame(0x81, None, b"plain");
    wire.extend(frame(0x89, None, b"ping"));
    let plain_len = wire.len();
    wire.extend(frame(0xc1, None, &compressed(b"squeezed")));
    assert_eq!(inc.pass_in_place(&wire), plain_len);
    let (out, err) = run_all(&mut inc, &wire[plain_len..]);
    assert!(err.is_none());
    assert_eq!(out, frame(0x81, None, b"squeezed"));
    let t = inc.stats.totals(Direction::In);
    assert_eq!((t.messages, t.compressed_messages), (2, 1));
}

#[test]
fn server_role_hands_tungstenite_masked_frames() {
    let mut inc = incoming(Role::Server, 1 << 20);
    let key = [1, 2, 3, 4];
    let (out, err) = run_all(&mut inc, &frame(0xc2, Some(key), &compressed(b"bin")));
    assert!(err.is_none());
    assert_eq!(out, frame(0x82, Some([0; 4]), b"bin"));
}

#[test]
fn violations_carry_their_close_codes() {
    let cases: Vec<(Vec<u8>, u16, &str)> = vec![
        (
            [
                frame(0x41, None, &compressed(b"a")),
                frame(0xc0, None, b"\x00"),
            ]
            .concat(),
            1002,
            "continuation",
        ),
        (frame(0xc9, None, b""), 1002, "PING"),
        (frame(0xc1, None, &[0xff, 0xee, 0xdd]), 1007, "DEFLATE"),
        (frame(0xc1, None, &compressed(&[b'x'; 4096])), 1009, "limit"),
        (
            [
                frame(0x41, None, &compressed(b"a")),
                frame(0x81, None, b"b"),
            ]
            .concat(),
            1002,
            "new message",
        ),
    ];
    for (wire, code, words) in cases {
        let mut inc = incoming(Role::Client, 1000);
        let (_, err) = run_all(&mut inc, &wire);
        let v = err.unwrap();
        assert_eq!(v.code, code, "{v}");
        assert!(v.rule.contains(words), "{v}");
        // It stays failed.
        assert_eq!(inc.output().unwrap_err(), v);
        assert_eq!(inc.pass_in_place(b"\x81\x00"), 0);
    }
}

#[test]
fn compressed_frames_masked_the_wrong_way_are_refused() {
    let body = compressed(b"m");
    for (role, mask) in [(Role::Client, Some([1, 2, 3, 4])), (Role::Server, None)] {
        let mut inc = incoming(role, 1 << 20);
        let (_, err) = run_all(&mut inc, &frame(0xc1, mask, &body));
        let v = err.unwrap();
        assert_eq!(v.code, 1002);
        assert!(v.rule.contains("RFC 6455 §5.1"), "{v}");
    }
}

/// Found by fuzzing: a fragment claiming 2^64-1 bytes after one of a byte.
#[test]
fn huge_claimed_lengths_do_not_overflow() {
    let wire = [&[0x01, 0x01, b'a', 0x00, 0x7f][..], &[0xff; 8]].concat();
    let mut inc = incoming(Role::Client, 1 << 20);
    assert_eq!(inc.pass_in_place(&wire), wire.len());
    let mut inc = incoming(Role::Client, 1 << 20);
    assert_eq!(run_all(&mut inc, &wire), (wire, None));
}

#[test]
fn bytes_before_a_violation_are_delivered_first() {
    let mut inc = incoming(Role::Client, 1 << 20);
    let wire = [frame(0x89, None, b"p"), frame(0xca, None, b"")].concat();
    let (out, err) = run_all(&mut inc, &wire);
    assert_eq!(out, frame(0x89, None, b"p"));
    assert_eq!(err.unwrap().code, 1002);
}

#[test]
fn large_message_is_refragmented_in_chunks() {
    let msg: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let mut inc = incoming(Role::Client, 1 << 20);
    let (out, err) = run_all(&mut inc, &frame(0xc2, None, &compressed(&msg)));
    assert!(err.is_none());
    let mut at = 0;
    let mut rebuilt = Vec::new();
    let mut frames = 0;
    while at < out.len() {
        let h = FrameHeader::parse(&out[at..]).unwrap();
        assert!(h.payload_len as usize <= CHUNK);
        assert_eq!(h.opcode.bits(), if frames == 0 { 2 } else { 0 });
        at += h.header_len();
        rebuilt.extend_from_slice(&out[at..at + h.payload_len as usize]);
        at += h.payload_len as usize;
        frames += 1;
        assert_eq!(h.fin, at == out.len());
    }
    assert_eq!(rebuilt, msg);
    assert!(frames > 1);
}
