//! Where `wscope serve` listens: a TCP address (loopback unless told otherwise, with a warning
//! when it is not) or a Unix socket (a file left by a server that is gone is replaced; one a
//! server answers on is not; the file is removed again when wscope stops).

use crate::error::{Error, Kind};
use crate::net::transport::{Peer, Transport};
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::net::{TcpListener, UnixListener, UnixStream};

/// A bound listener.
pub(super) enum Listener {
    Tcp(TcpListener),
    Unix {
        listener: UnixListener,
        path: PathBuf,
    },
}

/// Binds a TCP listener (port 0 picks a free port).
pub(super) async fn tcp(addr: SocketAddr) -> Result<TcpListener, Error> {
    TcpListener::bind(addr)
        .await
        .map_err(|e| Error::new(Kind::Connect, format!("cannot listen on {addr}: {e}")))
}

/// What to say about listening on `addr`: nothing on loopback, a warning beyond it.
pub(super) fn exposure_warning(addr: &SocketAddr, runs_programs: bool) -> Option<String> {
    if addr.ip().is_loopback() {
        return None;
    }
    let who = if runs_programs {
        "anyone who can reach it can run the --coproc program"
    } else {
        "anyone who can reach it can connect"
    };
    Some(format!(
        "listening on {addr}, beyond this machine: {who} (listen on 127.0.0.1 to keep it local)"
    ))
}

/// Binds a Unix socket at `path`, replacing a socket file nobody answers on.
pub(super) async fn unix(path: &Path) -> Result<Listener, Error> {
    let failed = |why: String| {
        Error::new(
            Kind::Connect,
            format!("cannot listen on the Unix socket {}: {why}", path.display()),
        )
    };
    let listener = match UnixListener::bind(path) {
        Err(e) if e.kind() == io::ErrorKind::AddrInUse => {
            if !is_stale_socket(path).await {
                return Err(failed(e.to_string()).with_hint(
                    "a server answers there, or the file is not a socket; remove it or choose another path",
                ));
            }
            std::fs::remove_file(path).map_err(|e| failed(e.to_string()))?;
            UnixListener::bind(path).map_err(|e| failed(e.to_string()))?
        }
        other => other.map_err(|e| failed(e.to_string()))?,
    };
    Ok(Listener::Unix {
        listener,
        path: path.to_path_buf(),
    })
}

/// A socket file that refuses connections: left by a server that is gone.
async fn is_stale_socket(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    let is_socket = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_socket());
    if !is_socket {
        return false;
    }
    let tried = tokio::time::timeout(Duration::from_secs(1), UnixStream::connect(path)).await;
    matches!(tried, Ok(Err(e)) if e.kind() == io::ErrorKind::ConnectionRefused)
}

impl Listener {
    /// Where clients reach it, for the `listening on` line.
    pub(super) fn describe(&self) -> String {
        match self {
            Listener::Tcp(l) => match l.local_addr() {
                Ok(addr) => format!("ws://{addr}/"),
                Err(_) => "an unknown address".into(),
            },
            Listener::Unix { path, .. } => format!("unix:{}", path.display()),
        }
    }

    pub(super) async fn accept(&self) -> io::Result<(Transport, Peer)> {
        match self {
            Listener::Tcp(l) => {
                let (s, addr) = l.accept().await?;
                let _ = s.set_nodelay(true);
                Ok((Box::new(s), Peer::Tcp(addr)))
            }
            Listener::Unix { listener, .. } => {
                let (s, _) = listener.accept().await?;
                Ok((Box::new(s), Peer::Unix(None)))
            }
        }
    }

    /// Removes a Unix socket's file (a TCP listener leaves nothing behind).
    pub(super) fn remove_file(&self) {
        if let Listener::Unix { path, .. } = self {
            let _ = std::fs::remove_file(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listening_beyond_loopback_is_warned_about() {
        let local: SocketAddr = "127.0.0.1:9001".parse().expect("addr");
        assert_eq!(exposure_warning(&local, true), None);
        assert_eq!(
            exposure_warning(&"[::1]:9001".parse().expect("addr"), true),
            None
        );
        let all: SocketAddr = "0.0.0.0:9001".parse().expect("addr");
        let w = exposure_warning(&all, true).expect("warned");
        assert!(w.contains("run the --coproc program"), "{w}");
        assert!(exposure_warning(&all, false).is_some());
    }

    #[tokio::test]
    async fn a_stale_socket_file_is_replaced_and_a_live_one_is_not() {
        let dir = std::env::temp_dir().join(format!("wscope-listen-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("s.sock");
        drop(std::os::unix::net::UnixListener::bind(&path).expect("stale"));
        let live = unix(&path).await.expect("stale file replaced");
        let e = unix(&path).await.err().expect("in use");
        assert!(e.message.contains("s.sock"), "{}", e.message);
        live.remove_file();
        assert!(!path.exists());
        let _ = std::fs::remove_dir(&dir);
    }
}
