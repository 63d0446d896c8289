//! `Tap<S>`: a byte-stream wrapper that watches WebSocket frames cross the wire in both directions.
//!
//! It sits on the plaintext side of TLS, under tungstenite, so it sees exactly what tungstenite
//! reads and writes, including the automatic pongs and close replies the library hides. It only
//! looks at the bytes a read returned or a write accepted (so partial writes are exact), never
//! blocks or prints inside `poll_*`, and hands records to the session through [`FrameLog`].
//! With the dump off it only follows incoming frame boundaries (no copy, no allocation, a few
//! dozen instructions per frame) so that protocol errors can name the offending frame.

use crate::sync::lock;
use crate::wire::frame::FrameHeader;
use crate::wire::observe::poll_read_observed;
use crate::wire::opcode::Opcode;
use crate::wire::scanner::{FrameRecord, FrameScanner, PlainHeader};
use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::SystemTime;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Which way a frame or message went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dir {
    /// From the peer to us.
    In,
    /// From us to the peer.
    Out,
}

/// A frame seen by the tap, with when it was seen.
#[derive(Debug, Clone)]
pub(crate) struct TappedFrame {
    pub dir: Dir,
    pub at: SystemTime,
    pub record: FrameRecord,
    /// For the frame that ends a compressed message: the message's size uncompressed (once
    /// inflated, or before compression).
    pub inflated: Option<u64>,
}

/// How far a drain of the frame log goes. Incoming frames are recorded when their bytes are
/// read, before the session has handled their message; taking them only with their message
/// keeps frame lines, messages and the writer's events in the order they happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Upto {
    /// Everything recorded (the session is over).
    Everything,
    /// What we sent before the first incoming frame whose message is not handled yet.
    Sent,
    /// Up to and including the frame that completes the next incoming message (a final data
    /// frame or a control frame).
    NextMessage,
}

/// How many unusual incoming frame headers are remembered for diagnostics.
const RECENT_UNUSUAL: usize = 8;

/// Shared between the tap (producer) and the session (consumer).
#[derive(Debug, Default)]
pub(crate) struct FrameLog {
    enabled: AtomicBool,
    /// A queue: drained from the front while the tap appends, so a drain costs what it takes,
    /// not what is left (a Vec shifted its whole tail on every drain: quadratic under -x).
    frames: Mutex<VecDeque<TappedFrame>>,
    /// Recent incoming headers that are not plain final TEXT/BINARY frames (rare by nature).
    unusual_in: Mutex<VecDeque<FrameHeader>>,
    /// The last plain incoming data frame header, packed into two words (no lock per frame).
    last_plain_in: [AtomicU64; 2],
    /// The payload of the last incoming Close frame, exactly as sent.
    last_close_in: Mutex<Option<Vec<u8>>>,
}

/// Bytes written by the tap ahead of tungstenite's next write or flush: bytes outside any
/// frame (`/raw`), and pipe mode's data frames ([`crate::wire::data_frames`]).
#[derive(Debug, Default)]
pub(crate) struct RawQueue(Mutex<Queued>);

#[derive(Debug, Default)]
struct Queued {
    bytes: Vec<u8>,
    /// Bytes of `bytes` already written: a partial write moves this on instead of moving the
    /// rest of a large frame to the front of the buffer at every write.
    sent: usize,
    /// A Close went out or came in: data frames are refused from then on (tungstenite's
    /// frames are written after the queue, so data queued after its Close reply would follow
    /// that Close on the wire). `/raw` bytes still go: they break the rules on purpose.
    data_closed: bool,
}

impl RawQueue {
    /// Queues bytes to be written as they are.
    pub(crate) fn push(&self, bytes: &[u8]) {
        lock(&self.0).bytes.extend_from_slice(bytes);
    }

    /// Queues whole data frames, taking `frames` (which is left empty, with the capacity of
    /// an earlier buffer); false, and nothing queued, once a Close went either way.
    pub(crate) fn push_frames(&self, frames: &mut Vec<u8>) -> bool {
        let mut q = lock(&self.0);
        if q.data_closed {
            return false;
        }
        if q.bytes.is_empty() {
            std::mem::swap(&mut q.bytes, frames);
        } else {
            q.bytes.extend_from_slice(frames);
        }
        frames.clear();
        true
    }

    /// A Close went out or came in: no data frames are queued from now on.
    pub(crate) fn close_data(&self) {
        lock(&self.0).data_closed = true;
    }
}

impl FrameLog {
    pub(crate) fn new(enabled: bool) -> Arc<Self> {
        Arc::new(FrameLog {
            enabled: AtomicBool::new(enabled),
            ..FrameLog::default()
        })
    }

    pub(crate) fn set_enabled(&self, on: bool) {
        self.enabled.store(on, Ordering::Relaxed);
    }

    pub(crate) fn enabled(&self) -> bool {
        self.enabled.load(Ordering::Relaxed)
    }

    /// Takes frames recorded so far, oldest first: all of them, or only as many as keep the
    /// order in which things happened (see [`Upto`]).
    pub(crate) fn drain(&self, upto: Upto) -> Vec<TappedFrame> {
        let mut frames = lock(&self.frames);
        let end = match upto {
            Upto::Everything => None,
            Upto::Sent => frames.iter().position(|f| f.dir == Dir::In),
            Upto::NextMessage => frames
                .iter()
                .position(|f| f.dir == Dir::In && f.record.header.ends_message())
                .map(|i| i + 1),
        };
        match end {
            Some(n) => frames.drain(..n).collect(),
            None => std::mem::take(&mut *frames).into(),
        }
    }

    fn push(&self, frame: TappedFrame) {
        lock(&self.frames).push_back(frame);
    }

    /// Remembers a plain data frame header; unmasked, so two bytes and the length rebuild it.
    fn note_plain(&self, h: PlainHeader) {
        let word = u64::from(h.b0) | u64::from(h.b1) << 8 | 1 << 16;
        self.last_plain_in[0].store(word, Ordering::Relaxed);
        self.last_plain_in[1].store(h.len, Ordering::Relaxed);
    }

    fn note_incoming(&self, h: &FrameHeader) {
        if h.is_ordinary_from_server() {
            let raw = h.raw();
            self.note_plain(PlainHeader {
                b0: raw[0],
                b1: raw[1],
                len: h.payload_len,
            });
        } else {
            let mut q = lock(&self.unusual_in);
            if q.len() == RECENT_UNUSUAL {
                q.pop_front();
            }
            q.push_back(h.clone());
        }
    }

    /// The close code of the last incoming Close frame as it was on the wire.
    pub(crate) fn last_close_code(&self) -> Option<u16> {
        lock(&self.last_close_in)
            .as_deref()
            .and_then(crate::wire::frame::close_payload)
            .map(|(code, _)| code)
    }

    /// The most recent incoming frame header that fits `pred`: the likely culprit of an error.
    pub(crate) fn offending(&self, pred: impl Fn(&FrameHeader) -> bool) -> Option<FrameHeader> {
        if let Some(h) = lock(&self.unusual_in).iter().rev().find(|h| pred(h)) {
            return Some(h.clone());
        }
        let word = self.last_plain_in[0].load(Ordering::Relaxed);
        if word >> 16 == 0 {
            return None;
        }
        let len = self.last_plain_in[1].load(Ordering::Relaxed);
        let mut raw = vec![word as u8, (word >> 8) as u8];
        match raw[1] & 0x7f {
            126 => raw.extend_from_slice(&(len as u16).to_be_bytes()),
            127 => raw.extend_from_slice(&len.to_be_bytes()),
            _ => {}
        }
        FrameHeader::parse(&raw).filter(|h| pred(h))
    }
}

struct Inspector {
    log: Arc<FrameLog>,
    incoming: FrameScanner,
    /// Followed only when the dump can be turned on (in the REPL, or with --frames).
    outgoing: Option<FrameScanner>,
}

impl Inspector {
    fn observe(&mut self, dir: Dir, bytes: &[u8]) {
        let log = &self.log;
        let enabled = log.enabled();
        let scanner = match dir {
            Dir::In => &mut self.incoming,
            Dir::Out => match self.outgoing.as_mut() {
                Some(s) => s,
                None => return,
            },
        };
        scanner.feed(bytes, enabled, &mut |record| {
            if dir == Dir::In {
                log.note_incoming(&record.header);
                if record.header.opcode == Opcode::Close {
                    *lock(&log.last_close_in) = Some(record.payload.clone());
                }
            }
            if enabled {
                log.push(TappedFrame {
                    dir,
                    at: SystemTime::now(),
                    record,
                    inflated: None,
                });
            }
        });
        if let Some(plain) = scanner.take_last_plain() {
            if dir == Dir::In {
                log.note_plain(plain);
            }
        }
    }
}

/// The stream wrapper. See the module docs.
pub(crate) struct Tap<S> {
    inner: S,
    inspector: Inspector,
    raw: Arc<RawQueue>,
}

impl<S> Tap<S> {
    /// A tap that follows frames and records them into `log` while it is enabled, keeping up to
    /// `capture` payload bytes of each data frame. Incoming headers are always followed (for
    /// diagnostics); outgoing ones only when `outgoing` is set.
    /// Bytes queued in `raw` go out ahead of tungstenite's next write.
    pub(crate) fn inspecting(
        inner: S,
        log: Arc<FrameLog>,
        raw: Arc<RawQueue>,
        capture: usize,
        outgoing: bool,
    ) -> Self {
        Tap {
            inner,
            raw,
            inspector: Inspector {
                log,
                incoming: FrameScanner::new(capture),
                outgoing: outgoing.then(|| FrameScanner::new(capture)),
            },
        }
    }
}

impl<S> Tap<S> {
    /// Accounts for incoming bytes that were read before the tap was in place (frames that
    /// arrived in the same read as the handshake response), so frame boundaries stay exact.
    pub(crate) fn already_received(&mut self, bytes: &[u8]) {
        self.inspector.observe(Dir::In, bytes);
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Tap<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let inspector = &mut this.inspector;
        poll_read_observed(&mut this.inner, cx, buf, |bytes| {
            inspector.observe(Dir::In, bytes)
        })
    }
}

impl<S: AsyncWrite + Unpin> Tap<S> {
    /// Writes queued raw bytes (see [`RawQueue`]) before anything else. The queue stays
    /// locked meanwhile: it is only filled between the session's polls, never from inside one.
    fn poll_raw(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut q = lock(&self.raw.0);
        while q.sent < q.bytes.len() {
            let from = q.sent;
            match Pin::new(&mut self.inner).poll_write(cx, &q.bytes[from..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => {
                    self.inspector.observe(Dir::Out, &q.bytes[from..from + n]);
                    q.sent += n;
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        // Everything went: the buffer is kept, with its capacity, for the next bytes.
        q.bytes.clear();
        q.sent = 0;
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Tap<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match this.poll_raw(cx) {
            Poll::Ready(Ok(())) => {}
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Pending => return Poll::Pending,
        }
        let res = Pin::new(&mut this.inner).poll_write(cx, data);
        if let Poll::Ready(Ok(n)) = &res {
            this.inspector.observe(Dir::Out, &data[..*n]);
        }
        res
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match this.poll_raw(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut this.inner).poll_flush(cx),
            other => other,
        }
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
        let mut tap = Tap::inspecting(a, log.clone(), Arc::default(), 16, true);
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
        let frames = log.drain(Upto::Everything);
        assert_eq!(frames.len(), 3);
        assert_eq!(frames[0].dir, Dir::In);
        assert_eq!(frames[0].record.payload, b"hi");
        assert_eq!(frames[1].record.header.opcode, Opcode::Pong);
        assert_eq!(frames[2].dir, Dir::Out);
    }

    #[tokio::test]
    async fn disabled_log_records_nothing_but_keeps_position() {
        let (a, mut b) = tokio::io::duplex(64);
        let log = FrameLog::new(false);
        let mut tap = Tap::inspecting(a, log.clone(), Arc::default(), 16, true);
        b.write_all(&[0x81, 0x01, b'a']).await.expect("write");
        let mut got = [0u8; 3];
        tap.read_exact(&mut got).await.expect("read");
        log.set_enabled(true);
        b.write_all(&[0x82, 0x01, 0xff]).await.expect("write");
        let mut got = [0u8; 3];
        tap.read_exact(&mut got).await.expect("read");
        let frames = log.drain(Upto::Everything);
        assert_eq!(frames.len(), 1);
        assert_eq!(frames[0].record.header.opcode, Opcode::Binary);
    }

    #[test]
    fn drains_keep_each_incoming_frame_with_its_message() {
        let log = FrameLog::new(true);
        let seen = |dir, bytes: &[u8]| {
            let mut s = FrameScanner::new(0);
            s.feed(bytes, true, &mut |record| {
                log.push(TappedFrame {
                    dir,
                    at: SystemTime::now(),
                    record,
                    inflated: None,
                })
            });
        };
        seen(Dir::Out, &[0x81, 0x80, 1, 2, 3, 4]); // TEXT sent
        seen(Dir::In, &[0x01, 0x01, b'a']); // first fragment
        seen(Dir::Out, &[0x89, 0x80, 1, 2, 3, 4]); // PING sent meanwhile
        seen(Dir::In, &[0x80, 0x01, b'b']); // last fragment: the message is complete
        seen(Dir::In, &[0x88, 0x00]); // CLOSE
        let ops = |v: Vec<TappedFrame>| -> Vec<u8> {
            v.iter().map(|f| f.record.header.opcode.bits()).collect()
        };
        assert_eq!(ops(log.drain(Upto::Sent)), vec![1]);
        assert_eq!(ops(log.drain(Upto::Sent)), Vec::<u8>::new());
        assert_eq!(ops(log.drain(Upto::NextMessage)), vec![1, 9, 0]);
        assert_eq!(ops(log.drain(Upto::NextMessage)), vec![8]);
        assert!(log.drain(Upto::Everything).is_empty());
    }

    #[test]
    fn offending_frame_is_found_by_rule() {
        let log = FrameLog::new(false);
        let plain = FrameHeader::parse(&[0x81, 0x7e, 0x01, 0x00]).expect("header");
        let rsv = FrameHeader::parse(&[0xc1, 0x01]).expect("header");
        log.note_incoming(&plain);
        log.note_incoming(&rsv);
        log.note_incoming(&plain);
        assert_eq!(log.offending(|h| h.rsv1), Some(rsv));
        let got = log
            .offending(|h| h.opcode == Opcode::Text && !h.rsv1)
            .expect("plain");
        assert_eq!(got.payload_len, 256);
        assert_eq!(got.raw(), &[0x81, 0x7e, 0x01, 0x00]);
        assert!(log.offending(|h| h.opcode == Opcode::Close).is_none());
    }
}
