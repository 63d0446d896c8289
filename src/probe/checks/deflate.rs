//! permessage-deflate (RFC 7692): the answer to the offer browsers make, validated by the rules
//! of issue 15 (`wire::deflate::validate_answer`), and one compressed message sent on the
//! agreed terms to see that the server understands it (and, on an echo endpoint, that what
//! comes back inflates to what was sent).

use crate::probe::checks::reaction::Reaction;
use crate::probe::context::Ctx;
use crate::probe::frames::{Frame, first_byte};
use crate::probe::seen::{MESSAGE_KEEP, Seen};
use crate::probe::upgrade::{Answered, Shape, upgrade};
use crate::probe::verdict::Outcome;
use crate::wire::deflate::{Agreed, Compressor, DEFAULT_LEVEL, Inflater, Params, validate_answer};
use crate::wire::opcode::Opcode;
use crate::wire::response::ResponseHead;
use std::time::Instant;

/// The ping sent behind the compressed message.
const SENTINEL: &[u8] = b"wscope-deflate";

/// Upgrades with the browsers' offer; the answer, or why the check cannot go on.
async fn offer(ctx: &Ctx) -> Result<Answered, Outcome> {
    if let Some(why) = &ctx.cfg.deflate_skip {
        return Err(Outcome::skip(why.clone()));
    }
    let shape = Shape {
        extensions: Some(Params::default().header_value()),
        ..Shape::default()
    };
    upgrade(&ctx.cfg.connect, &ctx.target, &shape)
        .await
        .map_err(|e| Outcome::skip(format!("no answer: {}", e.error().message)))
}

/// The answer to `permessage-deflate; client_max_window_bits`.
pub(crate) async fn negotiation(ctx: &Ctx) -> Outcome {
    let a = match offer(ctx).await {
        Ok(a) => a,
        Err(skipped) => return skipped,
    };
    let outcome = judge_negotiation(&a.head);
    if a.head.status == 101 {
        a.into_conn().finish().await;
    }
    outcome
}

/// RFC 7692 §7: an answer that accepts must fit the offer; not accepting is allowed.
pub(crate) fn judge_negotiation(head: &ResponseHead) -> Outcome {
    if head.status != 101 {
        return Outcome::warn(format!(
            "refused the upgrade when permessage-deflate was offered: {} {}",
            head.status, head.reason
        ));
    }
    match validate_answer(&Params::default(), head.all("Sec-WebSocket-Extensions")) {
        Ok(None) => Outcome::info("not accepted: the server does not compress"),
        Ok(Some(agreed)) => Outcome::pass(format!(
            "accepted \"{}\": {}",
            head.all("Sec-WebSocket-Extensions")
                .collect::<Vec<_>>()
                .join(", "),
            terms(&agreed)
        )),
        Err(e) => Outcome::fail(e.to_string()),
    }
}

/// The agreed terms in a few words: `windows 15/15 bits (server/client), contexts kept`.
fn terms(a: &Agreed) -> String {
    let resets = match (a.server_no_context_takeover, a.client_no_context_takeover) {
        (false, false) => "contexts kept",
        (true, false) => "the server resets its context per message",
        (false, true) => "the client resets its context per message",
        (true, true) => "contexts reset per message",
    };
    format!(
        "windows {}/{} bits (server/client), {resets}",
        a.server_max_window_bits, a.client_max_window_bits
    )
}

/// A compressed text message on the agreed terms, then a ping.
pub(crate) async fn message(ctx: &Ctx) -> Outcome {
    let a = match offer(ctx).await {
        Ok(a) if a.head.status == 101 => a,
        Ok(_) => return Outcome::skip("the upgrade offering compression was refused"),
        Err(skipped) => return skipped,
    };
    let agreed = match validate_answer(&Params::default(), a.head.all("Sec-WebSocket-Extensions")) {
        Ok(Some(agreed)) => agreed,
        _ => {
            a.into_conn().finish().await;
            return Outcome::skip("compression was not agreed");
        }
    };
    let echo = ctx.echo().await.text;
    let text = "wscope probe: one compressed message ✓ ".repeat(8);
    let payload = match compress(&agreed, &text) {
        Ok(p) => p,
        Err(e) => return Outcome::skip(format!("cannot compress: {e}")),
    };
    let wire = payload.len();
    let mut conn = a.into_conn();
    let (t0, deadline) = (Instant::now(), ctx.deadline());
    let frames = [
        Frame {
            first: first_byte(true, 0b100, Opcode::Text),
            masked: true,
            payload,
        },
        Frame::new(Opcode::Ping, SENTINEL),
    ];
    let _ = conn.send(&frames, deadline).await;
    conn.watch(deadline, |s| {
        s.pong(SENTINEL).is_some() && (!echo || !s.messages.is_empty())
    })
    .await;
    let reaction = Reaction::of(&conn.seen, t0, ctx.cfg.wait);
    let outcome = judge_message(&conn.seen, &reaction, &agreed, &text, wire, echo);
    conn.finish().await;
    outcome
}

fn compress(agreed: &Agreed, text: &str) -> std::io::Result<Vec<u8>> {
    let mut c = Compressor::new(
        agreed.client_max_window_bits,
        agreed.client_no_context_takeover,
        DEFAULT_LEVEL,
    );
    let mut out = Vec::new();
    c.compress(text.as_bytes(), &mut out)?;
    c.finish_message(&mut out)?;
    Ok(out)
}

/// A compressed message from the server, inflated on the agreed terms (bounded).
fn inflate(agreed: &Agreed, data: &[u8]) -> Result<Vec<u8>, String> {
    let mut inflater = Inflater::new(
        agreed.server_max_window_bits,
        agreed.server_no_context_takeover,
        MESSAGE_KEEP as u64,
    );
    let mut out = Vec::with_capacity(MESSAGE_KEEP + 1);
    inflater
        .inflate(data, &mut out)
        .map_err(|v| v.to_string())?;
    inflater.finish(&mut out).map_err(|v| v.to_string())?;
    Ok(out)
}

/// RFC 7692 §6: once agreed, a compressed message is a message like any other. On an echo
/// endpoint the first message back is its echo; elsewhere messages say nothing about it.
pub(crate) fn judge_message(
    seen: &Seen,
    reaction: &Reaction,
    agreed: &Agreed,
    text: &str,
    wire: usize,
    echo: bool,
) -> Outcome {
    let sent = format!("{} B compressed to {wire} B", text.len());
    if let Some(m) = seen.messages.first().filter(|_| echo) {
        let (got, how) = match m.compressed {
            true => (inflate(agreed, &m.data), format!("compressed, {} B", m.len)),
            false => (Ok(m.data.clone()), "uncompressed".to_string()),
        };
        return match got {
            Ok(got) if got == text.as_bytes() => {
                Outcome::pass(format!("{sent}; echoed intact ({how})"))
            }
            Ok(got) => Outcome::fail(format!(
                "{sent}; the echo ({how}) differs: {} B, not the text sent",
                got.len()
            )),
            Err(e) => Outcome::fail(format!("{sent}; the echo does not inflate: {e}")),
        };
    }
    if seen.pong(SENTINEL).is_some() {
        return Outcome::pass(format!("{sent}; accepted (the ping after it answered)"));
    }
    match reaction {
        Reaction::Open { .. } => Outcome::info(format!("{sent}; cannot tell: no echo, no pong")),
        r => Outcome::fail(format!("{sent}; failed the connection: {r}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::verdict::Verdict;
    use crate::wire::response::parse_head;

    #[test]
    fn the_answer_is_judged_by_rfc_7692() {
        let head = |ext: &str| {
            parse_head(format!("HTTP/1.1 101 OK\r\n{ext}\r\n").as_bytes()).expect("head")
        };
        let ok = judge_negotiation(&head(
            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=15\r\n",
        ));
        assert_eq!(ok.verdict, Verdict::Pass, "{ok:?}");
        let none = judge_negotiation(&head(""));
        assert_eq!(none.verdict, Verdict::Info);
        let bad = judge_negotiation(&head(
            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n",
        ));
        assert_eq!(bad.verdict, Verdict::Fail);
        assert!(bad.observed.contains("RFC 7692 §7.1.2.2"), "{bad:?}");
    }

    #[test]
    fn a_compressed_echo_must_inflate_to_what_was_sent() {
        let agreed = Agreed::default();
        let text = "hello hello hello";
        let mut seen = Seen::default();
        let server_side = compress(&agreed, text).expect("compress");
        seen.messages.push(crate::probe::seen::Message {
            opcode: Opcode::Text,
            compressed: true,
            len: server_side.len() as u64,
            data: server_side,
            at: Instant::now(),
        });
        let open = Reaction::Open {
            waited: std::time::Duration::from_secs(3),
        };
        let v = judge_message(&seen, &open, &agreed, text, 9, true);
        assert_eq!(v.verdict, Verdict::Pass, "{v:?}");
        seen.messages[0].data = b"\xff\xff".to_vec();
        let v = judge_message(&seen, &open, &agreed, text, 9, true);
        assert_eq!(v.verdict, Verdict::Fail, "{v:?}");
        // Not an echo endpoint: what it sends is not an answer to the message.
        let v = judge_message(&seen, &open, &agreed, text, 9, false);
        assert_eq!(v.verdict, Verdict::Info, "{v:?}");
        assert_eq!(
            judge_message(&Seen::default(), &open, &agreed, text, 9, true).verdict,
            Verdict::Info
        );
    }
}
