//! Round trips through both transformers, client-out → server-in and server-out → client-in,
//! with every parameter combination, messages fragmented anywhere with pings between the
//! fragments, and both byte streams split anywhere.

use super::{Seen, feed_incoming, frame, read_frames};
use crate::wire::deflate::outgoing::Outgoing;
use crate::wire::deflate::{Agreed, DeflateStats, Direction, Incoming, Overrides, Role};
use crate::wire::opcode::Opcode;
use proptest::prelude::*;
use std::sync::Arc;

#[derive(Debug, Clone)]
struct Msg {
    opcode: u8,
    data: Vec<u8>,
    /// Where the message is cut into fragments.
    cuts: Vec<usize>,
    /// A ping goes after every fragment but the last.
    pings: bool,
}

/// The frames tungstenite would write for `msgs` (masked for a client), and what the reader at
/// the other end must see.
fn tungstenite_frames(msgs: &[Msg], role: Role) -> (Vec<u8>, Vec<Seen>) {
    let mut bytes = Vec::new();
    let mut expect = Vec::new();
    let mut n = 0u8;
    let mut key = || {
        n = n.wrapping_add(37);
        (role == Role::Client).then_some([n, n ^ 0x5a, 7, n.wrapping_mul(3)])
    };
    for (i, m) in msgs.iter().enumerate() {
        let mut cuts: Vec<usize> = m.cuts.iter().map(|&c| c.min(m.data.len())).collect();
        cuts.sort_unstable();
        cuts.push(m.data.len());
        let mut start = 0;
        for (j, &end) in cuts.iter().enumerate() {
            let last = j + 1 == cuts.len();
            let opcode = if j == 0 { m.opcode } else { 0 };
            bytes.extend(frame(last, false, opcode, key(), &m.data[start..end]));
            if m.pings && !last {
                let p = format!("ping {i}.{j}").into_bytes();
                bytes.extend(frame(true, false, 9, key(), &p));
                expect.push(Seen::Control(9, p));
            }
            start = end;
        }
        expect.push(Seen::Message(m.opcode, m.data.clone()));
    }
    (bytes, expect)
}

/// Feeds `input` to `out` in pieces of the given sizes, draining as it goes.
fn feed_outgoing(out: &mut Outgoing, input: &[u8], sizes: &[usize]) -> Vec<u8> {
    let mut wire = Vec::new();
    let mut at = 0;
    let mut sizes = sizes.iter().copied().filter(|&n| n > 0).cycle();
    while at < input.len() {
        let n = sizes.next().unwrap_or(input.len()).min(input.len() - at);
        let mut piece = &input[at..at + n];
        while !piece.is_empty() {
            let used = out.accept(piece).unwrap();
            piece = &piece[used..];
            wire.extend_from_slice(out.pending());
            let pending = out.pending().len();
            out.consume(pending);
        }
        at += n;
    }
    wire
}

/// Sends `msgs` from `sender` to the other end through both transformers and checks what the
/// other end's tungstenite would read, and the frames on the wire.
fn round_trip(
    agreed: Agreed,
    sender: Role,
    msgs: &[Msg],
    in_sizes: &[usize],
    wire_sizes: &[usize],
) {
    let (bits, reset) = match sender {
        Role::Client => (
            agreed.client_max_window_bits,
            agreed.client_no_context_takeover,
        ),
        Role::Server => (
            agreed.server_max_window_bits,
            agreed.server_no_context_takeover,
        ),
    };
    let receiver = match sender {
        Role::Client => Role::Server,
        Role::Server => Role::Client,
    };
    let stats = Arc::new(DeflateStats::default());
    let mut out = Outgoing::new(
        bits,
        reset,
        1,
        stats.clone(),
        Arc::new(Overrides::default()),
    );
    let mut inc = Incoming::new(receiver, bits, reset, 1 << 24, stats.clone());
    let (input, expect) = tungstenite_frames(msgs, sender);
    let wire = feed_outgoing(&mut out, &input, in_sizes);

    let (_, headers) = read_frames(&wire, sender == Role::Client, false);
    let mut in_message = false;
    for h in &headers {
        match h.opcode {
            Opcode::Text | Opcode::Binary => {
                assert!(h.rsv1, "RSV1 on the first frame");
                in_message = !h.fin;
            }
            Opcode::Continuation => {
                assert!(!h.rsv1, "no RSV1 on a continuation");
                in_message = !h.fin;
            }
            _ => assert!(!h.rsv1, "no RSV1 on a control frame"),
        }
    }
    assert!(!in_message);

    let plain = feed_incoming(&mut inc, &wire, wire_sizes).unwrap();
    let (seen, _) = read_frames(&plain, receiver == Role::Server, true);
    assert_eq!(seen, expect);

    let (sent, got) = (stats.totals(Direction::Out), stats.totals(Direction::In));
    assert_eq!(sent.messages, msgs.len() as u64);
    assert_eq!(got.messages, msgs.len() as u64);
    assert_eq!(got.compressed_messages, msgs.len() as u64);
    assert_eq!(sent.wire_bytes, got.wire_bytes);
    assert_eq!(sent.message_bytes, got.message_bytes);
}

fn payload() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..600),
        prop::collection::vec(prop::sample::select(b"ab {}\":,019".to_vec()), 0..3000),
        (0usize..20_000).prop_map(|n| {
            br#"{"id":17,"type":"tick","price":"1.25"},"#.iter().copied().cycle().take(n).collect()
        }),
    ]
}

fn msg() -> impl Strategy<Value = Msg> {
    (
        1u8..=2,
        payload(),
        prop::collection::vec(0usize..20_000, 0..3),
        any::<bool>(),
    )
        .prop_map(|(opcode, data, cuts, pings)| Msg {
            opcode,
            data,
            cuts,
            pings,
        })
}

fn agreed() -> impl Strategy<Value = Agreed> {
    (any::<bool>(), any::<bool>(), 8u8..=15, 8u8..=15).prop_map(|(s, c, sb, cb)| Agreed {
        server_no_context_takeover: s,
        client_no_context_takeover: c,
        server_max_window_bits: sb,
        client_max_window_bits: cb,
    })
}

fn sizes() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(1usize..3000, 1..8)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn client_to_server(agreed in agreed(), msgs in prop::collection::vec(msg(), 1..6), a in sizes(), b in sizes()) {
        round_trip(agreed, Role::Client, &msgs, &a, &b);
    }

    #[test]
    fn server_to_client(agreed in agreed(), msgs in prop::collection::vec(msg(), 1..6), a in sizes(), b in sizes()) {
        round_trip(agreed, Role::Server, &msgs, &a, &b);
    }
}

/// Every combination of both takeover flags and both windows, both ways, with messages that
/// repeat each other (so context takeover matters) and a fragmented one.
#[test]
fn every_parameter_combination_round_trips() {
    let json = br#"{"channel":"trades","data":[{"px":"101.5","qty":"3"}]}"#.repeat(20);
    let msgs = [
        Msg {
            opcode: 1,
            data: json.clone(),
            cuts: vec![],
            pings: false,
        },
        Msg {
            opcode: 1,
            data: json.clone(),
            cuts: vec![100, 500],
            pings: true,
        },
        Msg {
            opcode: 2,
            data: Vec::new(),
            cuts: vec![],
            pings: false,
        },
        Msg {
            opcode: 2,
            data: json,
            cuts: vec![0],
            pings: true,
        },
    ];
    for s in [false, true] {
        for c in [false, true] {
            for sb in 8..=15 {
                for cb in 8..=15 {
                    let agreed = Agreed {
                        server_no_context_takeover: s,
                        client_no_context_takeover: c,
                        server_max_window_bits: sb,
                        client_max_window_bits: cb,
                    };
                    round_trip(agreed, Role::Client, &msgs, &[700, 3], &[1, 64, 333]);
                    round_trip(agreed, Role::Server, &msgs, &[5000], &[7]);
                }
            }
        }
    }
}
