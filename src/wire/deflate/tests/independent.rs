//! The incoming side decoding what other encoders produce, framed by the test-only framer:
//! flate2's `DeflateEncoder` (sync flush per message, context kept across messages) and
//! stored blocks written by hand (no zlib at all), including messages ended by a BFINAL
//! block, compressed payloads fragmented anywhere, pings between fragments, and the byte
//! stream split anywhere.

use super::{Seen, feed_incoming, frame, read_frames};
use crate::wire::deflate::codec::TAIL;
use crate::wire::deflate::{DeflateStats, Direction, Incoming, Role};
use flate2::Compression;
use flate2::write::DeflateEncoder;
use proptest::prelude::*;
use std::io::Write;
use std::sync::Arc;

/// One message: its opcode, its content, and the cut points of its compressed payload.
type Msg = (u8, Vec<u8>, Vec<usize>);

/// Frames compressed payloads: RSV1 on the first frame only, a ping after every fragment but
/// the last, masked when the sender is a client.
fn frame_compressed(payloads: &[(u8, Vec<u8>, Vec<usize>)], masked: bool) -> (Vec<u8>, Vec<Seen>) {
    let mut wire = Vec::new();
    let mut pings = Vec::new();
    let key = masked.then_some([0x37, 0xfa, 0x21, 0x3d]);
    for (i, (opcode, payload, cuts)) in payloads.iter().enumerate() {
        let mut cuts: Vec<usize> = cuts.iter().map(|&c| c.min(payload.len())).collect();
        cuts.sort_unstable();
        cuts.push(payload.len());
        let mut start = 0;
        for (j, &end) in cuts.iter().enumerate() {
            let last = j + 1 == cuts.len();
            let op = if j == 0 { *opcode } else { 0 };
            wire.extend(frame(last, j == 0, op, key, &payload[start..end]));
            if !last {
                let p = format!("{i}/{j}").into_bytes();
                wire.extend(frame(true, false, 9, key, &p));
                pings.push((i, Seen::Control(9, p)));
            }
            start = end;
        }
    }
    let mut expect = Vec::new();
    let mut pings = pings.into_iter().peekable();
    for i in 0..payloads.len() {
        while let Some((_, p)) = pings.next_if(|(at, _)| *at == i) {
            expect.push(p);
        }
        expect.push(Seen::Message(0, Vec::new()));
    }
    (wire, expect)
}

/// Checks that `incoming` turns `wire` into `messages`, whatever the read sizes.
fn check(role: Role, wire: &[u8], mut expect: Vec<Seen>, messages: &[Msg], sizes: &[usize]) {
    let mut contents = messages.iter();
    for seen in &mut expect {
        if let Seen::Message(op, data) = seen {
            let (o, d, _) = contents.next().expect("as many messages");
            (*op, *data) = (*o, d.clone());
        }
    }
    let stats = Arc::new(DeflateStats::default());
    let mut inc = Incoming::new(role, 15, false, 1 << 24, stats.clone());
    let plain = feed_incoming(&mut inc, wire, sizes).unwrap();
    let (seen, _) = read_frames(&plain, role == Role::Server, true);
    assert_eq!(seen, expect);
    let totals = stats.totals(Direction::In);
    assert_eq!(totals.compressed_messages, messages.len() as u64);
    let sum: usize = messages.iter().map(|(_, d, _)| d.len()).sum();
    assert_eq!(totals.message_bytes, sum as u64);
}

/// flate2's encoder, one stream for the whole connection, a sync flush after each message.
fn flate2_payloads(messages: &[Msg], level: u32) -> Vec<(u8, Vec<u8>, Vec<usize>)> {
    let mut enc = DeflateEncoder::new(Vec::new(), Compression::new(level));
    messages
        .iter()
        .map(|(op, data, cuts)| {
            enc.write_all(data).unwrap();
            enc.flush().unwrap();
            let mut out = std::mem::take(enc.get_mut());
            if out.is_empty() {
                // Without new input flate2 emits no second sync marker: an empty message is
                // the header of one empty stored block (RFC 7692 §7.2.3.6).
                out.push(0x00);
            } else {
                assert!(out.ends_with(&TAIL));
                out.truncate(out.len() - TAIL.len());
            }
            (*op, out, cuts.clone())
        })
        .collect()
}

/// Stored blocks of the given sizes (cycled; an empty block among them is kept, but sizes
/// that are all zero would never get through the data, so then one block takes the rest),
/// ended either as a sync flush would (an empty stored block whose LEN/NLEN is left off) or
/// with a final block (BFINAL).
fn stored_payload(data: &[u8], block_sizes: &[usize], bfinal: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut at = 0;
    let progress = block_sizes.iter().any(|&n| n > 0);
    let mut sizes = block_sizes.iter().copied().cycle();
    loop {
        let n = sizes
            .next()
            .filter(|_| progress)
            .unwrap_or(data.len() - at)
            .min(data.len() - at)
            .min(0xffff);
        let last = at + n == data.len();
        out.push(u8::from(bfinal && last));
        out.extend_from_slice(&(n as u16).to_le_bytes());
        out.extend_from_slice(&(!(n as u16)).to_le_bytes());
        out.extend_from_slice(&data[at..at + n]);
        at += n;
        if last {
            break;
        }
    }
    if !bfinal {
        out.push(0x00);
    }
    out
}

fn messages() -> impl Strategy<Value = Vec<Msg>> {
    let data = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..2000),
        (0usize..30_000).prop_map(|n| b"{\"k\":[1,2,3],\"v\":\"abc\"}"
            .iter()
            .copied()
            .cycle()
            .take(n)
            .collect()),
    ];
    prop::collection::vec(
        (1u8..=2, data, prop::collection::vec(0usize..5000, 0..3)),
        1..6,
    )
}

fn sizes() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(1usize..2500, 1..6)
}

fn role() -> impl Strategy<Value = Role> {
    prop_oneof![Just(Role::Client), Just(Role::Server)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn decodes_flate2_with_context_takeover(msgs in messages(), level in 0u32..=9, role in role(), split in sizes()) {
        let payloads = flate2_payloads(&msgs, level);
        let (wire, expect) = frame_compressed(&payloads, role == Role::Server);
        check(role, &wire, expect, &msgs, &split);
    }

    #[test]
    fn decodes_hand_written_stored_blocks(msgs in messages(), blocks in prop::collection::vec(0usize..3000, 1..4), bfinal in any::<bool>(), role in role(), split in sizes()) {
        let payloads: Vec<_> = msgs
            .iter()
            .map(|(op, data, cuts)| (*op, stored_payload(data, &blocks, bfinal), cuts.clone()))
            .collect();
        let (wire, expect) = frame_compressed(&payloads, role == Role::Server);
        check(role, &wire, expect, &msgs, &split);
    }
}

#[test]
fn stored_blocks_of_size_zero_still_get_through_the_data() {
    // Once generated by the property test above: the loop never ended, and its output filled
    // the machine's memory.
    assert_eq!(
        stored_payload(b"ab", &[0], true),
        [0x01, 0x02, 0x00, 0xfd, 0xff, b'a', b'b']
    );
    assert_eq!(
        stored_payload(b"ab", &[0, 1], false),
        [
            [0x00, 0x00, 0x00, 0xff, 0xff].as_slice(),
            &[0x00, 0x01, 0x00, 0xfe, 0xff, b'a'],
            &[0x00, 0x00, 0x00, 0xff, 0xff],
            &[0x00, 0x01, 0x00, 0xfe, 0xff, b'b'],
            &[0x00],
        ]
        .concat()
    );
}

#[test]
fn rfc_7692_examples_decode() {
    // §7.2.3.1 "Hello" in one frame, §7.2.3.2 split in two fragments, §7.2.3.3 the second
    // message shorter thanks to context takeover, and an uncompressed message between.
    let hello = [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00];
    let again = [0xf2, 0x00, 0x11, 0x00, 0x00];
    let wire = [
        frame(true, true, 1, None, &hello),
        frame(false, true, 1, None, &hello[..3]),
        frame(true, false, 0, None, &hello[3..]),
        frame(true, false, 1, None, b"plain"),
        frame(true, true, 1, None, &again),
    ]
    .concat();
    let mut inc = Incoming::new(
        Role::Client,
        15,
        false,
        1 << 20,
        Arc::new(DeflateStats::default()),
    );
    let plain = feed_incoming(&mut inc, &wire, &[1]).unwrap();
    let (seen, _) = read_frames(&plain, false, true);
    let text = |s: &[u8]| Seen::Message(1, s.to_vec());
    assert_eq!(
        seen,
        [
            text(b"Hello"),
            text(b"Hello"),
            text(b"plain"),
            text(b"Hello")
        ]
    );
}
