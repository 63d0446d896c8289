//! Unit tests of splitting pasted commands as bash would, and of what is refused.

use super::*;

fn words(input: &str) -> Vec<String> {
    split(input).unwrap_or_else(|e| panic!("{input:?}: {e}"))
}

fn error(input: &str) -> Error {
    split(input).expect_err(input)
}

#[test]
fn plain_words_and_whitespace() {
    assert_eq!(words("  curl \t -k\n url  "), ["curl", "-k", "url"]);
    assert!(words("").is_empty());
    assert!(words(" \n ").is_empty());
}

#[test]
fn single_quotes_keep_everything_literally() {
    assert_eq!(
        words(r#"'a b' 'x\y' '$HOME' '"' 'it'\''s'"#),
        ["a b", r"x\y", "$HOME", "\"", "it's"]
    );
    assert_eq!(words("'' x''y"), ["", "xy"]);
}

#[test]
fn double_quotes_escape_only_the_four_characters() {
    assert_eq!(
        words(r#""a \"b\" \\ \$ \` \q" "$" "a$ b" $"loc""#),
        ["a \"b\" \\ $ ` \\q", "$", "a$ b", "loc"]
    );
    assert_eq!(words("\"line\\\nnext\""), ["linenext"]);
}

#[test]
fn backslashes_outside_quotes_and_line_continuations() {
    assert_eq!(words(r"a\ b \'x \\ a$ $"), ["a b", "'x", "\\", "a$", "$"]);
    assert_eq!(
        words("-H 'a' \\\n  -H 'b' \\\r\n  url \\"),
        ["-H", "a", "-H", "b", "url"]
    );
    assert_eq!(words("ab\\\ncd"), ["abcd"]);
}

#[test]
fn comments_start_only_at_a_word() {
    assert_eq!(words("a#b # comment 'x\nc"), ["a#b", "c"]);
}

#[test]
fn ansi_c_strings_decode_bash_escapes() {
    assert_eq!(
        words(r#"$'a\tb\n\r\\\'\"\?\a\b\e\E\f\v'"#),
        ["a\tb\n\r\\'\"?\x07\x08\x1b\x1b\x0c\x0b"]
    );
    assert_eq!(
        words(r"$'\u0021\u00e9\U0001F600\x41\x4a\101\41\7\u21x'"),
        ["!é😀AJA!\x07!x"]
    );
    assert_eq!(words(r"$'\cA\c?\ca'"), ["\x01\x7f\x01"]);
    assert_eq!(words(r"$'\q\x\u\c'"), [r"\q\x\u\c"]);
    assert_eq!(words(r"$'\xc3\xa9'"), ["é"]);
    assert_eq!(words(r"pre$'\041'post"), ["pre!post"]);
}

#[test]
fn unterminated_quotes_say_where_they_opened() {
    let e = error("curl 'wss://h/ \\\n  -H \"x");
    assert_eq!(e.kind, crate::error::Kind::Usage);
    assert_eq!(
        e.message,
        "unterminated single quote (opened at line 1, column 6)"
    );
    assert!(e.hint.is_some());
    assert_eq!(
        error("a \\\n  -H \"x\\\"").message,
        "unterminated double quote (opened at line 2, column 6)"
    );
    assert_eq!(
        error("x $'abc\\'").message,
        "unterminated $'...' string (opened at line 1, column 3)"
    );
}

#[test]
fn windows_cmd_format_is_refused() {
    let e = error("curl ^\"wss://h/^\" ^\n  -H ^\"Origin: x^\"");
    assert_eq!(
        e.message,
        "the command at line 1, column 6 is in Windows cmd format (^ escapes), which wscope \
         does not read"
    );
    assert_eq!(
        e.hint.as_deref(),
        Some("copy it as cURL (bash) instead of cURL (cmd)")
    );
    assert!(
        error("curl.exe url ^\r\n -k")
            .message
            .contains("Windows cmd")
    );
    assert_eq!(words("'^\"' a^b"), ["^\"", "a^b"]);
}

#[test]
fn expansions_are_refused_not_passed_literally() {
    assert_eq!(
        error("-H \"Authorization: Bearer $TOKEN\"").message,
        "shell expansion '$TOKEN' at line 1, column 27: wscope does not run a shell to \
         expand it"
    );
    for input in [
        "$(cat f)", "${X}", "`id`", "\"`id`\"", "\"${X}\"", "$1", "$?",
    ] {
        assert!(
            error(input).message.starts_with("shell expansion"),
            "{input}"
        );
    }
}

#[test]
fn shell_operators_are_refused() {
    let e = error("curl 'a' ;\ncurl 'b'");
    assert_eq!(
        e.message,
        "shell operator ';' at line 1, column 10: wscope reads a single curl command, not a \
         shell script"
    );
    for input in ["a | b", "a > f", "a && b", "a < f", "(a)"] {
        assert!(
            error(input).message.starts_with("shell operator"),
            "{input}"
        );
    }
    assert_eq!(words("'a;b' \"c|d\" e\\&f"), ["a;b", "c|d", "e&f"]);
}

#[test]
fn escapes_that_cannot_become_an_argument_are_refused() {
    assert!(error(r"$'a\0b'").message.contains("NUL"));
    assert!(error(r"$'\u0000'").message.contains("NUL"));
    assert!(error(r"$'\x00'").message.contains("NUL"));
    assert!(error(r"$'\cY\c@'").message.contains("NUL"));
    assert_eq!(
        error(r"ok   $'\xe9'").message,
        "the word at line 1, column 6 is not UTF-8 once its \\x or octal escapes are decoded"
    );
    assert!(error(r"$'\777'").message.contains("not UTF-8"));
    assert!(
        error(r"$'\UD800'")
            .message
            .contains("not a Unicode character")
    );
    assert!(
        error(r"$'\U110000'")
            .message
            .contains("not a Unicode character")
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    #[test]
    fn any_input_is_split_or_refused_without_panicking(input in "\\PC*|[ -~\n\\'\"$^;]*") {
        let _ = split(&input);
    }

    #[test]
    fn single_quoted_words_on_continued_lines_come_back_unchanged(
        originals in proptest::collection::vec("[^'\\x00]*", 0..6),
    ) {
        let line = originals
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(" \\\n  ");
        proptest::prop_assert_eq!(split(&line).expect("quoted"), originals);
    }
}
