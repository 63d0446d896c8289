//! The WebSocket URL the user gave, validated into what connecting and the handshake need.
//!
//! Every way a URL can be wrong becomes a usage error that says what to type instead.

use crate::error::Error;
use std::borrow::Cow;
use url::{Host, Url};

/// A validated `ws://` or `wss://` endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub secure: bool,
    /// Host to resolve or connect to (IPv6 without brackets, IDNA-encoded names).
    pub host: String,
    pub port: u16,
    /// Value for the `Host` header: host, with brackets for IPv6, and the port when not default.
    pub host_header: String,
    /// Path and query exactly as given (`/` when empty).
    pub resource: String,
    /// `user:pass@` from the URL, percent-decoded.
    pub credentials: Option<(String, String)>,
    /// The URL, with its password (`--show-credentials` shows it).
    pub url: String,
    /// The URL as displayed (without the password).
    pub display: String,
}

impl Target {
    pub fn parse(input: &str) -> Result<Target, Error> {
        let input = input.trim();
        if input.is_empty() {
            return Err(Error::usage("empty URL"));
        }
        let url = parse_url(input)?;
        let secure = secure_scheme(&url, input)?;
        if url.fragment().is_some() {
            return Err(Error::usage(format!(
                "URL '{input}' has a fragment (#...): WebSocket URLs cannot carry one"
            )));
        }
        let (host, host_for_header) = match url.host() {
            Some(Host::Domain(d)) if !d.is_empty() => (d.to_string(), d.to_string()),
            Some(Host::Ipv4(a)) => (a.to_string(), a.to_string()),
            Some(Host::Ipv6(a)) => (a.to_string(), format!("[{a}]")),
            _ => return Err(Error::usage(format!("URL '{input}' has no host"))),
        };
        let default_port = if secure { 443 } else { 80 };
        let port = url.port().unwrap_or(default_port);
        if port == 0 {
            return Err(invalid_port(input));
        }
        let host_header = match url.port() {
            Some(p) if p != default_port => format!("{host_for_header}:{p}"),
            _ => host_for_header,
        };
        let mut resource = url.path().to_string();
        if resource.is_empty() {
            resource.push('/');
        }
        if let Some(q) = url.query() {
            resource.push('?');
            resource.push_str(q);
        }
        let credentials = if url.username().is_empty() && url.password().is_none() {
            None
        } else {
            Some((
                percent_decode(url.username()),
                percent_decode(url.password().unwrap_or("")),
            ))
        };
        let display = shown_url(url.as_str(), false).into_owned();
        Ok(Target {
            secure,
            host,
            port,
            host_header,
            resource,
            credentials,
            url: url.to_string(),
            display,
        })
    }

    /// A short label for prompts: host and non-default port.
    pub(crate) fn short(&self) -> &str {
        &self.host_header
    }
}

/// A URL as shown on the screen, in JSON Lines and in recordings: its password replaced by
/// `***` unless `show` (`--show-credentials`). Text that is not a URL is left as it is.
pub(crate) fn shown_url(url: &str, show: bool) -> Cow<'_, str> {
    match Url::parse(url) {
        Ok(mut parsed) if !show && parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            Cow::Owned(parsed.to_string())
        }
        _ => Cow::Borrowed(url),
    }
}

/// The URL, or a usage error that says what to type instead.
fn parse_url(input: &str) -> Result<Url, Error> {
    match Url::parse(input) {
        Ok(u) => Ok(u),
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            Err(Error::usage(format!("URL '{input}' has no scheme"))
                .with_hint(format!("try ws://{input} (or wss:// for TLS)")))
        }
        Err(url::ParseError::InvalidPort) => Err(invalid_port(input)),
        Err(url::ParseError::EmptyHost) => {
            let e = Error::usage(format!("URL '{input}' has no host"));
            Err(if input.matches(':').count() > 2 && !input.contains('[') {
                e.with_hint("IPv6 addresses need brackets, e.g. ws://[::1]:9001/")
            } else {
                e
            })
        }
        Err(url::ParseError::InvalidIpv6Address) => Err(Error::usage(format!(
            "URL '{input}' has an invalid IPv6 address"
        ))),
        Err(e) => Err(Error::usage(format!("invalid URL '{input}': {e}"))),
    }
}

/// Whether the scheme is wss:// (or ws://); anything else says which to use.
fn secure_scheme(url: &Url, input: &str) -> Result<bool, Error> {
    match url.scheme() {
        "ws" => Ok(false),
        "wss" => Ok(true),
        "http" => Err(scheme_error(input, url.scheme(), "ws")),
        "https" => Err(scheme_error(input, url.scheme(), "wss")),
        // `localhost:9001` parses as scheme "localhost".
        _ if url.cannot_be_a_base() && url.path().chars().all(|c| c.is_ascii_digit()) => {
            Err(Error::usage(format!("URL '{input}' has no scheme"))
                .with_hint(format!("try ws://{input}")))
        }
        other => Err(Error::usage(format!(
            "unsupported scheme '{other}' in '{input}': wscope speaks ws:// and wss://"
        ))),
    }
}

fn invalid_port(input: &str) -> Error {
    let e = Error::usage(format!("URL '{input}' has an invalid port"));
    if input.matches(':').count() > 2 && !input.contains('[') {
        e.with_hint("IPv6 addresses need brackets, e.g. ws://[::1]:9001/")
    } else {
        e.with_hint("a port is a number from 1 to 65535")
    }
}

fn scheme_error(input: &str, scheme: &str, suggested: &str) -> Error {
    let rest = &input[scheme.len()..];
    Error::usage(format!(
        "'{scheme}://' is not a WebSocket URL scheme: use {suggested}://"
    ))
    .with_hint(format!("try {suggested}{rest}"))
}

/// Decodes `%XX` escapes (URL user info); invalid escapes are kept as they are, bytes that are
/// not UTF-8 become U+FFFD.
pub(crate) fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Target {
        Target::parse(s).expect(s)
    }

    fn err(s: &str) -> Error {
        Target::parse(s).expect_err(s)
    }

    #[test]
    fn plain_and_tls_with_default_ports() {
        let t = ok("ws://example.com/chat?x=1&y=%20");
        assert!(!t.secure);
        assert_eq!(t.port, 80);
        assert_eq!(t.host_header, "example.com");
        assert_eq!(t.resource, "/chat?x=1&y=%20");
        let t = ok("wss://example.com");
        assert!(t.secure);
        assert_eq!(t.port, 443);
        assert_eq!(t.resource, "/");
    }

    #[test]
    fn ipv6_literals() {
        let t = ok("ws://[::1]:9001/x");
        assert_eq!(t.host, "::1");
        assert_eq!(t.port, 9001);
        assert_eq!(t.host_header, "[::1]:9001");
        assert!(
            err("ws://::1:9001/")
                .hint
                .unwrap_or_default()
                .contains("brackets")
        );
    }

    #[test]
    fn bad_schemes_suggest_the_right_one() {
        assert_eq!(err("http://x/").hint.as_deref(), Some("try ws://x/"));
        assert_eq!(err("https://x/a").hint.as_deref(), Some("try wss://x/a"));
        assert!(err("ftp://x/").message.contains("unsupported scheme"));
        assert!(err("example.com/x").message.contains("no scheme"));
        assert!(err("localhost:9001").message.contains("no scheme"));
    }

    #[test]
    fn bad_ports_and_hosts() {
        assert!(err("ws://x:99999/").message.contains("invalid port"));
        assert!(err("ws://x:0/").message.contains("invalid port"));
        assert!(err("ws://:80/").message.contains("host"));
        assert!(err("ws://x/#frag").message.contains("fragment"));
    }

    #[test]
    fn credentials_are_decoded_and_hidden() {
        let t = ok("ws://al%40ice:p%3Ass@h:8080/");
        assert_eq!(
            t.credentials,
            Some(("al@ice".to_string(), "p:ss".to_string()))
        );
        assert!(!t.display.contains("p%3Ass"));
        assert_eq!(t.display, "ws://al%40ice:***@h:8080/");
        assert_eq!(shown_url(&t.url, true), "ws://al%40ice:p%3Ass@h:8080/");
        assert_eq!(shown_url(&t.url, false), t.display);
        assert_eq!(shown_url("proxy http://p:1", false), "proxy http://p:1");
    }

    #[test]
    fn percent_escapes_are_decoded_and_bad_ones_kept() {
        assert_eq!(percent_decode("a%40b%3A"), "a@b:");
        assert_eq!(percent_decode("100%zz%4"), "100%zz%4");
        assert_eq!(percent_decode("%ff"), "\u{fffd}");
    }

    #[test]
    fn idna_hosts_are_encoded() {
        let t = ok("ws://bücher.example/");
        assert_eq!(t.host, "xn--bcher-kva.example");
    }
}
