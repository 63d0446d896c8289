//! Fuzz the permessage-deflate incoming transformer: arbitrary bytes, cut into reads of
//! fuzzer-chosen sizes and fed the way the stream adapter does, must never panic, and the
//! output waiting to be read must stay bounded whatever the input claims or inflates to.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::Arc;
use wscope::wire::deflate::{DeflateStats, Incoming, Role};

/// Most output that may wait at once: 64 KiB queued, then one 16 KiB chunk and its header.
const MAX_WAITING: usize = 64 * 1024 + 16 * 1024 + 64;

fuzz_target!(|data: &[u8]| {
    let Some((&control, rest)) = data.split_first() else {
        return;
    };
    let role = if control & 1 == 0 {
        Role::Client
    } else {
        Role::Server
    };
    let window_bits = 8 + (control >> 1) % 8;
    let no_context_takeover = control & 0x10 != 0;
    let limit = 1u64 << (10 + (control >> 5));
    let step = 1 + usize::from(control % 97);
    let mut incoming = Incoming::new(
        role,
        window_bits,
        no_context_takeover,
        limit,
        Arc::new(DeflateStats::default()),
    );
    for piece in rest.chunks(step) {
        loop {
            match incoming.output() {
                Ok([]) => break,
                Ok(out) => {
                    assert!(out.len() <= MAX_WAITING);
                    let n = out.len();
                    incoming.consume(n);
                }
                Err(v) => {
                    assert!(matches!(v.code, 1002 | 1007 | 1009));
                    return;
                }
            }
        }
        let pass = incoming.pass_in_place(piece);
        incoming.push(&piece[pass..]);
    }
    while let Ok(out) = incoming.output() {
        if out.is_empty() {
            break;
        }
        assert!(out.len() <= MAX_WAITING);
        let n = out.len();
        incoming.consume(n);
    }
});
