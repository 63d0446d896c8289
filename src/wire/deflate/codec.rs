//! The per-message DEFLATE codec of RFC 7692 §7.2: raw deflate, each message ended with a
//! sync flush whose `00 00 ff ff` tail is stripped on send and put back on receive, the
//! context kept or reset between messages, inflation bounded in memory and size.
//!
//! Window bits 8: zlib-rs, like zlib since 1.2.9, refuses a raw deflater with a 256-byte
//! window (and flate2 accepts 9..=15 only). A 9-bit deflater is used instead. That is correct
//! for a peer with a true 256-byte window because zlib's deflater never emits a distance
//! beyond `w_size - MIN_LOOKAHEAD` = 512 - 262 = 250 bytes (zlib-rs `State::max_dist`); Node.js
//! does the same for the same reason. Inflaters use at least 9 bits for the same API reason,
//! which accepts (does not flag) a peer that strays up to 512 bytes back with 8 agreed.

use super::violation::Violation;
use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use std::io;

/// What a sync flush leaves at the end of the stream: an empty stored block's LEN and NLEN.
pub(crate) const TAIL: [u8; 4] = [0x00, 0x00, 0xff, 0xff];

/// The window flate2 can give us for an agreed (or requested) size.
fn usable_window_bits(bits: u8) -> u8 {
    bits.clamp(9, 15)
}

/// Compresses messages one after the other.
pub struct Compressor {
    inner: Compress,
    reset_each_message: bool,
}

fn compress_error(e: flate2::CompressError) -> io::Error {
    io::Error::other(format!("permessage-deflate compression failed: {e}"))
}

impl Compressor {
    /// `level` is the zlib level 0..=9.
    pub fn new(window_bits: u8, no_context_takeover: bool, level: u32) -> Self {
        Compressor {
            inner: Compress::new_with_window_bits(
                Compression::new(level.min(9)),
                false,
                usable_window_bits(window_bits),
            ),
            reset_each_message: no_context_takeover,
        }
    }

    /// Runs the deflater over `input` with `flush`, appending to `out` (which grows as needed).
    fn run(&mut self, mut input: &[u8], out: &mut Vec<u8>, flush: FlushCompress) -> io::Result<()> {
        loop {
            if out.capacity() - out.len() < 64 {
                out.reserve(input.len() / 2 + 256);
            }
            let before = self.inner.total_in();
            self.inner
                .compress_vec(input, out, flush)
                .map_err(compress_error)?;
            let used = (self.inner.total_in() - before) as usize;
            input = input.get(used..).unwrap_or_default();
            let room_left = out.capacity() > out.len();
            if input.is_empty() && (flush == FlushCompress::None || room_left) {
                return Ok(());
            }
        }
    }

    /// Compresses part of the current message.
    pub fn compress(&mut self, input: &[u8], out: &mut Vec<u8>) -> io::Result<()> {
        self.run(input, out, FlushCompress::None)
    }

    /// Ends a fragment that is not the message's last: everything so far is made decodable
    /// (sync flush), the tail stays, being in the middle of the message.
    pub(crate) fn flush_fragment(&mut self, out: &mut Vec<u8>) -> io::Result<()> {
        self.run(&[], out, FlushCompress::Sync)
    }

    /// Ends the message: sync flush, the tail removed (RFC 7692 §7.2.1), and the context reset
    /// when takeover is off. An empty message becomes the single byte `00`.
    pub fn finish_message(&mut self, out: &mut Vec<u8>) -> io::Result<()> {
        self.run(&[], out, FlushCompress::Sync)?;
        if out.ends_with(&TAIL) {
            out.truncate(out.len() - TAIL.len());
        }
        if self.reset_each_message {
            self.inner.reset();
        }
        Ok(())
    }

    /// Forgets the context: the next message references nothing before it. Always allowed,
    /// whatever was agreed.
    pub(crate) fn reset(&mut self) {
        self.inner.reset();
    }
}

/// Inflates messages one after the other, in bounded steps.
pub(crate) struct Inflater {
    inner: Decompress,
    reset_each_message: bool,
    /// The largest inflated message accepted.
    limit: u64,
    /// The peer ended its deflate stream (a block with BFINAL) inside this message.
    stream_ended: bool,
    tail_fed: usize,
    wire_bytes: u64,
    message_bytes: u64,
}

fn corrupt(e: &flate2::DecompressError) -> Violation {
    Violation::invalid_data(format!(
        "the compressed message is not valid DEFLATE data ({e}); RFC 7692 §7.2.2 requires the payload plus 00 00 ff ff to inflate"
    ))
}

/// zlib always uses input or fills output; this guards the loops should it ever do neither.
fn stalled() -> Violation {
    Violation::invalid_data("the DEFLATE data makes no progress (RFC 7692 §7.2.2)")
}

impl Inflater {
    pub(crate) fn new(window_bits: u8, no_context_takeover: bool, limit: u64) -> Self {
        Inflater {
            inner: Decompress::new_with_window_bits(false, usable_window_bits(window_bits)),
            reset_each_message: no_context_takeover,
            limit,
            stream_ended: false,
            tail_fed: 0,
            wire_bytes: 0,
            message_bytes: 0,
        }
    }

    /// One decompression call into the room left in `out` (never beyond its capacity).
    /// Returns the input bytes used.
    fn step(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<usize, Violation> {
        let (in_before, out_before) = (self.inner.total_in(), out.len());
        let status = self
            .inner
            .decompress_vec(input, out, FlushDecompress::None)
            .map_err(|e| corrupt(&e))?;
        let used = (self.inner.total_in() - in_before) as usize;
        self.message_bytes += (out.len() - out_before) as u64;
        if self.message_bytes > self.limit {
            return Err(Violation::too_big(format!(
                "the message inflates to more than the {}-byte limit (RFC 6455 §7.4.1, close code 1009)",
                self.limit
            )));
        }
        if status == Status::StreamEnd {
            self.stream_ended = true;
        }
        Ok(used)
    }

    /// Inflates compressed payload bytes of the current message into the room left in `out`.
    /// Returns how many were used: fewer than given only when `out` filled up.
    pub(crate) fn inflate(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<usize, Violation> {
        let mut used = 0;
        while used < input.len() && out.len() < out.capacity() {
            if self.stream_ended {
                return Err(Violation::invalid_data(
                    "data after the final DEFLATE block (BFINAL) of the message (RFC 7692 §7.2.2)",
                ));
            }
            let before = out.len();
            let n = self.step(&input[used..], out)?;
            if n == 0 && out.len() == before && !self.stream_ended {
                return Err(stalled());
            }
            used += n;
        }
        self.wire_bytes += used as u64;
        Ok(used)
    }

    /// After the message's last payload byte: inflates the tail. `Ok(true)` once the message
    /// is completely out, and the inflater ready for the next one; `Ok(false)` when `out` is
    /// full and must be emptied before calling again.
    pub(crate) fn finish(&mut self, out: &mut Vec<u8>) -> Result<bool, Violation> {
        if self.wire_bytes == 0 {
            return Err(Violation::invalid_data(
                "a compressed message with an empty payload; an empty message compresses to the single byte 00 (RFC 7692 §7.2.1)",
            ));
        }
        loop {
            if out.len() == out.capacity() {
                return Ok(false);
            }
            if self.stream_ended {
                break;
            }
            let tail = TAIL.get(self.tail_fed..).unwrap_or_default();
            let before = out.len();
            let used = self.step(tail, out)?;
            self.tail_fed += used;
            // All input in and room left over: everything decodable is out.
            if self.tail_fed == TAIL.len() && out.len() < out.capacity() {
                break;
            }
            if used == 0 && out.len() == before {
                return Err(stalled());
            }
        }
        if self.reset_each_message || self.stream_ended {
            self.inner.reset(false);
        }
        self.stream_ended = false;
        self.tail_fed = 0;
        self.wire_bytes = 0;
        self.message_bytes = 0;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::DeflateEncoder;
    use std::io::Write;

    fn compress_message(c: &mut Compressor, msg: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        c.compress(msg, &mut out).unwrap();
        c.finish_message(&mut out).unwrap();
        out
    }

    fn inflate_message(i: &mut Inflater, wire: &[u8], chunk: usize) -> Result<Vec<u8>, Violation> {
        let mut msg = Vec::new();
        let mut buf = Vec::with_capacity(chunk);
        let mut at = 0;
        while at < wire.len() {
            at += i.inflate(&wire[at..], &mut buf)?;
            msg.append(&mut buf);
        }
        while !i.finish(&mut buf)? {
            msg.append(&mut buf);
        }
        msg.append(&mut buf);
        Ok(msg)
    }

    #[test]
    fn rfc_7692_example_hello() {
        // RFC 7692 §7.2.3.1: "Hello" compressed, tail removed.
        let wire = [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00];
        let mut i = Inflater::new(15, false, 1 << 20);
        assert_eq!(inflate_message(&mut i, &wire, 3).unwrap(), b"Hello");
        let mut c = Compressor::new(15, false, 6);
        assert_eq!(compress_message(&mut c, b"Hello"), wire);
    }

    #[test]
    fn context_takeover_shrinks_the_second_message_and_reset_does_not() {
        let msg = b"{\"type\":\"ticker\",\"product_id\":\"BTC-USD\",\"price\":\"1234.5\"}";
        for reset in [false, true] {
            let mut c = Compressor::new(15, reset, 6);
            let mut i = Inflater::new(15, reset, 1 << 20);
            let first = compress_message(&mut c, msg);
            let second = compress_message(&mut c, msg);
            assert_eq!(second.len() < first.len(), !reset);
            assert_eq!(inflate_message(&mut i, &first, 7).unwrap(), msg);
            assert_eq!(inflate_message(&mut i, &second, 7).unwrap(), msg);
        }
    }

    #[test]
    fn empty_message_is_one_zero_byte() {
        let mut c = Compressor::new(15, false, 6);
        assert_eq!(compress_message(&mut c, b""), [0x00]);
        let mut i = Inflater::new(15, false, 10);
        assert_eq!(inflate_message(&mut i, &[0x00], 1).unwrap(), b"");
        assert_eq!(inflate_message(&mut i, &[], 1).unwrap_err().code, 1007);
    }

    #[test]
    fn bfinal_block_ends_the_message_and_data_after_it_is_refused() {
        let mut enc = DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(b"final block").unwrap();
        let done = enc.finish().unwrap();
        let mut i = Inflater::new(15, false, 1 << 20);
        assert_eq!(inflate_message(&mut i, &done, 4).unwrap(), b"final block");
        // The stream was reset after it: the next message is a fresh stream.
        assert_eq!(inflate_message(&mut i, &done, 4).unwrap(), b"final block");
        let mut extra = done.clone();
        extra.push(0x00);
        assert_eq!(inflate_message(&mut i, &extra, 64).unwrap_err().code, 1007);
    }

    #[test]
    fn corrupt_data_is_1007_and_oversize_is_1009() {
        let mut i = Inflater::new(15, false, 1 << 20);
        let e = inflate_message(&mut i, &[0xff, 0xff, 0xff], 16).unwrap_err();
        assert_eq!(e.code, 1007);
        assert!(e.rule.contains("RFC 7692"), "{e}");
        let mut c = Compressor::new(15, false, 6);
        let wire = compress_message(&mut c, &[b'a'; 5000]);
        let mut i = Inflater::new(15, false, 4999);
        let e = inflate_message(&mut i, &wire, 1024).unwrap_err();
        assert_eq!(e.code, 1009);
        let mut i = Inflater::new(15, false, 5000);
        assert_eq!(inflate_message(&mut i, &wire, 1024).unwrap().len(), 5000);
    }

    /// Random bytes repeating every `period` bytes.
    fn periodic(seed: u32, period: usize, len: usize) -> Vec<u8> {
        let mut x = seed;
        let unit: Vec<u8> = (0..period)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        unit.iter().copied().cycle().take(len).collect()
    }

    /// Window 8 is compressed with a 9-bit deflater; it must still never point further back
    /// than 256 bytes. Random data repeating every 300 bytes offers matches only at distances
    /// of 300 and more: a deflater that respects the window finds none (the output stays
    /// near the input's size), while a 10-bit one compresses it well (the control). Repeats
    /// every 200 bytes show the 8-bit deflater does find matches within its window.
    #[test]
    fn window_bits_8_never_reaches_beyond_256_bytes() {
        let far = periodic(0x9abc_def0, 300, 20_000);
        let near = periodic(0x1234_5678, 200, 20_000);
        for level in [1, 6, 9] {
            let mut c = Compressor::new(8, false, level);
            let wire = compress_message(&mut c, &far);
            // Only Huffman coding of the literals helps (a 300-byte unit uses few byte values).
            assert!(
                wire.len() > far.len() / 2,
                "level {level}: no match beyond 256 bytes"
            );
            let mut i = Inflater::new(8, false, 1 << 20);
            assert_eq!(inflate_message(&mut i, &wire, 64).unwrap(), far);
            let mut wide = Compressor::new(10, false, level);
            assert!(
                compress_message(&mut wide, &far).len() < far.len() / 10,
                "level {level}"
            );
            let mut c = Compressor::new(8, false, level);
            let wire = compress_message(&mut c, &near);
            assert!(wire.len() < near.len() / 2, "level {level}");
            assert_eq!(inflate_message(&mut i, &wire, 64).unwrap(), near);
        }
    }
}
