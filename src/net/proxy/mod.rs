//! Reaching the server through a proxy: which proxy applies (`--proxy`, `--noproxy`, and the
//! environment as curl reads it), and the two tunnel handshakes, HTTP CONNECT (`http`) and
//! SOCKS5 (`socks`).
//!
//! Selection is pure and unit-tested; the handshakes run on the TCP stream to the proxy before
//! TLS, so everything above (TLS, the upgrade, the frame tap) is unchanged.

mod http;
mod socks;

pub use http::{Exchange, http_connect};
pub use socks::socks5_connect;

use crate::error::{Error, Kind};
use crate::wire::target::{Target, percent_decode};
use std::net::IpAddr;

/// How to talk to the proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyKind {
    /// HTTP proxy, tunnelled with CONNECT.
    Http,
    /// SOCKS5; `remote_dns` (socks5h) lets the proxy resolve the host name.
    Socks5 { remote_dns: bool },
}

/// What the command line says about proxies.
#[derive(Debug, Clone, Default)]
pub(crate) struct ProxyChoice {
    /// `--proxy` (`None`: from the environment, as curl reads it; empty: none).
    pub explicit: Option<String>,
    /// `--noproxy` (`None`: `no_proxy` from the environment).
    pub noproxy: Option<String>,
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
    pub(crate) fn display(&self) -> String {
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
pub(crate) fn parse_proxy(value: &str, source: &str) -> Result<Proxy, Error> {
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
pub(crate) fn no_proxy_matches(list: &str, host: &str) -> bool {
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
pub(crate) fn select(
    target: &Target,
    choice: &ProxyChoice,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<Proxy>, Error> {
    let get = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    let excluded = match choice.noproxy.as_deref() {
        Some(list) => no_proxy_matches(list, &target.host),
        None => get("no_proxy")
            .or_else(|| get("NO_PROXY"))
            .is_some_and(|list| no_proxy_matches(&list, &target.host)),
    };
    if excluded {
        return Ok(None);
    }
    if let Some(p) = choice.explicit.as_deref() {
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

pub(super) fn refused(proxy: &Proxy, what: String) -> Error {
    Error::new(
        Kind::Proxy,
        format!("proxy {} ({}) {what}", proxy.display(), proxy.source),
    )
}

pub(super) fn io_failed(proxy: &Proxy, e: std::io::Error) -> Error {
    refused(proxy, format!("failed during the tunnel handshake: {e}"))
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
        let choice = ProxyChoice {
            explicit: explicit.map(str::to_string),
            noproxy: noproxy.map(str::to_string),
        };
        select(&t, &choice, &env_of(env))
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
