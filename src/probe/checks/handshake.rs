//! The upgrade (RFC 6455 §4): the first answer judged as a client must judge it, then requests
//! a server must refuse (version 8, no key, a 12-byte key) and what it does with subprotocols.

use crate::probe::context::{Ctx, Offered, PROBE_PROTOCOL};
use crate::probe::upgrade::{self as probe_upgrade, Shape, Unanswered};
use crate::probe::verdict::Outcome;
use crate::units::ms;
use crate::wire::response::{self, ResponseHead};

/// A key that is base64 but decodes to 12 bytes ("wscope probe"), not 16.
const SHORT_KEY: &str = "d3Njb3BlIHByb2Jl";

/// The first answer: `Upgrade`, `Connection`, `Sec-WebSocket-Accept`, and no extension that
/// was not offered.
pub(crate) fn upgrade(ctx: &Ctx) -> Outcome {
    let b = &ctx.baseline;
    let mut problems = Vec::new();
    response::check_upgrade_headers(&b.head, &mut problems);
    response::check_accept(&b.head, &b.request.key, &mut problems);
    response::accepted_extensions(&b.head, &b.request.extension_offer, &mut problems);
    if problems.is_empty() {
        Outcome::pass(format!("{} in {}", status(&b.head), ms(b.took)))
    } else {
        Outcome::fail(problems.join("; "))
    }
}

/// What a request the server must refuse got.
#[derive(Debug)]
pub(crate) enum Answer {
    Head(ResponseHead),
    /// Connected, but no HTTP answer came (closed, timed out): why.
    Nothing(String),
    /// No connection this time: why.
    NoConnection(String),
}

async fn answer(ctx: &Ctx, shape: Shape) -> Answer {
    match probe_upgrade::upgrade(&ctx.cfg.connect, &ctx.target, &shape).await {
        Ok(a) => {
            let head = a.head.clone();
            if head.status == 101 {
                a.into_conn().finish().await;
            }
            Answer::Head(head)
        }
        Err(Unanswered::NoAnswer(e)) => Answer::Nothing(e.message),
        Err(Unanswered::NoConnection(e)) => Answer::NoConnection(e.message),
    }
}

fn status(head: &ResponseHead) -> String {
    format!("{} {}", head.status, head.reason)
        .trim_end()
        .to_string()
}

fn version_shape(version: &str) -> Shape {
    Shape {
        headers: vec![("Sec-WebSocket-Version".into(), version.into())],
        ..Shape::default()
    }
}

/// `Sec-WebSocket-Version: 8`, and when a server speaks that draft too (Node's ws and aiohttp
/// do), 25, which no draft has (RFC 6455 §4.4's own example).
pub(crate) async fn version(ctx: &Ctx) -> Outcome {
    let v8 = answer(ctx, version_shape("8")).await;
    let accepted = matches!(&v8, Answer::Head(h) if h.status == 101);
    let v25 = match accepted {
        true => Some(answer(ctx, version_shape("25")).await),
        false => None,
    };
    judge_version(&v8, v25.as_ref())
}

/// §4.2.2 and §4.4: a version the server does not speak gets an error status and the list
/// of the versions it speaks.
pub(crate) fn judge_version(v8: &Answer, v25: Option<&Answer>) -> Outcome {
    match (v8, v25) {
        (Answer::Head(h), Some(v25)) if h.status == 101 => {
            let refusal = judge_refusal("25", v25);
            let said = format!(
                "version 8 accepted (a draft some servers still speak); {}",
                refusal.observed
            );
            Outcome::new(refusal.verdict, said)
        }
        (v8, _) => judge_refusal("8", v8),
    }
}

fn judge_refusal(version: &str, answer: &Answer) -> Outcome {
    let head = match answer {
        Answer::Head(h) => h,
        Answer::Nothing(why) => {
            return Outcome::fail(format!("no HTTP answer to version {version}: {why}"));
        }
        Answer::NoConnection(why) => return Outcome::skip(format!("no connection: {why}")),
    };
    if head.status == 101 {
        return Outcome::fail(format!("version {version} accepted: {}", status(head)));
    }
    let versions = head.list("Sec-WebSocket-Version");
    let said = format!("version {version}: {}", status(head));
    if versions.iter().any(|v| v == "13") {
        Outcome::pass(format!(
            "{said}, Sec-WebSocket-Version: {}",
            versions.join(", ")
        ))
    } else if versions.is_empty() {
        Outcome::fail(format!(
            "{said} without Sec-WebSocket-Version (it must name the versions it speaks)"
        ))
    } else {
        Outcome::warn(format!(
            "{said}, Sec-WebSocket-Version: {} (13 not named)",
            versions.join(", ")
        ))
    }
}

/// No `Sec-WebSocket-Key` at all.
pub(crate) async fn key_missing(ctx: &Ctx) -> Outcome {
    let shape = Shape {
        omit: Some("Sec-WebSocket-Key"),
        ..Shape::default()
    };
    judge_bad_request(&answer(ctx, shape).await)
}

/// A key that decodes to 12 bytes.
pub(crate) async fn key_malformed(ctx: &Ctx) -> Outcome {
    let shape = Shape {
        headers: vec![("Sec-WebSocket-Key".into(), SHORT_KEY.into())],
        ..Shape::default()
    };
    judge_bad_request(&answer(ctx, shape).await)
}

/// §4.2.1: a request that is not a valid handshake gets an HTTP error such as 400.
pub(crate) fn judge_bad_request(answer: &Answer) -> Outcome {
    match answer {
        Answer::Head(h) if h.status == 101 => Outcome::fail(format!("accepted: {}", status(h))),
        Answer::Head(h) if (400..500).contains(&h.status) => Outcome::pass(status(h)),
        Answer::Head(h) => Outcome::warn(format!("{}; a 4xx such as 400 was expected", status(h))),
        Answer::Nothing(why) => Outcome::fail(format!("no HTTP answer: {why}")),
        Answer::NoConnection(why) => Outcome::skip(format!("no connection: {why}")),
    }
}

/// `offered a, b: selected b`.
fn choice(offered: &[String], head: &ResponseHead) -> String {
    let selected = head.list("Sec-WebSocket-Protocol");
    let list = |l: &[String]| match l {
        [] => "none".to_string(),
        l => l.join(", "),
    };
    format!("offered {}: selected {}", list(offered), list(&selected))
}

/// §4.2.2: the server selects one of the offered subprotocols or none: judged on the first
/// answer and on the answer to an offer of an unknown one.
pub(crate) async fn subprotocol_unoffered(ctx: &Ctx) -> Outcome {
    let b = &ctx.baseline;
    let mut answers = vec![(b.request.offered_protocols.clone(), b.head.clone())];
    if let Offered::Answered { head, offered } = ctx.offered().await {
        if head.status == 101 {
            answers.push((offered.clone(), head.clone()));
        }
    }
    judge_unoffered(&answers)
}

pub(crate) fn judge_unoffered(answers: &[(Vec<String>, ResponseHead)]) -> Outcome {
    let mut problems = Vec::new();
    for (offered, head) in answers {
        response::chosen_protocol(head, offered, &mut problems);
    }
    let seen: Vec<String> = answers.iter().map(|(o, h)| choice(o, h)).collect();
    if problems.is_empty() {
        Outcome::pass(seen.join("; "))
    } else {
        Outcome::fail(problems.join("; "))
    }
}

/// What the server does with a subprotocol it cannot know.
pub(crate) async fn subprotocol_offered(ctx: &Ctx) -> Outcome {
    judge_offered(ctx.offered().await)
}

pub(crate) fn judge_offered(offered: &Offered) -> Outcome {
    let (head, list) = match offered {
        Offered::Answered { head, offered } => (head, offered),
        Offered::Unanswered(why) => return Outcome::skip(format!("no answer: {why}")),
    };
    if head.status != 101 {
        return Outcome::info(format!(
            "refused the upgrade when offered {PROBE_PROTOCOL}: {}",
            status(head)
        ));
    }
    let said = choice(list, head);
    match head.list("Sec-WebSocket-Protocol").as_slice() {
        [p] if p == PROBE_PROTOCOL => Outcome::warn(format!(
            "{said}: a name made up by the probe; the server accepts whatever is offered"
        )),
        [p] if list.contains(p) => Outcome::info(said),
        [] => Outcome::info(format!("{said} (ignored the offer, as it may)")),
        _ => Outcome::info(format!(
            "{said} (not an offered one: see subprotocol-unoffered)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(text: &str) -> ResponseHead {
        response::parse_head(text.as_bytes()).expect("head")
    }

    #[test]
    fn an_unknown_version_needs_an_error_and_the_versions_spoken() {
        use crate::probe::verdict::Verdict::*;
        let answer = |text: &str| Answer::Head(head(text));
        let ok = answer("HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\n\r\n");
        let v = judge_version(&ok, None);
        assert_eq!(
            v,
            Outcome::pass("version 8: 426 Upgrade Required, Sec-WebSocket-Version: 13")
        );
        let bare = answer("HTTP/1.1 400 Bad Request\r\n\r\n");
        assert_eq!(judge_version(&bare, None).verdict, Fail);
        let other = answer("HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 7, 8\r\n\r\n");
        assert_eq!(judge_version(&other, None).verdict, Warn);
        let none = judge_version(&Answer::Nothing("closed".into()), None);
        assert_eq!(none, Outcome::fail("no HTTP answer to version 8: closed"));
        // A server that speaks draft 8 is judged on version 25.
        let accepted = answer("HTTP/1.1 101 Switching Protocols\r\n\r\n");
        let listed = answer("HTTP/1.1 400 Bad Request\r\nSec-WebSocket-Version: 13, 8, 7\r\n\r\n");
        let v = judge_version(&accepted, Some(&listed));
        assert_eq!(
            v,
            Outcome::pass(
                "version 8 accepted (a draft some servers still speak); version 25: 400 Bad Request, Sec-WebSocket-Version: 13, 8, 7"
            )
        );
        let again = answer("HTTP/1.1 101 Switching Protocols\r\n\r\n");
        assert_eq!(judge_version(&accepted, Some(&again)).verdict, Fail);
    }

    #[test]
    fn a_bad_key_is_refused_with_a_4xx() {
        use crate::probe::verdict::Verdict::*;
        let cases = [
            ("HTTP/1.1 400 Bad Request\r\n\r\n", Pass),
            ("HTTP/1.1 403 Forbidden\r\n\r\n", Pass),
            ("HTTP/1.1 500 Oops\r\n\r\n", Warn),
            ("HTTP/1.1 101 Switching Protocols\r\n\r\n", Fail),
        ];
        for (text, want) in cases {
            assert_eq!(
                judge_bad_request(&Answer::Head(head(text))).verdict,
                want,
                "{text}"
            );
        }
        assert_eq!(
            judge_bad_request(&Answer::NoConnection("refused".into())).verdict,
            Skip
        );
    }

    #[test]
    fn subprotocols_selected_only_from_the_offer() {
        use crate::probe::verdict::Verdict::*;
        let none = head("HTTP/1.1 101 OK\r\n\r\n");
        let chat = head("HTTP/1.1 101 OK\r\nSec-WebSocket-Protocol: chat\r\n\r\n");
        let probe = head(&format!(
            "HTTP/1.1 101 OK\r\nSec-WebSocket-Protocol: {PROBE_PROTOCOL}\r\n\r\n"
        ));
        let ok = judge_unoffered(&[
            (vec![], none.clone()),
            (vec![PROBE_PROTOCOL.into()], none.clone()),
        ]);
        assert_eq!(
            ok,
            Outcome::pass(format!(
                "offered none: selected none; offered {PROBE_PROTOCOL}: selected none"
            ))
        );
        let bad = judge_unoffered(&[(vec![], chat.clone())]);
        assert_eq!(bad.verdict, Fail);
        let offered = |head: &ResponseHead| Offered::Answered {
            head: head.clone(),
            offered: vec!["chat".into(), PROBE_PROTOCOL.into()],
        };
        assert_eq!(judge_offered(&offered(&probe)).verdict, Warn);
        assert_eq!(judge_offered(&offered(&chat)).verdict, Info);
        assert_eq!(judge_offered(&offered(&none)).verdict, Info);
    }
}
