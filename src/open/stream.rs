//! A stream to the server, in named stages: open (DNS and TCP, to the target or its proxy, or
//! the Unix socket), tunnel (through the proxy), secure (TLS). Each stage reports what it did
//! as an event, for `-v`, JSON Lines and `/handshake`; what is sent on the stream is
//! [`super::upgrade`]'s.

use super::ConnectConfig;
use crate::error::Error;
use crate::event::{self, Event, Timings};
use crate::net::connect::{self, ConnectInfo, Stream};
use crate::net::proxy::{self, Proxy, ProxyKind};
use crate::net::tls_hello::{self, HelloSniffer};
use crate::net::transport::{self, Peer, Transport};
use crate::wire::target::Target;
use std::time::{Duration, Instant};

/// A stream to the server, through the proxy and TLS when there are: what an upgrade request
/// is sent on.
pub(crate) struct Opened {
    pub stream: Stream,
    pub timings: Timings,
    /// Until when the handshake may take (`--handshake-timeout` from the end of TCP connect).
    pub deadline: Instant,
}

/// Opens a stream to `target`: DNS and TCP, the proxy's tunnel, TLS; each stage reported to
/// `emit` as it is done.
pub(crate) async fn open_stream(
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
            None => target.url.clone(),
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
