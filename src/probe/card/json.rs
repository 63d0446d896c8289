//! The report card as JSON Lines (`--jsonl`): a `probe` object per check, then a
//! `probe_summary`, written as the other events are (`ts` and `type` first). Pure.

use crate::probe::verdict::{CheckResult, Tally};
use crate::render::json::{json_str, rfc3339};
use std::fmt::Write as _;
use std::time::{Duration, SystemTime};

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

/// `{"ts":..,"type":"probe","group":..,"check":..,"title":..,"section":..,"verdict":..,"observed":..,"ms":..}`
pub fn check(r: &CheckResult, at: SystemTime) -> String {
    let spec = r.spec();
    let mut o = String::with_capacity(256);
    let _ = write!(
        o,
        "{{\"ts\":\"{}\",\"type\":\"probe\",\"group\":\"{}\",\"check\":\"{}\",\"title\":",
        rfc3339(at),
        spec.group.name(),
        spec.id
    );
    json_str(&mut o, spec.title);
    let _ = write!(
        o,
        ",\"section\":\"{}\",\"verdict\":\"{}\",\"observed\":",
        spec.section,
        r.outcome.verdict.key()
    );
    json_str(&mut o, &r.outcome.observed);
    let _ = write!(o, ",\"ms\":{}}}", ms(r.took));
    o
}

/// The tally and the exit status it leads to.
pub fn summary(url: &str, t: &Tally, took: Duration, at: SystemTime) -> String {
    let mut o = String::with_capacity(192);
    let _ = write!(
        o,
        "{{\"ts\":\"{}\",\"type\":\"probe_summary\",\"url\":",
        rfc3339(at)
    );
    json_str(&mut o, url);
    let _ = write!(
        o,
        ",\"checks\":{},\"pass\":{},\"fail\":{},\"warn\":{},\"info\":{},\"skip\":{},\"exit_code\":{},\"ms\":{}}}",
        t.total(),
        t.pass,
        t.fail,
        t.warn,
        t.info,
        t.skip,
        t.failure().map_or(0, |k| k.exit_code()),
        ms(took)
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::catalogue::Check;
    use crate::probe::verdict::{Outcome, Verdict};

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
