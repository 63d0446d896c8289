//! Frame building blocks shared by both directions: writing a header (RFC 7692's RSV1 bit set
//! or not) and a byte queue consumed from the front. Masking is `wire::frame::apply_mask`.

use crate::wire::frame::encode_header;
use crate::wire::opcode::Opcode;

/// Appends a frame header (RFC 6455 §5.2) for a payload of `len` bytes.
pub(super) fn push_header(
    out: &mut Vec<u8>,
    fin: bool,
    rsv1: bool,
    opcode: Opcode,
    mask: Option<[u8; 4]>,
    len: u64,
) {
    let first = u8::from(fin) << 7 | u8::from(rsv1) << 6 | opcode.bits();
    encode_header(out, first, mask, len);
}

/// Bytes appended at the back and consumed from the front, without shifting on every read.
#[derive(Debug, Default)]
pub(super) struct ByteQueue {
    buf: Vec<u8>,
    pos: usize,
}

impl ByteQueue {
    pub(super) fn pending(&self) -> &[u8] {
        self.buf.get(self.pos..).unwrap_or_default()
    }

    pub(super) fn len(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(super) fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.buf.len());
        if self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
        }
    }

    /// The vector to append to, with consumed bytes dropped first when they are most of it.
    pub(super) fn tail(&mut self) -> &mut Vec<u8> {
        if self.pos > 0 && self.pos >= self.buf.len() / 2 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        &mut self.buf
    }

    pub(super) fn extend(&mut self, bytes: &[u8]) {
        self.tail().extend_from_slice(bytes);
    }
}

/// One whole frame, for tests: `b0` gives FIN, RSV1 and the opcode; masked with `mask`.
#[cfg(test)]
pub(super) fn frame_bytes(b0: u8, mask: Option<[u8; 4]>, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    push_header(
        &mut out,
        b0 & 0x80 != 0,
        b0 & 0x40 != 0,
        Opcode::of_first_byte(b0),
        mask,
        payload.len() as u64,
    );
    let start = out.len();
    out.extend_from_slice(payload);
    if let Some(key) = mask {
        crate::wire::frame::apply_mask(&mut out[start..], key, 0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::frame::FrameHeader;

    #[test]
    fn headers_parse_back() {
        for len in [0u64, 125, 126, 65_535, 65_536, 1 << 40] {
            for mask in [None, Some([1, 2, 3, 4])] {
                let mut out = Vec::new();
                push_header(&mut out, len % 2 == 0, true, Opcode::Binary, mask, len);
                let h = FrameHeader::parse(&out).unwrap();
                assert_eq!(h.header_len(), out.len());
                assert_eq!(
                    (h.fin, h.rsv1, h.rsv2, h.opcode, h.mask, h.payload_len),
                    (len % 2 == 0, true, false, Opcode::Binary, mask, len)
                );
            }
        }
    }

    #[test]
    fn queue_consumes_from_the_front() {
        let mut q = ByteQueue::default();
        q.extend(b"hello");
        q.consume(2);
        q.extend(b" world");
        assert_eq!(q.pending(), b"llo world");
        q.consume(100);
        assert!(q.is_empty());
    }
}
