//! A small WebSocket server that follows RFC 6455 to the letter, for `wscope probe`'s tests,
//! with one rule to break on request ([`Break`]): the probe must find that rule broken and no
//! other. Raw TCP, frames read with the support helpers; echoes text and binary messages.

use crate::support::{ClientFrame, Server, frame, raw_server, read_client_frame, read_head};
use base64::Engine as _;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;

/// The largest message the server accepts.
pub const MAX_MESSAGE: usize = 1 << 20;

/// The rule broken (`None`: every rule kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Break {
    None,
    /// A wrong `Sec-WebSocket-Accept`.
    Accept,
    /// Any version accepted.
    Version,
    /// A version refused without naming the versions spoken.
    VersionHeader,
    /// An upgrade without a key accepted.
    KeyMissing,
    /// A key of any length accepted.
    KeyLength,
    /// `chat` selected whatever was offered.
    Subprotocol,
    /// permessage-deflate answered with `client_max_window_bits` without a value.
    DeflateAnswer,
    /// A message in fragments failed with 1002.
    Fragments,
    /// Pongs sent empty.
    PongPayload,
    /// A Close answered by dropping TCP.
    CloseUnanswered,
    Unmasked,
    ReservedOpcode,
    ReservedControlOpcode,
    Rsv,
    FragmentedControl,
    OversizedControl,
    OrphanContinuation,
    Utf8Text,
    Utf8CloseReason,
    CloseCode,
    /// Idle connections closed with 1001 after a second.
    IdleClose,
}

/// Starts the server.
pub fn model_server(brk: Break) -> Server {
    raw_server(move |tcp, _log| serve(tcp, brk))
}

async fn serve(mut tcp: TcpStream, brk: Break) {
    let head = read_head(&mut tcp).await;
    let header = |name: &str| {
        head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    };
    if let Some(refusal) = refusal(
        brk,
        header("Sec-WebSocket-Version"),
        header("Sec-WebSocket-Key"),
    ) {
        let _ = tcp.write_all(refusal.as_bytes()).await;
        return;
    }
    let key = header("Sec-WebSocket-Key").unwrap_or_default();
    let accept = match brk {
        Break::Accept => derive_accept_key(b"another key"),
        _ => derive_accept_key(key.as_bytes()),
    };
    let mut answer = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n"
    );
    if brk == Break::Subprotocol {
        answer.push_str("Sec-WebSocket-Protocol: chat\r\n");
    }
    if brk == Break::DeflateAnswer && header("Sec-WebSocket-Extensions").is_some() {
        answer.push_str("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n");
    }
    answer.push_str("\r\n");
    if tcp.write_all(answer.as_bytes()).await.is_ok() {
        frames(tcp, brk).await;
    }
}

/// The refusal of a request that is not a handshake this server takes, if it is not.
fn refusal(brk: Break, version: Option<String>, key: Option<String>) -> Option<String> {
    let bad_version = version.as_deref() != Some("13") && brk != Break::Version;
    if bad_version && brk == Break::VersionHeader {
        return Some("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".into());
    }
    if bad_version {
        return Some(
            "HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n"
                .into(),
        );
    }
    let key_ok = match (key, brk) {
        (None, Break::KeyMissing) => true,
        (None, _) => false,
        (Some(_), Break::KeyLength) => true,
        (Some(k), _) => base64::engine::general_purpose::STANDARD
            .decode(k)
            .is_ok_and(|b| b.len() == 16),
    };
    (!key_ok).then(|| "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".to_string())
}

/// What to do after a frame.
enum Next {
    Go,
    /// Close with this code (and end).
    Fail(u16),
    /// The closing handshake is done (or dropped): end.
    End,
}

/// The frame loop: messages echoed, pings answered, every rule checked (but the broken one).
async fn frames(mut tcp: TcpStream, brk: Break) {
    let mut partial: Option<(u8, Vec<u8>)> = None;
    loop {
        let idle = std::time::Duration::from_millis(if brk == Break::IdleClose {
            1000
        } else {
            10_000
        });
        let Ok(next) = tokio::time::timeout(idle, read_client_frame(&mut tcp)).await else {
            let _ = tcp.write_all(&frame(0x88, &1001u16.to_be_bytes())).await;
            return;
        };
        let Some(f) = next else { return };
        match handle(&mut tcp, brk, &f, &mut partial).await {
            Next::Go => {}
            Next::End => return,
            Next::Fail(code) => {
                let _ = tcp.write_all(&frame(0x88, &code.to_be_bytes())).await;
                let _ = tcp.shutdown().await;
                return;
            }
        }
    }
}

async fn handle(
    tcp: &mut TcpStream,
    brk: Break,
    f: &ClientFrame,
    partial: &mut Option<(u8, Vec<u8>)>,
) -> Next {
    let (fin, opcode) = (f.first & 0x80 != 0, f.opcode());
    if f.mask.is_none() && brk != Break::Unmasked {
        return Next::Fail(1002);
    }
    if f.first & 0x70 != 0 && brk != Break::Rsv {
        return Next::Fail(1002);
    }
    match opcode {
        3..=7 if brk == Break::ReservedOpcode => Next::Go,
        0xB..=0xF if brk == Break::ReservedControlOpcode => Next::Go,
        3..=7 | 0xB..=0xF => Next::Fail(1002),
        8..=10 if !fin && brk != Break::FragmentedControl => Next::Fail(1002),
        8..=10 if f.payload.len() > 125 && brk != Break::OversizedControl => Next::Fail(1002),
        8 => close(tcp, brk, &f.payload).await,
        9 => {
            let payload = if brk == Break::PongPayload {
                &[][..]
            } else {
                &f.payload[..]
            };
            write(tcp, &frame(0x8a, payload)).await
        }
        10 => Next::Go,
        0 => match partial.take() {
            None if brk == Break::OrphanContinuation => Next::Go,
            None => Next::Fail(1002),
            Some(_) if brk == Break::Fragments => Next::Fail(1002),
            Some((op, mut data)) => {
                data.extend_from_slice(&f.payload);
                message(tcp, brk, op, data, fin, partial).await
            }
        },
        _ if partial.is_some() => Next::Fail(1002),
        op => message(tcp, brk, op, f.payload.clone(), fin, partial).await,
    }
}

/// A message so far: too big, kept for its next fragment, or complete (checked and echoed).
async fn message(
    tcp: &mut TcpStream,
    brk: Break,
    opcode: u8,
    data: Vec<u8>,
    fin: bool,
    partial: &mut Option<(u8, Vec<u8>)>,
) -> Next {
    if data.len() > MAX_MESSAGE {
        return Next::Fail(1009);
    }
    if !fin {
        *partial = Some((opcode, data));
        return Next::Go;
    }
    if opcode == 1 && std::str::from_utf8(&data).is_err() && brk != Break::Utf8Text {
        return Next::Fail(1007);
    }
    write(tcp, &frame(0x80 | opcode, &data)).await
}

/// The client's Close: checked, then echoed (code and reason), then TCP closed.
async fn close(tcp: &mut TcpStream, brk: Break, payload: &[u8]) -> Next {
    if payload.len() == 1 {
        return Next::Fail(1002);
    }
    if let [a, b, reason @ ..] = payload {
        let code = u16::from_be_bytes([*a, *b]);
        let valid = matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999);
        if !valid && brk != Break::CloseCode {
            return Next::Fail(1002);
        }
        if std::str::from_utf8(reason).is_err() && brk != Break::Utf8CloseReason {
            return Next::Fail(1007);
        }
    }
    if brk != Break::CloseUnanswered {
        let _ = tcp.write_all(&frame(0x88, payload)).await;
    }
    let _ = tcp.shutdown().await;
    Next::End
}

async fn write(tcp: &mut TcpStream, bytes: &[u8]) -> Next {
    match tcp.write_all(bytes).await {
        Ok(()) => Next::Go,
        Err(_) => Next::End,
    }
}
