//! `wscope replay --expect`: the messages received compared with the recorded ones, in order,
//! and the difference shown as a unified diff of messages, one line each. Pure.

use super::recording::Recorded;
use crate::event::DataKind;
use colored::Colorize;
use std::fmt::Write as _;

/// Above this many recorded × received pairs, messages are compared position by position
/// instead of by longest common subsequence (which needs that much memory).
const LCS_LIMIT: usize = 4_000_000;
/// Messages shown around each difference.
const CONTEXT: usize = 1;
/// A message longer than this is shown cut, with its size.
const SHOWN_CHARS: usize = 200;

/// One step through the two lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Same(usize, usize),
    Recorded(usize),
    Received(usize),
}

/// The difference between what was recorded and what arrived (`unkept`: how many more
/// arrived after those, not kept); `None` when they are the same.
pub(crate) fn diff(
    recorded: &[Recorded],
    received: &[Recorded],
    unkept: usize,
    color: bool,
) -> Option<String> {
    if recorded == received && unkept == 0 {
        return None;
    }
    let steps = align(recorded, received);
    let changed = steps
        .iter()
        .filter(|s| !matches!(s, Step::Same(..)))
        .count()
        + unkept;
    let mut out = format!(
        "--- recorded: {} messages\n+++ received: {} messages ({changed} lines differ)\n",
        recorded.len(),
        received.len() + unkept
    );
    for hunk in hunks(&steps) {
        let first = steps[hunk.start..hunk.end]
            .iter()
            .find_map(|s| match s {
                Step::Same(i, _) | Step::Recorded(i) => Some(i + 1),
                Step::Received(_) => None,
            })
            .unwrap_or(recorded.len() + 1);
        let _ = writeln!(out, "@@ recorded message {first} @@");
        for step in &steps[hunk] {
            let line = match *step {
                Step::Same(i, _) => format!("  {}", shown(&recorded[i])),
                Step::Recorded(i) => paint(format!("- {}", shown(&recorded[i])), color, false),
                Step::Received(j) => paint(format!("+ {}", shown(&received[j])), color, true),
            };
            out.push_str(&line);
            out.push('\n');
        }
    }
    if unkept > 0 {
        let line = format!("+ … and {unkept} more messages (not kept)");
        out.push_str(&paint(line, color, true));
        out.push('\n');
    }
    Some(out)
}

fn paint(line: String, color: bool, added: bool) -> String {
    match (color, added) {
        (false, _) => line,
        (true, true) => line.green().to_string(),
        (true, false) => line.red().to_string(),
    }
}

/// The two lists aligned on their longest common subsequence, or position by position when
/// they are too long for that.
fn align(a: &[Recorded], b: &[Recorded]) -> Vec<Step> {
    if a.len().saturating_mul(b.len()) > LCS_LIMIT {
        return by_position(a, b);
    }
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let w = b.len() + 1;
    let mut lcs = vec![0u32; (a.len() + 1) * w];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i * w + j] = if a[i] == b[j] {
                lcs[(i + 1) * w + j + 1] + 1
            } else {
                lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
            };
        }
    }
    let (mut i, mut j, mut steps) = (0, 0, Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            steps.push(Step::Same(i, j));
            (i, j) = (i + 1, j + 1);
        } else if j == b.len() || (i < a.len() && lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
            steps.push(Step::Recorded(i));
            i += 1;
        } else {
            steps.push(Step::Received(j));
            j += 1;
        }
    }
    steps
}

fn by_position(a: &[Recorded], b: &[Recorded]) -> Vec<Step> {
    let mut steps = Vec::new();
    for k in 0..a.len().max(b.len()) {
        match (a.get(k), b.get(k)) {
            (Some(x), Some(y)) if x == y => steps.push(Step::Same(k, k)),
            (x, y) => {
                steps.extend(x.map(|_| Step::Recorded(k)));
                steps.extend(y.map(|_| Step::Received(k)));
            }
        }
    }
    steps
}

/// The ranges of steps to show: each difference with `CONTEXT` steps around it, merged where
/// they touch.
fn hunks(steps: &[Step]) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    for (k, step) in steps.iter().enumerate() {
        if matches!(step, Step::Same(..)) {
            continue;
        }
        let range = k.saturating_sub(CONTEXT)..(k + 1 + CONTEXT).min(steps.len());
        match out.last_mut() {
            Some(last) if last.end >= range.start => last.end = range.end,
            _ => out.push(range),
        }
    }
    out
}

/// A message on one line: text with line breaks and control characters escaped, binary as
/// hex; long ones cut, with their size.
fn shown(m: &Recorded) -> String {
    let mut s = match m.kind {
        DataKind::Text => String::from_utf8_lossy(&m.head)
            .chars()
            .flat_map(|c| match c {
                '\n' => "\\n".chars().collect::<Vec<_>>(),
                '\r' => "\\r".chars().collect(),
                '\t' => "\\t".chars().collect(),
                c if c.is_control() => format!("\\x{:02x}", c as u32).chars().collect(),
                c => vec![c],
            })
            .collect::<String>(),
        DataKind::Binary => {
            let hex: Vec<String> = m.head.iter().map(|b| format!("{b:02x}")).collect();
            format!("binary: {}", hex.join(" "))
        }
    };
    if s.chars().count() > SHOWN_CHARS || !m.whole() {
        s = s.chars().take(SHOWN_CHARS).collect();
        let _ = write!(s, "… ({} bytes)", m.len);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(list: &[&str]) -> Vec<Recorded> {
        list.iter()
            .map(|t| Recorded::new(DataKind::Text, t.as_bytes()))
            .collect()
    }

    #[test]
    fn the_same_messages_are_no_difference() {
        assert_eq!(
            diff(&texts(&["a", "b"]), &texts(&["a", "b"]), 0, false),
            None
        );
    }

    #[test]
    fn a_changed_message_shows_with_its_neighbours() {
        let d = diff(
            &texts(&["a", "b", "c", "d", "e"]),
            &texts(&["a", "b", "C", "d", "e"]),
            0,
            false,
        )
        .expect("differs");
        assert_eq!(
            d,
            "--- recorded: 5 messages\n+++ received: 5 messages (2 lines differ)\n\
             @@ recorded message 2 @@\n  b\n- c\n+ C\n  d\n"
        );
    }

    #[test]
    fn a_missing_and_an_extra_message_align_the_rest() {
        let d =
            diff(&texts(&["a", "b", "c"]), &texts(&["b", "c", "x"]), 0, false).expect("differs");
        assert_eq!(
            d,
            "--- recorded: 3 messages\n+++ received: 3 messages (2 lines differ)\n\
             @@ recorded message 1 @@\n- a\n  b\n  c\n+ x\n"
        );
    }

    #[test]
    fn kinds_count_binary_shows_as_hex_and_text_stays_on_one_line() {
        let text = texts(&["\u{1}\n"]);
        let binary = vec![Recorded::new(DataKind::Binary, b"\x01\n")];
        let d = diff(&text, &binary, 0, false).expect("a kind differs");
        assert!(d.contains("- \\x01\\n\n+ binary: 01 0a\n"), "{d}");
    }

    #[test]
    fn long_messages_are_cut_and_long_lists_compared_by_position() {
        let long = "x".repeat(1000);
        let d = diff(&texts(&[&long]), &texts(&["y"]), 0, false).expect("differs");
        assert!(d.contains(&format!("- {}… (1000 bytes)\n", "x".repeat(SHOWN_CHARS))));
        let many: Vec<String> = (0..3000).map(|i| i.to_string()).collect();
        let mut other = many.clone();
        other[1500] = "changed".into();
        let refs = |v: &Vec<String>| texts(&v.iter().map(String::as_str).collect::<Vec<_>>());
        let d = diff(&refs(&many), &refs(&other), 0, false).expect("differs");
        assert!(
            d.contains("@@ recorded message 1500 @@\n  1499\n- 1500\n+ changed\n  1501\n"),
            "{d}"
        );
    }

    #[test]
    fn messages_beyond_what_is_kept_still_compare_and_count() {
        let big = |tail: u8| {
            let mut data = vec![b'a'; 5000];
            data.push(tail);
            Recorded::new(DataKind::Text, &data)
        };
        assert_eq!(diff(&[big(b'x')], &[big(b'x')], 0, false), None);
        let d = diff(&[big(b'x')], &[big(b'y')], 0, false).expect("the tails differ");
        assert!(
            d.contains(&format!("- {}… (5001 bytes)\n", "a".repeat(SHOWN_CHARS))),
            "{d}"
        );
        let d = diff(&texts(&["a"]), &texts(&["a"]), 3, false).expect("more arrived");
        assert_eq!(
            d,
            "--- recorded: 1 messages\n+++ received: 4 messages (3 lines differ)\n\
             + … and 3 more messages (not kept)\n"
        );
    }
}
