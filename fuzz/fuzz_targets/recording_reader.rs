//! Fuzz the recording reader behind `wscope replay`: arbitrary bytes as a `--record` file's
//! contents, read and checked as replay does. Nothing may panic; each line that reads writes
//! back to one that reads the same, and so does the whole recording (the invariants are in
//! `wscope::replay::fuzzing`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| wscope::replay::fuzzing::read_recording(data));
