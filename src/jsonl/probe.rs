//! `wscope probe --jsonl`: a `probe` line per check and a `probe_summary`.

use super::time::Millis;
use serde::{Deserialize, Serialize};

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Verdict {
    Pass,
    Fail,
    Warn,
    Info,
    Skip,
}

/// One check of the report card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Probe {
    pub group: String,
    pub check: String,
    pub title: String,
    /// The RFC section the check is about.
    pub section: String,
    pub verdict: Verdict,
    /// What the server did, in words.
    pub observed: String,
    pub ms: Millis,
}

/// The tally and the exit status it leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ProbeSummary {
    pub url: String,
    pub checks: usize,
    pub pass: usize,
    pub fail: usize,
    pub warn: usize,
    pub info: usize,
    pub skip: usize,
    pub exit_code: u8,
    pub ms: Millis,
}
