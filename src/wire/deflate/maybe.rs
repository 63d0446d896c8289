//! The byte stream under tungstenite, with or without permessage-deflate: one type either way,
//! so the session is built (and compiled) once.

use super::stream::Deflate;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// `S` as it is, or with compression on top.
pub(crate) enum MaybeDeflate<S> {
    Plain(S),
    Deflate(Box<Deflate<S>>),
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for MaybeDeflate<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            MaybeDeflate::Plain(s) => Pin::new(s).poll_read(cx, buf),
            MaybeDeflate::Deflate(d) => Pin::new(d.as_mut()).poll_read(cx, buf),
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for MaybeDeflate<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            MaybeDeflate::Plain(s) => Pin::new(s).poll_write(cx, data),
            MaybeDeflate::Deflate(d) => Pin::new(d.as_mut()).poll_write(cx, data),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            MaybeDeflate::Plain(s) => Pin::new(s).poll_flush(cx),
            MaybeDeflate::Deflate(d) => Pin::new(d.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            MaybeDeflate::Plain(s) => Pin::new(s).poll_shutdown(cx),
            MaybeDeflate::Deflate(d) => Pin::new(d.as_mut()).poll_shutdown(cx),
        }
    }
}
