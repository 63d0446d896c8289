//! `Tap<S>`: a byte-stream wrapper that watches WebSocket frames cross the wire in both directions.
//!
//! It sits on the plaintext side of TLS, under tungstenite, so it sees exactly what tungstenite
//! reads and writes, including the automatic pongs and close replies the library hides. It only
//! looks at the bytes a read returned or a write accepted (so partial writes are exact), never
//! blocks or prints inside `poll_*`, and hands records to the session through [`FrameLog`].
//! Without an inspector it is a plain passthrough.

use crate::frame::{FrameRecord, FrameScanner};
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::SystemTime;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Which way a frame or message went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// From the peer to us.
    In,
    /// From us to the peer.
    Out,
}

/// A frame seen by the tap, with when it was seen.
#[derive(Debug, Clone)]
pub struct TappedFrame {
    pub dir: Dir,
    pub at: SystemTime,
    pub record: FrameRecord,
}

/// Shared between the tap (producer) and the session (consumer).
#[derive(Debug, Default)]
pub struct FrameLog {
    enabled: AtomicBool,
    frames: Mutex<Vec<TappedFrame>>,
}

impl FrameLog {
    pub fn new(enabled: bool) -> Arc<Self> {
        Arc::new(FrameLog {
            enabled: AtomicBool::new(enabled),
            frames: Mutex::new(Vec::new()),
        })
    }

    pub fn set_enabled(&self, on: bool) {
        self.enabled.store(on, Ordering::Relaxed);
    }

    pub fn enabled(&self) -> bool {
        self.enabled.load(Ordering::Relaxed)
    }

    /// Takes every frame recorded so far, oldest first.
    pub fn drain(&self) -> Vec<TappedFrame> {
        match self.frames.lock() {
            Ok(mut v) => std::mem::take(&mut *v),
            Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
        }
    }

    fn push(&self, frame: TappedFrame) {
        match self.frames.lock() {
            Ok(mut v) => v.push(frame),
            Err(poisoned) => poisoned.into_inner().push(frame),
        }
    }
}

struct Inspector {
    log: Arc<FrameLog>,
    incoming: FrameScanner,
    outgoing: FrameScanner,
}

impl Inspector {
    fn observe(&mut self, dir: Dir, bytes: &[u8]) {
        let log = &self.log;
        let enabled = log.enabled();
        let scanner = match dir {
            Dir::In => &mut self.incoming,
            Dir::Out => &mut self.outgoing,
        };
        scanner.feed(bytes, &mut |record| {
            if enabled {
                log.push(TappedFrame {
                    dir,
                    at: SystemTime::now(),
                    record,
                });
            }
        });
    }
}

/// The stream wrapper. See the module docs.
pub struct Tap<S> {
    inner: S,
    inspector: Option<Inspector>,
}

impl<S> Tap<S> {
    /// A tap that only passes bytes through.
    pub fn passthrough(inner: S) -> Self {
        Tap {
            inner,
            inspector: None,
        }
    }

    /// A tap that follows frames and records them into `log` while it is enabled, keeping up to
    /// `capture` payload bytes of each data frame.
    pub fn inspecting(inner: S, log: Arc<FrameLog>, capture: usize) -> Self {
        Tap {
            inner,
            inspector: Some(Inspector {
                log,
                incoming: FrameScanner::new(capture),
                outgoing: FrameScanner::new(capture),
            }),
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Tap<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let res = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let (Poll::Ready(Ok(())), Some(insp)) = (&res, this.inspector.as_mut()) {
            insp.observe(Dir::In, &buf.filled()[before..]);
        }
        res
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Tap<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let res = Pin::new(&mut this.inner).poll_write(cx, data);
        if let (Poll::Ready(Ok(n)), Some(insp)) = (&res, this.inspector.as_mut()) {
            insp.observe(Dir::Out, &data[..*n]);
        }
        res
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn records_frames_in_both_directions_across_partial_io() {
        let (a, mut b) = tokio::io::duplex(3);
        let log = FrameLog::new(true);
        let mut tap = Tap::inspecting(a, log.clone(), 16);
        let frame = [0x81u8, 0x02, b'h', b'i'];
        let writer = tokio::spawn(async move {
            b.write_all(&frame).await.expect("write");
            let mut back = [0u8; 4];
            b.read_exact(&mut back).await.expect("read");
            back
        });
        let mut got = [0u8; 4];
        tap.read_exact(&mut got).await.expect("read");
        tap.write_all(&[0x8a, 0x00, 0x89, 0x00])
            .await
            .expect("write");
        writer.await.expect("join");
        let frames = log.drain();
        assert_eq!(frames.len(), 3);
        assert_eq!(frames[0].dir, Dir::In);
        assert_eq!(frames[0].record.payload, b"hi");
        assert_eq!(frames[1].record.header.opcode, 0xA);
        assert_eq!(frames[2].dir, Dir::Out);
    }

    #[tokio::test]
    async fn disabled_log_records_nothing_but_keeps_position() {
        let (a, mut b) = tokio::io::duplex(64);
        let log = FrameLog::new(false);
        let mut tap = Tap::inspecting(a, log.clone(), 16);
        b.write_all(&[0x81, 0x01, b'a']).await.expect("write");
        let mut got = [0u8; 3];
        tap.read_exact(&mut got).await.expect("read");
        log.set_enabled(true);
        b.write_all(&[0x82, 0x01, 0xff]).await.expect("write");
        let mut got = [0u8; 3];
        tap.read_exact(&mut got).await.expect("read");
        let frames = log.drain();
        assert_eq!(frames.len(), 1);
        assert_eq!(frames[0].record.header.opcode, 2);
    }
}
