//! Limits, measured (RFC 6455 §10.4 leaves them to implementations): the largest message the
//! server accepts, found by [`SizeSearch`] with a ping behind each message (its pong says the
//! message was taken), and with `--idle-probe` how long an idle connection stays open.

use super::size_search::SizeSearch;
use crate::probe::checks::reaction::{Reaction, close_words};
use crate::probe::conn::Conn;
use crate::probe::context::Ctx;
use crate::probe::frames::Frame;
use crate::probe::verdict::Outcome;
use crate::units::{bytes, secs};
use std::time::{Duration, Instant};

/// What a server did with one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tried {
    /// The ping behind it was answered.
    Accepted,
    /// It closed the connection.
    Refused(Reaction),
    /// Neither within the wait.
    Unclear(Reaction),
}

/// Sends a binary message of `size` bytes and a ping behind it.
async fn try_size(ctx: &Ctx, conn: &mut Conn, size: usize) -> Tried {
    let tag = format!("wscope-size-{size}").into_bytes();
    let t0 = Instant::now();
    // The wait, and a second per MiB to send it.
    let deadline = ctx.deadline() + Duration::from_micros(size as u64);
    let frames = [Frame::binary(vec![0x5a; size]), Frame::ping(tag.clone())];
    let _ = conn.send(&frames, deadline).await;
    conn.watch(deadline, |s| s.pong(&tag).is_some()).await;
    if conn.seen.pong(&tag).is_some() {
        return Tried::Accepted;
    }
    classify(Reaction::of(
        &conn.seen,
        t0,
        deadline.saturating_duration_since(t0),
    ))
}

/// A message refused for its size ends the connection with 1009 (or the policy or internal
/// error codes some servers use for it), or without a Close; any other code is about something
/// else, and the size found so far is all there is.
fn classify(reaction: Reaction) -> Tried {
    match reaction {
        Reaction::Closed {
            code: Some(1008 | 1009 | 1011),
            ..
        }
        | Reaction::Dropped { .. } => Tried::Refused(reaction),
        r => Tried::Unclear(r),
    }
}

/// How many waits the whole search may take (a slow server ends it early, with the bounds
/// found so far).
const SEARCH_WAITS: u32 = 5;

/// The largest message accepted, up to `--max-probe-size`.
pub(crate) async fn max_message(ctx: &Ctx) -> Outcome {
    let mut search = SizeSearch::new(ctx.cfg.max_probe_size);
    let budget = Instant::now() + ctx.cfg.wait * SEARCH_WAITS;
    let mut conn: Option<Conn> = None;
    let mut refusal: Option<(usize, Reaction)> = None;
    let mut unclear = None;
    while let Some(size) = search.next().filter(|_| Instant::now() < budget) {
        let mut c = match conn.take() {
            Some(c) => c,
            None => match ctx.open().await {
                Ok(c) => c,
                Err(skipped) if search.bounds() == (None, None) => return skipped,
                Err(_) => break,
            },
        };
        match try_size(ctx, &mut c, size).await {
            Tried::Accepted => {
                search.record(size, true);
                conn = Some(c);
            }
            Tried::Refused(r) => {
                search.record(size, false);
                if refusal.as_ref().is_none_or(|(s, _)| size < *s) {
                    refusal = Some((size, r));
                }
                c.finish().await;
            }
            Tried::Unclear(r) => {
                unclear = Some((size, r));
                c.finish().await;
                break;
            }
        }
    }
    if let Some(c) = conn {
        c.finish().await;
    }
    judge_size(&search, refusal.as_ref(), unclear.as_ref())
}

pub(crate) fn judge_size(
    search: &SizeSearch,
    refusal: Option<&(usize, Reaction)>,
    unclear: Option<&(usize, Reaction)>,
) -> Outcome {
    let refused = refusal
        .map(|(size, r)| format!("; {size} B: {r}"))
        .unwrap_or_default();
    let observed = match (search.bounds(), unclear) {
        (_, Some((size, r))) => format!(
            "cannot tell: after a message of {}, {r}{}",
            bytes(*size as u64),
            search
                .bounds()
                .0
                .map(|a| format!("; accepted {}", bytes(a as u64)))
                .unwrap_or_default()
        ),
        ((Some(a), None), None) if a >= search.max() => format!(
            "accepts {}, the largest tried (--max-probe-size)",
            bytes(a as u64)
        ),
        ((Some(a), None), None) => format!(
            "at least {} (the search stopped there: its time was up, or no connection)",
            bytes(a as u64)
        ),
        ((Some(a), Some(r)), None) if r == a + 1 => format!("{}{refused}", bytes(a as u64)),
        ((Some(a), Some(_)), None) => format!("at least {}{refused}", bytes(a as u64)),
        ((None, Some(_)), None) => format!("accepted no message{refused}"),
        _ => "cannot tell: no message was tried".to_string(),
    };
    Outcome::info(observed)
}

/// How long an idle connection stays open, within `--idle-probe` (pings answered meanwhile,
/// as a live client would).
pub(crate) async fn idle(ctx: &Ctx) -> Outcome {
    let Some(limit) = ctx.cfg.idle else {
        return Outcome::skip("off (--idle-probe SECS waits up to SECS for the server to close)");
    };
    let mut conn = match ctx.open().await {
        Ok(c) => c,
        Err(skipped) => return skipped,
    };
    let t0 = Instant::now();
    let end = t0 + limit;
    loop {
        let before = conn.seen.pings.len();
        conn.watch(end, |s| s.pings.len() > before).await;
        let Some((payload, _)) = conn.seen.pings.get(before).cloned() else {
            break;
        };
        let _ = conn.send(&[Frame::pong(payload)], end).await;
    }
    let pinged: Vec<Duration> = conn
        .seen
        .pings
        .iter()
        .map(|(_, at)| at.saturating_duration_since(t0))
        .collect();
    let reaction = Reaction::of(&conn.seen, t0, limit);
    conn.finish().await;
    judge_idle(&reaction, &pinged)
}

pub(crate) fn judge_idle(reaction: &Reaction, pinged: &[Duration]) -> Outcome {
    let what = match reaction {
        Reaction::Closed {
            code,
            reason,
            after,
        } => format!("{} after {}", close_words(*code, reason), secs(*after)),
        Reaction::Dropped { after, .. } => {
            format!("TCP closed without a Close after {}", secs(*after))
        }
        Reaction::Open { waited } => format!("still open after {}", secs(*waited)),
    };
    let pings = match pinged {
        [] => String::new(),
        p => format!(
            "; the server pinged at {} (answered)",
            p.iter()
                .take(5)
                .map(|d| secs(*d))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Outcome::info(format!("{what}{pings}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn closed_1009() -> Reaction {
        Reaction::Closed {
            code: Some(1009),
            reason: String::new(),
            after: Duration::from_micros(200),
        }
    }

    #[test]
    fn the_size_found_is_worded_exactly_or_as_a_bound() {
        let mut s = SizeSearch::new(8 << 20);
        s.record(1 << 20, true);
        s.record((1 << 20) + 1, false);
        let refusal = ((1 << 20) + 1, closed_1009());
        assert_eq!(
            judge_size(&s, Some(&refusal), None).observed,
            "1048576 B (1 MiB); 1048577 B: Close 1009 (message too big) in 0.2 ms"
        );
        let mut all = SizeSearch::new(4096);
        all.record(4096, true);
        assert_eq!(
            judge_size(&all, None, None).observed,
            "accepts 4096 B (4 KiB), the largest tried (--max-probe-size)"
        );
        let open = (
            2048,
            Reaction::Open {
                waited: Duration::from_secs(3),
            },
        );
        let v = judge_size(&SizeSearch::new(4096), None, Some(&open));
        assert_eq!(
            v.observed,
            "cannot tell: after a message of 2048 B (2 KiB), still open after 3.0s"
        );
        let other = Reaction::Closed {
            code: Some(4000),
            reason: "bye".into(),
            after: Duration::ZERO,
        };
        assert!(matches!(classify(other), Tried::Unclear(_)));
        assert!(matches!(classify(closed_1009()), Tried::Refused(_)));
    }

    #[test]
    fn idle_words() {
        let r = Reaction::Closed {
            code: Some(1001),
            reason: "idle".into(),
            after: Duration::from_secs(30),
        };
        let v = judge_idle(&r, &[Duration::from_secs(20)]);
        assert_eq!(
            v.observed,
            "Close 1001 (going away) \"idle\" after 30.0s; the server pinged at 20.0s (answered)"
        );
    }
}
