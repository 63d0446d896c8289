//! Auto-reply rules (`--reply 'MATCH=>RESPONSE'`): a received message that matches (the whole
//! text, or a jq expression when MATCH starts with `.` or `select(`) is answered with RESPONSE.
//! Two peers' rules can answer each other for ever, so each rule is rate-limited: past
//! [`BURST`] replies at once and [`PER_SECOND`] sustained, replies are dropped and said so.
//! Pure: the caller passes the time.

use crate::display::filter::{Filter, Output};
use crate::error::Error;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Replies a rule may send at once.
pub const BURST: f64 = 20.0;
/// Replies a rule may send per second, sustained.
pub const PER_SECOND: f64 = 20.0;

/// What a rule matches.
pub enum Matcher {
    /// The message's text, exactly.
    Literal(String),
    /// A jq expression: it matches when it yields anything but `false` or `null`.
    Jq(Box<Filter>),
}

/// One `--reply` rule.
pub struct Rule {
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
    /// Parses `MATCH=>RESPONSE`.
    pub fn parse(arg: &str) -> Result<Rule, Error> {
        let Some((pattern, response)) = arg.split_once("=>") else {
            return Err(Error::usage(format!(
                "--reply '{arg}' needs the form 'MATCH=>RESPONSE'"
            )));
        };
        let matcher = if pattern.starts_with('.') || pattern.starts_with("select(") {
            let filter = Filter::compile(pattern)
                .map_err(|e| Error::usage(format!("--reply '{arg}': {e}")))?;
            Matcher::Jq(Box::new(filter))
        } else {
            Matcher::Literal(pattern.to_string())
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

/// What to do about one received message.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
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
pub struct Replies {
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
    pub fn new(rules: Arc<Vec<Rule>>, now: Instant) -> Self {
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

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The first rule that matches `message` decides.
    pub fn answer(&mut self, message: &[u8], now: Instant) -> Answer {
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
    pub fn describe(&self, rule: usize) -> &str {
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
}
