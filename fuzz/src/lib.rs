//! What the fuzz targets share: a peer played from the fuzzer's bytes (read in pieces of a
//! chosen size, what is written to it kept), and a runtime for the async parsers.

use std::io;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A stream whose reads hand out `data` at most `piece` bytes at a time, then end; writes
/// are kept in `written`.
pub struct Script<'a> {
    data: &'a [u8],
    piece: usize,
    /// How many bytes of `data` were read.
    pub read: usize,
    pub written: Vec<u8>,
}

impl<'a> Script<'a> {
    pub fn new(data: &'a [u8], piece: usize) -> Self {
        Script {
            data,
            piece: piece.max(1),
            read: 0,
            written: Vec::new(),
        }
    }

    /// What was not read.
    pub fn rest(&self) -> &'a [u8] {
        &self.data[self.read..]
    }
}

impl AsyncRead for Script<'_> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let n = self.piece.min(buf.remaining()).min(self.rest().len());
        let from = self.read;
        buf.put_slice(&self.data[from..from + n]);
        self.read += n;
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Script<'_> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.written.extend_from_slice(data);
        Poll::Ready(Ok(data.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// Runs `work` to its end on one runtime kept for the whole fuzzing run (the parsers bound
/// their waits with tokio's timer; a [`Script`] never makes them wait).
pub fn block_on<F: std::future::Future>(work: F) -> F::Output {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .expect("runtime")
        })
        .block_on(work)
}

/// Splits off the first byte as a control byte for the target's choices.
pub fn control(data: &[u8]) -> Option<(u8, &[u8])> {
    data.split_first().map(|(c, rest)| (*c, rest))
}
