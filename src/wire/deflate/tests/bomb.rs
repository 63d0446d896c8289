//! Decompression bombs. DEFLATE cannot expand more than about 1032:1 (a 258-byte match costs
//! at least two bits), so the densest bomb is written here by hand: a dynamic Huffman block
//! where "length 258, distance 1" is the two bits 0 0, so every zero byte of payload inflates
//! to 1032 bytes. 1 KiB of it inflates to about 1 MiB; 1 MiB of it to more than 1 GiB.

use super::frame;
use crate::wire::deflate::{DeflateStats, Incoming, Inflater, Role};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Bits packed least-significant first, as DEFLATE does (RFC 1951 §3.1.1).
#[derive(Default)]
struct Bits {
    bytes: Vec<u8>,
    used: u32,
}

impl Bits {
    /// A number, least-significant bit first.
    fn number(&mut self, value: u32, n: u32) {
        for i in 0..n {
            self.bit((value >> i) & 1);
        }
    }

    /// A Huffman code, most-significant bit first.
    fn code(&mut self, code: u32, n: u32) {
        for i in (0..n).rev() {
            self.bit((code >> i) & 1);
        }
    }

    fn bit(&mut self, b: u32) {
        if self.used % 8 == 0 {
            self.bytes.push(0);
        }
        if let Some(last) = self.bytes.last_mut() {
            *last |= (b as u8) << (self.used % 8);
        }
        self.used += 1;
    }
}

/// The block header and the first literal; zero bytes after it are the bomb proper.
fn bomb_head() -> Vec<u8> {
    let mut b = Bits::default();
    b.number(0, 1); // BFINAL: the block never ends
    b.number(2, 2); // BTYPE: dynamic Huffman
    b.number(29, 5); // HLIT: 286 literal/length codes
    b.number(0, 5); // HDIST: 1 distance code
    b.number(14, 4); // HCLEN: 18 code-length code lengths
    // Code-length code lengths in their order 16 17 18 0 8 7 9 6 10 5 11 4 12 3 13 2 14 1:
    // symbol 18 gets 1 bit ("0"), symbols 1 and 2 get 2 bits ("10", "11").
    for len in [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2] {
        b.number(len, 3);
    }
    let len2 = |b: &mut Bits| b.code(0b11, 2);
    let len1 = |b: &mut Bits| b.code(0b10, 2);
    let zeros = |b: &mut Bits, n: u32| {
        b.code(0, 1);
        b.number(n - 11, 7);
    };
    len2(&mut b); // literal 0: 2 bits
    zeros(&mut b, 138); // literals 1..=138
    zeros(&mut b, 117); // literals 139..=255
    len2(&mut b); // end of block: 2 bits
    zeros(&mut b, 28); // lengths 257..=284
    len1(&mut b); // length 258 (symbol 285): 1 bit, code "0"
    len1(&mut b); // distance 1: 1 bit, code "0"
    b.code(0b10, 2); // the literal 0 the matches copy
    b.bytes
}

fn bomb_payload(zero_bytes: usize) -> Vec<u8> {
    let mut p = bomb_head();
    p.resize(p.len() + zero_bytes, 0);
    p
}

#[test]
fn the_hand_written_bomb_really_expands_a_thousandfold() {
    let payload = bomb_payload(1024);
    assert!(payload.len() < 1100);
    let mut inf = Inflater::new(15, false, u64::MAX);
    let mut out = Vec::with_capacity(4 << 20);
    assert_eq!(inf.inflate(&payload, &mut out).unwrap(), payload.len());
    assert!(out.len() > 1024 * 1024, "{}", out.len());
    assert!(out.iter().all(|&b| b == 0));
}

#[test]
fn one_kib_bomb_stops_at_the_limit() {
    let wire = frame(true, true, 2, None, &bomb_payload(1024));
    let mut inc = Incoming::new(
        Role::Client,
        15,
        false,
        64 * 1024,
        Arc::new(DeflateStats::default()),
    );
    inc.push(&wire);
    let mut delivered = 0;
    let v = loop {
        match inc.output() {
            Ok(out) => {
                assert!(!out.is_empty(), "no output without an error");
                let n = out.len();
                delivered += n;
                inc.consume(n);
            }
            Err(v) => break v,
        }
    };
    assert_eq!(v.code, 1009);
    assert!(v.rule.contains("65536-byte limit"), "{v}");
    assert!(delivered <= 64 * 1024 + 16 * 1024 + 64);
}

/// 1 MiB of bomb (it would inflate to more than 1 GiB) fed as it arrives: the read fails at
/// the 64 MiB limit, no output buffer ever holds more than a bounded amount, and the time
/// spent is that of inflating 64 MiB, not 1 GiB.
#[test]
fn gigabyte_bomb_stops_at_the_limit_with_bounded_memory_and_time() {
    let payload = bomb_payload(1 << 20);
    let wire = frame(true, true, 2, Some([1, 2, 3, 4]), &payload);
    let limit = 64 << 20;
    let mut inc = Incoming::new(
        Role::Server,
        15,
        false,
        limit,
        Arc::new(DeflateStats::default()),
    );
    let started = Instant::now();
    let mut largest = 0;
    let mut delivered = 0u64;
    let mut at = 0;
    let v = 'outer: loop {
        loop {
            match inc.output() {
                Ok([]) => break,
                Ok(out) => {
                    let n = out.len();
                    largest = largest.max(n);
                    delivered += n as u64;
                    inc.consume(n);
                }
                Err(v) => break 'outer v,
            }
        }
        let end = (at + 8192).min(wire.len());
        assert!(at < end, "the whole bomb went in without an error");
        inc.push(&wire[at..end]);
        at = end;
    };
    assert_eq!(v.code, 1009);
    // Inflated bytes up to the limit, plus the headers of the 16 KiB frames they came in.
    assert!(delivered <= limit + (limit / 16384 + 1) * 14, "{delivered}");
    assert!(largest <= 64 * 1024 + 16 * 1024 + 64, "{largest}");
    assert!(
        at < wire.len() / 8,
        "stopped early: {at} of {} bytes read",
        wire.len()
    );
    assert!(started.elapsed() < Duration::from_secs(60));
}
