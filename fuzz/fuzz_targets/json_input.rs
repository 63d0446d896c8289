//! Fuzz `--input json` (input/json_stream.rs): stdin cut into JSON values must give the same
//! values, and the same error at the same line and column, whatever the sizes of the reads;
//! each value sent is the compact form of the same JSON; each cut makes progress.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wscope::input::json_stream::{Cut, JsonCutter, JsonSyntax};
use wscope_fuzz::control;

/// Every value of `input`, read `piece` bytes at a time as stdin would be; the error that
/// stopped them, if one did.
fn values(input: &[u8], piece: usize) -> (Vec<String>, Option<JsonSyntax>) {
    let mut cutter = JsonCutter::default();
    let mut buf = Vec::new();
    let mut read = 0;
    let mut out = Vec::new();
    loop {
        let eof = read == input.len();
        match cutter.cut(&buf, eof) {
            Cut::Value { text, used } => {
                assert!(
                    used > 0 && used <= buf.len(),
                    "used {used} of {}",
                    buf.len()
                );
                // The same JSON (lone surrogates in \u escapes are JSON, not Unicode: both
                // sides refuse them alike).
                let raw = serde_json::from_slice::<serde_json::Value>(&buf[..used]).ok();
                let sent = serde_json::from_str::<serde_json::Value>(&text).ok();
                assert_eq!(raw, sent, "{text}");
                assert!(!text.contains('\n'), "compact: {text:?}");
                out.push(text);
                buf.drain(..used);
            }
            Cut::NeedMore => {
                assert!(!eof, "more asked for after the end");
                let n = piece.min(input.len() - read);
                buf.extend_from_slice(&input[read..read + n]);
                read += n;
            }
            Cut::End => return (out, None),
            Cut::Bad(e) => return (out, Some(e)),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((control, input)) = control(data) else {
        return;
    };
    let whole = values(input, input.len().max(1));
    let piece = 1 + usize::from(control % 32);
    assert_eq!(values(input, piece), whole, "in reads of {piece}");
});
