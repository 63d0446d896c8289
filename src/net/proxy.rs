//! Reaching the server through a proxy: which proxy applies (`--proxy`, `--noproxy`, and the
//! environment as curl reads it), and the two tunnel handshakes, HTTP CONNECT and SOCKS5.
//!
//! Selection is pure and unit-tested; the handshakes run on the TCP stream to the proxy before
//! TLS, so everything above (TLS, the upgrade, the frame tap) is unchanged.

use crate::error::{Error, Kind};
use crate::net::target::{Target, percent_decode};
use crate::wire::request::basic_auth;
use std::net::IpAddr;
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// How to talk to the proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyKind {
    /// HTTP proxy, tunnelled with CONNECT.
    Http,
    /// SOCKS5; `remote_dns` (socks5h) lets the proxy resolve the host name.
    Socks5 { remote_dns: bool },
}

/// A proxy to go through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxy {
    pub kind: ProxyKind,
    pub host: String,
    pub port: u16,
    pub credentials: Option<(String, String)>,
    /// Where it came from (`--proxy`, or the environment variable's name), for messages.
    pub source: String,
}

impl Proxy {
    /// `scheme://host:port` without credentials.
    pub fn display(&self) -> String {
        let scheme = match self.kind {
            ProxyKind::Http => "http",
            ProxyKind::Socks5 { remote_dns: false } => "socks5",
            ProxyKind::Socks5 { remote_dns: true } => "socks5h",
        };
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        format!("{scheme}://{host}:{}", self.port)
    }
}

/// Parses a proxy URL: `http://`, `socks5://`, `socks5h://`, or `host:port` (HTTP, as curl).
pub fn parse_proxy(value: &str, source: &str) -> Result<Proxy, Error> {
    let with_scheme = if value.contains("://") {
        value.to_string()
    } else {
        format!("http://{value}")
    };
    let bad = |why: &str| Error::usage(format!("proxy '{value}' from {source}: {why}"));
    let url = url::Url::parse(&with_scheme).map_err(|e| bad(&e.to_string()))?;
    let (kind, default_port) = match url.scheme() {
        "http" => (ProxyKind::Http, 1080),
        "socks5" => (ProxyKind::Socks5 { remote_dns: false }, 1080),
        "socks5h" => (ProxyKind::Socks5 { remote_dns: true }, 1080),
        "https" => return Err(bad("HTTPS proxies are not supported; use http://")),
        other => return Err(bad(&format!("unsupported proxy scheme '{other}'"))),
    };
    let host = match url.host() {
        Some(url::Host::Domain(d)) if !d.is_empty() => d.to_string(),
        Some(url::Host::Ipv4(a)) => a.to_string(),
        Some(url::Host::Ipv6(a)) => a.to_string(),
        _ => return Err(bad("no host")),
    };
    let credentials = (!url.username().is_empty()).then(|| {
        (
            percent_decode(url.username()),
            percent_decode(url.password().unwrap_or_default()),
        )
    });
    Ok(Proxy {
        kind,
        host,
        port: url.port().unwrap_or(default_port),
        credentials,
        source: source.to_string(),
    })
}

/// Whether `host` is excluded by a `no_proxy` list: `*`, or comma-separated names (matching the
/// name and its subdomains, a leading dot allowed) and IP addresses; ports are ignored.
pub fn no_proxy_matches(list: &str, host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    list.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|entry| {
            if entry == "*" {
                return true;
            }
            let entry = entry.trim_start_matches("*.").trim_start_matches('.');
            let name = match entry.rsplit_once(':') {
                Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) && !h.contains(':') => h,
                _ => entry,
            };
            let name = name
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_ascii_lowercase();
            if name.parse::<IpAddr>().is_ok() || host.parse::<IpAddr>().is_ok() {
                return name == host;
            }
            host == name || host.ends_with(&format!(".{name}"))
        })
}

/// Picks the proxy for `target`, as curl does: `--noproxy`/`no_proxy` exclude hosts; `--proxy`
/// wins over the environment (an empty value means none); then `wss_proxy`/`ws_proxy`,
/// `https_proxy`/`HTTPS_PROXY` (wss) or lower-case `http_proxy` (ws), then `all_proxy`.
pub fn select(
    target: &Target,
    explicit: Option<&str>,
    noproxy: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<Proxy>, Error> {
    let get = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    let excluded = match noproxy {
        Some(list) => no_proxy_matches(list, &target.host),
        None => get("no_proxy")
            .or_else(|| get("NO_PROXY"))
            .is_some_and(|list| no_proxy_matches(&list, &target.host)),
    };
    if excluded {
        return Ok(None);
    }
    if let Some(p) = explicit {
        return if p.trim().is_empty() {
            Ok(None)
        } else {
            parse_proxy(p.trim(), "--proxy").map(Some)
        };
    }
    let names: &[&str] = if target.secure {
        &[
            "wss_proxy",
            "WSS_PROXY",
            "https_proxy",
            "HTTPS_PROXY",
            "all_proxy",
            "ALL_PROXY",
        ]
    } else {
        &[
            "ws_proxy",
            "WS_PROXY",
            "http_proxy",
            "all_proxy",
            "ALL_PROXY",
        ]
    };
    for name in names {
        if let Some(v) = get(name) {
            return parse_proxy(v.trim(), &format!("${name}")).map(Some);
        }
    }
    Ok(None)
}

/// The CONNECT exchange, for display.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub request: Vec<u8>,
    pub response: Vec<u8>,
}

fn refused(proxy: &Proxy, what: String) -> Error {
    Error::new(
        Kind::Proxy,
        format!("proxy {} ({}) {what}", proxy.display(), proxy.source),
    )
}

fn io_failed(proxy: &Proxy, e: std::io::Error) -> Error {
    refused(proxy, format!("failed during the tunnel handshake: {e}"))
}

/// Opens a CONNECT tunnel to `target` through an HTTP proxy.
pub async fn http_connect<S>(
    stream: &mut S,
    proxy: &Proxy,
    target: &Target,
    deadline: Instant,
) -> (Option<Exchange>, Result<(), Error>)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let authority = if target.host.contains(':') {
        format!("[{}]:{}", target.host, target.port)
    } else {
        format!("{}:{}", target.host, target.port)
    };
    let mut req = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n");
    if let Some((u, p)) = &proxy.credentials {
        req.push_str(&format!("Proxy-Authorization: {}\r\n", basic_auth(u, p)));
    }
    req.push_str(&format!(
        "User-Agent: wscope/{}\r\n\r\n",
        env!("CARGO_PKG_VERSION")
    ));
    let work = async {
        stream.write_all(req.as_bytes()).await?;
        stream.flush().await?;
        // Read byte by byte: nothing past the proxy's answer may be consumed.
        let mut head = Vec::new();
        let mut b = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            if stream.read(&mut b).await? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            head.push(b[0]);
            if head.len() > crate::wire::response::MAX_HEAD {
                return Err(std::io::Error::other("answer head over 64 KiB"));
            }
        }
        Ok(head)
    };
    let head = match tokio::time::timeout_at(deadline.into(), work).await {
        Err(_) => {
            let e = Error::new(
                Kind::Timeout,
                format!("proxy {} did not answer CONNECT in time", proxy.display()),
            );
            return (None, Err(e));
        }
        Ok(Err(e)) => return (None, Err(io_failed(proxy, e))),
        Ok(Ok(h)) => h,
    };
    let parsed = crate::wire::response::parse_head(&head).map_err(|e| refused(proxy, e));
    let exchange = Some(Exchange {
        request: req.into_bytes(),
        response: head,
    });
    let parsed = match parsed {
        Ok(p) => p,
        Err(e) => return (exchange, Err(e)),
    };
    let result = match parsed.status {
        200..=299 => Ok(()),
        407 => Err(refused(
            proxy,
            format!(
                "requires authentication (407 {}){}",
                parsed.reason,
                if proxy.credentials.is_some() {
                    "; the credentials given were refused"
                } else {
                    ""
                }
            ),
        )
        .with_hint("give credentials in the proxy URL: --proxy http://user:pass@host:port")),
        s => Err(refused(
            proxy,
            format!("refused the tunnel to {authority}: {s} {}", parsed.reason),
        )),
    };
    (exchange, result)
}

/// Opens a SOCKS5 tunnel (RFC 1928, with RFC 1929 user/password) to `target`.
pub async fn socks5_connect<S>(
    stream: &mut S,
    proxy: &Proxy,
    target: &Target,
    deadline: Instant,
) -> Result<(), Error>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let remote_dns = matches!(proxy.kind, ProxyKind::Socks5 { remote_dns: true });
    // socks5:// resolves here, socks5h:// lets the proxy do it.
    let address = if remote_dns || target.host.parse::<IpAddr>().is_ok() {
        None
    } else {
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
        Some(found.ip())
    };
    let work = async {
        let methods: &[u8] = if proxy.credentials.is_some() {
            &[0x05, 0x02, 0x00, 0x02]
        } else {
            &[0x05, 0x01, 0x00]
        };
        stream.write_all(methods).await?;
        let mut choice = [0u8; 2];
        stream.read_exact(&mut choice).await?;
        Ok::<_, std::io::Error>(choice)
    };
    let timeout = |what: &str| {
        Error::new(
            Kind::Timeout,
            format!(
                "SOCKS5 proxy {} did not answer {what} in time",
                proxy.display()
            ),
        )
    };
    let choice = tokio::time::timeout_at(deadline.into(), work)
        .await
        .map_err(|_| timeout("the greeting"))?
        .map_err(|e| io_failed(proxy, e))?;
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
        0x02 => {
            let (u, p) = proxy.credentials.clone().unwrap_or_default();
            if u.len() > 255 || p.len() > 255 {
                return Err(Error::usage(
                    "SOCKS5 user and password are at most 255 bytes",
                ));
            }
            let mut msg = vec![0x01, u.len() as u8];
            msg.extend_from_slice(u.as_bytes());
            msg.push(p.len() as u8);
            msg.extend_from_slice(p.as_bytes());
            let work = async {
                stream.write_all(&msg).await?;
                let mut r = [0u8; 2];
                stream.read_exact(&mut r).await?;
                Ok::<_, std::io::Error>(r)
            };
            let r = tokio::time::timeout_at(deadline.into(), work)
                .await
                .map_err(|_| timeout("the authentication"))?
                .map_err(|e| io_failed(proxy, e))?;
            if r[1] != 0x00 {
                return Err(refused(proxy, "refused the user name and password".into()));
            }
        }
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
        None => match target.host.parse::<IpAddr>() {
            Ok(IpAddr::V4(a)) => {
                req.push(0x01);
                req.extend_from_slice(&a.octets());
            }
            Ok(IpAddr::V6(a)) => {
                req.push(0x04);
                req.extend_from_slice(&a.octets());
            }
            Err(_) => {
                if target.host.len() > 255 {
                    return Err(Error::usage("host name too long for SOCKS5"));
                }
                req.push(0x03);
                req.push(target.host.len() as u8);
                req.extend_from_slice(target.host.as_bytes());
            }
        },
    }
    req.extend_from_slice(&target.port.to_be_bytes());
    let work = async {
        stream.write_all(&req).await?;
        let mut head = [0u8; 4];
        stream.read_exact(&mut head).await?;
        let skip = match head[3] {
            0x01 => 4,
            0x04 => 16,
            0x03 => {
                let mut n = [0u8; 1];
                stream.read_exact(&mut n).await?;
                usize::from(n[0])
            }
            _ => 0,
        };
        let mut rest = vec![0u8; skip + 2];
        stream.read_exact(&mut rest).await?;
        Ok::<_, std::io::Error>(head)
    };
    let head = tokio::time::timeout_at(deadline.into(), work)
        .await
        .map_err(|_| timeout("the CONNECT request"))?
        .map_err(|e| io_failed(proxy, e))?;
    if head[1] != 0x00 {
        let why = match head[1] {
            0x01 => "general failure",
            0x02 => "connection not allowed by its rules",
            0x03 => "network unreachable",
            0x04 => "host unreachable",
            0x05 => "connection refused by the destination",
            0x06 => "TTL expired",
            0x07 => "command not supported",
            0x08 => "address type not supported",
            _ => "unknown error",
        };
        return Err(refused(
            proxy,
            format!(
                "could not reach {}:{}: {why} (SOCKS5 reply {:#04x})",
                target.host, target.port, head[1]
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    fn pick(
        url: &str,
        explicit: Option<&str>,
        noproxy: Option<&str>,
        env: &[(&str, &str)],
    ) -> Option<String> {
        let t = Target::parse(url).expect("url");
        select(&t, explicit, noproxy, &env_of(env))
            .expect("select")
            .map(|p| format!("{} {}", p.display(), p.source))
    }

    #[test]
    fn parses_proxy_urls() {
        let p = parse_proxy("http://u:p%40ss@proxy:3128", "--proxy").expect("ok");
        assert_eq!(p.kind, ProxyKind::Http);
        assert_eq!((p.host.as_str(), p.port), ("proxy", 3128));
        assert_eq!(p.credentials, Some(("u".into(), "p@ss".into())));
        assert_eq!(
            parse_proxy("proxy:8080", "x").expect("ok").kind,
            ProxyKind::Http
        );
        assert_eq!(
            parse_proxy("socks5h://[::1]:1080", "x")
                .expect("ok")
                .display(),
            "socks5h://[::1]:1080"
        );
        assert!(parse_proxy("ftp://x", "x").is_err());
        assert!(parse_proxy("https://x", "x").is_err());
    }

    #[test]
    fn environment_is_read_as_curl_reads_it() {
        let env = [
            ("http_proxy", "http://h:1"),
            ("HTTP_PROXY", "http://upper:1"),
            ("https_proxy", "http://s:2"),
            ("all_proxy", "socks5://a:3"),
        ];
        assert_eq!(
            pick("ws://x/", None, None, &env),
            Some("http://h:1 $http_proxy".into())
        );
        assert_eq!(
            pick("wss://x/", None, None, &env),
            Some("http://s:2 $https_proxy".into())
        );
        // Upper-case HTTP_PROXY is ignored (as curl does, for CGI safety).
        assert_eq!(
            pick("ws://x/", None, None, &[("HTTP_PROXY", "http://upper:1")]),
            None
        );
        assert_eq!(
            pick("ws://x/", None, None, &[("all_proxy", "socks5://a:3")]),
            Some("socks5://a:3 $all_proxy".into())
        );
        assert_eq!(
            pick(
                "wss://x/",
                None,
                None,
                &[("wss_proxy", "http://w:4"), ("https_proxy", "http://s:2")]
            ),
            Some("http://w:4 $wss_proxy".into())
        );
        assert_eq!(
            pick("ws://x/", Some("socks5h://e:5"), None, &env),
            Some("socks5h://e:5 --proxy".into())
        );
        assert_eq!(pick("ws://x/", Some(""), None, &env), None);
    }

    #[test]
    fn no_proxy_rules() {
        assert!(no_proxy_matches("*", "anything"));
        assert!(no_proxy_matches("example.com", "example.com"));
        assert!(no_proxy_matches("example.com", "api.example.com"));
        assert!(no_proxy_matches(".example.com", "api.example.com"));
        assert!(!no_proxy_matches("example.com", "badexample.com"));
        assert!(no_proxy_matches("localhost, 127.0.0.1", "127.0.0.1"));
        assert!(no_proxy_matches("internal:8080", "internal"));
        assert!(no_proxy_matches("[::1]", "::1"));
        assert!(!no_proxy_matches("10.0.0.1", "10.0.0.2"));
        let env = [("http_proxy", "http://h:1"), ("no_proxy", "x.test")];
        assert_eq!(pick("ws://x.test/", None, None, &env), None);
        assert_eq!(
            pick("ws://y.test/", None, None, &env),
            Some("http://h:1 $http_proxy".into())
        );
        // --noproxy replaces no_proxy.
        assert_eq!(
            pick("ws://x.test/", None, Some("other"), &env),
            Some("http://h:1 $http_proxy".into())
        );
        assert_eq!(
            pick("ws://x.test/", Some("http://e:1"), Some("*"), &env),
            None
        );
    }
}
