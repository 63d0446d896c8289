//! Tests across the parts of the layer: round trips through both transformers, decoding of an
//! independent encoder's output, decompression bombs, tungstenite end to end, and the cost.
//! The helpers here frame and parse by hand, independently of `framing.rs`.

mod bench;
mod bomb;
mod e2e;
mod independent;
mod roundtrip;

use super::{Incoming, Violation};
use crate::wire::frame::FrameHeader;
use crate::wire::opcode::Opcode;

/// A frame built byte by byte (RFC 6455 §5.2), masked when `mask` is given.
pub(super) fn frame(
    fin: bool,
    rsv1: bool,
    opcode: u8,
    mask: Option<[u8; 4]>,
    payload: &[u8],
) -> Vec<u8> {
    let mut out = vec![(u8::from(fin) << 7) | (u8::from(rsv1) << 6) | opcode];
    let m = if mask.is_some() { 0x80 } else { 0 };
    match payload.len() {
        n if n < 126 => out.push(m | n as u8),
        n if n <= 0xffff => {
            out.push(m | 126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            out.push(m | 127);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    match mask {
        Some(key) => {
            out.extend_from_slice(&key);
            out.extend(payload.iter().enumerate().map(|(i, b)| b ^ key[i % 4]));
        }
        None => out.extend_from_slice(payload),
    }
    out
}

/// What a reader sees: whole data messages and control frames, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Seen {
    Message(u8, Vec<u8>),
    Control(u8, Vec<u8>),
}

/// Reassembles the frames in `bytes`, checking that every frame is masked exactly when
/// `masked`, and that no RSV bit is set when `plain`. Returns the messages and control frames
/// in order, and the frames' headers.
pub(super) fn read_frames(
    bytes: &[u8],
    masked: bool,
    plain: bool,
) -> (Vec<Seen>, Vec<FrameHeader>) {
    let mut at = 0;
    let mut seen = Vec::new();
    let mut headers = Vec::new();
    let mut current: Option<(u8, Vec<u8>)> = None;
    while at < bytes.len() {
        let h = FrameHeader::parse(&bytes[at..]).expect("whole frames");
        at += h.header_len();
        let len = h.payload_len as usize;
        let mut payload = bytes[at..at + len].to_vec();
        at += len;
        assert_eq!(h.mask.is_some(), masked, "{}", h.summary());
        if let Some(key) = h.mask {
            for (i, b) in payload.iter_mut().enumerate() {
                *b ^= key[i % 4];
            }
        }
        if plain {
            assert!(!(h.rsv1 || h.rsv2 || h.rsv3), "{}", h.summary());
        }
        if h.is_control() {
            seen.push(Seen::Control(h.opcode.bits(), payload));
        } else if h.opcode == Opcode::Continuation {
            let (op, mut data) = current.take().expect("a message to continue");
            data.extend_from_slice(&payload);
            if h.fin {
                seen.push(Seen::Message(op, data));
            } else {
                current = Some((op, data));
            }
        } else {
            assert!(current.is_none(), "new message inside another");
            if h.fin {
                seen.push(Seen::Message(h.opcode.bits(), payload));
            } else {
                current = Some((h.opcode.bits(), payload));
            }
        }
        headers.push(h);
    }
    assert!(current.is_none(), "unfinished message");
    (seen, headers)
}

/// Feeds `wire` to `incoming` in pieces of the given sizes (cycled), the way `Deflate` does:
/// a read happens only once the output is drained, its plain prefix stays in place, the rest
/// is queued. Returns what tungstenite would read, or the first violation.
pub(super) fn feed_incoming(
    incoming: &mut Incoming,
    wire: &[u8],
    sizes: &[usize],
) -> Result<Vec<u8>, Violation> {
    let mut got = Vec::new();
    let mut at = 0;
    let mut sizes = sizes.iter().copied().filter(|&n| n > 0).cycle();
    while at < wire.len() {
        drain(incoming, &mut got)?;
        let n = sizes.next().unwrap_or(wire.len()).min(wire.len() - at);
        let piece = &wire[at..at + n];
        at += n;
        let pass = incoming.pass_in_place(piece);
        got.extend_from_slice(&piece[..pass]);
        incoming.push(&piece[pass..]);
    }
    drain(incoming, &mut got)?;
    Ok(got)
}

fn drain(incoming: &mut Incoming, got: &mut Vec<u8>) -> Result<(), Violation> {
    loop {
        let out = incoming.output()?;
        if out.is_empty() {
            return Ok(());
        }
        let n = out.len();
        got.extend_from_slice(out);
        incoming.consume(n);
    }
}
