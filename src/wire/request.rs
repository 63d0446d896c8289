//! Building the HTTP upgrade request (RFC 6455 §4.1) exactly as it will be sent.
//!
//! Pure: takes the target, the user's options and a key, returns the bytes. User headers replace
//! wscope's defaults of the same name, so a debugging user can send anything they need to.

use crate::error::Error;
use crate::wire::target::Target;
use base64::Engine as _;

/// What the user asked to put in the request.
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    pub headers: Vec<(String, String)>,
    pub subprotocols: Vec<String>,
    pub origin: Option<String>,
    /// `--user user:pass`; takes precedence over credentials in the URL.
    pub user: Option<(String, String)>,
    pub user_agent: String,
    /// The `Sec-WebSocket-Extensions` offer wscope makes itself (permessage-deflate, unless
    /// `--no-deflate`); a `-H` header of the same name replaces it.
    pub extensions: Option<String>,
}

/// The request as built, and what it offered (needed to check the answer and to explain a
/// rejection).
#[derive(Debug, Clone)]
pub struct Request {
    pub bytes: Vec<u8>,
    pub key: String,
    pub offered_protocols: Vec<String>,
    /// The `Sec-WebSocket-Extensions` values sent, as sent.
    pub extension_offer: Vec<String>,
    /// The extension offer came from the user (`-H`), not from wscope's default.
    pub extensions_by_user: bool,
    /// The path and query asked for.
    pub resource: String,
    /// The Origin header sent, if any.
    pub origin: Option<String>,
    /// Whether an Authorization header was sent.
    pub authorization: bool,
    /// Whether a Cookie header was sent.
    pub cookie: bool,
}

/// Parses a `-H 'Name: value'` argument, refusing what cannot go on the wire.
pub(crate) fn parse_header_arg(arg: &str) -> Result<(String, String), Error> {
    let Some((name, value)) = arg.split_once(':') else {
        return Err(Error::usage(format!(
            "header '{arg}' has no colon: write it as 'Name: value'"
        )));
    };
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::usage(format!("header '{arg}' has an empty name")));
    }
    if let Some(bad) = name.chars().find(|c| !is_token_char(*c)) {
        return Err(Error::usage(format!(
            "header name '{name}' contains {bad:?}, which is not allowed in an HTTP header name"
        )));
    }
    let value = value.trim();
    if let Some(bad) = value
        .chars()
        .find(|c| (c.is_control() && *c != '\t') || *c == '\u{7f}')
    {
        return Err(Error::usage(format!(
            "value of header '{name}' contains the control character {bad:?}"
        )));
    }
    Ok((name.to_string(), value.to_string()))
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// `Basic` credentials as they go into an Authorization header.
pub(crate) fn basic_auth(user: &str, pass: &str) -> String {
    let raw = format!("{user}:{pass}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

/// Builds the upgrade request with the given `Sec-WebSocket-Key`.
pub fn build(target: &Target, opts: &RequestOptions, key: &str) -> Request {
    let headers = headers(target, opts, key);
    let get = |name: &str| {
        headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
    };
    let list = |name: &str| -> Vec<String> {
        get(name)
            .iter()
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let offered_protocols = list("Sec-WebSocket-Protocol");
    let extension_offer = get("Sec-WebSocket-Extensions")
        .iter()
        .map(|v| v.to_string())
        .collect();
    let extensions_by_user = opts
        .headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("Sec-WebSocket-Extensions"));
    let key = get("Sec-WebSocket-Key")
        .first()
        .map(|k| k.to_string())
        .unwrap_or_else(|| key.to_string());
    let origin = get("Origin").first().map(|o| o.to_string());
    let authorization = !get("Authorization").is_empty();
    let cookie = !get("Cookie").is_empty();

    let mut bytes = Vec::with_capacity(256);
    bytes.extend_from_slice(b"GET ");
    bytes.extend_from_slice(target.resource.as_bytes());
    bytes.extend_from_slice(b" HTTP/1.1\r\n");
    for (n, v) in &headers {
        bytes.extend_from_slice(n.as_bytes());
        bytes.extend_from_slice(b": ");
        bytes.extend_from_slice(v.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"\r\n");
    Request {
        bytes,
        key,
        offered_protocols,
        extension_offer,
        extensions_by_user,
        resource: target.resource.clone(),
        origin,
        authorization,
        cookie,
    }
}

/// The request's headers in order: the upgrade's own, the offers, then `-H` (which replaces a
/// header of the same name in place).
fn headers(target: &Target, opts: &RequestOptions, key: &str) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = vec![
        ("Host".into(), target.host_header.clone()),
        ("Upgrade".into(), "websocket".into()),
        ("Connection".into(), "Upgrade".into()),
        ("Sec-WebSocket-Key".into(), key.into()),
        ("Sec-WebSocket-Version".into(), "13".into()),
    ];
    if !opts.subprotocols.is_empty() {
        headers.push((
            "Sec-WebSocket-Protocol".into(),
            opts.subprotocols.join(", "),
        ));
    }
    if let Some(offer) = &opts.extensions {
        headers.push(("Sec-WebSocket-Extensions".into(), offer.clone()));
    }
    if let Some(origin) = &opts.origin {
        headers.push(("Origin".into(), origin.clone()));
    }
    if let Some((u, p)) = opts.user.as_ref().or(target.credentials.as_ref()) {
        headers.push(("Authorization".into(), basic_auth(u, p)));
    }
    headers.push(("User-Agent".into(), opts.user_agent.clone()));
    for (name, value) in &opts.headers {
        match headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some(slot) => *slot = (name.clone(), value.clone()),
            None => headers.push((name.clone(), value.clone())),
        }
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Target {
        Target::parse("ws://u:p@example.com:8080/chat?room=1").expect("url")
    }

    #[test]
    fn request_has_required_headers_in_order() {
        let opts = RequestOptions {
            user_agent: "wscope/1".into(),
            ..Default::default()
        };
        let r = build(&target(), &opts, "dGhlIHNhbXBsZSBub25jZQ==");
        let text = String::from_utf8(r.bytes).expect("utf8");
        assert!(text.starts_with(
            "GET /chat?room=1 HTTP/1.1\r\nHost: example.com:8080\r\nUpgrade: websocket\r\n\
             Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
             Sec-WebSocket-Version: 13\r\n"
        ));
        assert!(text.contains("Authorization: Basic dTpw\r\n"));
        assert!(text.ends_with("User-Agent: wscope/1\r\n\r\n"));
    }

    #[test]
    fn user_headers_override_defaults_and_subprotocols_are_offered() {
        let opts = RequestOptions {
            headers: vec![
                ("user-agent".into(), "custom".into()),
                ("X-Trace".into(), "1".into()),
            ],
            subprotocols: vec!["chat".into(), "json".into()],
            origin: Some("https://o.example".into()),
            user: Some(("a".into(), "b".into())),
            user_agent: "wscope/1".into(),
            extensions: None,
        };
        let r = build(&target(), &opts, "k");
        let text = String::from_utf8(r.bytes).expect("utf8");
        assert!(text.contains("user-agent: custom\r\n"));
        assert!(!text.contains("wscope/1"));
        assert!(text.contains("Sec-WebSocket-Protocol: chat, json\r\n"));
        assert!(text.contains("Origin: https://o.example\r\n"));
        assert!(text.contains(&format!("Authorization: {}\r\n", basic_auth("a", "b"))));
        assert_eq!(r.offered_protocols, vec!["chat", "json"]);
    }

    #[test]
    fn the_extension_offer_is_ours_unless_a_header_replaces_it() {
        let ours = RequestOptions {
            extensions: Some("permessage-deflate; client_max_window_bits".into()),
            ..RequestOptions::default()
        };
        let r = build(&target(), &ours, "k");
        let text = String::from_utf8(r.bytes.clone()).expect("utf8");
        assert!(text.contains("Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"));
        assert_eq!(
            r.extension_offer,
            ["permessage-deflate; client_max_window_bits"]
        );
        assert!(!r.extensions_by_user);
        let theirs = RequestOptions {
            headers: vec![("sec-websocket-extensions".into(), "x-custom".into())],
            ..ours
        };
        let r = build(&target(), &theirs, "k");
        assert_eq!(r.extension_offer, ["x-custom"]);
        assert!(r.extensions_by_user);
        assert!(!String::from_utf8_lossy(&r.bytes).contains("permessage-deflate"));
    }

    #[test]
    fn header_args_are_validated() {
        assert_eq!(
            parse_header_arg("X-A:  b c ").expect("ok"),
            ("X-A".to_string(), "b c".to_string())
        );
        assert!(parse_header_arg("nocolon").is_err());
        assert!(parse_header_arg(": v").is_err());
        assert!(parse_header_arg("Bad Name: v").is_err());
        assert!(parse_header_arg("X: a\r\nInjected: 1").is_err());
    }
}
