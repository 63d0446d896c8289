//! Frames a server must fail the connection on, each with the close code that fits (RFC 6455
//! §7.1.7: fail the connection, a Close with an appropriate code first). For each: the code the
//! server sent, or that it dropped TCP, or that it accepted the frame.

use crate::probe::catalogue::Check;
use crate::probe::checks::reaction::Reaction;
use crate::probe::context::Ctx;
use crate::probe::frames::Frame;
use crate::probe::verdict::Outcome;
use crate::wire::opcode::Opcode;
use std::time::Instant;

/// The ping sent behind a bad frame (a server that pongs it has taken the frame in its stride).
const SENTINEL: &[u8] = b"wscope-after-violation";

/// One rule broken on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Violation {
    /// The close code that fits.
    pub expect: u16,
    /// Whether closing TCP without a Close is as good (§5.1: for an unmasked frame a server
    /// MAY send a Close).
    pub drop_is_fine: bool,
    /// The rule is broken inside a Close frame: a Close in answer that carries no error code
    /// means the server took it as a normal close.
    pub in_close: bool,
}

const fn rule(expect: u16, drop_is_fine: bool, in_close: bool) -> Violation {
    Violation {
        expect,
        drop_is_fine,
        in_close,
    }
}

/// What each violation check sends, and what it expects.
pub(crate) fn violation(check: Check) -> Option<(Violation, Vec<Frame>)> {
    let text = || b"wscope".to_vec();
    Some(match check {
        Check::Unmasked => (
            rule(1002, true, false),
            vec![Frame::text("wscope").unmasked()],
        ),
        Check::ReservedOpcode => (
            rule(1002, false, false),
            vec![Frame::new(Opcode::from(0x3), text())],
        ),
        Check::ReservedControlOpcode => (
            rule(1002, false, false),
            vec![Frame::new(Opcode::from(0xB), text())],
        ),
        Check::RsvBits => (
            rule(1002, false, false),
            vec![Frame::raw(true, 0b100, Opcode::Text, text())],
        ),
        Check::FragmentedControl => (
            rule(1002, false, false),
            vec![Frame::raw(false, 0, Opcode::Ping, text())],
        ),
        Check::OversizedControl => (rule(1002, false, false), vec![Frame::ping(vec![b'x'; 126])]),
        Check::OrphanContinuation => (
            rule(1002, false, false),
            vec![Frame::new(Opcode::Continuation, text())],
        ),
        Check::InvalidUtf8Text => (
            rule(1007, false, false),
            vec![Frame::new(Opcode::Text, *b"wscope \xc3\x28")],
        ),
        Check::InvalidUtf8CloseReason => (
            rule(1007, false, true),
            vec![Frame::close(1000, b"bad \xc3\x28")],
        ),
        Check::InvalidCloseCode => (rule(1002, false, true), vec![Frame::close(1005, b"")]),
        _ => return None,
    })
}

/// Sends the bad frame (and, unless it is a Close, a ping behind it), then watches until the
/// server closes or the wait is over.
pub(crate) async fn run(ctx: &Ctx, check: Check) -> Outcome {
    let Some((rule, mut frames)) = violation(check) else {
        return Outcome::skip("not a violation check");
    };
    let mut conn = match ctx.open().await {
        Ok(c) => c,
        Err(skipped) => return skipped,
    };
    if !rule.in_close {
        frames.push(Frame::ping(SENTINEL));
    }
    let (t0, deadline) = (Instant::now(), ctx.deadline());
    let _ = conn.send(&frames, deadline).await;
    conn.watch(deadline, |_| false).await;
    let reaction = Reaction::of(&conn.seen, t0, ctx.cfg.wait);
    let ponged = conn.seen.pong(SENTINEL).is_some();
    let outcome = judge(&rule, &reaction, ponged);
    conn.finish().await;
    outcome
}

/// Error codes: a Close with one of these is the server failing the connection (1005 is
/// never on the wire: a Close that carries it echoes the invalid one sent).
fn is_error_code(code: u16) -> bool {
    !matches!(code, 1000 | 1001 | 1005)
}

/// The verdict: the fitting code passes; another error code or a bare TCP close is a SHOULD
/// missed; going on as if nothing happened breaks the MUST.
pub(crate) fn judge(rule: &Violation, reaction: &Reaction, ponged: bool) -> Outcome {
    let expect = rule.expect;
    match reaction {
        Reaction::Closed { code: Some(c), .. } if *c == expect => {
            Outcome::pass(reaction.to_string())
        }
        Reaction::Closed { code, .. } if rule.in_close && !code.is_some_and(is_error_code) => {
            Outcome::fail(format!("accepted: answered with {reaction}"))
        }
        Reaction::Closed { .. } => Outcome::warn(format!("{reaction}; {expect} expected")),
        Reaction::Dropped { .. } if rule.drop_is_fine => Outcome::pass(reaction.to_string()),
        Reaction::Dropped { .. } => {
            Outcome::warn(format!("{reaction}; a Close with {expect} expected first"))
        }
        Reaction::Open { .. } => Outcome::fail(format!(
            "accepted: {reaction}{}",
            if ponged {
                ", answering the ping sent after it"
            } else {
                ""
            }
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::catalogue::{CATALOGUE, Group};
    use crate::probe::seen::End;
    use crate::probe::verdict::Verdict::*;
    use std::time::Duration;

    fn closed(code: Option<u16>) -> Reaction {
        Reaction::Closed {
            code,
            reason: String::new(),
            after: Duration::ZERO,
        }
    }

    #[test]
    fn every_violation_check_has_its_frames() {
        for spec in CATALOGUE.iter().filter(|s| s.group == Group::Violations) {
            let (rule, frames) = violation(spec.check).expect(spec.id);
            assert!(!frames.is_empty());
            assert!(
                spec.title.ends_with(&rule.expect.to_string()),
                "{}",
                spec.id
            );
        }
        assert!(violation(Check::Echo).is_none());
    }

    #[test]
    fn the_fitting_code_passes_and_carrying_on_fails() {
        let frame = rule(1002, false, false);
        let open = Reaction::Open {
            waited: Duration::from_secs(3),
        };
        let dropped = Reaction::Dropped {
            end: End::Closed,
            after: Duration::ZERO,
        };
        assert_eq!(judge(&frame, &closed(Some(1002)), false).verdict, Pass);
        assert_eq!(judge(&frame, &closed(Some(1000)), false).verdict, Warn);
        assert_eq!(judge(&frame, &closed(Some(1007)), false).verdict, Warn);
        assert_eq!(judge(&frame, &dropped, false).verdict, Warn);
        assert_eq!(
            judge(&rule(1002, true, false), &dropped, false).verdict,
            Pass
        );
        let v = judge(&frame, &open, true);
        assert_eq!(
            v,
            Outcome::fail("accepted: still open after 3.0s, answering the ping sent after it")
        );
        let close = rule(1002, false, true);
        assert_eq!(judge(&close, &closed(Some(1000)), false).verdict, Fail);
        assert_eq!(judge(&close, &closed(None), false).verdict, Fail);
        assert_eq!(judge(&close, &closed(Some(1005)), false).verdict, Fail);
        assert_eq!(judge(&close, &closed(Some(1007)), false).verdict, Warn);
    }
}
