//! An incremental scanner that follows frame boundaries in a byte stream split arbitrarily
//! across reads: each frame's header and the first bytes of its payload (unmasked), with a fast
//! path that only follows plain data frames when nothing is being shown. Pure; the tap feeds it.

use super::frame::{FrameHeader, MAX_HEADER_LEN, unmask};
use super::opcode::Opcode;

/// One frame seen on the wire: its header and the first bytes of its payload (unmasked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameRecord {
    pub header: FrameHeader,
    pub payload: Vec<u8>,
}

/// Follows frame boundaries through a byte stream fed in arbitrary pieces.
///
/// For each frame it reports the header and up to `capture` payload bytes (control frames are
/// always captured whole, they are at most 125 bytes when valid), as soon as those are known.
/// The common case, a whole header inside one read, is parsed in place without copying.
#[derive(Debug)]
pub struct FrameScanner {
    capture: usize,
    /// A header split across reads, collected here until complete.
    head: [u8; MAX_HEADER_LEN],
    head_len: usize,
    /// The frame whose payload is being captured (reported once the capture is complete).
    pending: Option<Pending>,
    /// Payload bytes of the current frame still to come (captured or skipped).
    remaining: u64,
    /// Payload bytes of the current frame already seen (for unmasking at the right offset).
    consumed: u64,
    /// With `keep` off, plain final unmasked TEXT/BINARY frames are followed without being
    /// reported; the last one is left here (see [`FrameScanner::take_last_plain`]).
    last_plain: Option<PlainHeader>,
}

/// A plain final unmasked TEXT/BINARY frame header (no RSV bits): its first two bytes and its
/// payload length rebuild it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PlainHeader {
    pub b0: u8,
    pub b1: u8,
    pub len: u64,
}

/// Recognises a plain final, unmasked TEXT/BINARY header with no RSV bits at the start of
/// `data`; returns (header length, payload length).
fn plain_header(data: &[u8]) -> Option<(usize, u64)> {
    let (&b0, &b1) = (data.first()?, data.get(1)?);
    if b0 & 0xf0 != 0x80
        || !matches!(Opcode::of_first_byte(b0), Opcode::Text | Opcode::Binary)
        || b1 & 0x80 != 0
    {
        return None;
    }
    match b1 & 0x7f {
        126 => Some((
            4,
            u64::from(u16::from_be_bytes([*data.get(2)?, *data.get(3)?])),
        )),
        127 => {
            let b: [u8; 8] = data.get(2..10)?.try_into().ok()?;
            Some((10, u64::from_be_bytes(b)))
        }
        n => Some((2, u64::from(n))),
    }
}

#[derive(Debug)]
struct Pending {
    header: FrameHeader,
    want: usize,
    payload: Vec<u8>,
}

impl FrameScanner {
    pub fn new(capture: usize) -> Self {
        FrameScanner {
            capture,
            head: [0; MAX_HEADER_LEN],
            head_len: 0,
            pending: None,
            remaining: 0,
            consumed: 0,
            last_plain: None,
        }
    }

    /// The last plain data frame followed since the last call (see [`PlainHeader`]).
    pub(crate) fn take_last_plain(&mut self) -> Option<PlainHeader> {
        self.last_plain.take()
    }

    /// Feeds the next bytes of the stream; calls `emit` once per frame whose header and
    /// captured payload prefix are complete. With `keep` false no payload is kept (frames
    /// are only followed, which costs nothing per payload byte) and plain data frames are
    /// not reported but noted (see `FrameScanner::take_last_plain`).
    pub fn feed(&mut self, mut data: &[u8], keep: bool, emit: &mut impl FnMut(FrameRecord)) {
        loop {
            if self.remaining > 0 || self.pending.is_some() {
                let take = self.remaining.min(data.len() as u64) as usize;
                if let Some(p) = self.pending.as_mut() {
                    let keep_n = (p.want - p.payload.len()).min(take);
                    if keep_n > 0 {
                        let start = p.payload.len();
                        p.payload.extend_from_slice(&data[..keep_n]);
                        if let Some(key) = p.header.mask {
                            unmask(&mut p.payload[start..], key, self.consumed);
                        }
                    }
                    if p.payload.len() == p.want {
                        if let Some(p) = self.pending.take() {
                            emit(FrameRecord {
                                header: p.header,
                                payload: p.payload,
                            });
                        }
                    }
                }
                self.remaining -= take as u64;
                self.consumed += take as u64;
                data = &data[take..];
                if self.remaining > 0 || data.is_empty() {
                    return;
                }
            }
            // At a frame boundary. The hot case first: a plain data frame, nothing to keep.
            if !keep && self.head_len == 0 {
                if let Some((header_len, len)) = plain_header(data) {
                    self.last_plain = Some(PlainHeader {
                        b0: data[0],
                        b1: data[1],
                        len,
                    });
                    self.remaining = len;
                    self.consumed = 0;
                    data = &data[header_len..];
                    if data.is_empty() {
                        return;
                    }
                    continue;
                }
            }
            // Parse the next header in place when it is whole.
            let header = if self.head_len == 0 {
                match FrameHeader::parse(data) {
                    Some(h) => {
                        data = &data[h.header_len()..];
                        h
                    }
                    None => {
                        self.head[..data.len()].copy_from_slice(data);
                        self.head_len = data.len();
                        return;
                    }
                }
            } else {
                let take = (MAX_HEADER_LEN - self.head_len).min(data.len());
                self.head[self.head_len..self.head_len + take].copy_from_slice(&data[..take]);
                match FrameHeader::parse(&self.head[..self.head_len + take]) {
                    Some(h) => {
                        // Only the bytes that belong to the header are consumed.
                        data = &data[h.header_len() - self.head_len..];
                        self.head_len = 0;
                        h
                    }
                    None => {
                        self.head_len += take;
                        return;
                    }
                }
            };
            self.start_frame(header, keep, emit);
            if data.is_empty() && self.remaining > 0 {
                return;
            }
        }
    }

    fn start_frame(&mut self, header: FrameHeader, keep: bool, emit: &mut impl FnMut(FrameRecord)) {
        // Close payloads are always kept (at most 125 bytes when valid): diagnostics need the
        // code exactly as sent.
        let want = if header.opcode == Opcode::Close || (keep && header.is_control()) {
            header.payload_len.min(125) as usize
        } else if keep {
            header.payload_len.min(self.capture as u64) as usize
        } else {
            0
        };
        self.remaining = header.payload_len;
        self.consumed = 0;
        if want == 0 {
            emit(FrameRecord {
                header,
                payload: Vec::new(),
            });
        } else {
            self.pending = Some(Pending {
                header,
                want,
                payload: Vec::with_capacity(want),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scanner_unmasks_and_reports_each_frame() {
        let key = [0x11, 0x22, 0x33, 0x44];
        let mut payload = b"hello".to_vec();
        unmask(&mut payload, key, 0);
        let mut bytes = vec![0x81, 0x85];
        bytes.extend_from_slice(&key);
        bytes.extend_from_slice(&payload);
        bytes.extend_from_slice(&[0x89, 0x00]);
        let mut seen = Vec::new();
        let mut s = FrameScanner::new(64);
        for b in &bytes {
            s.feed(std::slice::from_ref(b), true, &mut |r| seen.push(r));
        }
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[0].payload, b"hello");
        assert_eq!(seen[1].header.opcode, Opcode::Ping);
    }

    #[test]
    fn plain_frames_are_followed_without_being_reported() {
        let mut s = FrameScanner::new(0);
        let mut seen = Vec::new();
        s.feed(
            &[0x81, 0x02, b'h', b'i', 0x82, 0x7e, 0x01, 0x00],
            false,
            &mut |r| seen.push(r),
        );
        assert!(seen.is_empty());
        assert_eq!(
            s.take_last_plain(),
            Some(PlainHeader {
                b0: 0x82,
                b1: 0x7e,
                len: 256
            })
        );
        assert_eq!(s.take_last_plain(), None);
    }
}
