//! Data messages: whether the endpoint echoes (found once, for the checks that need an echo to
//! see message integrity), and a text message in three fragments, cut inside multi-byte
//! characters, with a ping between the fragments (RFC 6455 §5.4).

use crate::probe::checks::reaction::Reaction;
use crate::probe::context::Ctx;
use crate::probe::frames::Frame;
use crate::probe::seen::{Message, Seen};
use crate::probe::verdict::Outcome;
use crate::units::{ms, secs};
use crate::wire::opcode::Opcode;
use std::time::{Duration, Instant};

/// The ping sent between the fragments.
const SENTINEL: &[u8] = b"wscope-fragments";
/// Cut inside "é" (bytes 16-17) and inside "✓" (bytes 19-21).
const FRAGMENTED: &str = "wscope: fragmenté ✓ done";
const CUTS: [usize; 2] = [17, 20];

/// Whether the endpoint sends text messages back unchanged (what the checks that need an
/// echo send), and the check's outcome saying what came back.
#[derive(Debug, Clone)]
pub(crate) struct Echo {
    pub text: bool,
    pub outcome: Outcome,
}

/// Sends a text message, and a binary one when the text came back; watches what returns.
pub(crate) async fn detect_echo(ctx: &Ctx) -> Echo {
    let mut conn = match ctx.open().await {
        Ok(c) => c,
        Err(skipped) => {
            return Echo {
                text: false,
                outcome: skipped,
            };
        }
    };
    let text = format!("wscope probe: écho ✓ {:08x}", rand::random::<u32>());
    let binary: Vec<u8> = (0..=255).collect();
    let t0 = Instant::now();
    let deadline = ctx.deadline();
    let _ = conn.send(&[Frame::text(&text)], deadline).await;
    conn.watch(deadline, |s| !s.messages.is_empty()).await;
    if is(conn.seen.messages.first(), Opcode::Text, text.as_bytes()) {
        let deadline = ctx.deadline();
        let _ = conn.send(&[Frame::binary(binary.clone())], deadline).await;
        conn.watch(deadline, |s| s.messages.len() > 1).await;
    }
    let reaction = Reaction::of(&conn.seen, t0, ctx.cfg.wait);
    let echo = judge_echo(&conn.seen, &reaction, &text, &binary, t0);
    conn.finish().await;
    echo
}

fn is(m: Option<&Message>, opcode: Opcode, data: &[u8]) -> bool {
    m.is_some_and(|m| m.opcode == opcode && !m.compressed && m.data == data)
}

/// A reply, in a few words: `text "tick 1" (6 B)`.
fn describe(m: &Message) -> String {
    let kind = if m.opcode == Opcode::Text {
        "text"
    } else {
        "binary"
    };
    let head: String = String::from_utf8_lossy(&m.data).chars().take(40).collect();
    match m.opcode {
        Opcode::Text => format!("{kind} \"{head}\" ({} B)", m.len),
        _ => format!("{kind} ({} B)", m.len),
    }
}

pub(crate) fn judge_echo(
    seen: &Seen,
    reaction: &Reaction,
    text: &str,
    binary: &[u8],
    t0: Instant,
) -> Echo {
    let first = seen.messages.first();
    let text_ok = is(first, Opcode::Text, text.as_bytes());
    let binary_ok = text_ok && is(seen.messages.get(1), Opcode::Binary, binary);
    let observed = match (first, seen.messages.get(1)) {
        _ if binary_ok => format!(
            "echoes text and binary unchanged (the first in {})",
            ms(first.map_or(Duration::ZERO, |m| m.at.saturating_duration_since(t0)))
        ),
        (Some(_), Some(b)) if text_ok => format!(
            "echoes text; the binary message came back as {}",
            describe(b)
        ),
        (Some(_), None) if text_ok => format!("echoes text; after a binary message: {reaction}"),
        (Some(m), _) => format!("not an echo endpoint: the reply was {}", describe(m)),
        (None, _) => match reaction {
            Reaction::Open { waited } => format!(
                "no reply within {}: not an echo endpoint (checks that need one say so)",
                secs(*waited)
            ),
            r => format!("not an echo endpoint: {r} after a text message"),
        },
    };
    Echo {
        text: text_ok,
        outcome: Outcome::info(observed),
    }
}

/// The fragments: TEXT (FIN clear), a ping, CONT (FIN clear), CONT (FIN set).
fn fragments() -> Vec<Frame> {
    let bytes = FRAGMENTED.as_bytes();
    let [a, b] = CUTS;
    let part = |r: std::ops::Range<usize>| bytes.get(r).unwrap_or_default().to_vec();
    vec![
        Frame::raw(false, 0, Opcode::Text, part(0..a)),
        Frame::ping(SENTINEL),
        Frame::raw(false, 0, Opcode::Continuation, part(a..b)),
        Frame::raw(true, 0, Opcode::Continuation, part(b..bytes.len())),
    ]
}

/// §5.4: fragments make one message, and control frames may come between them.
pub(crate) async fn fragmented(ctx: &Ctx) -> Outcome {
    let echo = ctx.echo().await.text;
    let mut conn = match ctx.open().await {
        Ok(c) => c,
        Err(skipped) => return skipped,
    };
    let (t0, deadline) = (Instant::now(), ctx.deadline());
    let _ = conn.send(&fragments(), deadline).await;
    conn.watch(deadline, |s| {
        s.pong(SENTINEL).is_some() && (!echo || !s.messages.is_empty())
    })
    .await;
    let reaction = Reaction::of(&conn.seen, t0, ctx.cfg.wait);
    let outcome = judge_fragmented(&conn.seen, &reaction, echo, t0);
    conn.finish().await;
    outcome
}

pub(crate) fn judge_fragmented(
    seen: &Seen,
    reaction: &Reaction,
    echo: bool,
    t0: Instant,
) -> Outcome {
    let pong = match seen.pong(SENTINEL) {
        Some(at) => format!(
            "the ping between them answered in {}",
            ms(at.saturating_duration_since(t0))
        ),
        None => "no pong to the ping between them".to_string(),
    };
    if let Some(m) = seen.messages.first().filter(|_| echo) {
        return match is(Some(m), Opcode::Text, FRAGMENTED.as_bytes()) {
            true => Outcome::pass(format!("3 fragments echoed as one message, intact; {pong}")),
            false => Outcome::fail(format!("3 fragments came back as {}; {pong}", describe(m))),
        };
    }
    match reaction {
        Reaction::Open { .. } if seen.pong(SENTINEL).is_some() && !echo => {
            Outcome::pass(format!("accepted; {pong}"))
        }
        Reaction::Open { waited } => Outcome::info(format!(
            "cannot tell: no echo{} within {}",
            if seen.pong(SENTINEL).is_some() {
                ""
            } else {
                " and no pong"
            },
            secs(*waited)
        )),
        r => Outcome::fail(format!("failed a valid fragmented message: {r}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::verdict::Verdict;

    #[test]
    fn the_cuts_fall_inside_characters() {
        let bytes = FRAGMENTED.as_bytes();
        for cut in CUTS {
            assert!(!FRAGMENTED.is_char_boundary(cut), "{cut} is a boundary");
        }
        let joined: Vec<u8> = fragments()
            .iter()
            .filter(|f| f.opcode() != Opcode::Ping)
            .flat_map(|f| f.payload.clone())
            .collect();
        assert_eq!(joined, bytes);
    }

    fn message(opcode: Opcode, data: &[u8]) -> Message {
        Message {
            opcode,
            compressed: false,
            len: data.len() as u64,
            data: data.to_vec(),
            at: Instant::now(),
        }
    }

    #[test]
    fn an_echo_is_what_came_back_unchanged() {
        let t0 = Instant::now();
        let open = Reaction::Open {
            waited: Duration::from_secs(3),
        };
        let mut seen = Seen::default();
        seen.messages.push(message(Opcode::Text, b"hi"));
        seen.messages.push(message(Opcode::Binary, b"\x00\x01"));
        let e = judge_echo(&seen, &open, "hi", b"\x00\x01", t0);
        assert!(e.text, "{e:?}");
        assert!(
            e.outcome
                .observed
                .starts_with("echoes text and binary unchanged"),
            "{e:?}"
        );
        let e = judge_echo(&seen, &open, "hi", b"\x00\x02", t0);
        assert!(
            e.outcome.observed.starts_with("echoes text; the binary"),
            "{e:?}"
        );
        let e = judge_echo(&seen, &open, "other", b"", t0);
        assert!(!e.text);
        assert!(
            e.outcome.observed.contains("the reply was text \"hi\""),
            "{e:?}"
        );
        let e = judge_echo(&Seen::default(), &open, "hi", b"", t0);
        assert!(
            e.outcome.observed.starts_with("no reply within 3.0s"),
            "{e:?}"
        );
    }

    #[test]
    fn fragments_fail_only_when_the_server_fails_them() {
        let t0 = Instant::now();
        let mut seen = Seen::default();
        seen.messages
            .push(message(Opcode::Text, FRAGMENTED.as_bytes()));
        let open = Reaction::Open {
            waited: Duration::from_secs(3),
        };
        assert_eq!(
            judge_fragmented(&seen, &open, true, t0).verdict,
            Verdict::Pass
        );
        seen.messages[0].data.pop();
        assert_eq!(
            judge_fragmented(&seen, &open, true, t0).verdict,
            Verdict::Fail
        );
        let closed = Reaction::Closed {
            code: Some(1007),
            reason: String::new(),
            after: Duration::ZERO,
        };
        let none = Seen::default();
        assert_eq!(
            judge_fragmented(&none, &closed, false, t0).verdict,
            Verdict::Fail
        );
        assert_eq!(
            judge_fragmented(&none, &open, false, t0).verdict,
            Verdict::Info
        );
    }
}
