//! The report card for people: a heading per group, one line per check (verdict, title, RFC
//! section, what the server did), a tally at the end. Colour per verdict when `--color`
//! allows; whatever the server said is escaped. Pure.

use crate::probe::catalogue::{Group, Section, TITLE_WIDTH};
use crate::probe::verdict::{CheckResult, Tally, Verdict};
use crate::render::escape::escape_terminal;
use crate::render::text::{dim, paint};
use colored::Color;
use std::time::Duration;

/// The section as the card shows it: `§5.5.3` for RFC 6455, `7692 §7` for the other.
fn section(s: &Section) -> String {
    match s.rfc {
        6455 => s.section.to_string(),
        rfc => format!("{rfc} {}", s.section),
    }
}

const SECTION_WIDTH: usize = 9;

fn verdict(v: Verdict, color: bool) -> String {
    let word = v.word();
    match v {
        Verdict::Pass => paint(word, Color::Green, color),
        Verdict::Fail => paint(word, Color::BrightRed, color),
        Verdict::Warn => paint(word, Color::Yellow, color),
        Verdict::Info => paint(word, Color::Cyan, color),
        Verdict::Skip => dim(word, color),
    }
}

/// The first line: what is probed, and where TCP went.
pub(crate) fn header(url: &str, peer: Option<&str>) -> String {
    match peer {
        Some(p) => format!("wscope probe {url} ({p})"),
        None => format!("wscope probe {url}"),
    }
}

/// A group's heading.
pub(crate) fn heading(group: Group, color: bool) -> String {
    let name = group.name();
    if color {
        paint(name, Color::BrightWhite, true)
    } else {
        name.to_string()
    }
}

/// One check's line.
pub(crate) fn line(r: &CheckResult, color: bool) -> String {
    let spec = r.spec();
    let observed = escape_terminal(&r.outcome.observed).replace('\n', "\\n");
    format!(
        "  {}  {:<tw$}  {:<sw$}  {observed}",
        verdict(r.outcome.verdict, color),
        spec.title,
        section(&spec.section),
        tw = TITLE_WIDTH,
        sw = SECTION_WIDTH,
    )
}

/// The tally, and what it means for the exit status.
pub(crate) fn summary(t: &Tally, took: Duration, color: bool) -> String {
    let counts = [
        (t.pass, Verdict::Pass),
        (t.fail, Verdict::Fail),
        (t.warn, Verdict::Warn),
        (t.info, Verdict::Info),
        (t.skip, Verdict::Skip),
    ]
    .iter()
    .map(|(n, v)| format!("{n} {}", v.key()))
    .collect::<Vec<_>>()
    .join(", ");
    let noun = if t.total() == 1 { "check" } else { "checks" };
    let mut s = format!(
        "{} {noun} in {:.2}s: {counts}",
        t.total(),
        took.as_secs_f64()
    );
    if let Some(kind) = t.failure() {
        let what = format!(
            "\nthe server broke {} MUST of RFC 6455/7692 (exit status {})",
            if t.fail == 1 { "a" } else { "more than one" },
            kind.exit_code()
        );
        s.push_str(&paint(&what, Color::BrightRed, color));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::catalogue::Check;
    use crate::probe::verdict::Outcome;

    #[test]
    fn lines_line_up_and_escape_what_the_server_said() {
        let r = CheckResult {
            check: Check::CloseEcho,
            outcome: Outcome::warn("Close 1000 \"bye\x1b[2J\nnext\""),
            took: Duration::ZERO,
        };
        let l = line(&r, false);
        assert_eq!(
            l,
            format!(
                "  WARN  {:<36}  §5.5.1     Close 1000 \"bye\\x1b[2J\\nnext\"",
                "Close 4000 answered with 4000"
            )
        );
        let d = CheckResult {
            check: Check::Deflate,
            outcome: Outcome::pass("ok"),
            took: Duration::ZERO,
        };
        assert!(
            line(&d, false).contains("  7692 §7    ok"),
            "{}",
            line(&d, false)
        );
    }

    #[test]
    fn the_summary_says_when_a_must_was_broken() {
        let mut t = Tally::default();
        t.add(Verdict::Pass);
        assert_eq!(
            summary(&t, Duration::from_millis(1500), false),
            "1 check in 1.50s: 1 pass, 0 fail, 0 warn, 0 info, 0 skip"
        );
        t.add(Verdict::Fail);
        assert!(summary(&t, Duration::ZERO, false).ends_with("(exit status 14)"));
    }
}
