//! Auto-reply rules (`--reply 'MATCH=>RESPONSE'`): a received message that matches is answered
//! with RESPONSE. MATCH says what it is: `jq:FILTER` a jq filter, `text:TEXT` the whole text,
//! whatever it starts with; without a prefix it is the whole text, except that a MATCH starting
//! with `.` or `select(` is a jq filter (the spelling before the prefixes existed). MATCH ends at
//! the first `=>`; `\=>` puts one in it (and `\\=>` ends it with a backslash).
//! Two peers' rules can answer each other for ever, so each rule is rate-limited: past
//! [`BURST`] replies at once and [`PER_SECOND`] sustained, replies are dropped and said so.
//! Pure: the caller passes the time.

use crate::display::filter::{Filter, Output};
use crate::error::Error;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Replies a rule may send at once.
pub(crate) const BURST: f64 = 20.0;
/// Replies a rule may send per second, sustained.
pub(crate) const PER_SECOND: f64 = 20.0;

/// What a rule matches.
pub(crate) enum Matcher {
    /// The message's text, exactly.
    Literal(String),
    /// A jq expression: it matches when it yields anything but `false` or `null`.
    Jq(Box<Filter>),
}

/// One `--reply` rule.
pub(crate) struct Rule {
    pub matcher: Matcher,
    pub response: String,
    /// The rule as given, for messages.
    pub text: String,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Rule({:?})", self.text)
    }
}

impl Rule {
    /// Parses `MATCH=>RESPONSE`, MATCH as `jq:FILTER`, `text:TEXT` or a bare MATCH.
    pub(crate) fn parse(arg: &str) -> Result<Rule, Error> {
        let (prefix, rest) = match (arg.strip_prefix(JQ), arg.strip_prefix(TEXT)) {
            (Some(rest), _) => (Some(JQ), rest),
            (None, Some(rest)) => (Some(TEXT), rest),
            (None, None) => (None, arg),
        };
        let Some((pattern, response)) = split_rule(rest) else {
            return Err(Error::usage(format!(
                "--reply '{arg}' needs the form 'MATCH=>RESPONSE' (MATCH: the whole text, jq:FILTER or text:TEXT)"
            )));
        };
        let jq = match prefix {
            Some(p) => p == JQ,
            None => pattern.starts_with('.') || pattern.starts_with("select("),
        };
        let matcher = if jq {
            let filter = Filter::compile(&pattern)
                .map_err(|e| Error::usage(format!("--reply '{arg}': {e}")))?;
            Matcher::Jq(Box::new(filter))
        } else {
            Matcher::Literal(pattern)
        };
        Ok(Rule {
            matcher,
            response: response.to_string(),
            text: arg.to_string(),
        })
    }

    fn matches(&self, message: &[u8]) -> bool {
        match &self.matcher {
            Matcher::Literal(text) => message == text.as_bytes(),
            Matcher::Jq(filter) => filter.run(message).is_ok_and(|mut outputs| {
                outputs.any(|o| match o {
                    Ok(Output::Json(v)) => v != "false" && v != "null",
                    Ok(Output::Text(_)) => true,
                    Err(_) => false,
                })
            }),
        }
    }
}

/// The prefix that makes MATCH a jq filter.
const JQ: &str = "jq:";
/// The prefix that makes MATCH the whole text, whatever it starts with.
const TEXT: &str = "text:";

/// MATCH and RESPONSE: MATCH ends at the first `=>` that an odd run of backslashes does not
/// escape; the run before a `=>` is halved (`\=>` is `=>` in MATCH, `\\=>` a backslash and
/// the end). Other backslashes are kept as they are.
fn split_rule(rule: &str) -> Option<(String, &str)> {
    let mut pattern = String::new();
    let mut rest = rule;
    loop {
        let at = rest.find("=>")?;
        let before = &rest[..at];
        let run = before.len() - before.trim_end_matches('\\').len();
        pattern.push_str(&before[..at - run]);
        pattern.extend(std::iter::repeat_n('\\', run / 2));
        if run % 2 == 0 {
            return Some((pattern, &rest[at + 2..]));
        }
        pattern.push_str("=>");
        rest = &rest[at + 2..];
    }
}

/// What to do about one received message.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Answer {
    Nothing,
    /// Send this, the response of the rule numbered `rule` (from 1).
    Send {
        rule: usize,
        response: String,
    },
    /// The rule matched but is over its rate; say so (once per second at most).
    Limited {
        rule: usize,
        say: bool,
    },
}

/// The rules with their rate limits.
pub(crate) struct Replies {
    rules: Arc<Vec<Rule>>,
    buckets: Vec<Bucket>,
}

/// A token bucket.
struct Bucket {
    tokens: f64,
    at: Instant,
    said_at: Option<Instant>,
}

impl Replies {
    pub(crate) fn new(rules: Arc<Vec<Rule>>, now: Instant) -> Self {
        let buckets = rules
            .iter()
            .map(|_| Bucket {
                tokens: BURST,
                at: now,
                said_at: None,
            })
            .collect();
        Replies { rules, buckets }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The first rule that matches `message` decides.
    pub(crate) fn answer(&mut self, message: &[u8], now: Instant) -> Answer {
        let Some(i) = self.rules.iter().position(|r| r.matches(message)) else {
            return Answer::Nothing;
        };
        let (rule, bucket) = (&self.rules[i], &mut self.buckets[i]);
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * PER_SECOND).min(BURST);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            return Answer::Send {
                rule: i + 1,
                response: rule.response.clone(),
            };
        }
        let say = bucket
            .said_at
            .is_none_or(|t| now.saturating_duration_since(t) >= Duration::from_secs(1));
        if say {
            bucket.said_at = Some(now);
        }
        Answer::Limited { rule: i + 1, say }
    }

    /// The rule numbered `rule` (from 1), as given.
    pub(crate) fn describe(&self, rule: usize) -> &str {
        self.rules
            .get(rule.wrapping_sub(1))
            .map_or("", |r| r.text.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replies(args: &[&str]) -> Replies {
        let rules = args
            .iter()
            .map(|a| Rule::parse(a).expect("valid"))
            .collect();
        Replies::new(Arc::new(rules), Instant::now())
    }

    #[test]
    fn literal_and_jq_rules_match_what_they_say() {
        let now = Instant::now();
        let mut r = replies(&[
            "ping=>pong",
            r#"select(.type == "ping")=>{"type":"pong"}"#,
            ".ok=>yes",
        ]);
        let send = |rule, response: &str| Answer::Send {
            rule,
            response: response.to_string(),
        };
        assert_eq!(r.answer(b"ping", now), send(1, "pong"));
        assert_eq!(r.answer(b"ping ", now), Answer::Nothing);
        assert_eq!(
            r.answer(br#"{"type":"ping"}"#, now),
            send(2, r#"{"type":"pong"}"#)
        );
        assert_eq!(r.answer(br#"{"type":"trade"}"#, now), Answer::Nothing);
        assert_eq!(r.answer(br#"{"ok":true}"#, now), send(3, "yes"));
        assert_eq!(r.answer(br#"{"ok":false}"#, now), Answer::Nothing);
        assert_eq!(r.answer(b"not json", now), Answer::Nothing);
    }

    #[test]
    fn a_rule_answering_in_a_loop_is_bounded_and_said_once_a_second() {
        let t0 = Instant::now();
        let mut r = replies(&["x=>x"]);
        let mut round = |at| {
            let answers: Vec<Answer> = (0..100).map(|_| r.answer(b"x", at)).collect();
            let sent = answers
                .iter()
                .filter(|a| matches!(a, Answer::Send { .. }))
                .count();
            let said = answers
                .iter()
                .filter(|a| matches!(a, Answer::Limited { say: true, .. }))
                .count();
            (sent, said)
        };
        assert_eq!(round(t0), (BURST as usize, 1));
        assert_eq!(round(t0 + Duration::from_millis(500)), (10, 0));
        assert_eq!(round(t0 + Duration::from_millis(1100)), (12, 1));
    }

    #[test]
    fn rules_are_checked_when_given() {
        assert!(Rule::parse("no arrow").is_err());
        let e = Rule::parse(".a |=> x").expect_err("bad jq");
        assert!(e.message.contains("--reply"), "{}", e.message);
        assert!(Rule::parse("=>empty match is literal").is_ok());
    }

    #[test]
    fn prefixes_say_what_match_is() {
        let now = Instant::now();
        let mut r = replies(&[
            "text:.hello=>literal dot",
            "text:select(x)=>literal select",
            "jq:.type == \"ping\"=>jq",
            "text:jq:x=>literal prefix",
            "jq:.=>any json",
        ]);
        let send = |rule, response: &str| Answer::Send {
            rule,
            response: response.to_string(),
        };
        assert_eq!(r.answer(b".hello", now), send(1, "literal dot"));
        assert_eq!(r.answer(b"select(x)", now), send(2, "literal select"));
        assert_eq!(r.answer(br#"{"type":"ping"}"#, now), send(3, "jq"));
        assert_eq!(r.answer(b"jq:x", now), send(4, "literal prefix"));
        assert_eq!(r.answer(b"[1]", now), send(5, "any json"));
        assert_eq!(r.answer(b"not json", now), Answer::Nothing);
        assert!(
            Rule::parse("jq:.a |=> x").is_err(),
            "a jq: MATCH is compiled"
        );
    }

    #[test]
    fn any_text_can_be_matched_literally() {
        let parsed = |arg: &str| {
            let rule = Rule::parse(arg).expect("valid");
            match rule.matcher {
                Matcher::Literal(m) => (m, rule.response),
                Matcher::Jq(_) => panic!("{arg} is literal"),
            }
        };
        let pair = |m: &str, r: &str| (m.to_string(), r.to_string());
        assert_eq!(parsed("a=>b=>c"), pair("a", "b=>c"));
        assert_eq!(parsed(r"text:a\=>b=>c"), pair("a=>b", "c"));
        assert_eq!(parsed(r"text:a\\=>b"), pair(r"a\", "b"));
        assert_eq!(parsed(r"text:a\\\=>b=>c"), pair(r"a\=>b", "c"));
        assert_eq!(parsed(r"C:\dir\x=>y"), pair(r"C:\dir\x", "y"));
        assert_eq!(parsed("text:=>empty"), pair("", "empty"));
        assert!(Rule::parse(r"text:a\=>b").is_err(), "no separator left");
    }
}
