//! One connection attempt, in named stages: open (DNS and TCP, to the target or its proxy, or
//! the Unix socket),
//! tunnel (through the proxy), secure (TLS), upgrade (the HTTP exchange), and judge the answer
//! (a valid 101, a redirect to follow, or a rejection with its body and a hint). Each stage
//! reports what it did as events, for `-v`, JSON Lines and `/handshake`.

use super::recorder::Recorder;
use super::redirect;
use crate::config::ConnectConfig;
use crate::error::{Error, Kind};
use crate::event::{self, Event, Timings};
use crate::net::connect::{self, ConnectInfo, Stream};
use crate::net::proxy::{self, Proxy, ProxyKind};
use crate::wire::target::Target;
use crate::net::tls_hello::{self, HelloSniffer};
use crate::net::transport::{self, Peer, Transport};
use crate::wire::handshake::{self, Answer};
use crate::wire::request::{self, Request};
use crate::wire::response::{self, Negotiated};
use std::time::{Duration, Instant};

/// An upgraded connection, ready for the session.
pub(super) struct Upgraded {
    pub stream: Stream,
    pub answer: Answer,
    pub negotiated: Negotiated,
    pub timings: Timings,
    /// Warnings about offers the server silently declined.
    pub declined: Vec<String>,
}

/// What one connection attempt led to.
pub(super) enum Attempt {
    Upgraded(Box<Upgraded>),
    Redirect(Target),
}

/// Connects to `target`, upgrades, and judges the answer.
pub(super) async fn attempt(
    cfg: &ConnectConfig,
    target: &Target,
    rec: &mut Recorder,
) -> Result<Attempt, Error> {
    let Opened {
        mut stream,
        mut timings,
        deadline,
    } = open_stream(cfg, target, &mut |e| rec.emit(e)).await?;
    let (answer, req) = upgrade(cfg, target, &mut stream, deadline, rec).await?;
    timings.upgrade = answer.took;
    let exchanged = Exchanged {
        stream,
        answer,
        req,
        timings,
        deadline,
    };
    judge(cfg, target, exchanged, rec).await
}

/// A stream to the server, through the proxy and TLS when there are: what an upgrade request
/// is sent on.
pub struct Opened {
    pub stream: Stream,
    pub timings: Timings,
    /// Until when the handshake may take (`--handshake-timeout` from the end of TCP connect).
    pub deadline: Instant,
}

/// Opens a stream to `target`: DNS and TCP, the proxy's tunnel, TLS; each stage reported to
/// `emit` as it is done.
pub async fn open_stream(
    cfg: &ConnectConfig,
    target: &Target,
    emit: &mut dyn FnMut(Event),
) -> Result<Opened, Error> {
    // Bad key material is reported before any network I/O.
    let connector = match target.secure {
        true => Some(connect::tls_connector(&cfg.tls)?),
        false => None,
    };
    // A Unix socket leads straight to the server: no proxy applies.
    let proxy = match cfg.unix_socket {
        Some(_) => None,
        None => proxy::select(target, &cfg.proxy, &|name| std::env::var(name).ok())?,
    };
    let (mut socket, mut timings) = open(cfg, target, proxy.as_ref(), emit).await?;
    let deadline = Instant::now() + cfg.handshake_timeout;
    if let Some(p) = &proxy {
        timings.proxy = Some(tunnel(&mut socket, p, target, deadline, emit).await?);
    }
    let stream = match &connector {
        Some(c) => {
            let (s, took) = secure(c, cfg, target, socket, emit).await?;
            timings.tls = Some(took);
            s
        }
        None => Stream::Plain(socket),
    };
    Ok(Opened {
        stream,
        timings,
        deadline,
    })
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

/// DNS and TCP, to the proxy when there is one; or the Unix socket (`--unix-socket`).
async fn open(
    cfg: &ConnectConfig,
    target: &Target,
    proxy: Option<&Proxy>,
    emit: &mut dyn FnMut(Event),
) -> Result<(Transport, Timings), Error> {
    let (socket, info) = match (proxy, &cfg.unix_socket) {
        (_, Some(path)) => {
            let (s, took) = transport::unix(path, cfg.connect_timeout).await?;
            let info = ConnectInfo {
                peer: Peer::Unix(Some(path.clone())),
                dns: Duration::ZERO,
                tcp: took,
            };
            (Box::new(s) as Transport, info)
        }
        (Some(p), None) => connect::tcp(&p.host, p.port, cfg.connect_timeout)
            .await
            .map(|(s, info)| (Box::new(s) as Transport, info))
            .map_err(|e| {
                let msg = format!("proxy {} ({}): {}", p.display(), p.source, e.message);
                Error { message: msg, ..e }
            })?,
        (None, None) => connect::tcp(&target.host, target.port, cfg.connect_timeout)
            .await
            .map(|(s, info)| (Box::new(s) as Transport, info))?,
    };
    emit(Event::Connected(event::Connected {
        url: match proxy {
            Some(p) => format!("proxy {}", p.display()),
            None => target.display.clone(),
        },
        peer: info.peer,
        dns: info.dns,
        tcp: info.tcp,
    }));
    let timings = Timings {
        dns: info.dns,
        tcp: info.tcp,
        ..Timings::default()
    };
    Ok((socket, timings))
}

/// The tunnel through an HTTP (CONNECT) or SOCKS5 proxy; returns how long it took.
async fn tunnel(
    tcp: &mut Transport,
    p: &Proxy,
    target: &Target,
    deadline: Instant,
    emit: &mut dyn FnMut(Event),
) -> Result<Duration, Error> {
    let t0 = Instant::now();
    let (exchange, result) = match p.kind {
        ProxyKind::Http => {
            let (ex, res) = proxy::http_connect(tcp, p, target, deadline).await;
            (ex.map(|e| (e.request, e.response)), res)
        }
        ProxyKind::Socks5 { .. } => (None, proxy::socks5_connect(tcp, p, target, deadline).await),
    };
    let took = t0.elapsed();
    emit(Event::Tunnel(event::Tunnel {
        proxy: p.display(),
        source: p.source.clone(),
        exchange,
        took,
    }));
    result.map(|()| took)
}

/// TLS, with what the ServerHello negotiated and the server's certificate described.
async fn secure(
    connector: &tokio_native_tls::TlsConnector,
    cfg: &ConnectConfig,
    target: &Target,
    socket: Transport,
    emit: &mut dyn FnMut(Event),
) -> Result<(Stream, Duration), Error> {
    let t0 = Instant::now();
    let sniffer = HelloSniffer::new(socket);
    let hello = sniffer.found.clone();
    let s = connect::tls(connector, target, sniffer, cfg.handshake_timeout).await?;
    let protocol = hello
        .get()
        .map(|(v, c)| (tls_hello::version_name(*v), tls_hello::cipher_name(*c)));
    let took = t0.elapsed();
    let certificate = match s.get_ref().peer_certificate() {
        Ok(Some(cert)) => cert
            .to_der()
            .map(|der| crate::net::tls_info::describe(&der))
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    emit(Event::TlsUp(event::TlsUp {
        took,
        insecure: cfg.tls.insecure,
        protocol,
        certificate,
    }));
    Ok((Stream::Tls(Box::new(s)), took))
}

/// The HTTP upgrade: the request as built, sent, and the answer's head read.
async fn upgrade(
    cfg: &ConnectConfig,
    target: &Target,
    stream: &mut Stream,
    deadline: Instant,
    rec: &mut Recorder,
) -> Result<(Answer, Request), Error> {
    let key = tokio_tungstenite::tungstenite::handshake::client::generate_key();
    let req = request::build(target, &cfg.request, &key);
    rec.emit(Event::Request {
        bytes: req.bytes.clone(),
    });
    let answer = handshake::exchange(stream, &req, deadline)
        .await
        .map_err(|e| {
            if !target.secure && e.hint.is_none() && e.kind == Kind::Rejected {
                e.with_hint("if the server expects TLS on this port, use wss://")
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
    rec: &mut Recorder,
) -> Result<Attempt, Error> {
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
        rec.emit(Event::Response(event::Response {
            head: answer.raw_head.clone(),
            body: Some(body),
            body_truncated: truncated,
            timings,
        }));
        if let (Some(loc), Some(_)) = (redirect::location(&answer.head), cfg.follow_redirects) {
            return Ok(Attempt::Redirect(redirect::target(target, loc)?));
        }
        return Err(crate::wire::rejection::rejected(&answer.head, &req));
    }
    match response::check_upgrade(
        &answer.head,
        &req.key,
        &req.offered_protocols,
        &req.extension_offer,
    ) {
        Ok(negotiated) => Ok(Attempt::Upgraded(Box::new(Upgraded {
            declined: declined_offers(&req, &negotiated),
            stream,
            answer,
            negotiated,
            timings,
        }))),
        Err(problems) => {
            rec.emit(Event::Response(event::Response {
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
fn declined_offers(req: &Request, negotiated: &Negotiated) -> Vec<String> {
    let mut said = Vec::new();
    if !req.offered_protocols.is_empty() && negotiated.protocol.is_none() {
        said.push(format!(
            "the server selected none of the offered subprotocols ({}); it may not speak what this session sends",
            req.offered_protocols.join(", ")
        ));
    }
    // wscope's own permessage-deflate offer may go unanswered quietly; a user's may not.
    if req.extensions_by_user && negotiated.extensions.is_empty() {
        said.push(format!(
            "the server accepted none of the offered extensions ({})",
            req.extension_offer.join(", ")
        ));
    }
    said
}
