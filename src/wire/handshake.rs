//! Running the HTTP upgrade over an open stream: send the request, read the answer within
//! bounds (size and time), and on a rejection read the body so the user sees why.
//!
//! wscope does the upgrade itself rather than through tungstenite's client handshake, so that it
//! keeps the exact bytes both ways, reads rejection bodies, and can say precisely what is wrong
//! with a bad 101. The stream is then handed to tungstenite with the bytes already read.

use crate::error::{Cause, Error, Kind};
use crate::wire::request::Request;
use crate::wire::response::{self, Framing, MAX_BODY, MAX_HEAD, ResponseHead};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The answer to the upgrade request.
#[derive(Debug)]
pub struct Answer {
    pub head: ResponseHead,
    /// The head exactly as received, up to and including the blank line.
    pub raw_head: Vec<u8>,
    /// Bytes read past the head (the start of the body, or of the first frames).
    pub rest: Vec<u8>,
    pub took: Duration,
}

/// Sends the request and reads the response head, all before `deadline`.
pub(crate) async fn exchange<S>(
    stream: &mut S,
    request: &Request,
    deadline: Instant,
) -> Result<Answer, Error>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let start = Instant::now();
    let sent = tokio::time::timeout_at(deadline.into(), async {
        stream.write_all(&request.bytes).await?;
        stream.flush().await
    })
    .await;
    match sent {
        Err(_) => return Err(timed_out("the server did not accept the request")),
        Ok(Err(e)) => {
            return Err(Error::new(
                Kind::Rejected,
                format!("sending the upgrade request failed: {e}"),
            ));
        }
        Ok(Ok(())) => {}
    }
    let (mut raw_head, end) = read_head(stream, deadline).await?;
    let rest = raw_head.split_off(end);
    let head = response::parse_head(&raw_head).map_err(|e| Error::new(Kind::Rejected, e))?;
    Ok(Answer {
        head,
        raw_head,
        rest,
        took: start.elapsed(),
    })
}

fn timed_out(what: &str) -> Error {
    Error::new(Kind::Timeout, format!("handshake timed out: {what}"))
        .with_hint("raise the limit with --handshake-timeout SECS")
}

/// Reads until the head is complete (at most [`MAX_HEAD`] bytes); returns what was read and
/// where the head ends in it.
async fn read_head<S>(stream: &mut S, deadline: Instant) -> Result<(Vec<u8>, usize), Error>
where
    S: AsyncRead + Unpin,
{
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = vec![0u8; 16 * 1024];
    let mut searched = 0;
    loop {
        if let Some(end) = response::head_end(&buf, searched) {
            return Ok((buf, end));
        }
        searched = buf.len();
        if buf.len() > MAX_HEAD {
            return Err(Error::new(
                Kind::Rejected,
                format!(
                    "the response head is larger than {} KiB without ending; gave up",
                    MAX_HEAD / 1024
                ),
            ));
        }
        if !buf.is_empty() && !buf.starts_with(&b"HTTP/"[..buf.len().min(5)]) {
            return Err(Error::new(
                Kind::Rejected,
                format!(
                    "the server did not answer with HTTP: {}",
                    response::describe_garbage(&buf)
                ),
            ));
        }
        let n = match tokio::time::timeout_at(deadline.into(), stream.read(&mut chunk)).await {
            Err(_) if buf.is_empty() => return Err(timed_out("no answer from the server")),
            Err(_) => return Err(timed_out("the response head did not finish")),
            Ok(Err(e)) => {
                return Err(Error::new(
                    Kind::Rejected,
                    format!("connection failed during the handshake: {e}"),
                ));
            }
            Ok(Ok(n)) => n,
        };
        if n == 0 {
            return Err(closed_early(buf.len()));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// The server closed the connection after `read` bytes of its answer.
fn closed_early(read: usize) -> Error {
    let what = if read == 0 {
        "the server closed the connection without answering the upgrade request".to_string()
    } else {
        format!(
            "the server closed the connection in the middle of the response head (after {read} bytes)"
        )
    };
    Error::new(Kind::Rejected, what).because(Cause::ClosedDuringHandshake)
}

/// Reads the body of a rejected handshake, at most [`MAX_BODY`] bytes and until `deadline`.
/// Returns the body and whether it was cut short.
pub async fn read_body<S>(stream: &mut S, answer: &Answer, deadline: Instant) -> (Vec<u8>, bool)
where
    S: AsyncRead + Unpin,
{
    let framing = response::body_framing(&answer.head);
    let mut raw = answer.rest.clone();
    let mut chunk = vec![0u8; 16 * 1024];
    let complete = |raw: &[u8]| match framing {
        Framing::Empty => true,
        Framing::Length(n) => raw.len() as u64 >= n,
        Framing::Chunked => response::decode_chunked(raw).1,
        Framing::UntilClose => false,
    };
    let mut eof = false;
    while !complete(&raw) && raw.len() < MAX_BODY {
        match tokio::time::timeout_at(deadline.into(), stream.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => raw.extend_from_slice(&chunk[..n]),
            _ => {
                eof = true;
                break;
            }
        }
    }
    let (mut body, finished) = match framing {
        Framing::Empty => (Vec::new(), true),
        Framing::Length(n) => {
            let len = raw.len().min(n as usize);
            (raw[..len].to_vec(), raw.len() as u64 >= n)
        }
        Framing::Chunked => response::decode_chunked(&raw),
        Framing::UntilClose => (raw, eof),
    };
    let truncated = !finished || body.len() > MAX_BODY;
    body.truncate(MAX_BODY);
    (body, truncated)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::request::{RequestOptions, build};
    use crate::wire::target::Target;

    fn request() -> Request {
        let t = Target::parse("ws://localhost/").expect("url");
        build(&t, &RequestOptions::default(), "dGhlIHNhbXBsZSBub25jZQ==")
    }

    #[tokio::test]
    async fn reads_head_split_in_tiny_pieces_and_keeps_the_rest() {
        let (mut client, mut server) = tokio::io::duplex(1);
        let srv = tokio::spawn(async move {
            let mut req = Vec::new();
            let mut byte = [0u8; 1];
            while !req.ends_with(b"\r\n\r\n") {
                server.read_exact(&mut byte).await.expect("read");
                req.push(byte[0]);
            }
            server
                .write_all(b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 4\r\n\r\nnope")
                .await
                .expect("write");
            server
        });
        let deadline = Instant::now() + Duration::from_secs(10);
        let a = exchange(&mut client, &request(), deadline)
            .await
            .expect("answer");
        assert_eq!(a.head.status, 401);
        let (body, truncated) = read_body(&mut client, &a, deadline).await;
        assert_eq!(body, b"nope");
        assert!(!truncated);
        drop(srv);
    }

    #[tokio::test]
    async fn garbage_is_rejected_quickly() {
        let (mut client, mut server) = tokio::io::duplex(1024);
        server.write_all(b"SSH-2.0-x\r\n").await.expect("write");
        let deadline = Instant::now() + Duration::from_secs(10);
        let e = exchange(&mut client, &request(), deadline)
            .await
            .expect_err("garbage");
        assert_eq!(e.kind, Kind::Rejected);
        assert!(e.message.contains("did not answer with HTTP"));
    }
}
