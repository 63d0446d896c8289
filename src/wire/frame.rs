//! Pure WebSocket frame headers (RFC 6455 §5.2), decoded and encoded, masking, close codes,
//! and the hex formatting of what was on the wire. The scanner (`scanner.rs`) follows frame
//! boundaries with it; nothing here does I/O.

use super::opcode::Opcode;
use std::fmt::Write as _;

/// How the payload length was encoded in the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LenEncoding {
    /// Length in the 7-bit field (0..=125).
    Bits7,
    /// 126 marker + 16-bit length.
    Bits16,
    /// 127 marker + 64-bit length.
    Bits64,
}

impl LenEncoding {
    pub(crate) fn name(self) -> &'static str {
        match self {
            LenEncoding::Bits7 => "7-bit",
            LenEncoding::Bits16 => "16-bit",
            LenEncoding::Bits64 => "64-bit",
        }
    }
}

/// A decoded frame header, every field as it was on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameHeader {
    pub fin: bool,
    pub rsv1: bool,
    pub rsv2: bool,
    pub rsv3: bool,
    pub opcode: Opcode,
    pub mask: Option<[u8; 4]>,
    pub payload_len: u64,
    pub(crate) len_encoding: LenEncoding,
    raw: [u8; MAX_HEADER_LEN],
    raw_len: u8,
}

/// Longest possible frame header: 2 + 8 (length) + 4 (mask).
pub(crate) const MAX_HEADER_LEN: usize = 14;

impl FrameHeader {
    /// Decodes a header from the start of `buf`. `Ok(None)` means more bytes are needed.
    pub fn parse(buf: &[u8]) -> Option<FrameHeader> {
        if buf.len() < 2 {
            return None;
        }
        let b0 = buf[0];
        let b1 = buf[1];
        let masked = b1 & 0x80 != 0;
        let len7 = b1 & 0x7f;
        let (len_bytes, len_encoding) = match len7 {
            126 => (2, LenEncoding::Bits16),
            127 => (8, LenEncoding::Bits64),
            _ => (0, LenEncoding::Bits7),
        };
        let header_len = 2 + len_bytes + if masked { 4 } else { 0 };
        if buf.len() < header_len {
            return None;
        }
        let payload_len = match len_encoding {
            LenEncoding::Bits7 => u64::from(len7),
            LenEncoding::Bits16 => u64::from(u16::from_be_bytes([buf[2], buf[3]])),
            LenEncoding::Bits64 => {
                let mut b = [0u8; 8];
                b.copy_from_slice(&buf[2..10]);
                u64::from_be_bytes(b)
            }
        };
        let mask = masked.then(|| {
            let at = 2 + len_bytes;
            [buf[at], buf[at + 1], buf[at + 2], buf[at + 3]]
        });
        Some(FrameHeader {
            fin: b0 & 0x80 != 0,
            rsv1: b0 & 0x40 != 0,
            rsv2: b0 & 0x20 != 0,
            rsv3: b0 & 0x10 != 0,
            opcode: Opcode::of_first_byte(b0),
            mask,
            payload_len,
            len_encoding,
            raw: {
                let mut raw = [0u8; MAX_HEADER_LEN];
                raw[..header_len].copy_from_slice(&buf[..header_len]);
                raw
            },
            raw_len: header_len as u8,
        })
    }

    pub(crate) fn header_len(&self) -> usize {
        usize::from(self.raw_len)
    }

    /// The header bytes exactly as received or sent (2 to 14 bytes).
    pub(crate) fn raw(&self) -> &[u8] {
        &self.raw[..self.header_len()]
    }

    /// One-line summary: opcode, FIN, RSV, mask key, length and its encoding, e.g.
    /// `TEXT  fin=1 rsv=000 mask=none len=2 (7-bit)`.
    pub fn summary(&self) -> String {
        let mut s = String::with_capacity(64);
        self.write_summary(&mut s);
        s
    }

    /// Appends [`Self::summary`] to `out`. With `-x` there is one per frame, so it is put
    /// together by hand rather than through `format!` (a tenth of the instructions).
    pub(crate) fn write_summary(&self, out: &mut String) {
        let bit = |b: bool| if b { '1' } else { '0' };
        let name = self.opcode.name();
        out.push_str(name);
        out.extend(std::iter::repeat_n(' ', 5usize.saturating_sub(name.len())));
        out.push_str(" fin=");
        out.push(bit(self.fin));
        out.push_str(" rsv=");
        out.extend([bit(self.rsv1), bit(self.rsv2), bit(self.rsv3)]);
        out.push_str(" mask=");
        match self.mask {
            Some(k) => push_hex(out, &k),
            None => out.push_str("none"),
        }
        out.push_str(" len=");
        push_decimal(out, self.payload_len);
        out.push_str(" (");
        out.push_str(self.len_encoding.name());
        out.push(')');
    }

    /// A plain final TEXT or BINARY frame, unmasked, no RSV bits: what a server sends normally.
    pub(crate) fn is_ordinary_from_server(&self) -> bool {
        self.fin
            && matches!(self.opcode, Opcode::Text | Opcode::Binary)
            && self.mask.is_none()
            && !(self.rsv1 || self.rsv2 || self.rsv3)
    }

    pub(crate) fn is_control(&self) -> bool {
        self.opcode.is_control()
    }

    /// Whether the receiver has a whole message once this frame is in: a final data frame, or
    /// a control frame (never fragmented).
    pub(crate) fn ends_message(&self) -> bool {
        self.is_control() || (self.fin && self.opcode.is_data())
    }
}

/// Appends `b` as two lower-case hex digits.
fn push_hex_byte(out: &mut String, b: u8) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    out.push(char::from(DIGITS[usize::from(b >> 4)]));
    out.push(char::from(DIGITS[usize::from(b & 0xf)]));
}

/// Appends `bytes` as lower-case hex digits.
fn push_hex(out: &mut String, bytes: &[u8]) {
    for &b in bytes {
        push_hex_byte(out, b);
    }
}

/// Appends `n` in decimal.
fn push_decimal(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
}

/// XORs `data` with the masking key, `offset` bytes into the payload.
pub(crate) fn unmask(data: &mut [u8], key: [u8; 4], offset: u64) {
    for (i, b) in data.iter_mut().enumerate() {
        *b ^= key[((offset + i as u64) % 4) as usize];
    }
}

/// Appends a frame header (RFC 6455 §5.2): `first` is the first byte as it goes on the wire
/// (FIN, RSV1-3, opcode), then the payload length in the shortest encoding and the masking key.
/// Whatever `first` says is written, so a probe can set reserved bits and opcodes on purpose.
pub(crate) fn encode_header(out: &mut Vec<u8>, first: u8, mask: Option<[u8; 4]>, len: u64) {
    out.push(first);
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
pub(crate) fn apply_mask(data: &mut [u8], key: [u8; 4], offset: u64) {
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

/// Decodes a close payload into (code, reason); `None` when it carries no code.
pub(crate) fn close_payload(payload: &[u8]) -> Option<(u16, String)> {
    if payload.len() < 2 {
        return None;
    }
    let code = u16::from_be_bytes([payload[0], payload[1]]);
    Some((code, String::from_utf8_lossy(&payload[2..]).into_owned()))
}

/// The standard meaning of a close code (RFC 6455 §7.4.1 and the IANA registry).
pub(crate) fn close_code_meaning(code: u16) -> &'static str {
    match code {
        1000 => "normal closure",
        1001 => "going away",
        1002 => "protocol error",
        1003 => "unsupported data",
        1005 => "no status received",
        1006 => "abnormal closure",
        1007 => "invalid payload data",
        1008 => "policy violation",
        1009 => "message too big",
        1010 => "mandatory extension",
        1011 => "internal server error",
        1012 => "service restart",
        1013 => "try again later",
        1014 => "bad gateway",
        1015 => "TLS handshake failure",
        3000..=3999 => "registered (library/framework)",
        4000..=4999 => "application-defined",
        _ => "reserved",
    }
}

/// Whether a close code may appear in a Close frame on the wire (RFC 6455 §7.4).
pub fn close_code_sendable(code: u16) -> bool {
    matches!(code, 1000..=1003 | 1007..=1011 | 1012..=1014 | 3000..=4999)
}

/// Bytes as spaced hex pairs, e.g. `81 05`.
pub(crate) fn hex(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len() * 3);
    for (i, &b) in data.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        push_hex_byte(&mut out, b);
    }
    out
}

/// Formats `data` as a hex dump: offset, 16 bytes of hex, and the printable ASCII.
pub fn hexdump(data: &[u8], indent: &str) -> String {
    let mut out = String::with_capacity(data.len() * 4 + 16);
    for (i, chunk) in data.chunks(16).enumerate() {
        let _ = write!(out, "{indent}{:04x}  ", i * 16);
        for j in 0..16 {
            match chunk.get(j) {
                Some(&b) => {
                    push_hex_byte(&mut out, b);
                    out.push(' ');
                }
                None => out.push_str("   "),
            }
            if j == 7 {
                out.push(' ');
            }
        }
        out.push_str(" |");
        for &b in chunk {
            out.push(if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '.'
            });
        }
        out.push('|');
        out.push('\n');
    }
    if out.ends_with('\n') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_small_unmasked_text() {
        let h = FrameHeader::parse(&[0x81, 0x05, b'h']).expect("complete");
        assert!(h.fin);
        assert_eq!(h.opcode, Opcode::Text);
        assert_eq!(h.payload_len, 5);
        assert_eq!(h.mask, None);
        assert_eq!(h.len_encoding, LenEncoding::Bits7);
        assert_eq!(h.header_len(), 2);
    }

    #[test]
    fn needs_more_bytes_for_extended_length_and_mask() {
        assert!(FrameHeader::parse(&[0x82]).is_none());
        assert!(FrameHeader::parse(&[0x82, 0xfe, 0x01]).is_none());
        assert!(FrameHeader::parse(&[0x82, 0xfe, 0x01, 0x00, 1, 2, 3]).is_none());
        let h = FrameHeader::parse(&[0x82, 0xfe, 0x01, 0x00, 1, 2, 3, 4]).expect("complete");
        assert_eq!(h.payload_len, 256);
        assert_eq!(h.mask, Some([1, 2, 3, 4]));
        assert_eq!(h.len_encoding, LenEncoding::Bits16);
    }

    #[test]
    fn decimal_and_hex_by_hand() {
        for n in [0, 7, 10, 125, 65_535, 65_536, u64::MAX] {
            let mut s = String::new();
            push_decimal(&mut s, n);
            assert_eq!(s, n.to_string());
        }
        let mut s = String::new();
        push_hex(&mut s, &[0x00, 0x0f, 0xa5, 0xff]);
        assert_eq!(s, "000fa5ff");
    }

    #[test]
    fn summary_names_every_field() {
        let h = FrameHeader::parse(&[0x81, 0x02]).expect("complete");
        assert_eq!(h.summary(), "TEXT  fin=1 rsv=000 mask=none len=2 (7-bit)");
        let h = FrameHeader::parse(&[0x53, 0xfe, 0x01, 0x00, 0xde, 0xad, 0xbe, 0xef])
            .expect("complete");
        assert_eq!(
            h.summary(),
            "OP3   fin=0 rsv=101 mask=deadbeef len=256 (16-bit)"
        );
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
    fn close_codes() {
        assert_eq!(
            close_payload(&[0x03, 0xe8, b'o', b'k']),
            Some((1000, "ok".into()))
        );
        assert_eq!(close_payload(&[0x03]), None);
        assert!(close_code_sendable(4000));
        assert!(!close_code_sendable(1005));
        assert!(!close_code_sendable(999));
    }

    #[test]
    fn hexdump_layout() {
        let d = hexdump(b"Hello, world!\x00\x01\x02\x03", "");
        assert_eq!(
            d,
            "0000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 00 01 02  |Hello, world!...|\n\
             0010  03                                                |.|"
        );
    }

    proptest::proptest! {
        #[test]
        fn hexdump_never_panics_and_covers_every_byte(
            data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..100)
        ) {
            let d = hexdump(&data, "");
            proptest::prop_assert_eq!(d.lines().count(), data.len().div_ceil(16));
        }
    }
}
