//! Fuzz the body of a refused upgrade (wire/response.rs, wire/handshake.rs): the chunked
//! decoder never yields more than it was given, what it decodes from a prefix is a prefix of
//! what it decodes from the whole (and a prefix it calls complete decodes as the whole does),
//! chunks it is given encoded come back byte for byte; and reading a body from a server that
//! sends any bytes in any pieces keeps at most 64 KiB and reads a bounded amount.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::time::{Duration, Instant};
use wscope::wire::handshake::{Answer, read_body};
use wscope::wire::response::{MAX_BODY, decode_chunked, parse_head};
use wscope_fuzz::{Script, block_on, control};

/// Each read of the body takes at most this much (handshake.rs's chunk).
const READ: usize = 16 * 1024;

fn chunked(pieces: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in pieces.iter().filter(|p| !p.is_empty()) {
        out.extend_from_slice(format!("{:x}\r\n", p.len()).as_bytes());
        out.extend_from_slice(p);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((control, raw)) = control(data) else {
        return;
    };
    let (whole, complete) = decode_chunked(raw);
    assert!(whole.len() <= raw.len());
    let cut = usize::from(control) * raw.len() / 255;
    let (part, part_complete) = decode_chunked(&raw[..cut]);
    assert!(whole.starts_with(&part), "a prefix decodes to a prefix");
    if part_complete {
        assert!(
            complete && part == whole,
            "complete at {cut}, and so the whole"
        );
    }

    // The bytes, cut into pieces at every occurrence of the control byte, sent chunked.
    let pieces: Vec<&[u8]> = raw.split(|b| *b == control).collect();
    let sent: Vec<u8> = pieces.concat();
    assert_eq!(decode_chunked(&chunked(&pieces)), (sent, true));

    // A refusal whose head declares a framing, then the bytes in pieces of a chosen size.
    let head = match control % 4 {
        0 => "HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\n".to_string(),
        1 => format!(
            "HTTP/1.1 401 No\r\nContent-Length: {}\r\n\r\n",
            raw.len() / 2
        ),
        2 => "HTTP/1.1 500 Oops\r\n\r\n".to_string(),
        _ => "HTTP/1.1 204 No Content\r\n\r\n".to_string(),
    };
    let split = raw.len().min(usize::from(control >> 2));
    let answer = Answer {
        head: parse_head(head.as_bytes()).expect("head"),
        raw_head: head.into_bytes(),
        rest: raw[..split].to_vec(),
        took: Duration::ZERO,
    };
    let piece = 1 + usize::from(control) * 97;
    let mut server = Script::new(&raw[split..], piece);
    let deadline = Instant::now() + Duration::from_secs(60);
    let (body, _truncated) = block_on(read_body(&mut server, &answer, deadline));
    assert!(body.len() <= MAX_BODY);
    assert!(
        split + server.read < MAX_BODY + READ,
        "read {} bytes",
        server.read
    );
});
