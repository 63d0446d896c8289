//! The SOCKS5 tunnel (RFC 1928, with RFC 1929 user/password): greeting, authentication, the
//! CONNECT request for the target (resolved here for `socks5://`, by the proxy for
//! `socks5h://`), and the reply, each step within the handshake deadline.

use super::{Proxy, ProxyKind, io_failed, refused};
use crate::error::{Error, Kind};
use crate::wire::target::Target;
use std::net::IpAddr;
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Opens a SOCKS5 tunnel to `target`.
pub async fn socks5_connect<S>(
    stream: &mut S,
    proxy: &Proxy,
    target: &Target,
    deadline: Instant,
) -> Result<(), Error>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let address = address(proxy, target).await?;
    let step = Step { proxy, deadline };
    let methods: &[u8] = if proxy.credentials.is_some() {
        &[0x05, 0x02, 0x00, 0x02]
    } else {
        &[0x05, 0x01, 0x00]
    };
    let choice = step
        .exchange(stream, methods, "the greeting", two_bytes)
        .await?;
    if choice[0] != 0x05 {
        return Err(refused(
            proxy,
            format!(
                "is not a SOCKS5 proxy (answered version {:#04x})",
                choice[0]
            ),
        ));
    }
    match choice[1] {
        0x00 => {}
        0x02 => authenticate(stream, &step).await?,
        0xff => {
            return Err(refused(
                proxy,
                if proxy.credentials.is_some() {
                    "accepts none of the offered authentication methods".into()
                } else {
                    "requires authentication".into()
                },
            )
            .with_hint("give credentials in the proxy URL: --proxy socks5://user:pass@host:port"));
        }
        m => return Err(refused(proxy, format!("chose an unknown method {m:#04x}"))),
    }
    connect(stream, &step, target, address).await
}

/// One step of the handshake: what a deadline and a proxy need to report failures.
struct Step<'a> {
    proxy: &'a Proxy,
    deadline: Instant,
}

impl Step<'_> {
    /// Sends `msg`, then reads the answer with `read`, within the deadline.
    async fn exchange<S, T>(
        &self,
        stream: &mut S,
        msg: &[u8],
        what: &str,
        read: impl AsyncFnOnce(&mut S) -> std::io::Result<T>,
    ) -> Result<T, Error>
    where
        S: AsyncRead + AsyncWrite + Unpin,
    {
        let work = async {
            stream.write_all(msg).await?;
            read(stream).await
        };
        tokio::time::timeout_at(self.deadline.into(), work)
            .await
            .map_err(|_| {
                Error::new(
                    Kind::Timeout,
                    format!(
                        "SOCKS5 proxy {} did not answer {what} in time",
                        self.proxy.display()
                    ),
                )
            })?
            .map_err(|e| io_failed(self.proxy, e))
    }
}

/// The two-byte answers of the greeting and of the authentication.
async fn two_bytes<S: AsyncRead + Unpin>(s: &mut S) -> std::io::Result<[u8; 2]> {
    let mut answer = [0u8; 2];
    s.read_exact(&mut answer).await?;
    Ok(answer)
}

/// The target's address: resolved here for `socks5://` (unless it is an IP already), left to
/// the proxy for `socks5h://`.
async fn address(proxy: &Proxy, target: &Target) -> Result<Option<IpAddr>, Error> {
    let remote_dns = matches!(proxy.kind, ProxyKind::Socks5 { remote_dns: true });
    if let Ok(ip) = target.host.parse::<IpAddr>() {
        return Ok(Some(ip));
    }
    if remote_dns {
        return Ok(None);
    }
    let found = tokio::net::lookup_host((target.host.as_str(), target.port))
        .await
        .map_err(|e| {
            Error::new(
                Kind::Connect,
                format!("cannot resolve host '{}': {e}", target.host),
            )
        })?
        .next()
        .ok_or_else(|| {
            Error::new(
                Kind::Connect,
                format!("host '{}' has no addresses", target.host),
            )
        })?;
    Ok(Some(found.ip()))
}

/// RFC 1929 user/password authentication.
async fn authenticate<S>(stream: &mut S, step: &Step<'_>) -> Result<(), Error>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let (u, p) = step.proxy.credentials.clone().unwrap_or_default();
    if u.len() > 255 || p.len() > 255 {
        return Err(Error::usage(
            "SOCKS5 user and password are at most 255 bytes",
        ));
    }
    let mut msg = vec![0x01, u.len() as u8];
    msg.extend_from_slice(u.as_bytes());
    msg.push(p.len() as u8);
    msg.extend_from_slice(p.as_bytes());
    let r = step
        .exchange(stream, &msg, "the authentication", two_bytes)
        .await?;
    if r[1] != 0x00 {
        return Err(refused(
            step.proxy,
            "refused the user name and password".into(),
        ));
    }
    Ok(())
}

/// The CONNECT request and the proxy's reply.
async fn connect<S>(
    stream: &mut S,
    step: &Step<'_>,
    target: &Target,
    address: Option<IpAddr>,
) -> Result<(), Error>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut req = vec![0x05, 0x01, 0x00];
    match address {
        Some(IpAddr::V4(a)) => {
            req.push(0x01);
            req.extend_from_slice(&a.octets());
        }
        Some(IpAddr::V6(a)) => {
            req.push(0x04);
            req.extend_from_slice(&a.octets());
        }
        None => {
            if target.host.len() > 255 {
                return Err(Error::usage("host name too long for SOCKS5"));
            }
            req.push(0x03);
            req.push(target.host.len() as u8);
            req.extend_from_slice(target.host.as_bytes());
        }
    }
    req.extend_from_slice(&target.port.to_be_bytes());
    let head = step
        .exchange(stream, &req, "the CONNECT request", async |s| {
            let mut head = [0u8; 4];
            s.read_exact(&mut head).await?;
            let skip = match head[3] {
                0x01 => 4,
                0x04 => 16,
                0x03 => {
                    let mut n = [0u8; 1];
                    s.read_exact(&mut n).await?;
                    usize::from(n[0])
                }
                _ => 0,
            };
            let mut rest = vec![0u8; skip + 2];
            s.read_exact(&mut rest).await?;
            Ok(head)
        })
        .await?;
    if head[1] == 0x00 {
        return Ok(());
    }
    Err(refused(
        step.proxy,
        format!(
            "could not reach {}:{}: {} (SOCKS5 reply {:#04x})",
            target.host,
            target.port,
            reply_meaning(head[1]),
            head[1]
        ),
    ))
}

/// What a SOCKS5 reply code means (RFC 1928 §6).
fn reply_meaning(code: u8) -> &'static str {
    match code {
        0x01 => "general failure",
        0x02 => "connection not allowed by its rules",
        0x03 => "network unreachable",
        0x04 => "host unreachable",
        0x05 => "connection refused by the destination",
        0x06 => "TTL expired",
        0x07 => "command not supported",
        0x08 => "address type not supported",
        _ => "unknown error",
    }
}
