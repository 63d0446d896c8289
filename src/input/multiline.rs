//! Messages over several lines in the REPL: a bracketed paste of several lines is one message,
//! and a JSON value left open at the end of a line (a brace or bracket not yet closed) goes on
//! over the next lines, read under a continuation prompt, until it is whole. With `--proto`, an
//! entry the protocol says is open in its own grammar (a GraphQL document with a brace not yet
//! closed) goes on the same way, and is sent as typed once it closes. Pure.

use crate::display::json::{Layout, layout};
use serde::de::IgnoredAny;

/// What the lines read so far make.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Gathered {
    /// A whole entry, for the command parser.
    Done(String),
    /// A JSON value still open: read another line.
    More,
    /// A JSON value over several lines that is not valid; nothing is sent.
    Bad(String),
}

/// Where a JSON text stands.
enum Json {
    /// One whole value, with only white space around it.
    Whole,
    /// A valid beginning of a value.
    Open,
    /// Not JSON, or a value with more after it: where and why.
    Not(serde_json::Error),
}

fn judge(text: &str) -> Json {
    match serde_json::from_str::<IgnoredAny>(text) {
        Ok(_) => Json::Whole,
        Err(e) if e.is_eof() => Json::Open,
        Err(e) => Json::Not(e),
    }
}

/// Whether a text that is not JSON is left open in a protocol's grammar (more lines to come).
pub(crate) type OpenEntry = fn(&str) -> bool;

/// Gathers the lines of one entry.
#[derive(Debug, Default)]
pub(crate) struct Gatherer {
    /// The lines of an open entry so far, each ending in a newline.
    open: String,
    /// The whole of the last entry as typed, for the history.
    typed: String,
    /// The protocol's judge of entries that are not JSON (`--proto`).
    document: Option<OpenEntry>,
}

impl Gatherer {
    /// A gatherer that also continues what `document` says is open (a protocol's entries).
    pub(crate) fn with_documents(document: Option<OpenEntry>) -> Self {
        Gatherer {
            document,
            ..Gatherer::default()
        }
    }

    /// What an unfinished entry is called (for "unfinished … dropped").
    pub(crate) fn unfinished(&self) -> &'static str {
        match self.document {
            Some(_) => "entry",
            None => "JSON",
        }
    }

    /// Whether a JSON value is open (the next line is a continuation).
    pub(crate) fn continuing(&self) -> bool {
        !self.open.is_empty()
    }

    /// Drops an open value (Ctrl-C); returns whether there was one.
    pub(crate) fn drop_open(&mut self) -> bool {
        let had = self.continuing();
        self.open.clear();
        had
    }

    /// The last entry [`Self::feed`] finished, as it was typed (over several lines, when it
    /// was): what the history keeps, so that Up recalls it whole.
    pub(crate) fn typed(&self) -> &str {
        &self.typed
    }

    /// Takes what the line editor returned: one typed line, or several when they were pasted.
    pub(crate) fn feed(&mut self, line: &str) -> Gathered {
        if self.open.is_empty() {
            let got = self.first(line);
            if got != Gathered::More {
                self.typed = line.strip_suffix('\n').unwrap_or(line).to_string();
            }
            return got;
        }
        self.open.push_str(line);
        self.open.push('\n');
        let judged = judge(&self.open);
        let document_open = matches!(judged, Json::Not(_)) && self.document_open(&self.open);
        if matches!(judged, Json::Open) || document_open {
            return Gathered::More;
        }
        self.open.pop();
        self.typed = std::mem::take(&mut self.open);
        match judged {
            Json::Open => Gathered::More,
            Json::Whole => Gathered::Done(compact(&self.typed)),
            // The protocol judges its own entries when they run.
            Json::Not(_) if self.document.is_some() => Gathered::Done(self.typed.clone()),
            Json::Not(e) => Gathered::Bad(format!(
                "not valid JSON at line {}, column {}: {}; nothing sent (Up recalls it)",
                e.line(),
                e.column(),
                reason(&e)
            )),
        }
    }

    fn first(&mut self, line: &str) -> Gathered {
        // A paste that ends with a newline: the newline only ended the last line.
        let line = line.strip_suffix('\n').unwrap_or(line);
        let starts_json = matches!(line.trim_start().chars().next(), Some('{' | '['));
        if starts_json {
            match judge(line) {
                Json::Whole if line.contains('\n') => return Gathered::Done(compact(line)),
                Json::Whole => return Gathered::Done(line.to_string()),
                Json::Open => {
                    self.open = format!("{line}\n");
                    return Gathered::More;
                }
                Json::Not(_) => {}
            }
        }
        if self.document_open(line) {
            self.open = format!("{line}\n");
            return Gathered::More;
        }
        // One line as typed, or text that only looks like JSON: sent as it is.
        Gathered::Done(line.to_string())
    }

    fn document_open(&self, text: &str) -> bool {
        self.document.is_some_and(|open| open(text))
    }
}

/// A whole value over several lines, sent compact (as `--input json` does).
fn compact(text: &str) -> String {
    layout(text.as_bytes(), Layout::default()).unwrap_or_else(|| text.trim().to_string())
}

/// serde_json's message without its own " at line L column C".
fn reason(e: &serde_json::Error) -> String {
    let full = e.to_string();
    match full.rfind(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed_all(lines: &[&str]) -> Vec<Gathered> {
        let mut g = Gatherer::default();
        lines.iter().map(|l| g.feed(l)).collect()
    }

    #[test]
    fn plain_lines_and_one_line_json_are_sent_as_typed() {
        for line in [
            "hello",
            r#"{"a": 1}"#,
            "[1, 2]",
            "{not json",
            "  {\"a\":1} tail",
        ] {
            assert_eq!(feed_all(&[line]), [Gathered::Done(line.into())], "{line}");
        }
    }

    #[test]
    fn an_open_value_continues_until_it_closes_and_goes_compact() {
        let got = feed_all(&["{", r#"  "op": "sub","#, "", r#"  "args": ["a", "b"]"#, "}"]);
        assert_eq!(
            got[..4],
            [
                Gathered::More,
                Gathered::More,
                Gathered::More,
                Gathered::More
            ]
        );
        assert_eq!(
            got[4],
            Gathered::Done(r#"{"op":"sub","args":["a","b"]}"#.into())
        );
        let mut g = Gatherer::default();
        for line in ["[", " 1", "]"] {
            g.feed(line);
        }
        assert_eq!(g.typed(), "[\n 1\n]", "the history keeps it as typed");
        g.feed("{bad");
        assert_eq!(g.typed(), "{bad");
    }

    #[test]
    fn a_pasted_block_is_one_message() {
        assert_eq!(
            feed_all(&["line one\nline two\n"]),
            [Gathered::Done("line one\nline two".into())]
        );
        assert_eq!(
            feed_all(&["{\n  \"a\": [1,\n 2]\n}\n"]),
            [Gathered::Done(r#"{"a":[1,2]}"#.into())]
        );
        // A paste that stops inside a value goes on under the continuation prompt.
        assert_eq!(
            feed_all(&["[\n  1,\n", "2]"]),
            [Gathered::More, Gathered::Done("[1,2]".into())]
        );
    }

    #[test]
    fn a_broken_continuation_says_where_and_sends_nothing() {
        let mut g = Gatherer::default();
        assert_eq!(g.feed("{"), Gathered::More);
        assert_eq!(g.feed(r#"  "a": 1"#), Gathered::More);
        let Gathered::Bad(why) = g.feed("  oops") else {
            panic!("a syntax error")
        };
        assert!(
            why.starts_with("not valid JSON at line 3, column 3: expected"),
            "{why}"
        );
        assert!(!g.continuing(), "back to the main prompt");
        assert_eq!(g.feed("next"), Gathered::Done("next".into()));
        assert_eq!(g.feed("[1,"), Gathered::More);
        assert_eq!(
            g.feed("2] extra"),
            Gathered::Bad(
                "not valid JSON at line 2, column 4: trailing characters; nothing sent (Up recalls it)"
                    .into()
            )
        );
    }

    /// Open while a brace is: a stand-in for a protocol's judge.
    fn braces_open(text: &str) -> bool {
        text.matches('{').count() > text.matches('}').count()
    }

    #[test]
    fn a_protocol_entry_left_open_goes_on_and_is_sent_as_typed() {
        let mut g = Gatherer::with_documents(Some(braces_open));
        assert_eq!(g.unfinished(), "entry");
        // Not JSON from its first line, or once a line makes it so.
        for first in ["subscription {", "{"] {
            assert_eq!(g.feed(first), Gathered::More, "{first}");
            assert_eq!(g.feed("  count(to: 3)"), Gathered::More);
            assert_eq!(
                g.feed("}"),
                Gathered::Done(format!("{first}\n  count(to: 3)\n}}"))
            );
            assert_eq!(g.typed(), format!("{first}\n  count(to: 3)\n}}"));
        }
        // The JSON form over several lines still goes compact; a closed entry is not judged.
        assert_eq!(g.feed(r#"{"query":"#), Gathered::More);
        assert_eq!(
            g.feed(r#""{ hello }"}"#),
            Gathered::Done(r#"{"query":"{ hello }"}"#.into())
        );
        assert_eq!(g.feed("{ hello }"), Gathered::Done("{ hello }".into()));
        assert_eq!(g.feed("[1,"), Gathered::More);
        assert_eq!(g.feed("2] x"), Gathered::Done("[1,\n2] x".into()));
        assert_eq!(Gatherer::default().unfinished(), "JSON");
    }

    #[test]
    fn ctrl_c_drops_an_open_value() {
        let mut g = Gatherer::default();
        assert!(!g.drop_open());
        g.feed("{");
        assert!(g.continuing());
        assert!(g.drop_open());
        assert_eq!(g.feed("x"), Gathered::Done("x".into()));
    }
}
