//! Whole data messages framed as a client frames them (FIN, one frame, masked), many to a
//! buffer, for pipe mode's lines: written by the tap ahead of tungstenite's writes
//! ([`crate::wire::tap::RawQueue::push_frames`]), they skip tungstenite's per-message work,
//! which was most of the event loop's time for short lines (a masking key from a fresh call
//! into the thread's random generator, the message moved through the split sink's lock, the
//! frame built field by field). The bytes on the wire are the same as tungstenite's.
//!
//! Masking keys come from the same cryptographically secure generator tungstenite uses (the
//! thread's ChaCha), drawn a thousand at a time (RFC 6455 §5.3: unpredictable, from a strong
//! source of entropy).

use crate::wire::frame::encode_header;
use crate::wire::opcode::Opcode;
use rand::Rng;

/// Masking keys drawn in bulk.
pub(crate) struct MaskKeys {
    pool: Box<[u8; KEYS * 4]>,
    /// Keys of `pool` already used.
    used: usize,
}

const KEYS: usize = 1024;

impl MaskKeys {
    pub(crate) fn new() -> Self {
        MaskKeys {
            pool: Box::new([0; KEYS * 4]),
            used: KEYS,
        }
    }

    /// A fresh key.
    pub(crate) fn next(&mut self) -> [u8; 4] {
        if self.used == KEYS {
            rand::rng().fill_bytes(&mut self.pool[..]);
            self.used = 0;
        }
        let at = self.used * 4;
        self.used += 1;
        [
            self.pool[at],
            self.pool[at + 1],
            self.pool[at + 2],
            self.pool[at + 3],
        ]
    }
}

/// Appends `payload` as one final, masked TEXT (`text`) or BINARY frame with `key`.
pub(crate) fn push_masked(out: &mut Vec<u8>, text: bool, payload: &[u8], key: [u8; 4]) {
    let opcode = if text { Opcode::Text } else { Opcode::Binary };
    encode_header(out, 0x80 | opcode.bits(), Some(key), payload.len() as u64);
    extend_masked(out, payload, key);
}

/// Appends `payload` masked with `key`, in one pass (copying, then masking in place, went over
/// the bytes twice: a tenth of the CPU for 1 KiB lines).
fn extend_masked(out: &mut Vec<u8>, payload: &[u8], key: [u8; 4]) {
    out.reserve(payload.len());
    let spare = &mut out.spare_capacity_mut()[..payload.len()];
    let k = u64::from_ne_bytes([
        key[0], key[1], key[2], key[3], key[0], key[1], key[2], key[3],
    ]);
    let mut src = payload.chunks_exact(8);
    let mut dst = spare.chunks_exact_mut(8);
    for (d, s) in (&mut dst).zip(&mut src) {
        let word = u64::from_ne_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]]) ^ k;
        for (d, b) in d.iter_mut().zip(word.to_ne_bytes()) {
            d.write(b);
        }
    }
    // Eight bytes at a time keep the key's phase: the rest starts at its first byte.
    for ((d, s), k) in dst
        .into_remainder()
        .iter_mut()
        .zip(src.remainder())
        .zip(key.iter().cycle())
    {
        d.write(s ^ k);
    }
    let len = out.len() + payload.len();
    // SAFETY: the `payload.len()` bytes of spare capacity after the old length were all
    // written above (every chunk of eight and the remainder), and `reserve` made them exist.
    unsafe { out.set_len(len) };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::frame::{FrameHeader, apply_mask};
    use tokio_tungstenite::tungstenite::protocol::frame::Frame;
    use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};

    /// The frame tungstenite writes for the same message and key.
    fn theirs(text: bool, payload: &[u8], key: [u8; 4]) -> Vec<u8> {
        let data = if text { Data::Text } else { Data::Binary };
        let mut f = Frame::message(payload.to_vec(), OpCode::Data(data), true);
        f.header_mut().mask = Some(key);
        let mut out = Vec::new();
        f.format(&mut out).expect("format");
        out
    }

    #[test]
    fn frames_are_byte_for_byte_what_tungstenite_writes() {
        let key = [0x12, 0x34, 0x56, 0x78];
        for len in (0..=17).chain([125, 126, 127, 1000, 65_535, 65_536, 70_003]) {
            let payload: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            for text in [true, false] {
                let mut ours = Vec::new();
                push_masked(&mut ours, text, &payload, key);
                assert_eq!(ours, theirs(text, &payload, key), "len {len}, text {text}");
            }
        }
    }

    #[test]
    fn several_frames_follow_each_other_and_decode_back() {
        let mut keys = MaskKeys::new();
        let mut out = Vec::new();
        let messages: [&[u8]; 3] = [b"one", b"", &[7; 300]];
        for m in messages {
            push_masked(&mut out, true, m, keys.next());
        }
        let mut rest = &out[..];
        for m in messages {
            let h = FrameHeader::parse(rest).expect("a header");
            assert!(h.fin && !h.rsv1 && !h.rsv2 && !h.rsv3);
            assert_eq!(h.opcode, Opcode::Text);
            let key = h.mask.expect("masked");
            let start = h.header_len();
            let end = start + h.payload_len as usize;
            let mut payload = rest[start..end].to_vec();
            apply_mask(&mut payload, key, 0);
            assert_eq!(payload, m);
            rest = &rest[end..];
        }
        assert!(rest.is_empty());
    }

    #[test]
    fn keys_differ_from_one_to_the_next_across_refills() {
        let mut keys = MaskKeys::new();
        let drawn: Vec<[u8; 4]> = (0..3 * KEYS).map(|_| keys.next()).collect();
        let distinct: std::collections::HashSet<_> = drawn.iter().collect();
        // 3072 draws from 2^32: a repeat is possible but rare; many would mean a stuck pool.
        assert!(distinct.len() > 3 * KEYS - 4, "{} distinct", distinct.len());
        let firsts: std::collections::HashSet<_> = drawn.chunks(KEYS).map(|c| c[0]).collect();
        assert_eq!(firsts.len(), 3, "each refill draws new keys");
    }
}
