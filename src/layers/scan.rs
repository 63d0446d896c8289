//! Reading the paths a Rust source file names from its crate's root (`crate::a::b`, in `use`
//! lines, grouped with braces or not, and inline), with the line each is on. Comments, string
//! and character literals are blanked first, so what they say is not taken for code; a
//! visibility (`pub(in crate::a)`) names no import and is skipped.

/// A path from the crate's root, as written (its segments after `crate::`), and its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Named {
    pub line: usize,
    pub path: Vec<String>,
}

/// Every path from the crate's root that `source` names; `root` is how it names the crate
/// (`crate` inside the library, `wscope` in the binary's `main.rs`).
pub(super) fn crate_paths(source: &str, root: &str) -> Vec<Named> {
    let code = blank_non_code(source);
    let bytes = code.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(pos) = code[at..].find(root).map(|p| p + at) {
        at = pos + root.len();
        let before = bytes[..pos].last().copied();
        if before.is_some_and(|b| is_ident(b) || b == b'$' || b == b':') {
            continue;
        }
        let Some(rest) = after_separator(&code, at) else {
            continue;
        };
        if previous_word(&code[..pos]) == "in" {
            continue;
        }
        let line = code[..pos].matches('\n').count() + 1;
        let mut paths = Vec::new();
        tree(&code, rest, Vec::new(), &mut paths);
        found.extend(paths.into_iter().map(|path| Named { line, path }));
    }
    found
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn skip_space(code: &str, mut i: usize) -> usize {
    let b = code.as_bytes();
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// Where the text after `::` (with any spaces around it) starts, if `::` follows `i`.
fn after_separator(code: &str, i: usize) -> Option<usize> {
    let i = skip_space(code, i);
    code[i..].starts_with("::").then(|| skip_space(code, i + 2))
}

/// The identifier before the end of `code`, skipping spaces and an opening parenthesis.
fn previous_word(code: &str) -> &str {
    let trimmed = code.trim_end();
    let start = trimmed
        .bytes()
        .rposition(|b| !is_ident(b))
        .map_or(0, |p| p + 1);
    &trimmed[start..]
}

/// Reads a use tree at `i` (`a::b`, `a::{b, c::d}`, `a::*`, `a as b`) under `prefix`, adding
/// each full path to `out`; returns where it ends.
fn tree(code: &str, mut i: usize, mut prefix: Vec<String>, out: &mut Vec<Vec<String>>) -> usize {
    let b = code.as_bytes();
    loop {
        i = skip_space(code, i);
        if b.get(i) == Some(&b'{') {
            i += 1;
            loop {
                i = skip_space(code, i);
                match b.get(i) {
                    Some(b'}') => return i + 1,
                    Some(b',') => i += 1,
                    Some(_) => {
                        let end = tree(code, i, prefix.clone(), out);
                        if end == i {
                            return i;
                        }
                        i = end;
                    }
                    None => return i,
                }
            }
        }
        let start = i;
        while i < b.len() && is_ident(b[i]) {
            i += 1;
        }
        if i == start {
            // A glob (`a::*`) or generic arguments (`a::B::<T>`): the path ends before them.
            if b.get(i) == Some(&b'*') {
                i += 1;
            }
            if !prefix.is_empty() {
                out.push(prefix);
            }
            return i;
        }
        prefix.push(code[start..i].to_string());
        match after_separator(code, i) {
            Some(next) => i = next,
            None => {
                out.push(prefix);
                return i;
            }
        }
    }
}

/// `source` with comments and the insides of string and character literals replaced by
/// spaces; newlines are kept, so positions keep their lines.
pub(super) fn blank_non_code(source: &str) -> String {
    let b = source.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    while i < b.len() {
        let end = match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => line_end(b, i),
            b'/' if b.get(i + 1) == Some(&b'*') => block_comment_end(b, i),
            b'"' => string_end(b, i + 1),
            b'r' if raw_string_start(b, i).is_some() => raw_string_end(b, i),
            b'\'' => char_literal_end(b, i).unwrap_or(i + 1),
            _ => i + 1,
        };
        if end > i + 1 {
            for c in &mut out[i..end] {
                if *c != b'\n' {
                    *c = b' ';
                }
            }
        }
        i = end;
    }
    // Only ASCII bytes were replaced, by ASCII: still UTF-8 wherever a literal was cut.
    String::from_utf8_lossy(&out).into_owned()
}

fn line_end(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|c| *c == b'\n')
        .map_or(b.len(), |p| i + p)
}

fn block_comment_end(b: &[u8], mut i: usize) -> usize {
    let mut depth = 0;
    while i < b.len() {
        if b[i..].starts_with(b"/*") {
            depth += 1;
            i += 2;
        } else if b[i..].starts_with(b"*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    b.len()
}

/// The end of a string whose body starts at `i` (after the opening quote).
fn string_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// How many `#` a raw string starting at `i` (`r"`, `r#"`, `br#"`) has.
fn raw_string_start(b: &[u8], i: usize) -> Option<usize> {
    let prefix_start = if i > 0 && b[i - 1] == b'b' { i - 1 } else { i };
    if prefix_start > 0 && is_ident(b[prefix_start - 1]) {
        return None;
    }
    let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
    (b.get(i + 1 + hashes) == Some(&b'"')).then_some(hashes)
}

fn raw_string_end(b: &[u8], i: usize) -> usize {
    let hashes = raw_string_start(b, i).unwrap_or(0);
    let mut close = vec![b'"'];
    close.extend(std::iter::repeat_n(b'#', hashes));
    let body = i + 2 + hashes;
    b[body..]
        .windows(close.len())
        .position(|w| w == close.as_slice())
        .map_or(b.len(), |p| body + p + close.len())
}

/// The end of a character literal at `i` (`'x'`, `'\n'`, `'\u{1F600}'`, `'é'`); `None` for a
/// lifetime or a label (`'a`).
fn char_literal_end(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i + 1) == Some(&b'\\') {
        // The escaped character itself may be a quote: the closing one comes after it.
        let close = b.get(i + 3..)?.iter().position(|c| *c == b'\'')?;
        return Some(i + 3 + close + 1);
    }
    // One character (of up to four UTF-8 bytes), then the closing quote.
    let first = *b.get(i + 1)?;
    let width = match first {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    };
    (b.get(i + 1 + width) == Some(&b'\'')).then_some(i + 2 + width)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(source: &str) -> Vec<(usize, String)> {
        crate_paths(source, "crate")
            .into_iter()
            .map(|n| (n.line, n.path.join("::")))
            .collect()
    }

    #[test]
    fn use_lines_grouped_or_not_and_inline_paths_are_read_with_their_lines() {
        let source = "use crate::a::b;\nuse crate::{c, d::{e, f::G}, h::*};\n\
            fn x() { crate::i::j(); let _ = crate :: k ::L; crate::n::V::<u8>::new(); }\npub use crate::m::N as O;\n";
        assert_eq!(
            paths(source),
            [
                (1, "a::b"),
                (2, "c"),
                (2, "d::e"),
                (2, "d::f::G"),
                (2, "h"),
                (3, "i::j"),
                (3, "k::L"),
                (3, "n::V"),
                (4, "m::N"),
            ]
            .map(|(l, p)| (l, p.to_string()))
        );
    }

    #[test]
    fn comments_literals_and_visibilities_name_no_import() {
        let source = "// use crate::a;\n/* crate::b /* crate::c */ */\n/// [`crate::d`]\n\
            let s = \"crate::e \\\" crate::f\"; let r = r#\"crate::g \" x\"#;\n\
            let q = '\"'; let e = '\\''; let l: &'static str = crate::h::I;\n\
            pub(crate) fn f() {}\npub(in crate::j) fn g() {}\nmy_crate::k();\n";
        assert_eq!(paths(source), [(5, "h::I".to_string())]);
    }

    #[test]
    fn the_binary_names_the_crate_by_its_name() {
        let found = crate_paths("fn main() { wscope::app::main(); }", "wscope");
        assert_eq!(found[0].path, ["app", "main"]);
    }
}
