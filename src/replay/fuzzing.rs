//! Entry point for the fuzz target `recording_reader` (`fuzz/`): bytes as a recording file's
//! contents, read and checked as `wscope replay FILE` does before it connects. The reader and
//! the JSON Lines types stay private to the crate; this is the only way in from outside, and
//! it panics on nothing but a broken invariant.

use super::diff;
use crate::input::schedule::Schedule;
use crate::jsonl;
use std::path::Path;

/// Reads `bytes` as the recording `replay` would: every line that reads writes back to a
/// line that reads the same; a recording that reads, written back line by line, reads the
/// same; its messages are scheduled at the fastest and slowest `--speed`; and with one reply
/// missing, `--expect` finds a difference.
pub fn read_recording(bytes: &[u8]) {
    // replay refuses a file that is not UTF-8 before it parses anything.
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let file = Path::new("fuzz.jsonl");
    let mut rewritten = Vec::new();
    for line in text.lines() {
        let Ok(read) = jsonl::read(line) else {
            continue;
        };
        let again = jsonl::to_string(&read);
        match jsonl::read(&again) {
            Ok(back) => assert_eq!(back, read, "{line}\nwritten back as\n{again}"),
            Err(e) => panic!("{line}\nwritten back as\n{again}\ndoes not read: {e}"),
        }
        jsonl::write(&read, &mut rewritten);
    }
    let Ok(rec) = super::checked(file, text) else {
        return;
    };
    let rewritten = String::from_utf8(rewritten).expect("JSON Lines are UTF-8");
    match super::checked(file, &rewritten) {
        Ok(again) => assert_eq!(format!("{again:?}"), format!("{rec:?}"), "{rewritten}"),
        Err(e) => panic!("written back as\n{rewritten}\nit does not read: {e}"),
    }
    for speed in [1e6, f64::from_bits(1)] {
        Schedule::new(rec.sent.clone(), Some(speed));
    }
    let fewer = rec.received.get(1..).unwrap_or_default();
    let differs = diff::diff(&rec.received, fewer, 0, true).is_some();
    assert_eq!(differs, !rec.received.is_empty());
}
