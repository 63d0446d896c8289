//! A session over an in-memory connection, for what no server can provoke: tungstenite
//! refusing a send without an I/O error (a message larger than its write buffer may grow to).

use super::*;
use crate::error::Kind;
use crate::output::Output;
use crate::output::thread::OutputThread;
use crate::render::Style;
use crate::render::received::DisplayConfig;
use crate::stats::Stats;
use crate::wire::tap::{FrameLog, RawQueue};
use std::collections::VecDeque;
use std::sync::Mutex;
use tokio::io::AsyncReadExt;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

fn shared() -> Shared {
    let thread = OutputThread::with_sinks(Box::new(std::io::sink()), Box::new(std::io::sink()));
    let out = Output::with_thread(Style::default(), DisplayConfig::new(1 << 20), thread);
    Shared {
        out: Arc::new(Mutex::new(out)),
        stats: Arc::new(Stats::default()),
        frames: FrameLog::new(false),
        raw: Arc::new(RawQueue::default()),
        compression: None,
        handshake: Arc::new(Vec::new()),
        subprotocol: None,
        offered: Vec::new(),
    }
}

#[tokio::test(start_paused = true)]
async fn a_send_refused_without_an_io_error_ends_the_session_within_the_close_timeout() {
    let (client, mut server) = tokio::io::duplex(64 * 1024);
    // Frames over 1 KiB are refused (WriteBufferFull); the connection itself stays open and
    // the server says nothing, as a server that waits for us would.
    let limits = WebSocketConfig::default()
        .write_buffer_size(0)
        .max_write_buffer_size(1024);
    let ws = WebSocketStream::from_raw_socket(client, Role::Client, Some(limits)).await;
    let input = Input::Messages(VecDeque::from(["x".repeat(4096)]));
    let cfg = SessionConfig {
        close_timeout: Duration::from_secs(3),
        ..SessionConfig::default()
    };
    // Time is virtual here: the bound tells the close timeout from waiting for the peer forever.
    let session = run(ws, input, Vec::new(), Vec::new(), cfg, shared());
    let (result, _) = tokio::time::timeout(Duration::from_secs(60), session)
        .await
        .expect("the session ends within its close timeout");
    let e = result.expect_err("the send failed");
    assert_eq!(e.kind, Kind::Other, "{e:?}");
    assert!(e.message.starts_with("sending failed: "), "{}", e.message);
    // The peer was told: our Close, 1011 (internal error), masked as a client's frames are.
    let mut wire = Vec::new();
    server.read_to_end(&mut wire).await.expect("read");
    let [0x88, 0x82, m0, m1, _, _, c0, c1] = wire[..] else {
        panic!("one Close frame: {wire:02x?}");
    };
    assert_eq!(u16::from_be_bytes([c0 ^ m0, c1 ^ m1]), 1011);
}
