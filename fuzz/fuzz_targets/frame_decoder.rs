//! Fuzz the frame decoder: arbitrary bytes, fed whole and split at a fuzzer-chosen point, must
//! never panic and must decode to the same frames either way.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wscope::wire::frame::FrameHeader;
use wscope::wire::scanner::FrameScanner;

fuzz_target!(|data: &[u8]| {
    if data.is_empty() {
        return;
    }
    let split = usize::from(data[0]) % data.len();
    let capture = usize::from(data[0] & 0x3f);
    let body = &data[1..];
    let _ = FrameHeader::parse(body);
    let mut whole = Vec::new();
    FrameScanner::new(capture).feed(body, true, &mut |r| whole.push(r));
    let mut pieces = Vec::new();
    let mut s = FrameScanner::new(capture);
    let cut = split.min(body.len());
    s.feed(&body[..cut], true, &mut |r| pieces.push(r));
    s.feed(&body[cut..], true, &mut |r| pieces.push(r));
    assert_eq!(whole, pieces);
    for r in &whole {
        let _ = r.header.summary();
        let _ = wscope::wire::frame::hexdump(&r.payload, "");
    }
});
