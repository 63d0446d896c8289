//! Pointing at a position in what the user typed (a filter expression, the JSON of `/json`):
//! its line and column, and the message with the line and a caret under the column.

/// The 1-based line and column (in characters) of a byte offset into `text`.
pub(crate) fn locate(text: &str, offset: usize) -> (usize, usize) {
    let before = text
        .as_bytes()
        .get(..offset.min(text.len()))
        .unwrap_or_default();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    // Characters, not bytes: count the bytes that start a UTF-8 sequence.
    let column = 1 + before
        .get(line_start..)
        .unwrap_or_default()
        .iter()
        .filter(|&&b| (b & 0xC0) != 0x80)
        .count();
    (line, column)
}

/// The line of `text` that holds the byte `offset`, control characters shown as spaces (so
/// the caret under it stays in its column and nothing typed can drive the terminal).
pub(crate) fn source_line(text: &str, offset: usize) -> String {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line_end = text
        .get(line_start..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |i| line_start + i);
    text.get(line_start..line_end)
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// `NAME: error at [line L, ]column C: MESSAGE`, then the source line and a caret under the
/// column, each indented by two spaces.
pub(crate) fn pointed(
    name: &str,
    line: usize,
    column: usize,
    message: &str,
    source: &str,
) -> String {
    let at = if line > 1 {
        format!("line {line}, column {column}")
    } else {
        format!("column {column}")
    };
    format!(
        "{name}: error at {at}: {message}\n  {source}\n  {:>column$}",
        "^"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_and_lines() {
        assert_eq!(locate("abc", 0), (1, 1));
        assert_eq!(locate("é☃x", "é☃".len()), (1, 3));
        assert_eq!(locate("a\nbc", 3), (2, 2));
        assert_eq!(locate("ab", 99), (1, 3));
        assert_eq!(source_line("a\nb\tc\nd", 3), "b c");
        assert_eq!(
            pointed("/json", 1, 3, "oops", "[1 2]"),
            "/json: error at column 3: oops\n  [1 2]\n    ^"
        );
        assert_eq!(
            pointed("x", 2, 1, "m", "y"),
            "x: error at line 2, column 1: m\n  y\n  ^"
        );
    }
}
