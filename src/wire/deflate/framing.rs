//! Frame building blocks shared by both directions: writing a header, masking a payload, and
//! a byte queue consumed from the front.

/// Appends a frame header (RFC 6455 §5.2) for a payload of `len` bytes.
pub fn push_header(
    out: &mut Vec<u8>,
    fin: bool,
    rsv1: bool,
    opcode: u8,
    mask: Option<[u8; 4]>,
    len: u64,
) {
    out.push(u8::from(fin) << 7 | u8::from(rsv1) << 6 | (opcode & 0x0f));
    let mask_bit = if mask.is_some() { 0x80 } else { 0 };
    if len < 126 {
        out.push(mask_bit | len as u8);
    } else if let Ok(len16) = u16::try_from(len) {
        out.push(mask_bit | 126);
        out.extend_from_slice(&len16.to_be_bytes());
    } else {
        out.push(mask_bit | 127);
        out.extend_from_slice(&len.to_be_bytes());
    }
    if let Some(key) = mask {
        out.extend_from_slice(&key);
    }
}

/// XORs `data` with the masking key, `offset` bytes into the payload (masking and unmasking
/// are the same operation), four bytes at a time.
pub fn apply_mask(data: &mut [u8], key: [u8; 4], offset: u64) {
    let shift = (offset % 4) as usize;
    let k = [
        key[shift],
        key[(shift + 1) % 4],
        key[(shift + 2) % 4],
        key[(shift + 3) % 4],
    ];
    let word = u32::from_ne_bytes(k);
    let mut words = data.chunks_exact_mut(4);
    for w in &mut words {
        let v = u32::from_ne_bytes([w[0], w[1], w[2], w[3]]) ^ word;
        w.copy_from_slice(&v.to_ne_bytes());
    }
    for (b, k) in words.into_remainder().iter_mut().zip(k) {
        *b ^= k;
    }
}

/// Bytes appended at the back and consumed from the front, without shifting on every read.
#[derive(Debug, Default)]
pub struct ByteQueue {
    buf: Vec<u8>,
    pos: usize,
}

impl ByteQueue {
    pub fn pending(&self) -> &[u8] {
        self.buf.get(self.pos..).unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.buf.len());
        if self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
        }
    }

    /// The vector to append to, with consumed bytes dropped first when they are most of it.
    pub fn tail(&mut self) -> &mut Vec<u8> {
        if self.pos > 0 && self.pos >= self.buf.len() / 2 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        &mut self.buf
    }

    pub fn extend(&mut self, bytes: &[u8]) {
        self.tail().extend_from_slice(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::frame::{FrameHeader, unmask};

    #[test]
    fn headers_parse_back() {
        for len in [0u64, 125, 126, 65_535, 65_536, 1 << 40] {
            for mask in [None, Some([1, 2, 3, 4])] {
                let mut out = Vec::new();
                push_header(&mut out, len % 2 == 0, true, 2, mask, len);
                let h = FrameHeader::parse(&out).unwrap();
                assert_eq!(h.header_len(), out.len());
                assert_eq!(
                    (h.fin, h.rsv1, h.rsv2, h.opcode, h.mask, h.payload_len),
                    (len % 2 == 0, true, false, 2, mask, len)
                );
            }
        }
    }

    #[test]
    fn masking_matches_the_bytewise_definition_at_every_offset() {
        let data: Vec<u8> = (0..37).collect();
        for offset in 0..8 {
            let mut fast = data.clone();
            apply_mask(&mut fast, [9, 8, 7, 6], offset);
            let mut slow = data.clone();
            unmask(&mut slow, [9, 8, 7, 6], offset);
            assert_eq!(fast, slow);
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
