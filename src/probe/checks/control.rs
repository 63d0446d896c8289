//! Ping and pong (RFC 6455 §5.5.2, §5.5.3): pings of 0, 1 and 125 bytes answered by pongs with
//! the same payload, an unsolicited pong ignored, and the round trip of a few pings.

use crate::probe::checks::reaction::Reaction;
use crate::probe::conn::Conn;
use crate::probe::context::Ctx;
use crate::probe::frames::Frame;
use crate::probe::verdict::Outcome;
use crate::units::{ms, secs};
use std::time::{Duration, Instant};

/// The pings of the payload check.
fn payloads() -> [Vec<u8>; 3] {
    [
        Vec::new(),
        vec![0xa5],
        (0..125u8).map(|b| b.wrapping_mul(37)).collect(),
    ]
}

/// How one ping went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Pinged {
    /// The first pong after it, with its payload, after this long.
    Pong { payload: Vec<u8>, rtt: Duration },
    /// No pong: how the connection stood instead.
    NoPong(Reaction),
}

/// Sends a ping and waits for the next pong (whatever its payload) until `deadline`.
async fn ping_once(ctx: &Ctx, conn: &mut Conn, payload: &[u8], deadline: Instant) -> Pinged {
    let before = conn.seen.pongs.len();
    let t0 = Instant::now();
    let _ = conn.send(&[Frame::ping(payload.to_vec())], deadline).await;
    conn.watch(deadline, |s| s.pongs.len() > before).await;
    match conn.seen.pongs.get(before) {
        Some((payload, at)) => Pinged::Pong {
            payload: payload.clone(),
            rtt: at.saturating_duration_since(t0),
        },
        None => Pinged::NoPong(Reaction::of(&conn.seen, t0, ctx.cfg.wait)),
    }
}

/// §5.5.2 and §5.5.3: every ping gets a pong, with the ping's payload.
pub(crate) async fn ping(ctx: &Ctx) -> Outcome {
    let mut conn = match ctx.open().await {
        Ok(c) => c,
        Err(skipped) => return skipped,
    };
    let mut results = Vec::new();
    for payload in payloads() {
        let r = ping_once(ctx, &mut conn, &payload, ctx.deadline()).await;
        let stop = matches!(r, Pinged::NoPong(_));
        results.push((payload, r));
        if stop {
            break;
        }
    }
    conn.finish().await;
    judge_pings(&results)
}

pub(crate) fn judge_pings(results: &[(Vec<u8>, Pinged)]) -> Outcome {
    let mut rtts = Vec::new();
    for (sent, got) in results {
        match got {
            Pinged::Pong { payload, rtt } if payload == sent => rtts.push(ms(*rtt)),
            Pinged::Pong { payload, .. } => {
                return Outcome::fail(format!(
                    "a {}-byte ping was answered by a pong of {} B with other bytes",
                    sent.len(),
                    payload.len()
                ));
            }
            Pinged::NoPong(reaction) => {
                return Outcome::fail(format!("no pong to a {}-byte ping: {reaction}", sent.len()));
            }
        }
    }
    Outcome::pass(format!(
        "pongs carried the 0, 1 and 125-byte payloads back ({})",
        rtts.join(", ")
    ))
}

/// The pong nobody asked for, and the ping sent behind it.
const UNSOLICITED: &[u8] = b"wscope unsolicited pong";
const SENTINEL: &[u8] = b"wscope-after-pong";

/// §5.5.3: an unsolicited pong is a heartbeat that expects no answer.
pub(crate) async fn unsolicited_pong(ctx: &Ctx) -> Outcome {
    let mut conn = match ctx.open().await {
        Ok(c) => c,
        Err(skipped) => return skipped,
    };
    let (t0, deadline) = (Instant::now(), ctx.deadline());
    let frames = [Frame::pong(UNSOLICITED), Frame::ping(SENTINEL)];
    let _ = conn.send(&frames, deadline).await;
    conn.watch(deadline, |s| s.pong(SENTINEL).is_some()).await;
    let answered = conn.seen.pong(UNSOLICITED).is_some();
    let reaction = Reaction::of(&conn.seen, t0, ctx.cfg.wait);
    let outcome = match (conn.seen.pong(SENTINEL), reaction) {
        (Some(_), _) if answered => Outcome::warn("ignored, but answered the pong with a pong"),
        (Some(at), _) => Outcome::pass(format!(
            "ignored; the ping after it answered in {}",
            ms(at.saturating_duration_since(t0))
        )),
        (None, Reaction::Open { waited }) => Outcome::info(format!(
            "cannot tell: no pong to the ping after it within {}",
            secs(waited)
        )),
        (None, r) => Outcome::fail(format!("failed the connection: {r}")),
    };
    conn.finish().await;
    outcome
}

/// Pings in a row for the round trip.
const RTT_PINGS: usize = 10;

/// The round trip of pings, one at a time, all within one wait.
pub(crate) async fn rtt(ctx: &Ctx) -> Outcome {
    let mut conn = match ctx.open().await {
        Ok(c) => c,
        Err(skipped) => return skipped,
    };
    let deadline = ctx.deadline();
    let mut rtts = Vec::new();
    let mut missing = None;
    for i in 0..RTT_PINGS {
        let payload = format!("wscope-rtt-{i}");
        match ping_once(ctx, &mut conn, payload.as_bytes(), deadline).await {
            Pinged::Pong { rtt, .. } => rtts.push(rtt),
            Pinged::NoPong(r) => {
                missing = Some(r);
                break;
            }
        }
    }
    conn.finish().await;
    match missing {
        Some(r) if rtts.is_empty() => Outcome::info(format!("no pong: {r}")),
        _ => Outcome::info(rtt_summary(&mut rtts)),
    }
}

/// `min 0.1 ms, median 0.2 ms, max 0.4 ms over 10 pings`.
pub(crate) fn rtt_summary(rtts: &mut [Duration]) -> String {
    rtts.sort_unstable();
    let (Some(min), Some(max)) = (rtts.first(), rtts.last()) else {
        return "no pong".into();
    };
    let median = rtts.get(rtts.len() / 2).copied().unwrap_or_default();
    format!(
        "min {}, median {}, max {} over {} pings",
        ms(*min),
        ms(median),
        ms(*max),
        rtts.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::verdict::Verdict;

    #[test]
    fn pongs_must_carry_the_pings_payload() {
        let rtt = Duration::from_micros(150);
        let ok: Vec<(Vec<u8>, Pinged)> = payloads()
            .into_iter()
            .map(|p| (p.clone(), Pinged::Pong { payload: p, rtt }))
            .collect();
        let v = judge_pings(&ok);
        assert_eq!(v.verdict, Verdict::Pass);
        assert!(v.observed.ends_with("(0.1 ms, 0.1 ms, 0.1 ms)"), "{v:?}");
        let mut bad = ok.clone();
        bad[2].1 = Pinged::Pong {
            payload: vec![],
            rtt,
        };
        let v = judge_pings(&bad);
        assert_eq!(
            v,
            Outcome::fail("a 125-byte ping was answered by a pong of 0 B with other bytes")
        );
        let none = [(
            vec![],
            Pinged::NoPong(Reaction::Open {
                waited: Duration::from_secs(3),
            }),
        )];
        assert_eq!(
            judge_pings(&none),
            Outcome::fail("no pong to a 0-byte ping: still open after 3.0s")
        );
    }

    #[test]
    fn rtt_summary_sorts() {
        let mut r = [3, 1, 2].map(Duration::from_millis);
        assert_eq!(
            rtt_summary(&mut r),
            "min 1.0 ms, median 2.0 ms, max 3.0 ms over 3 pings"
        );
        assert_eq!(rtt_summary(&mut []), "no pong");
    }
}
