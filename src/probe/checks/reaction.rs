//! How a connection stood when a check stopped watching it: the server's Close (code, reason,
//! how soon), the end of TCP without one, or still open. Pure; worded for the report card (as
//! the server sent it: the renderers escape).

use crate::probe::seen::{End, Seen};
use crate::units::{ms, secs};
use crate::wire::frame::close_code_meaning;
use std::fmt;
use std::time::{Duration, Instant};

/// How the server ended (or did not end) the connection after something was sent at `since`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reaction {
    /// A Close frame (with its code, if it had one).
    Closed {
        code: Option<u16>,
        reason: String,
        after: Duration,
    },
    /// TCP ended without a Close frame.
    Dropped { end: End, after: Duration },
    /// Neither, within the wait.
    Open { waited: Duration },
}

impl Reaction {
    pub(crate) fn of(seen: &Seen, since: Instant, waited: Duration) -> Self {
        if let Some(c) = &seen.close {
            return Reaction::Closed {
                code: c.code,
                reason: c.reason.clone(),
                after: c.at.saturating_duration_since(since),
            };
        }
        match &seen.end {
            Some((end, at)) => Reaction::Dropped {
                end: end.clone(),
                after: at.saturating_duration_since(since),
            },
            None => Reaction::Open { waited },
        }
    }
}

/// `Close 1002 (protocol error) "reason"`, or `Close without a code`.
pub(crate) fn close_words(code: Option<u16>, reason: &str) -> String {
    let mut s = match code {
        Some(c) => format!("Close {c} ({})", close_code_meaning(c)),
        None => "Close without a code".to_string(),
    };
    if !reason.is_empty() {
        s.push_str(&format!(" \"{reason}\""));
    }
    s
}

impl fmt::Display for Reaction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reaction::Closed {
                code,
                reason,
                after,
            } => write!(f, "{} in {}", close_words(*code, reason), ms(*after)),
            Reaction::Dropped {
                end: End::Closed,
                after,
            } => write!(f, "TCP closed without a Close frame in {}", ms(*after)),
            Reaction::Dropped {
                end: End::Failed(why),
                after,
            } => write!(
                f,
                "TCP failed without a Close frame in {} ({why})",
                ms(*after)
            ),
            Reaction::Open { waited } => write!(f, "still open after {}", secs(*waited)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::seen::CloseFrame;

    #[test]
    fn a_close_comes_before_the_end_of_tcp() {
        let t0 = Instant::now();
        let mut seen = Seen::default();
        let wait = Duration::from_secs(3);
        assert_eq!(
            Reaction::of(&seen, t0, wait),
            Reaction::Open { waited: wait }
        );
        assert_eq!(
            Reaction::of(&seen, t0, wait).to_string(),
            "still open after 3.0s"
        );
        seen.end = Some((End::Closed, t0));
        assert!(
            Reaction::of(&seen, t0, wait)
                .to_string()
                .starts_with("TCP closed without")
        );
        seen.close = Some(CloseFrame {
            code: Some(1007),
            reason: "bad\x1b".into(),
            at: t0,
        });
        let r = Reaction::of(&seen, t0, wait);
        assert_eq!(
            r.to_string(),
            "Close 1007 (invalid payload data) \"bad\x1b\" in 0.0 ms"
        );
    }
}
