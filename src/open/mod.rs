//! Opening a connection, one way for the client and `wscope probe`: a stream to the target
//! (`stream`: DNS and TCP or a Unix socket, the proxy's tunnel, TLS), the HTTP upgrade on it
//! (`upgrade`: the request with a fresh key, the answer read verbatim and judged) and the
//! redirects followed with `-L` ([`redirect`]). Every stage reports what it did as an
//! [`Event`], to whoever shows or keeps them.
//!
//! ```text
//! establish ─► redirect::follow ─► upgrade::attempt ─► stream::open_stream ─► exchange ─► judge
//! ```

pub(crate) mod redirect;
mod stream;
mod upgrade;

pub(crate) use stream::{Opened, open_stream};
pub(crate) use upgrade::{Upgraded, request};

use crate::error::Error;
use crate::event::Event;
use crate::net::connect::TlsOptions;
use crate::net::proxy::ProxyChoice;
use crate::wire::request::RequestOptions;
use crate::wire::target::Target;
use std::path::PathBuf;
use std::time::Duration;

/// How to reach the server and upgrade.
#[derive(Debug, Clone)]
pub(crate) struct ConnectConfig {
    pub request: RequestOptions,
    pub tls: TlsOptions,
    pub proxy: ProxyChoice,
    pub connect_timeout: Duration,
    pub handshake_timeout: Duration,
    /// Redirects followed at most (`None`: not followed, `-L` not given).
    pub follow_redirects: Option<u32>,
    /// The largest message accepted from the peer.
    pub max_message_size: usize,
    /// `--deflate-window-bits`: compress with this window whatever was agreed.
    pub deflate_window_bits: Option<u8>,
    /// `--unix-socket`: connect through this socket instead of TCP (no proxy then).
    pub unix_socket: Option<PathBuf>,
}

/// Connects to `start`, following redirects, until the server accepts the upgrade; returns
/// where it was accepted and the upgraded connection.
pub(crate) async fn establish(
    cfg: &ConnectConfig,
    start: &Target,
    emit: &mut dyn FnMut(Event),
) -> Result<(Target, Box<Upgraded>), Error> {
    redirect::follow(cfg, start, emit, async |target, emit| {
        upgrade::attempt(cfg, target, emit).await
    })
    .await
}
