//! The HTTP upgrade on an open stream: the request built (with a fresh key) and sent, the
//! answer's head read, and the answer judged: a valid 101, a redirect to follow, or a rejection
//! with its body and a hint. Each step reports what it did as an event, for `-v`, JSON Lines and
//! `/handshake`. [`attempt`] is one connection from the first byte to the judged answer.

use super::ConnectConfig;
use super::redirect::{self, Attempt};
use super::stream::{Opened, open_stream};
use crate::error::{Cause, Error, Kind};
use crate::event::{self, Event, Timings, Warning};
use crate::net::connect::Stream;
use crate::wire::handshake::{self, Answer};
use crate::wire::request::{self, Request, RequestOptions};
use crate::wire::response::{self, Negotiated};
use crate::wire::target::Target;
use std::time::{Duration, Instant};

/// An upgraded connection, ready for the session.
pub(crate) struct Upgraded {
    pub stream: Stream,
    pub answer: Answer,
    pub negotiated: Negotiated,
    pub timings: Timings,
    /// Warnings about offers the server silently declined.
    pub declined: Vec<Warning>,
}

/// Connects to `target`, upgrades, and judges the answer.
pub(super) async fn attempt(
    cfg: &ConnectConfig,
    target: &Target,
    emit: &mut dyn FnMut(Event),
) -> Result<Attempt<Box<Upgraded>>, Error> {
    let Opened {
        mut stream,
        mut timings,
        deadline,
    } = open_stream(cfg, target, emit).await?;
    let (answer, req) = upgrade(cfg, target, &mut stream, deadline, emit).await?;
    timings.upgrade = answer.took;
    let exchanged = Exchanged {
        stream,
        answer,
        req,
        timings,
        deadline,
    };
    judge(cfg, target, exchanged, emit).await
}

/// A stream whose upgrade request has been answered.
struct Exchanged {
    stream: Stream,
    answer: Answer,
    req: Request,
    timings: Timings,
    /// Until when the handshake may take (a rejection's body is read by then).
    deadline: Instant,
}

/// The upgrade request for `target` as `opts` say, with a fresh `Sec-WebSocket-Key`.
pub(crate) fn request(target: &Target, opts: &RequestOptions) -> Request {
    let key = tokio_tungstenite::tungstenite::handshake::client::generate_key();
    request::build(target, opts, &key)
}

/// The HTTP upgrade: the request as built, sent, and the answer's head read.
async fn upgrade(
    cfg: &ConnectConfig,
    target: &Target,
    stream: &mut Stream,
    deadline: Instant,
    emit: &mut dyn FnMut(Event),
) -> Result<(Answer, Request), Error> {
    let req = request(target, &cfg.request);
    emit(Event::Request {
        bytes: req.bytes.clone(),
    });
    let answer = handshake::exchange(stream, &req, deadline)
        .await
        .map_err(|e| {
            if !target.secure && e.hint.is_none() && e.kind == Kind::Rejected {
                // A Socket.IO server drops a WebSocket upgrade for any path but its own.
                let socket_io = e.cause == Cause::ClosedDuringHandshake
                    && !target.resource.starts_with("/socket.io/");
                e.with_hint(if socket_io {
                    "if the server expects TLS on this port, use wss://; a Socket.IO server closes like this on paths other than its own: wscope speaks it with --proto socketio"
                } else {
                    "if the server expects TLS on this port, use wss://"
                })
            } else {
                e
            }
        })?;
    Ok((answer, req))
}

/// The answer: a valid 101, a redirect to follow (`-L`), or a rejection (its body read and
/// shown, a hint from the evidence).
async fn judge(
    cfg: &ConnectConfig,
    target: &Target,
    exchanged: Exchanged,
    emit: &mut dyn FnMut(Event),
) -> Result<Attempt<Box<Upgraded>>, Error> {
    let Exchanged {
        mut stream,
        answer,
        req,
        timings,
        deadline,
    } = exchanged;
    if answer.head.status != 101 {
        let body_deadline = deadline.max(Instant::now() + Duration::from_secs(2));
        let (body, truncated) = handshake::read_body(&mut stream, &answer, body_deadline).await;
        emit(Event::Response(event::Response {
            head: answer.raw_head.clone(),
            body: Some(body.clone()),
            body_truncated: truncated,
            timings,
        }));
        if let Some(next) = redirect::next(cfg, target, &answer.head) {
            return Ok(Attempt::Redirect(next?));
        }
        return Err(crate::wire::rejection::rejected_with_body(
            &answer.head,
            &req,
            &body,
        ));
    }
    match response::check_upgrade(
        &answer.head,
        &req.key,
        &req.offered_protocols,
        &req.extension_offer,
    ) {
        Ok(negotiated) => Ok(Attempt::Done(Box::new(Upgraded {
            declined: declined_offers(&req, &negotiated),
            stream,
            answer,
            negotiated,
            timings,
        }))),
        Err(problems) => {
            emit(Event::Response(event::Response {
                head: answer.raw_head.clone(),
                body: Some(Vec::new()),
                body_truncated: false,
                timings,
            }));
            Err(Error::new(
                Kind::Rejected,
                format!("invalid handshake response: {}", problems.join("; ")),
            ))
        }
    }
}

/// What the server silently declined: a subprotocol offered with `-s` that it did not select
/// (the classic silent failure), an extension offered with `-H` that it did not accept.
fn declined_offers(req: &Request, negotiated: &Negotiated) -> Vec<Warning> {
    let mut said = Vec::new();
    if !req.offered_protocols.is_empty() && negotiated.protocol.is_none() {
        said.push(Warning::SubprotocolsDeclined {
            offered: req.offered_protocols.clone(),
        });
    }
    // wscope's own permessage-deflate offer may go unanswered quietly; a user's may not.
    if req.extensions_by_user && negotiated.extensions.is_empty() {
        said.push(Warning::ExtensionsDeclined {
            offered: req.extension_offer.clone(),
        });
    }
    said
}
