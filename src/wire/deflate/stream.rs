//! `Deflate<S>`: the byte-stream adapter that puts the two transformers between the tap and
//! tungstenite. Reads inflate what the peer compressed, writes compress what tungstenite
//! sends; plain incoming frames are handed over in place, without a copy.

use super::incoming::Incoming;
use super::outgoing::Outgoing;
use super::overrides::Overrides;
use super::params::Agreed;
use super::stats::DeflateStats;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Which end of the connection this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Client,
    Server,
}

/// The zlib level wscope compresses with: see the measurements in the module tests.
pub(crate) const DEFAULT_LEVEL: u32 = 1;

/// The default limit on an inflated message, tungstenite's default `max_message_size`.
pub(crate) const DEFAULT_MAX_MESSAGE_SIZE: u64 = 64 << 20;

/// How the layer is set up: our role, what was negotiated, and the limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DeflateConfig {
    pub role: Role,
    pub agreed: Agreed,
    /// The largest inflated message accepted; a larger one fails the read with 1009.
    pub max_message_size: u64,
    /// zlib compression level, 0..=9.
    pub level: u32,
}

impl DeflateConfig {
    pub(crate) fn new(role: Role, agreed: Agreed) -> Self {
        DeflateConfig {
            role,
            agreed,
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            level: DEFAULT_LEVEL,
        }
    }
}

/// permessage-deflate over a byte stream `S` (RFC 7692). See the module documentation of
/// [`super`] for how to wire it.
pub(crate) struct Deflate<S> {
    inner: S,
    incoming: Incoming,
    outgoing: Outgoing,
    stats: Arc<DeflateStats>,
    overrides: Arc<Overrides>,
}

impl<S> Deflate<S> {
    pub(crate) fn new(inner: S, config: DeflateConfig) -> Self {
        let a = &config.agreed;
        let (peer_bits, peer_reset, own_bits, own_reset) = match config.role {
            Role::Client => (
                a.server_max_window_bits,
                a.server_no_context_takeover,
                a.client_max_window_bits,
                a.client_no_context_takeover,
            ),
            Role::Server => (
                a.client_max_window_bits,
                a.client_no_context_takeover,
                a.server_max_window_bits,
                a.server_no_context_takeover,
            ),
        };
        let stats = Arc::new(DeflateStats::default());
        let overrides = Arc::new(Overrides::default());
        Deflate {
            inner,
            incoming: Incoming::new(
                config.role,
                peer_bits,
                peer_reset,
                config.max_message_size,
                stats.clone(),
            ),
            outgoing: Outgoing::new(
                own_bits,
                own_reset,
                config.level,
                stats.clone(),
                overrides.clone(),
            ),
            stats,
            overrides,
        }
    }

    /// Bytes that arrived together with the handshake response: read through this layer
    /// before anything from `S`. Give them here, not to tungstenite.
    pub(crate) fn already_received(&mut self, bytes: &[u8]) {
        self.incoming.push(bytes);
    }

    /// The per-message statistics, shared.
    pub(crate) fn stats(&self) -> Arc<DeflateStats> {
        self.stats.clone()
    }

    /// The rule-breaking switches for the next outgoing message, shared.
    pub(crate) fn overrides(&self) -> Arc<Overrides> {
        self.overrides.clone()
    }
}

impl<S: AsyncWrite + Unpin> Deflate<S> {
    /// Writes pending compressed output to `S` until none is left.
    fn poll_drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while !self.outgoing.pending().is_empty() {
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, self.outgoing.pending()))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.outgoing.consume(n);
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Deflate<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if buf.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        loop {
            let ready = this.incoming.output().map_err(io::Error::from)?;
            if !ready.is_empty() {
                let n = ready.len().min(buf.remaining());
                buf.put_slice(&ready[..n]);
                this.incoming.consume(n);
                return Poll::Ready(Ok(()));
            }
            let start = buf.filled().len();
            ready!(Pin::new(&mut this.inner).poll_read(cx, buf))?;
            let fresh = &buf.filled()[start..];
            if fresh.is_empty() {
                return Poll::Ready(Ok(()));
            }
            let pass = this.incoming.pass_in_place(fresh);
            if pass < fresh.len() {
                this.incoming.push(&fresh[pass..]);
                buf.set_filled(start + pass);
            }
            if pass > 0 {
                return Poll::Ready(Ok(()));
            }
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Deflate<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if !this.outgoing.has_room() {
            ready!(this.poll_drain(cx))?;
        }
        let n = this.outgoing.accept(buf)?;
        // Send what is ready now, as a plain stream would; what does not fit waits for the
        // next write or flush.
        if let Poll::Ready(Err(e)) = this.poll_drain(cx) {
            if n == 0 {
                return Poll::Ready(Err(e));
            }
        }
        Poll::Ready(Ok(n))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_drain(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_drain(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}
