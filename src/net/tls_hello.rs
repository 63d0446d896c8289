//! The negotiated TLS version and cipher suite, read from the server's ServerHello as it
//! passes under the TLS library (native-tls does not report them).
//!
//! [`server_hello`] is a pure parser; [`HelloSniffer`] wraps the TCP stream and feeds it the
//! first bytes the server sends, then gets out of the way.

use crate::wire::observe::poll_read_observed;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Stop looking after this many bytes (the ServerHello comes first and is small).
const LOOK_AT_MOST: usize = 16 * 1024;

/// Finds the ServerHello in the first TLS records of `buf`; returns (version, cipher suite).
/// `None` while more bytes are needed or when it is not there.
pub fn server_hello(buf: &[u8]) -> Option<(u16, u16)> {
    // Handshake messages may span records: collect the handshake payload first.
    let mut hs = Vec::new();
    let mut at = 0;
    while buf.len() >= at + 5 {
        let len = usize::from(u16::from_be_bytes([buf[at + 3], buf[at + 4]]));
        if buf[at] != 22 || buf.len() < at + 5 + len {
            break;
        }
        hs.extend_from_slice(&buf[at + 5..at + 5 + len]);
        at += 5 + len;
    }
    if hs.first() != Some(&2) || hs.len() < 4 {
        return None;
    }
    let body_len = usize::from(hs[1]) << 16 | usize::from(hs[2]) << 8 | usize::from(hs[3]);
    let body = hs.get(4..4 + body_len)?;
    let legacy = u16::from_be_bytes([*body.first()?, *body.get(1)?]);
    let sid_len = usize::from(*body.get(34)?);
    let mut p = 35 + sid_len;
    let cipher = u16::from_be_bytes([*body.get(p)?, *body.get(p + 1)?]);
    p += 3; // cipher suite, compression method
    let mut version = legacy;
    if let Some(ext) = body.get(p..p + 2) {
        let end = (p + 2 + usize::from(u16::from_be_bytes([ext[0], ext[1]]))).min(body.len());
        p += 2;
        while p + 4 <= end {
            let kind = u16::from_be_bytes([body[p], body[p + 1]]);
            let len = usize::from(u16::from_be_bytes([body[p + 2], body[p + 3]]));
            if kind == 43 && len == 2 && p + 6 <= end {
                version = u16::from_be_bytes([body[p + 4], body[p + 5]]);
            }
            p += 4 + len;
        }
    }
    Some((version, cipher))
}

pub(crate) fn version_name(v: u16) -> String {
    match v {
        0x0304 => "TLS 1.3".into(),
        0x0303 => "TLS 1.2".into(),
        0x0302 => "TLS 1.1".into(),
        0x0301 => "TLS 1.0".into(),
        other => format!("version {other:#06x}"),
    }
}

pub(crate) fn cipher_name(c: u16) -> String {
    match c {
        0x1301 => "TLS_AES_128_GCM_SHA256".into(),
        0x1302 => "TLS_AES_256_GCM_SHA384".into(),
        0x1303 => "TLS_CHACHA20_POLY1305_SHA256".into(),
        0xc02b => "ECDHE-ECDSA-AES128-GCM-SHA256".into(),
        0xc02c => "ECDHE-ECDSA-AES256-GCM-SHA384".into(),
        0xc02f => "ECDHE-RSA-AES128-GCM-SHA256".into(),
        0xc030 => "ECDHE-RSA-AES256-GCM-SHA384".into(),
        0xcca8 => "ECDHE-RSA-CHACHA20-POLY1305".into(),
        0xcca9 => "ECDHE-ECDSA-CHACHA20-POLY1305".into(),
        other => format!("cipher suite {other:#06x}"),
    }
}

/// A stream wrapper that keeps the first bytes the server sends until it has seen the
/// ServerHello, and publishes (version, cipher) in `found`.
pub struct HelloSniffer<S> {
    inner: S,
    seen: Vec<u8>,
    done: bool,
    pub found: Arc<OnceLock<(u16, u16)>>,
}

impl<S> HelloSniffer<S> {
    pub fn new(inner: S) -> Self {
        HelloSniffer {
            inner,
            seen: Vec::new(),
            done: false,
            found: Arc::new(OnceLock::new()),
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for HelloSniffer<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        poll_read_observed(&mut this.inner, cx, buf, |bytes| {
            if this.done {
                return;
            }
            this.seen.extend_from_slice(bytes);
            if let Some(hello) = server_hello(&this.seen) {
                let _ = this.found.set(hello);
                this.done = true;
            } else if this.seen.len() > LOOK_AT_MOST || this.seen.first().is_some_and(|b| *b != 22)
            {
                this.done = true;
            }
            if this.done {
                this.seen = Vec::new();
            }
        })
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for HelloSniffer<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, data)
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

    /// A ServerHello record as servers send it (random and session id filled with ones).
    fn hello(legacy: u16, cipher: u16, supported: Option<u16>) -> Vec<u8> {
        let mut body = legacy.to_be_bytes().to_vec();
        body.extend([1u8; 32]);
        body.push(32);
        body.extend([1u8; 32]);
        body.extend(cipher.to_be_bytes());
        body.push(0);
        let mut ext = Vec::new();
        ext.extend([0xff, 0x01, 0x00, 0x01, 0x00]); // renegotiation_info
        if let Some(v) = supported {
            ext.extend([0x00, 0x2b, 0x00, 0x02]);
            ext.extend(v.to_be_bytes());
        }
        body.extend((ext.len() as u16).to_be_bytes());
        body.extend(ext);
        let mut hs = vec![2, 0, (body.len() >> 8) as u8, body.len() as u8];
        hs.extend(body);
        let mut rec = vec![22, 3, 3, (hs.len() >> 8) as u8, hs.len() as u8];
        rec.extend(hs);
        rec
    }

    #[test]
    fn reads_tls12_and_tls13_hellos() {
        assert_eq!(
            server_hello(&hello(0x0303, 0xc02f, None)),
            Some((0x0303, 0xc02f))
        );
        assert_eq!(
            server_hello(&hello(0x0303, 0x1302, Some(0x0304))),
            Some((0x0304, 0x1302))
        );
        assert_eq!(version_name(0x0304), "TLS 1.3");
        assert_eq!(cipher_name(0x1302), "TLS_AES_256_GCM_SHA384");
    }

    #[test]
    fn needs_the_whole_record_and_ignores_other_bytes() {
        let h = hello(0x0303, 0x1301, Some(0x0304));
        for cut in 0..h.len() {
            assert_eq!(server_hello(&h[..cut]), None, "cut at {cut}");
        }
        assert_eq!(server_hello(b"HTTP/1.1 400 Bad Request\r\n"), None);
        assert_eq!(server_hello(&[22, 3, 3, 0, 1, 1]), None);
    }
}
