//! The closing handshake (RFC 6455 §5.5.1, §7.1): a Close answered with a Close that echoes the
//! code, and what becomes of a reply the server owes when the Close comes right behind the
//! message (the behaviour that loses replies for clients that close after their last message).

use crate::probe::checks::reaction::{Reaction, close_words};
use crate::probe::context::Ctx;
use crate::probe::frames::Frame;
use crate::probe::seen::Seen;
use crate::probe::verdict::Outcome;
use crate::units::{ms, secs};
use crate::wire::opcode::Opcode;
use std::time::{Duration, Instant};

const CODE: u16 = 4000;
const REASON: &str = "wscope probe";

/// §5.5.1: a Close is answered with a Close, which typically echoes the code.
pub(crate) async fn close_echo(ctx: &Ctx) -> Outcome {
    let mut conn = match ctx.open().await {
        Ok(c) => c,
        Err(skipped) => return skipped,
    };
    let (t0, deadline) = (Instant::now(), ctx.deadline());
    let _ = conn
        .send(&[Frame::close(CODE, REASON.as_bytes())], deadline)
        .await;
    conn.watch(deadline, |s| s.close.is_some()).await;
    let reaction = Reaction::of(&conn.seen, t0, ctx.cfg.wait);
    // The server closes TCP first (§7.1.1): how soon, within the same wait.
    conn.await_end(ctx.deadline()).await;
    let tcp_closed = conn
        .seen
        .end
        .as_ref()
        .zip(conn.seen.close.as_ref())
        .map(|((_, end), close)| end.saturating_duration_since(close.at));
    let outcome = judge_close_echo(&reaction, tcp_closed, ctx.cfg.wait);
    conn.finish().await;
    outcome
}

pub(crate) fn judge_close_echo(
    reaction: &Reaction,
    tcp_closed: Option<Duration>,
    wait: Duration,
) -> Outcome {
    let then = match tcp_closed {
        Some(d) => format!(", then TCP closed {} later", ms(d)),
        None => format!(", and TCP left open for {}", secs(wait)),
    };
    match reaction {
        Reaction::Closed {
            code: Some(CODE), ..
        } => Outcome::pass(format!("{reaction}{then}")),
        Reaction::Closed { .. } => {
            Outcome::warn(format!("{reaction}{then}: the code {CODE} was not echoed"))
        }
        r => Outcome::fail(format!("no Close in answer: {r}")),
    }
}

const LAST_WORDS: &str = "wscope probe: last words";

/// A message and a Close in one write: does the reply come before the server's Close?
pub(crate) async fn close_pending(ctx: &Ctx) -> Outcome {
    if !ctx.echo().await.text {
        return Outcome::skip("needs an echo endpoint (none found)");
    }
    let mut conn = match ctx.open().await {
        Ok(c) => c,
        Err(skipped) => return skipped,
    };
    let (t0, deadline) = (Instant::now(), ctx.deadline());
    let frames = [Frame::text(LAST_WORDS), Frame::close(1000, b"")];
    let _ = conn.send(&frames, deadline).await;
    conn.watch(deadline, |s| s.close.is_some()).await;
    let reaction = Reaction::of(&conn.seen, t0, ctx.cfg.wait);
    let outcome = judge_pending(&conn.seen, &reaction);
    conn.finish().await;
    outcome
}

pub(crate) fn judge_pending(seen: &Seen, reaction: &Reaction) -> Outcome {
    let replied = seen
        .messages
        .iter()
        .any(|m| m.opcode == Opcode::Text && m.data == LAST_WORDS.as_bytes());
    match (replied, reaction) {
        (true, Reaction::Closed { code, reason, .. }) => Outcome::info(format!(
            "the reply came first, then {}",
            close_words(*code, reason)
        )),
        (true, r) => Outcome::info(format!("the reply came; then {r}")),
        (false, Reaction::Closed { code, reason, .. }) => Outcome::info(format!(
            "{} at once; the reply to the message before it was dropped",
            close_words(*code, reason)
        )),
        (false, r) => Outcome::info(format!("no reply and no Close: {r}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::verdict::Verdict;

    fn closed(code: Option<u16>) -> Reaction {
        Reaction::Closed {
            code,
            reason: REASON.into(),
            after: Duration::from_micros(300),
        }
    }

    #[test]
    fn a_close_must_be_answered_and_should_echo_the_code() {
        let wait = Duration::from_secs(3);
        let tcp = Some(Duration::from_micros(100));
        let v = judge_close_echo(&closed(Some(4000)), tcp, wait);
        assert_eq!(
            v,
            Outcome::pass(
                "Close 4000 (application-defined) \"wscope probe\" in 0.3 ms, then TCP closed 0.1 ms later"
            )
        );
        assert_eq!(
            judge_close_echo(&closed(Some(1000)), None, wait).verdict,
            Verdict::Warn
        );
        assert_eq!(
            judge_close_echo(&closed(None), None, wait).verdict,
            Verdict::Warn
        );
        let dropped = Reaction::Dropped {
            end: crate::probe::seen::End::Closed,
            after: Duration::ZERO,
        };
        assert_eq!(
            judge_close_echo(&dropped, None, wait).verdict,
            Verdict::Fail
        );
        let open = Reaction::Open { waited: wait };
        assert_eq!(judge_close_echo(&open, None, wait).verdict, Verdict::Fail);
    }

    #[test]
    fn a_pending_reply_is_reported_either_way() {
        let mut seen = Seen::default();
        let v = judge_pending(&seen, &closed(Some(1000)));
        assert!(
            v.observed
                .ends_with("the reply to the message before it was dropped"),
            "{v:?}"
        );
        seen.messages.push(crate::probe::seen::Message {
            opcode: Opcode::Text,
            compressed: false,
            len: LAST_WORDS.len() as u64,
            data: LAST_WORDS.as_bytes().to_vec(),
            at: Instant::now(),
        });
        let v = judge_pending(&seen, &closed(Some(1000)));
        assert!(v.observed.starts_with("the reply came first"), "{v:?}");
        assert_eq!(v.verdict, Verdict::Info);
    }
}
