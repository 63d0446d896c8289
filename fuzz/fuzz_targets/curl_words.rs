//! Fuzz the reading of a pasted curl command (curl/words.rs and the option reader behind it):
//! any text is read or refused without a panic, and the words it splits into, written back
//! single-quoted or as bash `$'...'` strings of escapes, split into the same words again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wscope::curl::{from_command_line, split};

/// `'word'`, with each `'` written as `'\''`.
fn single_quoted(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// `$'...'` with every byte but letters and digits as a `\xHH` escape.
fn ansi_c(word: &str) -> String {
    let mut out = String::from("$'");
    for b in word.bytes() {
        if b.is_ascii_alphanumeric() {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out + "'"
}

fuzz_target!(|data: &[u8]| {
    let Ok(command) = std::str::from_utf8(data) else {
        return;
    };
    let _ = from_command_line(command, false);
    let _ = from_command_line(command, true);
    let Ok(words) = split(command) else {
        return;
    };
    let quoted: Vec<String> = words.iter().map(|w| single_quoted(w)).collect();
    assert_eq!(split(&quoted.join(" ")).ok().as_ref(), Some(&words));
    // A NUL cannot be in an argument; `$'\x00'` is refused, as bash would drop it.
    if words.iter().all(|w| !w.contains('\0')) {
        let escaped: Vec<String> = words.iter().map(|w| ansi_c(w)).collect();
        assert_eq!(split(&escaped.join(" \\\n  ")).ok().as_ref(), Some(&words));
    }
});
