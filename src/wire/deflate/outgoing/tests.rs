//! Unit tests of compressing sent messages: RSV1, fragments, context takeover, overrides.

use super::*;
use crate::wire::deflate::codec::Inflater;
use crate::wire::deflate::framing::frame_bytes as frame;

fn outgoing() -> (Outgoing, Arc<Overrides>, Arc<DeflateStats>) {
    let overrides = Arc::new(Overrides::default());
    let stats = Arc::new(DeflateStats::default());
    (
        Outgoing::new(15, false, 6, stats.clone(), overrides.clone()),
        overrides,
        stats,
    )
}

fn send(o: &mut Outgoing, bytes: &[u8]) -> Vec<u8> {
    let mut at = 0;
    let mut wire = Vec::new();
    while at < bytes.len() {
        at += o.accept(&bytes[at..]).unwrap();
        wire.extend_from_slice(o.pending());
        let n = o.pending().len();
        o.consume(n);
    }
    wire
}

/// (header, unmasked payload) of every frame in `wire`.
fn frames(wire: &[u8]) -> Vec<(FrameHeader, Vec<u8>)> {
    let mut at = 0;
    let mut out = Vec::new();
    while at < wire.len() {
        let h = FrameHeader::parse(&wire[at..]).unwrap();
        at += h.header_len();
        let mut p = wire[at..at + h.payload_len as usize].to_vec();
        if let Some(key) = h.mask {
            apply_mask(&mut p, key, 0);
        }
        at += p.len();
        out.push((h, p));
    }
    out
}

fn inflate(wire: &[u8]) -> Vec<u8> {
    let mut i = Inflater::new(15, false, 1 << 30);
    let mut buf = Vec::with_capacity(1 << 20);
    i.inflate(wire, &mut buf).unwrap();
    assert!(i.finish(&mut buf).unwrap());
    buf
}

#[test]
fn masked_text_is_compressed_and_masked_again_with_its_key() {
    let (mut o, _, stats) = outgoing();
    let key = [0xa, 0xb, 0xc, 0xd];
    let msg = b"hello hello hello hello".repeat(10);
    let wire = send(&mut o, &frame(0x81, Some(key), &msg));
    let f = frames(&wire);
    assert_eq!(f.len(), 1);
    assert!(f[0].0.rsv1 && f[0].0.fin);
    assert_eq!(f[0].0.mask, Some(key));
    assert_eq!(inflate(&f[0].1), msg);
    let t = stats.totals(Direction::Out);
    assert_eq!(
        (t.compressed_messages, t.message_bytes),
        (1, msg.len() as u64)
    );
    assert!(t.wire_bytes < t.message_bytes);
}

#[test]
fn control_frames_and_hand_built_rsv1_messages_pass_unchanged() {
    let (mut o, _, _) = outgoing();
    let ping = frame(0x89, Some([1, 2, 3, 4]), b"ping");
    let hand = [
        frame(0x41, None, b"\xf2\x48"),
        frame(0x80, None, b"\xcd\xc9\xc9\x07\x00"),
    ]
    .concat();
    let input = [ping.clone(), hand.clone()].concat();
    assert_eq!(send(&mut o, &input), input);
}

#[test]
fn fragments_are_one_stream_with_a_ping_between_them() {
    let (mut o, _, _) = outgoing();
    let input = [
        frame(0x01, None, b"first half, "),
        frame(0x89, None, b"p"),
        frame(0x80, None, b"second half"),
    ]
    .concat();
    let f = frames(&send(&mut o, &input));
    assert_eq!(f.len(), 3);
    assert!(f[0].0.rsv1 && !f[0].0.fin && f[0].0.opcode == Opcode::Text);
    assert_eq!(f[1].0.opcode, Opcode::Ping);
    assert!(!f[2].0.rsv1 && f[2].0.fin && f[2].0.opcode == Opcode::Continuation);
    assert_eq!(
        inflate(&[f[0].1.clone(), f[2].1.clone()].concat()),
        b"first half, second half"
    );
}

#[test]
fn huge_claimed_lengths_do_not_overflow() {
    let (mut o, overrides, _) = outgoing();
    overrides.send_next_uncompressed();
    let input = [&[0x01, 0x01, b'a', 0x00, 0x7f][..], &[0xff; 8]].concat();
    assert_eq!(send(&mut o, &input), input);
}

#[test]
fn the_uncompressed_override_applies_to_one_message() {
    let (mut o, overrides, stats) = outgoing();
    let msg = b"abcabcabcabcabcabc";
    overrides.send_next_uncompressed();
    let plain = frame(0x81, None, msg);
    assert_eq!(send(&mut o, &plain), plain);
    let f = frames(&send(&mut o, &plain));
    assert!(f[0].0.rsv1);
    assert_eq!(inflate(&f[0].1), msg);
    let t = stats.totals(Direction::Out);
    assert_eq!((t.messages, t.compressed_messages), (2, 1));
}

#[test]
fn output_waits_below_the_limit_and_input_is_refused_past_it() {
    let (mut o, _, _) = outgoing();
    let big = frame(0x82, None, &vec![7u8; 300_000]);
    let uncompressible: Vec<u8> = (0..300_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let big2 = frame(0x82, None, &uncompressible);
    let input = [big, big2].concat();
    let mut at = 0;
    while o.has_room() && at < input.len() {
        at += o.accept(&input[at..]).unwrap();
    }
    assert!(o.pending().len() < OUT_HIGH + CHUNK + STEP * 2);
    assert_eq!(o.accept(&input[at..]).unwrap(), 0);
}
