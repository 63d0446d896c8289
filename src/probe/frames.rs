//! The frames a probe sends, built by hand because many of them break RFC 6455 on purpose
//! (unmasked, reserved opcodes and bits, fragmented or oversized control frames): any first
//! byte, masked or not, any payload. Pure; the header comes from `wire::frame`.

use crate::wire::frame::{apply_mask, encode_header};
use crate::wire::opcode::Opcode;

/// FIN, the reserved bits and the opcode as the first header byte.
pub(crate) fn first_byte(fin: bool, rsv: u8, opcode: Opcode) -> u8 {
    u8::from(fin) << 7 | (rsv & 0b111) << 4 | opcode.bits()
}

/// One frame to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Frame {
    pub first: u8,
    /// Clients mask every frame (RFC 6455 §5.3); `false` only to see whether a server notices.
    pub masked: bool,
    pub payload: Vec<u8>,
}

impl Frame {
    /// A final, masked frame with no reserved bit.
    pub(crate) fn new(opcode: Opcode, payload: impl Into<Vec<u8>>) -> Self {
        Frame {
            first: first_byte(true, 0, opcode),
            masked: true,
            payload: payload.into(),
        }
    }

    /// Any first byte: FIN, reserved bits and opcode as given.
    pub(crate) fn raw(fin: bool, rsv: u8, opcode: Opcode, payload: impl Into<Vec<u8>>) -> Self {
        Frame {
            first: first_byte(fin, rsv, opcode),
            masked: true,
            payload: payload.into(),
        }
    }

    pub(crate) fn text(text: &str) -> Self {
        Self::new(Opcode::Text, text.as_bytes())
    }

    pub(crate) fn binary(data: impl Into<Vec<u8>>) -> Self {
        Self::new(Opcode::Binary, data)
    }

    pub(crate) fn ping(payload: impl Into<Vec<u8>>) -> Self {
        Self::new(Opcode::Ping, payload)
    }

    pub(crate) fn pong(payload: impl Into<Vec<u8>>) -> Self {
        Self::new(Opcode::Pong, payload)
    }

    /// A Close with a code and a reason given as bytes (so it can be invalid UTF-8).
    pub(crate) fn close(code: u16, reason: &[u8]) -> Self {
        let mut payload = code.to_be_bytes().to_vec();
        payload.extend_from_slice(reason);
        Self::new(Opcode::Close, payload)
    }

    /// The opcode its first byte carries.
    pub(crate) fn opcode(&self) -> Opcode {
        Opcode::of_first_byte(self.first)
    }

    pub(crate) fn unmasked(self) -> Self {
        Frame {
            masked: false,
            ..self
        }
    }

    /// The frame on the wire, masked with `key` when it is masked.
    pub(crate) fn encode_with(&self, key: [u8; 4], out: &mut Vec<u8>) {
        let mask = self.masked.then_some(key);
        encode_header(out, self.first, mask, self.payload.len() as u64);
        let start = out.len();
        out.extend_from_slice(&self.payload);
        if let Some(key) = mask {
            apply_mask(&mut out[start..], key, 0);
        }
    }
}

/// Frames back to back, each masked with a fresh random key (RFC 6455 §5.3).
pub(crate) fn encode(frames: &[Frame]) -> Vec<u8> {
    let len = frames.iter().map(|f| f.payload.len() + 14).sum();
    let mut out = Vec::with_capacity(len);
    for f in frames {
        f.encode_with(rand::random(), &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::frame::{FrameHeader, unmask};

    #[test]
    fn frames_decode_back_with_every_bit_as_set() {
        let f = Frame::raw(false, 0b101, Opcode::from(0x3), *b"abc");
        let mut out = Vec::new();
        f.encode_with([1, 2, 3, 4], &mut out);
        let h = FrameHeader::parse(&out).expect("header");
        assert_eq!(
            (h.fin, h.rsv1, h.rsv2, h.rsv3, h.opcode, h.mask),
            (
                false,
                true,
                false,
                true,
                Opcode::from(3),
                Some([1, 2, 3, 4])
            )
        );
        let mut payload = out[h.header_len()..].to_vec();
        unmask(&mut payload, [1, 2, 3, 4], 0);
        assert_eq!(payload, b"abc");
    }

    #[test]
    fn unmasked_frames_and_close_payloads() {
        let mut out = Vec::new();
        Frame::close(1005, b"\xc3\x28")
            .unmasked()
            .encode_with([9; 4], &mut out);
        assert_eq!(out, [0x88, 0x04, 0x03, 0xed, 0xc3, 0x28]);
        let big = encode(&[Frame::ping(vec![7u8; 126]), Frame::text("x")]);
        let h = FrameHeader::parse(&big).expect("header");
        assert_eq!(
            (h.opcode, h.payload_len, h.header_len()),
            (Opcode::Ping, 126, 8)
        );
        let second = FrameHeader::parse(&big[8 + 126..]).expect("second");
        assert_eq!((second.opcode, second.payload_len), (Opcode::Text, 1));
    }
}
