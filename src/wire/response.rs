//! Parsing the server's answer to the upgrade and judging it (RFC 6455 §4.2.2, §4.1 steps 1-6).
//!
//! Pure: bytes in, a parsed head, a verdict and decoded bodies out. When the answer is not a
//! valid 101 it says exactly what is wrong, expected against received.

use super::deflate::{
    Agreed, EXTENSION_NAME, Extension, Params, Side, parse_extensions, validate_answer,
};
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;

/// The most response-head bytes wscope reads before giving up (documented in the README).
pub const MAX_HEAD: usize = 64 * 1024;
/// The most body bytes of a rejected handshake that are read and shown.
pub const MAX_BODY: usize = 64 * 1024;

/// A parsed HTTP response head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHead {
    pub version: String,
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
}

impl ResponseHead {
    /// All values of a header (case-insensitive name).
    pub(crate) fn all(&self, name: &str) -> impl Iterator<Item = &str> {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.all(name).next()
    }

    /// Comma-separated list values across every occurrence of the header.
    pub(crate) fn list(&self, name: &str) -> Vec<String> {
        self.all(name)
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// Where the head ends: the index just past the blank line, if it has arrived. `from` is how
/// much of `buf` was searched before (so a head arriving a byte at a time costs linear time).
pub fn head_end(buf: &[u8], from: usize) -> Option<usize> {
    let start = from.saturating_sub(3);
    memchr::memmem::find(&buf[start.min(buf.len())..], b"\r\n\r\n").map(|i| start + i + 4)
}

/// Parses a complete head (up to and including the blank line).
///
/// Our own, not httparse: httparse refuses control characters in a reason phrase or header
/// value, and a debugging tool must show such an answer (escaped) rather than refuse to read
/// it. Only the structure is checked here; the bytes are kept verbatim by the caller.
pub fn parse_head(head: &[u8]) -> Result<ResponseHead, String> {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    if !status_line.starts_with("HTTP/") {
        return Err(format!(
            "the server did not answer with HTTP (first line: {})",
            describe_garbage(head)
        ));
    }
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or("").to_string();
    let status = parts
        .next()
        .and_then(|s| s.parse::<u16>().ok())
        .filter(|s| (100..=999).contains(s))
        .ok_or_else(|| format!("malformed HTTP status line: {status_line:?}"))?;
    let reason = parts.next().unwrap_or("").to_string();
    let mut headers = Vec::new();
    for line in lines {
        if line.is_empty() {
            continue;
        }
        let Some((n, v)) = line.split_once(':') else {
            return Err(format!("malformed header line in the response: {line:?}"));
        };
        headers.push((n.trim().to_string(), v.trim().to_string()));
    }
    Ok(ResponseHead {
        version,
        status,
        reason,
        headers,
    })
}

/// A short, safe description of bytes that are not an HTTP response.
pub fn describe_garbage(bytes: &[u8]) -> String {
    if bytes.len() >= 3 && bytes[0] == 0x15 && bytes[1] == 0x03 {
        return "a TLS alert: the server expects TLS, use wss://".into();
    }
    if bytes.len() >= 3 && bytes[0] == 0x16 && bytes[1] == 0x03 {
        return "a TLS handshake record: the server expects TLS, use wss://".into();
    }
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or(bytes);
    let shown: String = first
        .iter()
        .take(60)
        .flat_map(|b| std::ascii::escape_default(*b))
        .map(char::from)
        .collect();
    format!("\"{shown}\"")
}

/// What a valid 101 negotiated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Negotiated {
    pub protocol: Option<String>,
    /// The extensions the server accepted, as it wrote them.
    pub extensions: Vec<String>,
    /// permessage-deflate's parameters, when it was accepted.
    pub(crate) deflate: Option<Agreed>,
}

/// Checks a 101 answer against what the request offered; lists every problem found.
pub fn check_upgrade(
    head: &ResponseHead,
    key: &str,
    offered_protocols: &[String],
    extension_offer: &[String],
) -> Result<Negotiated, Vec<String>> {
    let mut problems = Vec::new();
    if head.status != 101 {
        problems.push(format!(
            "status is {} {}, expected 101 Switching Protocols",
            head.status, head.reason
        ));
    }
    check_upgrade_headers(head, &mut problems);
    check_accept(head, key, &mut problems);
    let protocol = chosen_protocol(head, offered_protocols, &mut problems);
    let (extensions, deflate) = accepted_extensions(head, extension_offer, &mut problems);
    if problems.is_empty() {
        Ok(Negotiated {
            protocol,
            extensions,
            deflate,
        })
    } else {
        Err(problems)
    }
}

/// `Upgrade: websocket` and `Connection: Upgrade`.
pub(crate) fn check_upgrade_headers(head: &ResponseHead, problems: &mut Vec<String>) {
    match head.get("Upgrade") {
        None => problems.push("missing 'Upgrade' header, expected 'Upgrade: websocket'".into()),
        Some(v) if !v.eq_ignore_ascii_case("websocket") => problems.push(format!(
            "'Upgrade: {v}' is wrong, expected 'Upgrade: websocket'"
        )),
        Some(_) => {}
    }
    let connection = head.list("Connection");
    if head.get("Connection").is_none() {
        problems.push("missing 'Connection' header, expected 'Connection: Upgrade'".into());
    } else if !connection.iter().any(|t| t.eq_ignore_ascii_case("upgrade")) {
        problems.push(format!(
            "'Connection: {}' lacks the 'Upgrade' token",
            head.get("Connection").unwrap_or("")
        ));
    }
}

/// `Sec-WebSocket-Accept` derived from our key (RFC 6455 §4.2.2).
pub(crate) fn check_accept(head: &ResponseHead, key: &str, problems: &mut Vec<String>) {
    let expected = derive_accept_key(key.as_bytes());
    match head.get("Sec-WebSocket-Accept") {
        None => problems.push(format!(
            "missing 'Sec-WebSocket-Accept' header, expected '{expected}'"
        )),
        Some(got) if got != expected => problems.push(format!(
            "wrong Sec-WebSocket-Accept: expected '{expected}', received '{got}'"
        )),
        Some(_) => {}
    }
}

/// The subprotocol the server chose: one of those offered, or none.
pub(crate) fn chosen_protocol(
    head: &ResponseHead,
    offered: &[String],
    problems: &mut Vec<String>,
) -> Option<String> {
    match head.list("Sec-WebSocket-Protocol").as_slice() {
        [] => None,
        [p] if offered.iter().any(|o| o == p) => Some(p.clone()),
        [p] if offered.is_empty() => {
            problems.push(format!(
                "the server chose subprotocol '{p}' but none was offered"
            ));
            None
        }
        [p] => {
            problems.push(format!(
                "the server chose subprotocol '{p}', which was not offered (offered: {})",
                offered.join(", ")
            ));
            None
        }
        many => {
            problems.push(format!(
                "the server chose several subprotocols ({}); it must choose one",
                many.join(", ")
            ));
            None
        }
    }
}

/// The extensions the server accepted, and permessage-deflate's parameters when it was one of
/// them (validated by RFC 7692 §7 against what was offered). Any other extension is a problem:
/// wscope speaks none.
pub(crate) fn accepted_extensions(
    head: &ResponseHead,
    offer: &[String],
    problems: &mut Vec<String>,
) -> (Vec<String>, Option<Agreed>) {
    let answer: Vec<&str> = head.all("Sec-WebSocket-Extensions").collect();
    if answer.is_empty() {
        return (Vec::new(), None);
    }
    let answered = match parse_extensions(answer.iter().copied()) {
        Ok(a) => a,
        Err(e) => {
            problems.push(format!("invalid Sec-WebSocket-Extensions answer: {e}"));
            return (answer.iter().map(|a| a.to_string()).collect(), None);
        }
    };
    // An offer wscope cannot read (a user's -H) still lets it speak what it can of the answer.
    let offered = parse_extensions(offer.iter().map(String::as_str)).unwrap_or_default();
    let mut deflate_answer = Vec::new();
    for ext in &answered {
        if ext.name == EXTENSION_NAME {
            deflate_answer.push(ext.text());
        } else if offered
            .iter()
            .any(|o| o.name.eq_ignore_ascii_case(&ext.name))
        {
            problems.push(format!(
                "the server accepted extension '{}', which wscope offered as asked but cannot speak",
                ext.text()
            ));
        } else {
            problems.push(format!(
                "the server chose extension '{}', which was not offered",
                ext.text()
            ));
        }
    }
    let texts = answered.iter().map(|e| e.text()).collect();
    (texts, deflate_terms(&offered, &deflate_answer, problems))
}

/// permessage-deflate's parameters from the answer, checked against each offer made (a user
/// may offer several); the first offer it fits decides.
fn deflate_terms(
    offered: &[Extension],
    answer: &[String],
    problems: &mut Vec<String>,
) -> Option<Agreed> {
    if answer.is_empty() {
        return None;
    }
    let offers: Vec<Params> = offered
        .iter()
        .filter(|o| o.name == EXTENSION_NAME)
        .filter_map(|o| Params::from_extension(o, Side::Offer).ok())
        .collect();
    if offers.is_empty() {
        problems.push(format!(
            "the server chose extension '{}', which was not offered",
            answer.join(", ")
        ));
        return None;
    }
    let mut first_error = None;
    for offer in &offers {
        match validate_answer(offer, answer.iter().map(String::as_str)) {
            Ok(agreed) => return agreed,
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    if let Some(e) = first_error {
        problems.push(format!("invalid permessage-deflate answer: {e}"));
    }
    None
}

/// How the body of a (rejected) response is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    Empty,
    Length(u64),
    Chunked,
    UntilClose,
}

pub fn body_framing(head: &ResponseHead) -> Framing {
    if head.status < 200 || head.status == 204 || head.status == 304 {
        return Framing::Empty;
    }
    if head
        .list("Transfer-Encoding")
        .iter()
        .any(|t| t.eq_ignore_ascii_case("chunked"))
    {
        return Framing::Chunked;
    }
    match head.get("Content-Length").map(|v| v.parse::<u64>()) {
        Some(Ok(0)) => Framing::Empty,
        Some(Ok(n)) => Framing::Length(n),
        _ => Framing::UntilClose,
    }
}

/// Decodes a chunked body from `raw`. Returns the data and whether the last chunk was seen.
pub fn decode_chunked(raw: &[u8]) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    let mut rest = raw;
    loop {
        let Some(eol) = rest.windows(2).position(|w| w == b"\r\n") else {
            return (out, false);
        };
        let size_text = String::from_utf8_lossy(&rest[..eol]);
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let Ok(size) = usize::from_str_radix(size_text, 16) else {
            return (out, true);
        };
        rest = &rest[eol + 2..];
        if size == 0 {
            return (out, true);
        }
        let take = size.min(rest.len());
        out.extend_from_slice(&rest[..take]);
        if take < size {
            return (out, false);
        }
        rest = &rest[take..];
        if rest.len() < 2 {
            return (out, false);
        }
        rest = &rest[2..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
    const ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    fn head(text: &str) -> ResponseHead {
        parse_head(text.as_bytes()).expect("parses")
    }

    #[test]
    fn accepts_the_rfc_example() {
        let h = head(&format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Accept: {ACCEPT}\r\nSec-WebSocket-Protocol: chat\r\n\r\n"
        ));
        let n = check_upgrade(&h, KEY, &["chat".into()], &[]).expect("valid");
        assert_eq!(n.protocol.as_deref(), Some("chat"));
    }

    #[test]
    fn reports_every_problem() {
        let h = head(
            "HTTP/1.1 101 OK\r\nUpgrade: h2c\r\nSec-WebSocket-Accept: nope\r\n\
             Sec-WebSocket-Protocol: x\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
        );
        let p = check_upgrade(&h, KEY, &[], &[]).expect_err("invalid");
        let all = p.join("\n");
        assert!(all.contains("'Upgrade: h2c' is wrong"));
        assert!(all.contains("missing 'Connection'"));
        assert!(all.contains(&format!("expected '{ACCEPT}', received 'nope'")));
        assert!(all.contains("subprotocol 'x' but none was offered"));
        assert!(
            all.contains("extension 'permessage-deflate', which was not offered"),
            "{all}"
        );
    }

    #[test]
    fn heads_keep_what_a_strict_parser_would_refuse() {
        let h = head("HTTP/1.1 403\r\nX-A:  b \r\n\r\n");
        assert_eq!((h.status, h.reason.as_str()), (403, ""));
        assert_eq!(h.headers, vec![("X-A".to_string(), "b".to_string())]);
        // Control characters are shown escaped later, not refused here.
        let h = head("HTTP/1.1 403 No\x1b[31m\r\nX-Evil: \x1b[2J\r\n\r\n");
        assert_eq!(h.reason, "No\x1b[31m");
        let e = parse_head(b"HTTP/1.1 2x0 OK\r\n\r\n").expect_err("status");
        assert!(e.contains("malformed HTTP status line"), "{e}");
        let e = parse_head(b"HTTP/1.1 101 OK\r\nno colon here\r\n\r\n").expect_err("header");
        assert!(e.contains("\"no colon here\""), "{e}");
    }

    #[test]
    fn the_head_end_is_found_across_reads() {
        let buf = b"HTTP/1.1 101 OK\r\nA: b\r\n\r\nrest";
        assert_eq!(head_end(buf, 0), Some(buf.len() - 4));
        assert_eq!(head_end(&buf[..20], 0), None);
        // A search that resumes where the last one stopped still finds a split terminator.
        assert_eq!(head_end(buf, 22), Some(buf.len() - 4));
        assert_eq!(head_end(b"", 0), None);
    }

    #[test]
    fn garbage_is_described() {
        assert!(parse_head(b"SSH-2.0-OpenSSH\r\n\r\n").is_err());
        assert!(describe_garbage(&[0x15, 0x03, 0x01, 0, 2]).contains("wss://"));
    }

    #[test]
    fn body_framing_and_chunks() {
        assert_eq!(
            body_framing(&head("HTTP/1.1 401 No\r\nContent-Length: 5\r\n\r\n")),
            Framing::Length(5)
        );
        assert_eq!(
            body_framing(&head(
                "HTTP/1.1 403 No\r\nTransfer-Encoding: chunked\r\n\r\n"
            )),
            Framing::Chunked
        );
        assert_eq!(
            decode_chunked(b"4\r\nWiki\r\n5;x=1\r\npedia\r\n0\r\n\r\n"),
            (b"Wikipedia".to_vec(), true)
        );
        assert_eq!(decode_chunked(b"4\r\nWi"), (b"Wi".to_vec(), false));
    }
}
