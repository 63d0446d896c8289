//! One probe connection after the upgrade: frames written as built (many break the rules on
//! purpose) while whatever arrives keeps being read, and the server's frames gathered into
//! [`Seen`] until the check has what it waits for or its deadline passes. Reads go through the
//! frame scanner, so frames split across reads and payloads of any size cost bounded memory.

use super::frames::{self, Frame};
use super::seen::{End, MESSAGE_KEEP, Seen};
use crate::net::connect::Stream;
use crate::wire::opcode::Opcode;
use crate::wire::scanner::FrameScanner;
use std::io;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadHalf, WriteHalf};

/// Bytes read at a time.
const CHUNK: usize = 64 * 1024;
/// How long a closing courtesy (our Close, the TCP shutdown) may take at the end of a check.
const GOODBYE: Duration = Duration::from_millis(200);

/// Why sending stopped short.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Stopped {
    /// The deadline passed with bytes still to write (the server stopped reading).
    Timeout,
    /// The connection failed or was closed under the write.
    Failed(String),
}

/// A connection the probe writes raw frames on and reads the server's frames from.
pub(super) struct Conn<S = Stream> {
    reader: ReadHalf<S>,
    writer: WriteHalf<S>,
    scanner: FrameScanner,
    chunk: Vec<u8>,
    /// What the server sent so far.
    pub seen: Seen,
    /// Whether a Close went out (nothing may follow it; no goodbye Close then).
    sent_close: bool,
}

/// One step of a write that keeps reading.
enum Step {
    Wrote(io::Result<usize>),
    Read(io::Result<usize>),
    Timeout,
}

impl<S: AsyncRead + AsyncWrite> Conn<S> {
    /// A connection whose upgrade answer was followed by `already` (the first frames, read
    /// with the head).
    pub(super) fn new(stream: S, already: &[u8]) -> Self {
        let (reader, writer) = tokio::io::split(stream);
        let mut conn = Conn {
            reader,
            writer,
            scanner: FrameScanner::new(MESSAGE_KEEP),
            chunk: vec![0; CHUNK],
            seen: Seen::default(),
            sent_close: false,
        };
        conn.take_in(already);
        conn
    }

    fn take_in(&mut self, bytes: &[u8]) {
        let now = Instant::now();
        let seen = &mut self.seen;
        self.scanner
            .feed(bytes, true, &mut |frame| seen.absorb(frame, now));
    }

    /// Takes in the result of one read.
    fn read_done(&mut self, read: io::Result<usize>) {
        let ended = match read {
            Ok(0) => End::Closed,
            Ok(n) => {
                // The chunk is borrowed apart from the scanner and what it feeds.
                let chunk = std::mem::take(&mut self.chunk);
                self.take_in(&chunk[..n.min(chunk.len())]);
                self.chunk = chunk;
                return;
            }
            Err(e) => End::Failed(e.to_string()),
        };
        self.seen.end.get_or_insert((ended, Instant::now()));
    }

    /// Sends `frames` (masked with fresh keys unless built unmasked), reading meanwhile so a
    /// server that answers while a large message goes out never blocks us both.
    pub(super) async fn send(
        &mut self,
        frames: &[Frame],
        deadline: Instant,
    ) -> Result<(), Stopped> {
        if frames.iter().any(|f| f.opcode() == Opcode::Close) {
            self.sent_close = true;
        }
        let bytes = frames::encode(frames);
        let mut at = 0;
        while at < bytes.len() {
            let reading = self.seen.end.is_none();
            let rest = bytes.get(at..).unwrap_or_default();
            let step = tokio::select! {
                w = self.writer.write(rest) => Step::Wrote(w),
                r = self.reader.read(&mut self.chunk), if reading => Step::Read(r),
                () = tokio::time::sleep_until(deadline.into()) => Step::Timeout,
            };
            match step {
                Step::Wrote(Ok(0)) => {
                    return Err(Stopped::Failed("the connection is closed".into()));
                }
                Step::Wrote(Ok(n)) => at += n,
                Step::Wrote(Err(e)) => return Err(Stopped::Failed(e.to_string())),
                Step::Read(r) => self.read_done(r),
                Step::Timeout => return Err(Stopped::Timeout),
            }
        }
        match tokio::time::timeout_at(deadline.into(), self.writer.flush()).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(Stopped::Failed(e.to_string())),
            Err(_) => Err(Stopped::Timeout),
        }
    }

    /// Reads until `enough` says the check has what it waits for, the server's Close or the
    /// end of TCP arrives, or `deadline` passes; returns whether `enough` was met.
    pub(super) async fn watch(
        &mut self,
        deadline: Instant,
        enough: impl Fn(&Seen) -> bool,
    ) -> bool {
        loop {
            if enough(&self.seen) {
                return true;
            }
            if self.seen.over() {
                return false;
            }
            if !self.read_once(deadline).await {
                return enough(&self.seen);
            }
        }
    }

    /// Reads until the TCP connection ends or `deadline` passes (after a Close exchange).
    pub(super) async fn await_end(&mut self, deadline: Instant) {
        while self.seen.end.is_none() && self.read_once(deadline).await {}
    }

    /// One read within `deadline`; `false` when the deadline passed.
    async fn read_once(&mut self, deadline: Instant) -> bool {
        match tokio::time::timeout_at(deadline.into(), self.reader.read(&mut self.chunk)).await {
            Ok(r) => {
                self.read_done(r);
                true
            }
            Err(_) => false,
        }
    }

    /// Ends the connection politely and briefly: a Close 1000 unless one went out already,
    /// then the TCP shutdown, all within a fraction of a second.
    pub(super) async fn finish(mut self) {
        if self.seen.end.is_some() {
            return;
        }
        let close = (!self.sent_close).then(|| frames::encode(&[Frame::close(1000, b"")]));
        let _ = tokio::time::timeout(GOODBYE, async {
            if let Some(bytes) = close {
                self.writer.write_all(&bytes).await?;
            }
            self.writer.shutdown().await
        })
        .await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    #[tokio::test]
    async fn a_large_write_goes_out_while_the_peer_answers_and_frames_are_gathered() {
        let (client, mut server) = tokio::io::duplex(4096);
        let mut conn = Conn::new(client, &[0x8a, 0x01]);
        let peer = tokio::spawn(async move {
            // The peer answers before it reads anything: both sides write at once.
            server.write_all(b"p\x81\x02hi").await.expect("write");
            let mut large = vec![0x82, 126, 0xea, 0x60];
            large.resize(4 + 60_000, 7);
            server.write_all(&large).await.expect("large");
            let mut got = vec![0u8; 200_000];
            let mut n = 0;
            while n < 100_010 {
                n += server.read(&mut got[n..]).await.expect("read");
            }
            server.write_all(b"\x88\x02\x03\xe8").await.expect("close");
            n
        });
        let deadline = Instant::now() + Duration::from_secs(10);
        let big = Frame::binary(vec![0u8; 100_000]);
        conn.send(&[big], deadline).await.expect("sent");
        assert!(conn.watch(deadline, |s| s.close.is_some()).await);
        assert!(conn.seen.pong(b"p").is_some());
        let lens: Vec<u64> = conn.seen.messages.iter().map(|m| m.len).collect();
        assert_eq!(lens, [2, 60_000]);
        assert_eq!(conn.seen.messages[0].data, b"hi");
        assert_eq!(conn.seen.close.as_ref().and_then(|c| c.code), Some(1000));
        assert!(peer.await.expect("peer") >= 100_010);
    }

    #[tokio::test]
    async fn waits_end_at_their_deadline_and_at_the_end_of_tcp() {
        let (client, server) = tokio::io::duplex(64);
        let mut conn = Conn::new(client, &[]);
        let t0 = Instant::now();
        let met = conn
            .watch(t0 + Duration::from_millis(50), |s| !s.pongs.is_empty())
            .await;
        assert!(!met && t0.elapsed() >= Duration::from_millis(50));
        drop(server);
        conn.await_end(Instant::now() + Duration::from_secs(10))
            .await;
        assert_eq!(
            conn.seen.end.as_ref().map(|e| e.0.clone()),
            Some(End::Closed)
        );
        assert!(
            !conn
                .watch(Instant::now() + Duration::from_secs(10), |_| false)
                .await
        );
    }
}
