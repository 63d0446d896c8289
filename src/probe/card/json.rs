//! The report card as JSON Lines (`--jsonl`): a `probe` line per check, then a
//! `probe_summary`, in the one schema (`jsonl`) the other events are written in. Pure.

use crate::jsonl::{self, Body, Line, Timestamp};
use crate::probe::verdict::{CheckResult, Tally, Verdict};
use std::time::{Duration, SystemTime};

/// One check's line.
pub(crate) fn check(r: &CheckResult, at: SystemTime) -> String {
    let spec = r.spec();
    line(
        at,
        Body::Probe(jsonl::Probe {
            group: spec.group.name().to_string(),
            check: spec.id.to_string(),
            title: spec.title.to_string(),
            section: spec.section.to_string(),
            verdict: verdict(r.outcome.verdict),
            observed: r.outcome.observed.clone(),
            ms: r.took.into(),
        }),
    )
}

/// The tally and the exit status it leads to.
pub(crate) fn summary(url: &str, t: &Tally, took: Duration, at: SystemTime) -> String {
    line(
        at,
        Body::ProbeSummary(jsonl::ProbeSummary {
            url: url.to_string(),
            checks: t.total(),
            pass: t.pass,
            fail: t.fail,
            warn: t.warn,
            info: t.info,
            skip: t.skip,
            exit_code: t.failure().map_or(0, |k| k.exit_code()),
            ms: took.into(),
        }),
    )
}

fn line(at: SystemTime, body: Body<'_>) -> String {
    jsonl::to_string(&Line {
        ts: Timestamp::new(at),
        body,
    })
}

fn verdict(v: Verdict) -> jsonl::Verdict {
    match v {
        Verdict::Pass => jsonl::Verdict::Pass,
        Verdict::Fail => jsonl::Verdict::Fail,
        Verdict::Warn => jsonl::Verdict::Warn,
        Verdict::Info => jsonl::Verdict::Info,
        Verdict::Skip => jsonl::Verdict::Skip,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::catalogue::Check;
    use crate::probe::verdict::Outcome;

    #[test]
    fn one_object_per_check_and_a_summary() {
        let r = CheckResult {
            check: Check::InvalidUtf8Text,
            outcome: Outcome::pass("Close 1007 \"bad \\\"utf8\\\"\""),
            took: Duration::from_micros(1500),
        };
        let at = SystemTime::UNIX_EPOCH;
        let line = check(&r, at);
        let v: serde_json::Value = serde_json::from_str(&line).expect("json");
        assert_eq!(v["type"], "probe");
        assert_eq!(v["check"], "invalid-utf8-text");
        assert_eq!(v["group"], "violations");
        assert_eq!(v["section"], "RFC 6455 §8.1");
        assert_eq!(v["verdict"], "pass");
        assert_eq!(v["observed"], "Close 1007 \"bad \\\"utf8\\\"\"");
        assert_eq!(v["ms"], 1.5);
        let mut t = Tally::default();
        t.add(Verdict::Fail);
        let s: serde_json::Value =
            serde_json::from_str(&summary("ws://h/", &t, Duration::ZERO, at)).expect("json");
        assert_eq!(
            (s["fail"].as_u64(), s["exit_code"].as_u64()),
            (Some(1), Some(14))
        );
    }
}
