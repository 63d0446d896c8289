//! `wscope serve`: a local server for trying clients, for the tests, the demo and benchmarks.
//! Each connection gets one handler: the echo server (`echo`, the default), a chat room
//! (`broadcast`), or a program of its own (`coproc`, websocketd style, with the request in
//! CGI variables: `cgi`). `handshake` does the upgrade (and negotiates permessage-deflate),
//! `admission` decides whom to serve (Origin, `--max-clients`), `listen` where (TCP on
//! loopback unless told otherwise, or a Unix socket).
//!
//! Ctrl-C stops accepting; with `--coproc` each connection then closes with 1000 and its
//! program gets its grace time to exit, within a bound, before wscope exits with 130.

mod admission;
mod broadcast;
mod cgi;
mod coproc;
mod echo;
mod failing;
pub(crate) mod handshake;
mod listen;

use crate::error::Error;
use crate::net::transport::{Peer, Transport};
use crate::wire::deflate::{Agreed, MaybeDeflate};
use crate::wire::stack::{self, Stack};
pub(crate) use admission::OriginPolicy;

use admission::Admission;
use handshake::{Refusal, Request};
use listen::Listener;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::OwnedSemaphorePermit;
use tokio::task::JoinSet;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::Role;

/// The largest message the echo server accepts.
const MAX_MESSAGE: usize = 256 << 20;
/// How long connections with programs get to finish after Ctrl-C: their close handshake and
/// their programs' grace, and a little more.
const SHUTDOWN: Duration = Duration::from_secs(8);

/// What `wscope serve` takes, validated (by `config`).
#[derive(Debug)]
pub(crate) struct ServeConfig {
    pub listen: Listen,
    pub serving: Serving,
    /// `--max-clients`: at most this many connections at once.
    pub max_clients: Option<u32>,
    /// `--allow-origin`, with what `--coproc` implies.
    pub origins: OriginPolicy,
}

/// Where to listen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Listen {
    Tcp(SocketAddr),
    /// `--unix-socket`.
    Unix(PathBuf),
}

/// What each connection gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Serving {
    /// Its messages back (the default).
    Echo,
    /// Every message to every client (`--broadcast`).
    Broadcast,
    /// A program of its own (`--coproc CMD`).
    Coproc(String),
}

/// The byte stream each connection's WebSocket runs on.
type Wire = MaybeDeflate<Transport>;

/// What each connection gets.
enum Handler {
    Echo,
    Broadcast(broadcast::Hub),
    Coproc(String),
}

impl Handler {
    fn max_message(&self) -> usize {
        match self {
            Handler::Echo => MAX_MESSAGE,
            Handler::Broadcast(_) => broadcast::MAX_MESSAGE,
            Handler::Coproc(_) => coproc::MAX_LINE,
        }
    }
}

struct Server {
    handler: Handler,
    admission: Admission,
    /// Numbers connections (`UNIQUE_ID`, the log).
    next_id: AtomicU64,
}

/// What an admitted connection holds until it ends.
struct Ticket {
    _slot: Option<OwnedSemaphorePermit>,
    seat: Option<broadcast::Seat>,
}

/// `wscope serve`: binds, says where, and serves until Ctrl-C.
pub(crate) async fn serve(cfg: ServeConfig) -> Result<(), Error> {
    let runs_programs = matches!(cfg.serving, Serving::Coproc(_));
    let listener = match &cfg.listen {
        Listen::Unix(path) => listen::unix(path).await?,
        Listen::Tcp(addr) => Listener::Tcp(listen::tcp(*addr).await?),
    };
    if let Listener::Tcp(l) = &listener {
        let exposed = l.local_addr().ok();
        if let Some(w) = exposed.and_then(|a| listen::exposure_warning(&a, runs_programs)) {
            crate::render::stderr_line(&format!("wscope: warning: {w}"));
        }
    }
    crate::render::stderr_line(&format!("listening on {}", listener.describe()));
    let handler = match cfg.serving {
        Serving::Coproc(command) => Handler::Coproc(command),
        Serving::Broadcast => Handler::Broadcast(broadcast::Hub::default()),
        Serving::Echo => Handler::Echo,
    };
    let server = Arc::new(Server {
        handler,
        admission: Admission::new(cfg.origins, cfg.max_clients),
        next_id: AtomicU64::new(1),
    });
    let result = until_interrupted(&listener, server).await;
    listener.remove_file();
    result
}

/// Binds a TCP listener (port 0 picks a free port), for `wscope demo`.
pub async fn bind(addr: SocketAddr) -> Result<TcpListener, Error> {
    listen::tcp(addr).await
}

/// The echo server on `listener`, for `wscope demo`: serves until the runtime ends.
pub async fn echo_server(listener: TcpListener) {
    let server = Arc::new(Server {
        handler: Handler::Echo,
        admission: Admission::new(OriginPolicy::default(), None),
        next_id: AtomicU64::new(1),
    });
    accept_loop(&Listener::Tcp(listener), &server, &mut JoinSet::new()).await;
}

/// Serves until Ctrl-C, then lets connections with programs finish (bounded).
async fn until_interrupted(listener: &Listener, server: Arc<Server>) -> Result<(), Error> {
    let mut tasks = JoinSet::new();
    tokio::select! {
        _ = accept_loop(listener, &server, &mut tasks) => {}
        _ = crate::interrupt::global().first() => {}
    }
    if let Handler::Coproc(_) = server.handler {
        // Each session saw the Ctrl-C too: it closes with 1000 and its program's stdin closes.
        let all_done = async { while tasks.join_next().await.is_some() {} };
        let _ = tokio::time::timeout(SHUTDOWN, all_done).await;
    }
    // What is left is aborted: a program still running is killed with its group.
    tasks.shutdown().await;
    Err(crate::interrupt::interrupted())
}

/// Accepts connections, each on its own task. A failed accept (out of file descriptors) is
/// said and tried again shortly, not the end of the server.
async fn accept_loop(listener: &Listener, server: &Arc<Server>, tasks: &mut JoinSet<()>) {
    loop {
        match listener.accept().await {
            Ok((socket, peer)) => {
                while tasks.try_join_next().is_some() {}
                tasks.spawn(connection(socket, peer, server.clone()));
            }
            Err(e) => {
                log(&format!("accept failed: {e}"));
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// One connection: the upgrade (or a refusal that says why), then its handler.
async fn connection(mut socket: Transport, peer: Peer, server: Arc<Server>) {
    let id = server.next_id.fetch_add(1, Ordering::Relaxed);
    let admitted = handshake::accept(&mut socket, peer, true, |r| server.admit(r)).await;
    let Some((accepted, ticket)) = admitted else {
        return;
    };
    let ws = upgrade(
        socket,
        accepted.deflate,
        &accepted.rest,
        server.handler.max_message(),
    )
    .await;
    match (&server.handler, ticket.seat) {
        (Handler::Coproc(command), _) => coproc::run(ws, accepted.request, command, id).await,
        (Handler::Broadcast(hub), Some(seat)) => broadcast::run(ws, hub, seat).await,
        _ => echo::run(ws).await,
    }
}

impl Server {
    /// Admits a request (a refusal is logged), taking its slot and its seat in the room.
    fn admit(&self, request: &Request) -> Result<Ticket, Refusal> {
        let slot = self.admission.admit(request).inspect_err(|r| {
            log(&format!(
                "refused {} {}: {} {}",
                request.peer, request.resource, r.status, r.why
            ));
        })?;
        let seat = match &self.handler {
            Handler::Broadcast(hub) => Some(hub.seat()),
            _ => None,
        };
        Ok(Ticket { _slot: slot, seat })
    }
}

/// Hands the upgraded connection to tungstenite, with permessage-deflate when it was agreed.
async fn upgrade(
    socket: Transport,
    deflate: Option<Agreed>,
    rest: &[u8],
    max_message: usize,
) -> WebSocketStream<Wire> {
    let stack = Stack {
        role: Role::Server,
        max_message,
        deflate,
    };
    stack::websocket(socket, rest.to_vec(), stack).await.0
}

/// A line on stderr; what a peer chose (its path, a close reason) cannot drive the terminal.
fn log(line: &str) {
    let line = crate::render::escape::escape_terminal(line);
    crate::render::stderr_line(&format!("* serve: {line}"));
}
