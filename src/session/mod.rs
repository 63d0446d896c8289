//! The session: one task writes (input, REPL commands, pings, close), one reads (messages to
//! stdout or the REPL, control frames, the peer's close), until the close handshake is done or a
//! bound runs out. It decides the outcome that becomes the exit status.
//!
//! - [`reader`]: received messages to output, control frames, the peer's Close, violations;
//! - [`writer`]: input to the socket, keepalive pings, our Close; [`commands`] runs the REPL's;
//! - [`input`]: where messages to send come from; [`end_policy`]: when a scripted session
//!   ends after its input has; [`replay`]: what `--reconnect` sends again;
//! - [`outcome`]: how the two sides ended, as one result; [`violations`]: which close code
//!   and diagnostic a peer's protocol error gets.
//!
//! Pipe mode's hot path lives here: lines are fed to the socket without flushing per message and
//! flushed when stdin has nothing buffered; received messages are buffered for stdout and flushed
//! when the socket has nothing more ready.

mod commands;
pub(crate) mod end_policy;
mod input;
mod outcome;
mod proto;
mod reader;
mod replay;
pub(crate) mod replies;
mod shared;
#[cfg(test)]
mod tests;
pub(crate) mod violations;
mod writer;

pub(crate) use input::Input;
pub(crate) use proto::{ProtoConfig, guessed_from_subprotocol};
pub(crate) use shared::{Compression, Shared};

use crate::error::Error;
use crate::event::{Event, Info};
use crate::interrupt::{self, Interrupt};
use crate::wire::tap::Upto;
use end_policy::EndPolicy;
use futures_util::StreamExt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use writer::Writer;

/// How long the peer has to answer our Close after Ctrl-C (when `--close-timeout` is not
/// shorter): a person pressing Ctrl-C expects the program to end well within a second,
/// whatever the peer does.
const INTERRUPT_GRACE: Duration = Duration::from_millis(250);

/// Session settings, decided once from the command line.
#[derive(Debug, Clone, Default)]
pub(crate) struct SessionConfig {
    pub close_timeout: Duration,
    /// When to close after input ends (idle window, `--wait`, `-n`).
    pub end: EndPolicy,
    /// Keepalive pings and the dead-peer deadline.
    pub ping: Keepalive,
    /// Echo every received data message back.
    pub reflect: bool,
    /// Keep a replay window of sent data for `--reconnect`.
    pub replay: bool,
    /// Send every data message as this many fragments (`--fragment`; 0 or 1: whole).
    pub fragment: usize,
    /// We are the client (our frames are masked), and pipe mode's lines may be framed by the
    /// writer itself when nothing needs them as messages (see `writer/direct.rs`).
    pub own_framing: bool,
    /// Say when the first message arrived (asked for with `-v` or `--timing`).
    pub report_first_message: bool,
    /// Emit an event for every data message sent (JSON Lines and the REPL show them).
    pub emit_outgoing: bool,
    /// Auto-reply rules (`--reply`).
    pub replies: Arc<Vec<replies::Rule>>,
    /// The application protocol spoken over the WebSocket (`--proto`).
    pub proto: Option<ProtoConfig>,
}

/// Keepalive pings (`--ping-interval`) and how long one may go unanswered (`--ping-timeout`);
/// an application-level heartbeat message (`--heartbeat`), for APIs that ignore pings.
#[derive(Debug, Clone, Default)]
pub(crate) struct Keepalive {
    pub interval: Option<Duration>,
    pub timeout: Option<Duration>,
    pub heartbeat: Option<Heartbeat>,
}

/// `--heartbeat SECS --heartbeat-message MSG`.
#[derive(Debug, Clone)]
pub(crate) struct Heartbeat {
    pub every: Duration,
    pub message: String,
}

/// Requests from the reader (and the Ctrl-C watcher) to the writer.
enum Ctl {
    /// Send this data message (an echo with `--reflect`, or an auto-reply, said in `note`).
    Send(Message, Option<Info>),
    /// Start the close handshake with this code (`-n` reached, stdout closed).
    Close(u16),
    /// The peer broke the protocol: close with this code.
    Fail(u16),
    /// Ctrl-C: close with 1000 and end with status 130.
    Interrupt,
}

/// What a session leaves for the next connection (`--reconnect`).
pub(crate) struct Carry {
    pub input: Input,
    /// Messages to send first on the next connection (after the `--init` messages).
    pub resend: Vec<Message>,
}

/// Runs a session over an open WebSocket until it ends. `init`, then `resend`, are sent before
/// any input. Returns the outcome and, when the writer finished in time, what is left to send.
pub(crate) async fn run<S>(
    ws: WebSocketStream<S>,
    input: Input,
    init: Vec<Message>,
    resend: Vec<Message>,
    cfg: SessionConfig,
    shared: Shared,
) -> (Result<(), Error>, Option<Carry>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (sink, stream) = ws.split();
    let (ctl_tx, ctl_rx) = mpsc::channel::<Ctl>(64);
    let (closing_tx, closing_rx) = watch::channel::<Option<Instant>>(None);
    let closing_tx = Arc::new(closing_tx);
    let (done_tx, done_rx) = watch::channel(false);

    let ctrl_c = interrupt::global();
    let on_signal = tokio::spawn(watch_ctrl_c(ctrl_c, closing_tx.clone(), ctl_tx.clone()));
    let layer = cfg.proto.as_ref().map(proto::Layer::new);
    let writer = Writer::new(
        sink,
        cfg.clone(),
        shared.clone(),
        closing_tx,
        init,
        resend,
        layer.clone(),
    );
    let writer_task = tokio::spawn(writer.run(input, ctl_rx, done_rx));

    let sides = reader::Sides {
        cfg: &cfg,
        shared: &shared,
        ctl: ctl_tx,
        closing: closing_rx,
        ctrl_c,
        proto: layer.clone(),
    };
    let (read_end, tally, proto_end) = reader::run(stream, sides).await;
    if let Some(l) = &layer {
        l.ended();
    }
    on_signal.abort();
    let _ = done_tx.send(true);
    shared.drain_frames(Upto::Everything);
    // The writer may still have a Close to get out (protocol failure); bound the wait.
    let limit = if ctrl_c.pressed() {
        cfg.close_timeout.min(INTERRUPT_GRACE)
    } else {
        cfg.close_timeout
    };
    let (write_end, carry) = match tokio::time::timeout(limit, writer_task).await {
        Ok(Ok((end, input, resend))) => (end, Some(Carry { input, resend })),
        Ok(Err(_)) | Err(_) => (outcome::WriteEnd::Done, None),
    };
    shared.drain_frames(Upto::Everything);
    if ctrl_c.pressed() {
        return (Err(interrupt::interrupted()), None);
    }
    if tally.dropped > 0 {
        shared.emit(Event::Info(Info::NotPrinted {
            dropped: tally.dropped,
            count: cfg.end.count.unwrap_or_default(),
        }));
    }
    // The server's Close, when it ended the session, in the protocol's words.
    let proto_end = proto_end.or_else(|| match (&read_end, &layer) {
        (outcome::ReadEnd::PeerClosed(code, reason), Some(l)) => l.closed(*code, reason),
        _ => None,
    });
    let ends = outcome::Ends {
        read: read_end,
        write: write_end,
        proto: proto_end,
        failed: layer.and_then(|l| l.failed()),
    };
    let result = outcome::outcome(ends, &cfg.end, &tally);
    let result = match cfg.proto {
        None => result.map_err(|e| proto::guessed_from_close(e, &shared.offered)),
        Some(_) => result,
    };
    (result, carry)
}

/// Ctrl-C is watched apart from the writer, which may be blocked on a full socket: the close
/// deadline starts even then (the reader shortens it to [`INTERRUPT_GRACE`]).
async fn watch_ctrl_c(
    ctrl_c: &'static Interrupt,
    closing: Arc<watch::Sender<Option<Instant>>>,
    ctl: mpsc::Sender<Ctl>,
) {
    ctrl_c.first().await;
    closing.send_if_modified(|at| at.is_none() && at.replace(Instant::now()).is_none());
    let _ = ctl.send(Ctl::Interrupt).await;
}

/// Sleeps until `at`, or forever when there is no such moment.
async fn sleep_until_opt(at: Option<Instant>) {
    match at {
        Some(t) => tokio::time::sleep_until(t.into()).await,
        None => std::future::pending().await,
    }
}
