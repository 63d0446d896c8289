//! The server side of the upgrade (RFC 6455 §4.2), done by wscope rather than tungstenite so
//! that it can negotiate permessage-deflate (RFC 7692), let the server refuse a request it
//! will not serve (an Origin it does not allow, too many clients) with an HTTP status that
//! says why, and keep what the request said (path, headers, peer) for whoever handles the
//! connection. Reading is bounded in size and time.

use crate::net::transport::Peer;
use crate::wire::deflate::{self, Agreed, ServerPolicy};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;

/// The most request-head bytes read before refusing.
const MAX_HEAD: usize = 16 * 1024;
/// The most header lines a request may have.
const MAX_HEADERS: usize = 100;
/// How long a client has to send its request.
const TIME_LIMIT: Duration = Duration::from_secs(10);

/// What the upgrade request said.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    /// Path and query as requested.
    pub resource: String,
    pub headers: Vec<(String, String)>,
    pub peer: Peer,
    /// The minor version of HTTP/1.x.
    pub http_minor: u8,
}

/// Why a request is not served: the HTTP status to answer with and a line for its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub status: u16,
    pub why: String,
}

impl Request {
    /// All values of a header (case-insensitive name), comma lists split.
    pub(crate) fn list(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    }

    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An accepted upgrade.
pub(crate) struct Accepted {
    pub request: Request,
    /// permessage-deflate's parameters, when the client offered it and an offer was accepted.
    pub deflate: Option<Agreed>,
    /// Bytes read past the request (the client's first frames).
    pub rest: Vec<u8>,
}

/// Reads the upgrade request and answers it: 101 with the agreed extension, or an HTTP error
/// that says what was wrong or why `admit` refused it. `None` when the connection is not (or
/// no longer) an upgrade; else what `admit` gave for it.
pub(crate) async fn accept<S, T>(
    stream: &mut S,
    peer: Peer,
    deflate: bool,
    admit: impl FnOnce(&Request) -> Result<T, Refusal>,
) -> Option<(Accepted, T)>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let (head, rest) = tokio::time::timeout(TIME_LIMIT, read_head(stream))
        .await
        .ok()??;
    let admitted = parse(&head, peer).and_then(|r| admit(&r).map(|t| (r, t)));
    let (request, admitted) = match admitted {
        Ok(r) => r,
        Err(refusal) => {
            let _ = refuse(stream, &refusal).await;
            return None;
        }
    };
    let key = request.get("Sec-WebSocket-Key").unwrap_or_default();
    let mut answer = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n",
        derive_accept_key(key.as_bytes())
    );
    let agreed = if deflate { negotiate(&request) } else { None };
    if let Some((_, header)) = &agreed {
        answer.push_str(&format!("Sec-WebSocket-Extensions: {header}\r\n"));
    }
    answer.push_str("\r\n");
    stream.write_all(answer.as_bytes()).await.ok()?;
    stream.flush().await.ok()?;
    let accepted = Accepted {
        request,
        deflate: agreed.map(|(a, _)| a),
        rest,
    };
    Some((accepted, admitted))
}

/// The first acceptable permessage-deflate offer, as agreed parameters and the answer's
/// header value.
fn negotiate(request: &Request) -> Option<(Agreed, String)> {
    let offers: Vec<&str> = request
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("Sec-WebSocket-Extensions"))
        .map(|(_, v)| v.as_str())
        .collect();
    let selection = deflate::select(offers, &ServerPolicy::default()).ok()?;
    selection.accepted.map(|a| (a.agreed, a.header_value))
}

/// Reads until the end of the head; returns it and what came after.
async fn read_head<S: AsyncRead + Unpin>(stream: &mut S) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        let searched = buf.len();
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = crate::wire::response::head_end(&buf, searched) {
            let rest = buf.split_off(end);
            return Some((buf, rest));
        }
        if buf.len() > MAX_HEAD {
            return None;
        }
    }
}

/// Parses and checks the request; an error is the status and reason to refuse it with.
fn parse(head: &[u8], peer: Peer) -> Result<Request, Refusal> {
    let refusal = |status: u16, why: &str| Refusal {
        status,
        why: why.to_string(),
    };
    let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut slots);
    match req.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        _ => return Err(refusal(400, "malformed HTTP request")),
    }
    let request = Request {
        resource: req.path.unwrap_or("/").to_string(),
        headers: req
            .headers
            .iter()
            .map(|h| {
                let value = String::from_utf8_lossy(h.value);
                (h.name.to_string(), value.trim().to_string())
            })
            .collect(),
        peer,
        http_minor: req.version.unwrap_or(1),
    };
    if req.method != Some("GET") {
        return Err(refusal(405, "a WebSocket upgrade is a GET request"));
    }
    let has = |name: &str, token: &str| {
        request
            .list(name)
            .iter()
            .any(|v| v.eq_ignore_ascii_case(token))
    };
    if !has("Upgrade", "websocket") || !has("Connection", "upgrade") {
        return Err(refusal(
            426,
            "this is a WebSocket endpoint: upgrade to websocket",
        ));
    }
    if request.get("Sec-WebSocket-Version") != Some("13") {
        return Err(refusal(426, "only WebSocket version 13 is spoken"));
    }
    let key_ok = request.get("Sec-WebSocket-Key").is_some_and(|k| {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(k)
            .is_ok_and(|b| b.len() == 16)
    });
    if !key_ok {
        return Err(refusal(400, "Sec-WebSocket-Key must be 16 bytes in base64"));
    }
    Ok(request)
}

/// Answers a request that cannot be upgraded.
async fn refuse<S: AsyncWrite + Unpin>(stream: &mut S, refusal: &Refusal) -> std::io::Result<()> {
    let status = refusal.status;
    let reason = match status {
        400 => "Bad Request",
        403 => "Forbidden",
        405 => "Method Not Allowed",
        429 => "Too Many Requests",
        _ => "Upgrade Required",
    };
    let version = if status == 426 {
        "Sec-WebSocket-Version: 13\r\n"
    } else {
        ""
    };
    let body = format!("{}\n", refusal.why);
    let answer = format!(
        "HTTP/1.1 {status} {reason}\r\n{version}Content-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(answer.as_bytes()).await?;
    stream.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer() -> Peer {
        Peer::Tcp("127.0.0.1:1".parse().expect("addr"))
    }

    fn request(extra: &str) -> Vec<u8> {
        format!(
            "GET /chat?x=1 HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n{extra}\r\n"
        )
        .into_bytes()
    }

    #[test]
    fn a_valid_request_is_parsed() {
        let r = parse(&request("X-A: b\r\n"), peer()).expect("valid");
        assert_eq!(r.resource, "/chat?x=1");
        assert_eq!(r.get("x-a"), Some("b"));
    }

    #[test]
    fn what_is_wrong_is_refused_with_its_status() {
        let status = |head: &[u8]| parse(head, peer()).err().map(|r| r.status);
        let bad_version = String::from_utf8(request(""))
            .expect("utf8")
            .replace("Version: 13", "Version: 8");
        assert_eq!(status(bad_version.as_bytes()), Some(426));
        let no_key = String::from_utf8(request(""))
            .expect("utf8")
            .replace("dGhlIHNhbXBsZSBub25jZQ==", "short");
        assert_eq!(status(no_key.as_bytes()), Some(400));
        assert_eq!(status(b"POST / HTTP/1.1\r\nHost: h\r\n\r\n"), Some(405));
        assert_eq!(status(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n"), Some(426));
        assert_eq!(status(b"\x16\x03\x01 not http\r\n\r\n"), Some(400));
    }

    #[tokio::test]
    async fn deflate_is_agreed_when_offered_and_asked() {
        let (mut client, mut server) = tokio::io::duplex(4096);
        let offer =
            request("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n");
        client.write_all(&offer).await.expect("write");
        client.write_all(b"\x81\x80").await.expect("write");
        let (accepted, ()) = accept(&mut server, peer(), true, |_| Ok(()))
            .await
            .expect("accepted");
        assert!(accepted.deflate.is_some());
        assert_eq!(accepted.rest, b"\x81\x80");
        let mut answer = vec![0u8; 512];
        let n = client.read(&mut answer).await.expect("read");
        let answer = String::from_utf8_lossy(&answer[..n]);
        assert!(answer.starts_with("HTTP/1.1 101"), "{answer}");
        assert!(answer.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
        assert!(
            answer.contains("Sec-WebSocket-Extensions: permessage-deflate"),
            "{answer}"
        );
    }
}
