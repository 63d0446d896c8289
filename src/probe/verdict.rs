//! The report card as data, pure: a verdict per check with what the server actually did, the
//! tally, and the exit status it leads to.

use super::catalogue::{Check, Spec};
use crate::error::Kind;
use std::time::Duration;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The server did what the RFC asks.
    Pass,
    /// The server broke a MUST.
    Fail,
    /// A SHOULD broken, or a questionable choice.
    Warn,
    /// A measured fact.
    Info,
    /// Not run; the observation says why.
    Skip,
}

impl Verdict {
    /// As printed on the card.
    pub(crate) fn word(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
            Verdict::Warn => "WARN",
            Verdict::Info => "INFO",
            Verdict::Skip => "SKIP",
        }
    }

    /// As written in JSON Lines.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Warn => "warn",
            Verdict::Info => "info",
            Verdict::Skip => "skip",
        }
    }
}

/// A verdict and what the server did (status, close code, timing), in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub verdict: Verdict,
    pub observed: String,
}

impl Outcome {
    pub(crate) fn new(verdict: Verdict, observed: impl Into<String>) -> Self {
        Outcome {
            verdict,
            observed: observed.into(),
        }
    }

    pub(crate) fn pass(observed: impl Into<String>) -> Self {
        Self::new(Verdict::Pass, observed)
    }

    pub(crate) fn fail(observed: impl Into<String>) -> Self {
        Self::new(Verdict::Fail, observed)
    }

    pub(crate) fn warn(observed: impl Into<String>) -> Self {
        Self::new(Verdict::Warn, observed)
    }

    pub(crate) fn info(observed: impl Into<String>) -> Self {
        Self::new(Verdict::Info, observed)
    }

    pub(crate) fn skip(observed: impl Into<String>) -> Self {
        Self::new(Verdict::Skip, observed)
    }
}

/// One line of the report card.
#[derive(Debug, Clone)]
pub(crate) struct CheckResult {
    pub check: Check,
    pub outcome: Outcome,
    /// How long the check took, connections included.
    pub took: Duration,
}

impl CheckResult {
    pub(crate) fn spec(&self) -> &'static Spec {
        self.check.spec()
    }
}

/// How many checks came out which way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    pub pass: usize,
    pub fail: usize,
    pub warn: usize,
    pub info: usize,
    pub skip: usize,
}

impl Tally {
    pub(crate) fn add(&mut self, verdict: Verdict) {
        let n = match verdict {
            Verdict::Pass => &mut self.pass,
            Verdict::Fail => &mut self.fail,
            Verdict::Warn => &mut self.warn,
            Verdict::Info => &mut self.info,
            Verdict::Skip => &mut self.skip,
        };
        *n += 1;
    }

    pub(crate) fn total(&self) -> usize {
        self.pass + self.fail + self.warn + self.info + self.skip
    }

    /// The exit status's kind: a FAIL means a MUST was broken; warnings do not count.
    pub(crate) fn failure(&self) -> Option<Kind> {
        (self.fail > 0).then_some(Kind::Nonconformant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_fail_makes_the_exit_status() {
        let mut t = Tally::default();
        for v in [Verdict::Pass, Verdict::Warn, Verdict::Info, Verdict::Skip] {
            t.add(v);
        }
        assert_eq!((t.total(), t.failure()), (4, None));
        t.add(Verdict::Fail);
        assert_eq!(t.failure(), Some(Kind::Nonconformant));
        assert_eq!(t.failure().map(Kind::exit_code), Some(14));
    }
}
