//! Watching the bytes a stream reads, for the wrappers that look at the wire without changing
//! it (the TLS ServerHello sniffer, the frame tap).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, ReadBuf};

/// Polls `inner` for a read into `buf` and shows `observe` the bytes the read added.
pub(crate) fn poll_read_observed<S: AsyncRead + Unpin>(
    inner: &mut S,
    cx: &mut Context<'_>,
    buf: &mut ReadBuf<'_>,
    observe: impl FnOnce(&[u8]),
) -> Poll<io::Result<()>> {
    let before = buf.filled().len();
    let res = Pin::new(inner).poll_read(cx, buf);
    if let Poll::Ready(Ok(())) = &res {
        observe(&buf.filled()[before..]);
    }
    res
}
