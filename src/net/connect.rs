//! From a validated [`Target`] to an open byte stream: DNS, TCP (bounded by the connect timeout,
//! trying every resolved address) or a Unix socket ([`super::transport`]), then TLS through
//! tokio-native-tls when the URL is `wss://`.
//!
//! TLS is done here, below the tap, so the tap sees plaintext frames.

use crate::error::{Error, Kind};
use crate::net::tls_hello::HelloSniffer;
use crate::net::transport::{Peer, Transport};
use crate::units::secs;
use crate::wire::target::Target;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_native_tls::TlsStream;

/// What `--insecure` makes wscope say every time.
pub(crate) const INSECURE_WARNING: &str =
    "--insecure: the server's certificate and host name are NOT verified";

/// TLS settings from the command line.
#[derive(Debug, Clone, Default)]
pub(crate) struct TlsOptions {
    pub cacert: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    pub insecure: bool,
}

/// A TCP or Unix stream, with or without TLS on top.
pub(crate) enum Stream {
    Plain(Transport),
    Tls(Box<TlsStream<HelloSniffer<Transport>>>),
}

/// What connecting took and where it went.
#[derive(Debug, Clone)]
pub(crate) struct ConnectInfo {
    pub peer: Peer,
    pub dns: Duration,
    pub tcp: Duration,
}

/// Builds the TLS connector up front, so bad key material is reported before any network I/O.
pub(crate) fn tls_connector(opts: &TlsOptions) -> Result<tokio_native_tls::TlsConnector, Error> {
    let mut b = native_tls::TlsConnector::builder();
    if let Some(path) = &opts.cacert {
        let pem = read_file(path, "--cacert")?;
        let certs = pem_blocks(&pem, "CERTIFICATE");
        if certs.is_empty() {
            return Err(Error::new(
                Kind::Tls,
                format!(
                    "--cacert {}: no PEM certificate in the file",
                    path.display()
                ),
            )
            .with_hint("expected '-----BEGIN CERTIFICATE-----' blocks"));
        }
        for block in certs {
            let cert = native_tls::Certificate::from_pem(block.as_bytes()).map_err(|e| {
                Error::new(
                    Kind::Tls,
                    format!("--cacert {}: invalid certificate: {e}", path.display()),
                )
            })?;
            b.add_root_certificate(cert);
        }
    }
    match (&opts.cert, &opts.key) {
        (Some(cert), Some(key)) => {
            let cert_pem = read_file(cert, "--cert")?;
            let key_pem = read_file(key, "--key")?;
            let id = native_tls::Identity::from_pkcs8(cert_pem.as_bytes(), key_pem.as_bytes())
                .map_err(|e| {
                    Error::new(
                        Kind::Tls,
                        format!(
                            "client certificate {} / key {}: {e}",
                            cert.display(),
                            key.display()
                        ),
                    )
                    .with_hint("both must be PEM; the key in PKCS#8 ('BEGIN PRIVATE KEY')")
                })?;
            b.identity(id);
        }
        (Some(_), None) => return Err(Error::usage("--cert needs --key")),
        (None, Some(_)) => return Err(Error::usage("--key needs --cert")),
        (None, None) => {}
    }
    if opts.insecure {
        b.danger_accept_invalid_certs(true);
        b.danger_accept_invalid_hostnames(true);
    }
    let c = b
        .build()
        .map_err(|e| Error::new(Kind::Tls, format!("cannot set up TLS: {e}")))?;
    Ok(c.into())
}

fn read_file(path: &Path, option: &str) -> Result<String, Error> {
    let bytes = std::fs::read(path).map_err(|e| {
        Error::new(
            Kind::Tls,
            format!("{option} {}: cannot read: {e}", path.display()),
        )
    })?;
    String::from_utf8(bytes).map_err(|_| {
        Error::new(
            Kind::Tls,
            format!("{option} {}: not a PEM file (binary data)", path.display()),
        )
    })
}

/// The `-----BEGIN <label>-----` ... `-----END <label>-----` blocks of a PEM file.
fn pem_blocks(pem: &str, label: &str) -> Vec<String> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let mut out = Vec::new();
    let mut rest = pem;
    while let Some(s) = rest.find(&begin) {
        let Some(e) = rest[s..].find(&end) else { break };
        out.push(rest[s..s + e + end.len()].to_string());
        rest = &rest[s + e + end.len()..];
    }
    out
}

/// Resolves and connects, trying each address in turn within `timeout` overall.
pub(crate) async fn tcp(
    host: &str,
    port: u16,
    timeout: Duration,
) -> Result<(TcpStream, ConnectInfo), Error> {
    let start = Instant::now();
    let deadline = start + timeout;
    let lookup = tokio::net::lookup_host((host, port));
    let addrs: Vec<SocketAddr> = match tokio::time::timeout_at(deadline.into(), lookup).await {
        Err(_) => {
            return Err(Error::new(
                Kind::Timeout,
                format!(
                    "resolving '{}' took longer than the connect timeout ({})",
                    host,
                    secs(timeout)
                ),
            ));
        }
        Ok(Err(e)) => {
            return Err(Error::new(
                Kind::Connect,
                format!("cannot resolve host '{}': {e}", host),
            ));
        }
        Ok(Ok(a)) => a.collect(),
    };
    let dns = start.elapsed();
    if addrs.is_empty() {
        return Err(Error::new(
            Kind::Connect,
            format!("host '{}' has no addresses", host),
        ));
    }
    let mut last_err = None;
    for (i, addr) in addrs.iter().enumerate() {
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        // Share what is left fairly, so one black hole cannot eat the whole budget.
        let left = deadline - now;
        let per = left / (addrs.len() - i) as u32;
        let t0 = Instant::now();
        match tokio::time::timeout(per, TcpStream::connect(addr)).await {
            Ok(Ok(s)) => {
                let _ = s.set_nodelay(true);
                return Ok((
                    s,
                    ConnectInfo {
                        peer: Peer::Tcp(*addr),
                        dns,
                        tcp: t0.elapsed(),
                    },
                ));
            }
            Ok(Err(e)) => last_err = Some(AddrFailure::Refused(*addr, e)),
            Err(_) => last_err = Some(AddrFailure::NoAnswer(*addr, per)),
        }
    }
    let why = match &last_err {
        Some(f) => f.to_string(),
        None => "connect timeout".into(),
    };
    let what = format!("cannot connect to {host}:{port} ({why})");
    match last_err {
        Some(AddrFailure::Refused(..)) => Err(Error::new(Kind::Connect, what)),
        // The last address gave no answer in time, or no time was left to try one.
        Some(AddrFailure::NoAnswer(..)) | None => Err(Error::new(Kind::Timeout, what)
            .with_hint("raise the limit with --connect-timeout SECS")),
    }
}

/// Why connecting to one resolved address failed.
enum AddrFailure {
    /// The address answered with an error (refused, unreachable).
    Refused(SocketAddr, io::Error),
    /// No answer within its share of the connect timeout.
    NoAnswer(SocketAddr, Duration),
}

impl std::fmt::Display for AddrFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AddrFailure::Refused(addr, e) => write!(f, "{addr}: {e}"),
            AddrFailure::NoAnswer(addr, d) => write!(f, "{addr}: no answer within {}", secs(*d)),
        }
    }
}

/// Runs the TLS handshake on an open stream.
pub(crate) async fn tls(
    connector: &tokio_native_tls::TlsConnector,
    target: &Target,
    tcp: HelloSniffer<Transport>,
    timeout: Duration,
) -> Result<TlsStream<HelloSniffer<Transport>>, Error> {
    match tokio::time::timeout(timeout, connector.connect(&target.host, tcp)).await {
        Err(_) => Err(Error::new(
            Kind::Timeout,
            format!(
                "TLS handshake with {} did not finish within {}",
                target.host_header,
                secs(timeout)
            ),
        )
        .with_hint("is this a TLS port? try ws:// for plain WebSocket")),
        Ok(Ok(s)) => Ok(s),
        Ok(Err(e)) => Err(classify_tls_error(target, &e.to_string())),
    }
}

/// Turns a TLS library message into a message and a hint a user can act on.
pub(crate) fn classify_tls_error(target: &Target, cause: &str) -> Error {
    let lower = cause.to_ascii_lowercase();
    let base = format!("TLS handshake with {} failed: {cause}", target.host_header);
    let e = Error::new(Kind::Tls, base);
    if lower.contains("wrong version number")
        || lower.contains("packet length too long")
        || lower.contains("unexpected eof")
        || lower.contains("record layer failure")
        || lower.contains("http request")
    {
        e.with_hint(
            "the server does not seem to speak TLS on this port: try ws:// instead of wss://",
        )
    } else if lower.contains("hostname mismatch") || lower.contains("ip address mismatch") {
        e.with_hint(format!(
            "the certificate is not valid for '{}'; connect with the name it was issued for, or use -k/--insecure to skip verification",
            target.host
        ))
    } else if lower.contains("expired") || lower.contains("not yet valid") {
        e.with_hint("the server's certificate is outside its validity period; -k/--insecure skips verification")
    } else if lower.contains("certificate") || lower.contains("verify") {
        e.with_hint(
            "if the server uses a private CA, pass it with --cacert FILE; -k/--insecure skips verification",
        )
    } else {
        e
    }
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s).poll_shutdown(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_blocks_finds_each_certificate() {
        let pem = "junk\n-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n\
                   -----BEGIN CERTIFICATE-----\nBBB\n-----END CERTIFICATE-----\n";
        let blocks = pem_blocks(pem, "CERTIFICATE");
        assert_eq!(blocks.len(), 2);
        assert!(blocks[1].contains("BBB"));
    }

    #[test]
    fn tls_errors_get_hints() {
        let t = Target::parse("wss://h:1/").expect("url");
        let e = classify_tls_error(
            &t,
            "error: certificate verify failed (self-signed certificate)",
        );
        assert!(e.hint.unwrap_or_default().contains("--cacert"));
        let e = classify_tls_error(&t, "ssl3_get_record:wrong version number");
        assert!(e.hint.unwrap_or_default().contains("ws://"));
    }
}
