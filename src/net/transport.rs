//! The byte stream under everything else, on either kind of socket: TCP, or a Unix domain
//! socket (`--unix-socket`, for local daemons and containers; `wscope serve --unix-socket`).
//! One type for both, so TLS, the tap, compression and the session are built once: a boxed
//! socket (one indirect call per read or write, nothing per byte).

use crate::error::{Error, Kind};
use crate::units::secs;
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::UnixStream;

/// What a connected socket can do.
pub(crate) trait Socket: AsyncRead + AsyncWrite + Unpin + Send {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send> Socket for T {}

/// A connected socket: a `TcpStream` or a `UnixStream`.
pub(crate) type Transport = Box<dyn Socket>;

/// Who is at the other end of a [`Transport`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Peer {
    Tcp(SocketAddr),
    /// A Unix socket: its path as we know it (the server's path on the client side; peers
    /// connecting to a server are usually unnamed).
    Unix(Option<PathBuf>),
}

impl fmt::Display for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Peer::Tcp(addr) => write!(f, "{addr}"),
            Peer::Unix(Some(path)) => write!(f, "unix:{}", path.display()),
            Peer::Unix(None) => f.write_str("unix"),
        }
    }
}

/// Connects to the Unix socket at `path` within `timeout`; returns how long it took.
pub(crate) async fn unix(path: &Path, timeout: Duration) -> Result<(UnixStream, Duration), Error> {
    let started = Instant::now();
    let failed = |why: String| {
        Error::new(
            Kind::Connect,
            format!(
                "cannot connect to the Unix socket {}: {why}",
                path.display()
            ),
        )
    };
    match tokio::time::timeout(timeout, UnixStream::connect(path)).await {
        Ok(Ok(s)) => Ok((s, started.elapsed())),
        Ok(Err(e)) if e.kind() == io::ErrorKind::ConnectionRefused => Err(failed(e.to_string())
            .with_hint(
                "the file exists but nothing listens on it (a server that exited leaves it behind)",
            )),
        Ok(Err(e)) => Err(failed(e.to_string())),
        Err(_) => Err(Error::new(
            Kind::Timeout,
            format!(
                "connecting to the Unix socket {} took longer than {}",
                path.display(),
                secs(timeout)
            ),
        )
        .with_hint("raise the limit with --connect-timeout SECS")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peers_are_shown_as_addresses_or_paths() {
        let tcp = Peer::Tcp("127.0.0.1:9001".parse().expect("addr"));
        assert_eq!(tcp.to_string(), "127.0.0.1:9001");
        let named = Peer::Unix(Some(PathBuf::from("/run/app.sock")));
        assert_eq!(named.to_string(), "unix:/run/app.sock");
        assert_eq!(Peer::Unix(None).to_string(), "unix");
    }

    #[tokio::test]
    async fn a_missing_socket_is_a_connect_failure_naming_the_path() {
        let path = std::env::temp_dir().join(format!("wscope-no-such-{}.sock", std::process::id()));
        let e = unix(&path, Duration::from_secs(1))
            .await
            .expect_err("missing");
        assert_eq!(e.kind, Kind::Connect);
        assert!(
            e.message.contains(&path.display().to_string()),
            "{}",
            e.message
        );
    }
}
