//! Fuzz the ServerHello sniffer (net/tls_hello.rs): the parser takes any bytes; once it has
//! found a hello in a prefix, more bytes do not change what it found; and the stream wrapper
//! passes every byte through unchanged, whatever the read sizes, and reports what the parser
//! finds in the first reads.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use tokio::io::{AsyncRead, ReadBuf};
use wscope::net::tls_hello::{HelloSniffer, server_hello};
use wscope_fuzz::{Script, control};

/// What the sniffer looks at, at most (tls_hello.rs).
const LOOK_AT_MOST: usize = 16 * 1024;

fuzz_target!(|data: &[u8]| {
    let Some((control, bytes)) = control(data) else {
        return;
    };
    let whole = server_hello(bytes);
    let cut = usize::from(control) * bytes.len() / 255;
    if let Some(found) = server_hello(&bytes[..cut]) {
        assert_eq!(whole, Some(found), "found at {cut}, and so in the whole");
    }

    let piece = 1 + usize::from(control) * 7;
    let mut sniffer = HelloSniffer::new(Script::new(bytes, piece));
    let found = sniffer.found.clone();
    let mut passed = Vec::new();
    let mut buf = vec![0u8; 4096];
    let mut cx = Context::from_waker(Waker::noop());
    // The sniffer's own rule, followed read by read: it looks until the parser finds the
    // hello, the first byte is not a handshake record, or it has seen too much.
    let (mut looking, mut expected) = (true, None);
    loop {
        let mut rb = ReadBuf::new(&mut buf);
        match Pin::new(&mut sniffer).poll_read(&mut cx, &mut rb) {
            Poll::Ready(Ok(())) if rb.filled().is_empty() => break,
            Poll::Ready(Ok(())) => passed.extend_from_slice(rb.filled()),
            other => panic!("{other:?}"),
        }
        if looking {
            expected = server_hello(&passed);
            looking = expected.is_none() && passed.len() <= LOOK_AT_MOST && passed[0] == 22;
        }
    }
    assert_eq!(passed, bytes, "passed through unchanged");
    assert_eq!(found.get().copied(), expected);
});
