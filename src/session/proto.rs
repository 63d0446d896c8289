//! An application protocol (`--proto`) inside a session: the protocol's state machine shared
//! by the reader (every received data message goes through it) and the writer (user input,
//! the protocol's timers, its farewell before our Close). What the reader's side of the
//! protocol wants sent waits in an outbox until the writer, woken, sends it.
//!
//! The layer adds what every protocol needs the same way: input is held until the protocol is
//! ready, within `--handshake-timeout` (and while it is busy, until answers free room); the
//! writer is woken whenever a received message changed what it waits on (something to send,
//! readiness, what is pending, the next deadline, the answer to its farewell) or the
//! connection ended; and the protocol learns how many of the messages it delivered were
//! printed (`-n`).

use crate::error::{Error, Kind};
use crate::event::{AppMessage, ProtoNote};
use crate::proto::args::InputError;
use crate::proto::{
    Files, Outgoing, Pending, ProtoKind, Protocol, Readiness, Settings, Step, WsData,
};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// `--proto` as the session takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProtoConfig {
    pub settings: Settings,
    /// The URL as the user gave it (the recording's `open` line keeps it for replay).
    pub url: String,
    /// How long the protocol's handshake may take (`--handshake-timeout`).
    pub handshake_timeout: Duration,
}

/// What a received message gave the reader.
pub(super) struct Received {
    pub deliver: Vec<AppMessage>,
    pub notes: Vec<ProtoNote>,
    pub end: Option<Error>,
}

/// The protocol of one connection, shared by its reader and writer.
pub(super) struct Layer {
    kind: ProtoKind,
    machine: Mutex<Box<dyn Protocol>>,
    outbox: Mutex<VecDeque<Outgoing>>,
    wake: Notify,
    /// When the protocol must be ready by, and how long that was.
    ready_by: Instant,
    handshake_timeout: Duration,
    /// The reader is done: the connection has ended.
    ended: AtomicBool,
}

/// What the writer waits on, to tell whether a received message changed it.
#[derive(PartialEq, Eq)]
struct Waits {
    ready: Readiness,
    pending: Pending,
    deadline: Option<Instant>,
    farewell: Option<&'static str>,
}

impl Layer {
    pub(super) fn new(cfg: &ProtoConfig) -> Arc<Layer> {
        let now = Instant::now();
        Arc::new(Layer {
            kind: cfg.settings.kind(),
            machine: Mutex::new(cfg.settings.start(now)),
            outbox: Mutex::new(VecDeque::new()),
            wake: Notify::new(),
            ready_by: now + cfg.handshake_timeout,
            handshake_timeout: cfg.handshake_timeout,
            ended: AtomicBool::new(false),
        })
    }

    pub(super) fn kind(&self) -> ProtoKind {
        self.kind
    }

    fn machine(&self) -> MutexGuard<'_, Box<dyn Protocol>> {
        crate::sync::lock(&self.machine)
    }

    fn waits(m: &dyn Protocol) -> Waits {
        Waits {
            ready: m.ready(),
            pending: m.pending(),
            deadline: m.deadline(),
            farewell: m.farewell_pending(),
        }
    }

    /// The reader's side: a data message arrived. What the protocol sends in answer goes to
    /// the outbox, and the writer is woken when it has something to do.
    pub(super) fn received(&self, data: WsData<'_>) -> Received {
        let (step, changed) = {
            let mut m = self.machine();
            let before = Self::waits(m.as_ref());
            let step = m.received(data, Instant::now());
            (step, before != Self::waits(m.as_ref()))
        };
        let Step {
            send,
            deliver,
            notes,
            end,
        } = step;
        if !send.is_empty() {
            crate::sync::lock(&self.outbox).extend(send);
        }
        if changed || !crate::sync::lock(&self.outbox).is_empty() {
            self.wake.notify_one();
        }
        Received {
            deliver,
            notes,
            end,
        }
    }

    /// The reader's side: the session printed the first `count` of what the last received
    /// message delivered. What the protocol sends for that goes to the outbox.
    pub(super) fn delivered(&self, count: usize) {
        let step = self.machine().delivered(count, Instant::now());
        if !step.send.is_empty() {
            crate::sync::lock(&self.outbox).extend(step.send);
            self.wake.notify_one();
        }
    }

    /// The reader is done (the connection ended): nothing more will answer the farewell.
    pub(super) fn ended(&self) {
        self.ended.store(true, Ordering::Release);
        self.wake.notify_one();
    }

    /// Whether the connection has ended (the reader is done).
    pub(super) fn has_ended(&self) -> bool {
        self.ended.load(Ordering::Acquire)
    }

    /// What the writer's Close waits for, while it has not come and the connection is up.
    pub(super) fn farewell_pending(&self) -> Option<&'static str> {
        if self.has_ended() {
            return None;
        }
        self.machine().farewell_pending()
    }

    /// How a message the protocol sent is shown and recorded, when not as its bytes.
    pub(super) fn shown(&self, sent: &crate::proto::layer::WsMessage) -> Option<Vec<u8>> {
        self.machine().shown(sent)
    }

    /// What the reader's side left to send.
    pub(super) fn take_outbox(&self) -> Vec<Outgoing> {
        crate::sync::lock(&self.outbox).drain(..).collect()
    }

    /// Until the reader's side has something for the writer.
    pub(super) async fn woken(&self) {
        self.wake.notified().await
    }

    pub(super) fn open(&self, subprotocol: Option<&str>) -> Step {
        self.machine().open(subprotocol, Instant::now())
    }

    /// The error the session ends with when the connection itself ended well.
    pub(super) fn failed(&self) -> Option<Error> {
        self.machine().failed()
    }

    /// The server's Close in the protocol's words, when it has some (and its code as the
    /// error's cause).
    pub(super) fn closed(&self, code: Option<u16>, reason: &str) -> Option<Error> {
        let e = self.machine().closed(code, reason)?;
        Some(match code {
            Some(c) => e.because(crate::error::Cause::PeerClosed(c)),
            None => e,
        })
    }

    pub(super) fn ready(&self) -> bool {
        self.machine().ready() == Readiness::Ready
    }

    pub(super) fn pending(&self) -> Pending {
        self.machine().pending()
    }

    pub(super) fn input(&self, line: &str) -> Result<Step, InputError> {
        self.machine().input(line, Instant::now())
    }

    pub(super) fn heartbeat(&self, message: &str) -> Result<Step, InputError> {
        self.machine().heartbeat(message, Instant::now())
    }

    pub(super) fn files(&self, command: &str, args: &str) -> Vec<PathBuf> {
        self.machine().files(command, args)
    }

    pub(super) fn command(
        &self,
        command: &str,
        args: &str,
        files: &Files,
    ) -> Result<Step, InputError> {
        self.machine().command(command, args, files, Instant::now())
    }

    /// The next moment to act: the protocol's, and while it is not ready, the end of the
    /// handshake's time.
    pub(super) fn deadline(&self) -> Option<Instant> {
        let m = self.machine();
        let handshake = matches!(m.ready(), Readiness::Waiting(_)).then_some(self.ready_by);
        [m.deadline(), handshake].into_iter().flatten().min()
    }

    /// A deadline came: the handshake's time ran out, or the protocol acts.
    pub(super) fn on_deadline(&self) -> Step {
        let now = Instant::now();
        let mut m = self.machine();
        if let Readiness::Waiting(what) = m.ready() {
            if now >= self.ready_by {
                return Step::ending(
                    Error::new(
                        Kind::Timeout,
                        format!(
                            "{}: {what} did not come within {} (--handshake-timeout)",
                            self.kind.title(),
                            crate::units::secs(self.handshake_timeout)
                        ),
                    )
                    .with_hint(format!(
                        "is this a {} server? -v shows what it sent",
                        self.kind.title()
                    )),
                );
            }
        }
        m.on_deadline(now)
    }

    pub(super) fn farewell(&self) -> Step {
        self.machine().farewell(Instant::now())
    }
}

/// Without `--proto`: a subprotocol the server selected that names an application protocol
/// wscope speaks (STOMP's `v12.stomp`), as the warning that names the option.
pub(crate) fn guessed_from_subprotocol(name: &str) -> Option<crate::event::Warning> {
    crate::proto::guess::subprotocol(name).map(|g| crate::event::Warning::ProtoGuess {
        protocol: g.protocol,
        evidence: g.evidence.to_string(),
    })
}

/// Without `--proto`: a server that closed with a code of an application protocol wscope
/// speaks, after an offer of that protocol's subprotocols, is named in a hint.
pub(super) fn guessed_from_close(e: Error, offered: &[String]) -> Error {
    let crate::error::Cause::PeerClosed(code) = e.cause else {
        return e;
    };
    if e.hint.is_some() {
        return e;
    }
    match crate::proto::guess::closed(code, offered) {
        Some(g) => {
            let hint = format!(
                "this server speaks {}: {}; wscope speaks it with --proto {}",
                g.protocol, g.evidence, g.protocol
            );
            e.with_hint(hint)
        }
        None => e,
    }
}
