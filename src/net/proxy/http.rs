//! The HTTP CONNECT tunnel: the request (with Proxy-Authorization), the proxy's answer read
//! byte by byte so nothing past it is consumed, and what a refusal means.

use super::{Proxy, io_failed, refused};
use crate::error::{Error, Kind};
use crate::wire::request::basic_auth;
use crate::wire::target::Target;
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The CONNECT exchange, for display.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub request: Vec<u8>,
    pub response: Vec<u8>,
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
    let head = match read_answer(stream, &req, deadline).await {
        Err(AnswerFailure::Late) => {
            let e = Error::new(
                Kind::Timeout,
                format!("proxy {} did not answer CONNECT in time", proxy.display()),
            );
            return (None, Err(e));
        }
        Err(AnswerFailure::Io(e)) => return (None, Err(io_failed(proxy, e))),
        Ok(h) => h,
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

/// Why the proxy's answer could not be read.
enum AnswerFailure {
    Late,
    Io(std::io::Error),
}

/// Sends the CONNECT request and reads the answer's head, byte by byte: nothing past the
/// proxy's answer may be consumed (it belongs to the tunnel).
async fn read_answer<S>(
    stream: &mut S,
    req: &str,
    deadline: Instant,
) -> Result<Vec<u8>, AnswerFailure>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let work = async {
        stream.write_all(req.as_bytes()).await?;
        stream.flush().await?;
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
    match tokio::time::timeout_at(deadline.into(), work).await {
        Err(_) => Err(AnswerFailure::Late),
        Ok(r) => r.map_err(AnswerFailure::Io),
    }
}
