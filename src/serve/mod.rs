//! `wscope serve`: a fast local echo server (text and binary echoed, pings answered, the close
//! handshake done, permessage-deflate negotiated when offered), for trying the client, for the
//! tests, for the demo and for benchmarks. [`handshake`] does the upgrade.

pub mod handshake;

use crate::error::{Error, Kind};
use crate::wire::deflate::{Deflate, DeflateConfig, MaybeDeflate, Role as DeflateRole};
use futures_util::{FutureExt, SinkExt, StreamExt};
use std::net::SocketAddr;
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

/// The largest message the echo server accepts.
const MAX_MESSAGE: usize = 256 << 20;

/// Binds the listener (port 0 picks a free port).
pub async fn bind(addr: &str) -> Result<TcpListener, Error> {
    let sock: SocketAddr = addr
        .parse()
        .or_else(|_| format!("127.0.0.1:{addr}").parse())
        .map_err(|_| {
            Error::usage(format!(
                "--listen '{addr}' is not an address like 127.0.0.1:9001"
            ))
        })?;
    TcpListener::bind(sock)
        .await
        .map_err(|e| Error::new(Kind::Connect, format!("cannot listen on {sock}: {e}")))
}

/// Accepts connections forever, echoing each on its own task.
pub async fn run(listener: TcpListener) -> Result<(), Error> {
    loop {
        let (tcp, peer) = listener
            .accept()
            .await
            .map_err(|e| Error::new(Kind::Other, format!("accept failed: {e}")))?;
        tokio::spawn(echo(tcp, peer));
    }
}

fn config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(256 * 1024)
        .write_buffer_size(256 * 1024)
        .max_message_size(Some(MAX_MESSAGE))
        .max_frame_size(Some(MAX_MESSAGE))
}

/// Upgrades the connection (with permessage-deflate when the client offers it) and hands it
/// to tungstenite.
async fn upgrade(
    mut tcp: TcpStream,
    peer: SocketAddr,
) -> Option<WebSocketStream<MaybeDeflate<TcpStream>>> {
    let _ = tcp.set_nodelay(true);
    let accepted = handshake::accept(&mut tcp, peer, true).await?;
    Some(match accepted.deflate {
        None => {
            let wire = MaybeDeflate::Plain(tcp);
            WebSocketStream::from_partially_read(wire, accepted.rest, Role::Server, Some(config()))
                .await
        }
        Some(agreed) => {
            let settings = DeflateConfig {
                max_message_size: MAX_MESSAGE as u64,
                ..DeflateConfig::new(DeflateRole::Server, agreed)
            };
            let mut layer = Deflate::new(tcp, settings);
            layer.already_received(&accepted.rest);
            let wire = MaybeDeflate::Deflate(Box::new(layer));
            WebSocketStream::from_raw_socket(wire, Role::Server, Some(config())).await
        }
    })
}

async fn echo(tcp: TcpStream, peer: SocketAddr) {
    let Some(mut ws) = upgrade(tcp, peer).await else {
        return;
    };
    loop {
        let next = match ws.next().now_or_never() {
            Some(n) => n,
            None => {
                if ws.flush().await.is_err() {
                    return;
                }
                ws.next().await
            }
        };
        match next {
            Some(Ok(m @ (Message::Text(_) | Message::Binary(_)))) => {
                if ws.feed(m).await.is_err() {
                    return;
                }
            }
            // Pings are answered and Close is acknowledged by tungstenite itself.
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return,
        }
    }
}
