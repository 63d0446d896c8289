//! Opening a probe connection: the stream as the client opens it ([`crate::open`]: DNS, TCP,
//! proxy, TLS), then an upgrade request the check shapes (a header replaced or left out, the subprotocols, an
//! extension offer), and the answer read verbatim whatever its status.

use super::conn::Conn;
use crate::error::Error;
use crate::event::Event;
use crate::net::connect::Stream;
use crate::net::transport::Peer;
use crate::open::ConnectConfig;
use crate::open::{self, Opened, open_stream};
use crate::wire::handshake;
use crate::wire::request::Request;
use crate::wire::response::ResponseHead;
use crate::wire::target::Target;
use std::time::Duration;

/// How a check's upgrade request differs from the user's.
#[derive(Debug, Clone, Default)]
pub(super) struct Shape {
    /// Headers that replace the defaults (and the user's) of the same name.
    pub headers: Vec<(String, String)>,
    /// A header left out altogether.
    pub omit: Option<&'static str>,
    /// Subprotocols offered after the user's.
    pub protocols: Vec<String>,
    /// The `Sec-WebSocket-Extensions` offer (none unless a check makes one).
    pub extensions: Option<String>,
}

/// The server's answer to a probe's upgrade request, and the stream it came on.
pub(super) struct Answered {
    pub head: ResponseHead,
    pub request: Request,
    /// From sending the request to the end of the answer's head.
    pub took: Duration,
    /// Where TCP went (the proxy, with one).
    pub peer: Option<Peer>,
    stream: Stream,
    rest: Vec<u8>,
}

impl Answered {
    /// The connection after a 101, with the frames that came along with the head.
    pub(super) fn into_conn(self) -> Conn {
        Conn::new(self.stream, &self.rest)
    }
}

/// Why an upgrade request got no answer.
#[derive(Debug)]
pub(super) enum Unanswered {
    /// No stream to send it on (DNS, TCP, proxy, TLS).
    NoConnection(Error),
    /// Sent, but no HTTP answer came (closed, garbage, timed out).
    NoAnswer(Error),
}

impl Unanswered {
    pub(super) fn error(&self) -> &Error {
        match self {
            Unanswered::NoConnection(e) | Unanswered::NoAnswer(e) => e,
        }
    }

    pub(super) fn into_error(self) -> Error {
        match self {
            Unanswered::NoConnection(e) | Unanswered::NoAnswer(e) => e,
        }
    }
}

/// Connects to `target` and sends the upgrade request shaped by `shape`; the answer is read
/// whatever its status, within the handshake timeout.
pub(super) async fn upgrade(
    cfg: &ConnectConfig,
    target: &Target,
    shape: &Shape,
) -> Result<Answered, Unanswered> {
    let mut peer = None;
    let Opened {
        mut stream,
        deadline,
        ..
    } = open_stream(cfg, target, &mut |e| {
        if let Event::Connected(c) = e {
            peer = Some(c.peer);
        }
    })
    .await
    .map_err(Unanswered::NoConnection)?;
    let mut opts = cfg.request.clone();
    opts.subprotocols.extend(shape.protocols.iter().cloned());
    opts.extensions = shape.extensions.clone();
    opts.headers.extend(shape.headers.iter().cloned());
    let mut req = open::request(target, &opts);
    if let Some(name) = shape.omit {
        req.bytes = without_header(&req.bytes, name);
    }
    let answer = handshake::exchange(&mut stream, &req, deadline)
        .await
        .map_err(Unanswered::NoAnswer)?;
    Ok(Answered {
        head: answer.head,
        request: req,
        took: answer.took,
        peer,
        stream,
        rest: answer.rest,
    })
}

/// The request head without the header `name` (any case).
fn without_header(head: &[u8], name: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(head.len());
    for line in head.split_inclusive(|b| *b == b'\n') {
        let named = line
            .iter()
            .position(|b| *b == b':')
            .is_some_and(|colon| line[..colon].eq_ignore_ascii_case(name.as_bytes()));
        if !named {
            out.extend_from_slice(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_is_left_out_whatever_its_case() {
        let head = b"GET / HTTP/1.1\r\nHost: h\r\nsec-websocket-key: abc\r\nX: y\r\n\r\n";
        assert_eq!(
            without_header(head, "Sec-WebSocket-Key"),
            b"GET / HTTP/1.1\r\nHost: h\r\nX: y\r\n\r\n"
        );
        assert_eq!(without_header(head, "Origin"), head);
    }
}
