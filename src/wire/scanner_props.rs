//! Property tests of the pure frame decoder: frames encoded by tungstenite's own encoder are
//! decoded field for field, the same in any split of the bytes; arbitrary bytes never panic.

use super::frame::{FrameHeader, LenEncoding};
use super::scanner::{FrameRecord, FrameScanner};
use proptest::prelude::*;
use tokio_tungstenite::tungstenite::Bytes;
use tokio_tungstenite::tungstenite::protocol::frame::coding::OpCode;
use tokio_tungstenite::tungstenite::protocol::frame::{Frame, FrameHeader as WireHeader};

#[derive(Debug, Clone)]
struct Spec {
    fin: bool,
    rsv: (bool, bool, bool),
    opcode: u8,
    mask: Option<[u8; 4]>,
    len: usize,
}

fn len_strategy() -> impl Strategy<Value = usize> {
    prop_oneof![
        0usize..=130,
        Just(125usize),
        Just(126usize),
        Just(127usize),
        65_530usize..=65_540,
        Just(65_535usize),
        Just(65_536usize),
        Just(70_000usize),
    ]
}

fn spec_strategy() -> impl Strategy<Value = Spec> {
    (
        any::<bool>(),
        (any::<bool>(), any::<bool>(), any::<bool>()),
        0u8..16,
        proptest::option::of(any::<[u8; 4]>()),
        len_strategy(),
    )
        .prop_map(|(fin, rsv, opcode, mask, len)| Spec {
            fin,
            rsv,
            opcode,
            mask,
            len,
        })
}

fn payload_for(i: usize, len: usize) -> Vec<u8> {
    (0..len)
        .map(|j| (j as u8).wrapping_mul(31).wrapping_add(i as u8))
        .collect()
}

/// Encodes with tungstenite's own frame encoder.
fn encode(spec: &Spec, payload: &[u8]) -> Vec<u8> {
    let header = WireHeader {
        is_final: spec.fin,
        rsv1: spec.rsv.0,
        rsv2: spec.rsv.1,
        rsv3: spec.rsv.2,
        opcode: OpCode::from(spec.opcode),
        mask: spec.mask,
    };
    let mut out = Vec::new();
    Frame::from_payload(header, Bytes::copy_from_slice(payload))
        .format(&mut out)
        .expect("encode");
    out
}

fn decode_in_pieces(bytes: &[u8], cuts: &[usize], capture: usize) -> Vec<FrameRecord> {
    let mut scanner = FrameScanner::new(capture);
    let mut out = Vec::new();
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    points.sort_unstable();
    let mut prev = 0;
    for p in points.into_iter().chain(std::iter::once(bytes.len())) {
        scanner.feed(&bytes[prev..p], true, &mut |r| out.push(r));
        prev = p;
    }
    out
}

fn expected_encoding(len: usize) -> LenEncoding {
    match len {
        0..=125 => LenEncoding::Bits7,
        126..=65_535 => LenEncoding::Bits16,
        _ => LenEncoding::Bits64,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn decoder_recovers_every_field_in_any_split(
        specs in proptest::collection::vec(spec_strategy(), 1..5),
        cuts in proptest::collection::vec(any::<usize>(), 0..12),
        capture in 0usize..200,
    ) {
        let payloads: Vec<Vec<u8>> = specs.iter().enumerate().map(|(i, s)| payload_for(i, s.len)).collect();
        let mut stream = Vec::new();
        for (s, p) in specs.iter().zip(&payloads) {
            stream.extend(encode(s, p));
        }
        let whole = decode_in_pieces(&stream, &[], capture);
        let split = decode_in_pieces(&stream, &cuts, capture);
        prop_assert_eq!(&whole, &split);
        prop_assert_eq!(whole.len(), specs.len());
        for ((rec, s), p) in whole.iter().zip(&specs).zip(&payloads) {
            let h: &FrameHeader = &rec.header;
            prop_assert_eq!(h.fin, s.fin);
            prop_assert_eq!((h.rsv1, h.rsv2, h.rsv3), s.rsv);
            prop_assert_eq!(u8::from(h.opcode), s.opcode);
            prop_assert_eq!(h.mask, s.mask);
            prop_assert_eq!(h.payload_len, s.len as u64);
            prop_assert_eq!(h.len_encoding, expected_encoding(s.len));
            let kept = if s.opcode == 8 || (s.opcode >= 8 && s.len <= 125) {
                s.len.min(125)
            } else if s.opcode >= 8 {
                125
            } else {
                s.len.min(capture)
            };
            // Payload prefix is the unmasked original.
            prop_assert_eq!(&rec.payload[..], &p[..kept]);
        }
    }

    #[test]
    fn parse_agrees_with_the_encoder_on_the_header_alone(spec in spec_strategy()) {
        let bytes = encode(&spec, &payload_for(0, spec.len));
        let h = FrameHeader::parse(&bytes).expect("complete header");
        let want_len = 2 + match spec.len { 0..=125 => 0, 126..=65_535 => 2, _ => 8 } + if spec.mask.is_some() { 4 } else { 0 };
        prop_assert_eq!(h.header_len(), want_len);
        prop_assert_eq!(h.raw(), &bytes[..want_len]);
        for short in 0..want_len {
            prop_assert!(FrameHeader::parse(&bytes[..short]).is_none());
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..600),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
        capture in 0usize..64,
        keep in any::<bool>(),
    ) {
        let _ = FrameHeader::parse(&bytes);
        let mut scanner = FrameScanner::new(capture);
        let mut points: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
        points.sort_unstable();
        let mut prev = 0;
        let mut n = 0usize;
        for p in points.into_iter().chain(std::iter::once(bytes.len())) {
            scanner.feed(&bytes[prev..p], keep, &mut |r| {
                n += 1;
                let _ = r.header.summary();
            });
            prev = p;
        }
        prop_assert!(n <= bytes.len() / 2 + 1);
    }
}
