//! Printing the report card on stdout as the results come, in report order: text for people
//! ([`text`]) or JSON Lines ([`json`]). A closed stdout is not an error: the probe still ends
//! with its exit status.

pub(crate) mod json;
pub(crate) mod text;

use super::catalogue::Group;
use super::verdict::{CheckResult, Tally};
use crate::error::Error;
use crate::event::{Event, Stamped};
use std::io::Write;
use std::time::{Duration, SystemTime};

/// How the card looks; decided once from the options and the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CardStyle {
    pub jsonl: bool,
    /// Colour per verdict (text only).
    pub color: bool,
}

/// The card being printed.
pub(crate) struct Card {
    style: CardStyle,
    url: String,
    group: Option<Group>,
}

impl Card {
    pub(crate) fn new(style: CardStyle, url: &str) -> Self {
        Card {
            style,
            url: url.to_string(),
            group: None,
        }
    }

    fn print(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{text}").and_then(|()| out.flush());
    }

    /// The first upgrade succeeded: what is probed, and where TCP went.
    pub(crate) fn begin(&mut self, peer: Option<&str>) {
        if !self.style.jsonl {
            self.print(&format!("{}\n", text::header(&self.url, peer)));
        }
    }

    pub(crate) fn line(&mut self, r: &CheckResult) {
        if self.style.jsonl {
            self.print(&json::check(r, SystemTime::now()));
            return;
        }
        let group = r.spec().group;
        if self.group != Some(group) {
            self.group = Some(group);
            self.print(&text::heading(group, self.style.color));
        }
        self.print(&text::line(r, self.style.color));
    }

    pub(crate) fn end(&mut self, tally: &Tally, took: Duration) {
        match self.style.jsonl {
            true => self.print(&json::summary(&self.url, tally, took, SystemTime::now())),
            false => self.print(&format!(
                "\n{}",
                text::summary(tally, took, self.style.color)
            )),
        }
    }

    /// The probe could not start (the first upgrade failed): with `--jsonl` an `error` object,
    /// as a client run writes it; the error line on stderr comes from the caller either way.
    pub(crate) fn failed(&mut self, e: &Error) {
        if self.style.jsonl {
            let ev = Stamped {
                at: SystemTime::now(),
                event: Event::Failure(e.clone()),
            };
            self.print(&crate::jsonl::to_string(&crate::render::json::line(
                &ev, false,
            )));
        }
    }
}
