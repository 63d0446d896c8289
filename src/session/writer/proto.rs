//! The writer's side of an application protocol (`--proto`): the protocol's first messages,
//! what its reader's side left in the outbox, its timers, user input in the protocol's form
//! (lines, REPL commands, replayed input), each reaction's messages sent and its remarks
//! shown, and the error that ends the run.

use super::super::input::Input;
use super::super::outcome::WriteEnd;
use super::super::proto::Layer;
use super::sending::Carries;
use super::{Flow, Held, Writer};
use crate::error::{Error, Kind};
use crate::event::{Event, NoteLevel, ProtoNote};
use crate::input::command::{self, ProtoInput};
use crate::proto::args::InputError;
use crate::proto::layer::WsMessage;
use crate::proto::{Files, Outgoing, Step};
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::tungstenite::Message;

/// Until the protocol's reader side has something for the writer (never without one).
pub(super) async fn woken(layer: Option<&Layer>) {
    match layer {
        Some(l) => l.woken().await,
        None => std::future::pending().await,
    }
}

impl<S> Writer<S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    /// The protocol's first messages, once the WebSocket is open.
    pub(super) async fn proto_open(&mut self) -> Flow {
        match self.proto.clone() {
            Some(layer) => {
                let step = layer.open(self.shared.subprotocol.as_deref());
                self.apply(step).await
            }
            None => Flow::Go,
        }
    }

    /// What the reader's side of the protocol left to send (answers to its keepalive...).
    pub(super) async fn proto_outbox(&mut self) -> Flow {
        match self.proto.clone() {
            Some(layer) => self.apply(Step::sending(layer.take_outbox())).await,
            None => Flow::Go,
        }
    }

    /// The protocol's deadline came.
    pub(super) async fn proto_deadline(&mut self) -> Flow {
        match self.proto.clone() {
            Some(layer) => self.apply(layer.on_deadline()).await,
            None => Flow::Go,
        }
    }

    /// Held input, once the protocol is ready: an `--init` line it refuses ends the run; what
    /// is sent again after a reconnect runs as replayed input does (a mistake is said).
    pub(super) async fn feed_held(&mut self) -> Flow {
        let Some(layer) = self.proto.clone().filter(|_| !self.held.is_empty()) else {
            return Flow::Go;
        };
        if !layer.ready() || self.close_sent {
            return Flow::Go;
        }
        while let Some(Held { line, resent }) = self.held.pop_front() {
            if resent {
                if let Flow::Stop(end) = self.replayed(&line).await {
                    return Flow::Stop(end);
                }
                continue;
            }
            let step = match layer.input(&line) {
                Ok(step) => step,
                Err(e) => return Flow::Stop(WriteEnd::Failed(refused("an --init message", &e))),
            };
            if let Flow::Stop(end) = self.apply(step).await {
                return Flow::Stop(end);
            }
        }
        Flow::Go
    }

    /// Input lines in the protocol's form: this one and whatever else is already buffered
    /// (while the protocol is ready for more), then one flush. A line the protocol refuses is
    /// said at once and not sent; the run goes on, and ends with its status.
    pub(super) async fn proto_lines(&mut self, first: Message, input: &mut Input) -> Flow {
        let mut next = Some(Ok(first));
        while let Some(m) = next.take() {
            let line = match m {
                Ok(Message::Text(t)) => t,
                Ok(_) => {
                    let e = InputError::new("a binary message cannot be sent in a protocol's form");
                    self.bad_line(input, &e);
                    next = input.ready_message();
                    continue;
                }
                Err(e) => return Flow::Stop(WriteEnd::Failed(e)),
            };
            let flow = if input.commands_allowed() {
                self.replayed(line.as_str()).await
            } else {
                match self.proto.clone().map(|l| l.input(line.as_str())) {
                    Some(Ok(step)) => self.apply_unflushed(step).await,
                    Some(Err(e)) => {
                        self.bad_line(input, &e);
                        Flow::Go
                    }
                    None => Flow::Go,
                }
            };
            if let Flow::Stop(end) = flow {
                return Flow::Stop(end);
            }
            // A protocol that has become busy takes the rest later.
            if self.proto.as_ref().is_some_and(|l| l.ready()) {
                next = input.ready_message();
            }
        }
        self.flush().await.into()
    }

    /// `--heartbeat` under a protocol: its message goes through the protocol, once it is
    /// ready (a beat before the handshake is done, or while it is busy, is skipped).
    pub(super) async fn proto_heartbeat(&mut self, message: &str) -> Flow {
        let Some(layer) = self.proto.clone().filter(|l| l.ready()) else {
            return Flow::Go;
        };
        match layer.heartbeat(message) {
            Ok(step) => self.apply(step).await,
            Err(e) => {
                let e = refused("--heartbeat-message", &e);
                self.shared.emit(Event::Failure(e));
                Flow::Go
            }
        }
    }

    /// A line of recorded input (`wscope replay`) or one sent again after a reconnect: a plain
    /// line or one of the protocol's commands, as the REPL takes it.
    async fn replayed(&mut self, line: &str) -> Flow {
        let kind = self.proto.as_ref().map(|l| l.kind());
        match command::parse(line, kind) {
            Ok(Some(c)) => match self.command(c).await {
                Ok(true) => Flow::Stop(WriteEnd::Done),
                Ok(false) => Flow::Go,
                Err(e) => Flow::Stop(WriteEnd::Failed(e)),
            },
            Ok(None) => Flow::Go,
            Err(why) => {
                self.shared.emit(Event::Failure(Error::new(
                    Kind::Input,
                    format!("a replayed message: {why}; not sent"),
                )));
                Flow::Go
            }
        }
    }

    /// A line the protocol refused: said now, not sent; the first one is the run's status.
    fn bad_line(&mut self, input: &Input, e: &InputError) {
        let e = refused(&input.position(), e);
        self.shared.emit(Event::Failure(e.clone()));
        self.bad_input.get_or_insert(e.shown());
    }

    /// A protocol command or plain line from the REPL: a mistake is said, nothing is sent,
    /// the session goes on.
    pub(in crate::session) async fn proto_command(&mut self, p: ProtoInput) -> Result<(), Error> {
        let Some(layer) = self.proto.clone() else {
            return Ok(());
        };
        let step = match p {
            ProtoInput::Line(line) => layer.input(&line),
            ProtoInput::Command { name, args } => {
                let mut files = Files::default();
                for path in layer.files(name, &args) {
                    match tokio::fs::read(&path).await {
                        Ok(bytes) => files.add(path, bytes),
                        Err(e) => {
                            let why = format!("cannot read {}: {e}; nothing sent", path.display());
                            self.shared
                                .emit(Event::Failure(Error::new(Kind::Input, why)));
                            return Ok(());
                        }
                    }
                }
                layer.command(name, &args, &files)
            }
        };
        match step {
            Ok(step) => match self.apply(step).await {
                Flow::Stop(WriteEnd::Failed(e)) => Err(e),
                _ => Ok(()),
            },
            Err(e) => {
                let e = Error::new(Kind::Input, format!("{e}"));
                self.shared.emit(Event::Failure(e));
                Ok(())
            }
        }
    }

    /// Sends a reaction's messages, shows its remarks; closes when it ends the run.
    pub(super) async fn apply(&mut self, step: Step) -> Flow {
        let sent = !step.send.is_empty() && !self.close_sent;
        if let Flow::Stop(end) = self.apply_unflushed(step).await {
            return Flow::Stop(end);
        }
        if sent {
            return self.flush().await.into();
        }
        Flow::Go
    }

    /// [`Self::apply`] without the flush (pipe mode flushes once per batch).
    async fn apply_unflushed(&mut self, step: Step) -> Flow {
        let Step {
            send, notes, end, ..
        } = step;
        for n in notes {
            self.shared.emit(Event::Proto(n));
        }
        if !self.close_sent {
            for o in send {
                if let Err(e) = self.send_proto(o).await {
                    return Flow::Stop(WriteEnd::Failed(e));
                }
            }
        }
        if let Some(e) = end {
            let _ = self.close(1000, "").await;
            return Flow::Stop(WriteEnd::Failed(e));
        }
        Flow::Go
    }

    /// One of the protocol's messages, with the application message it carries.
    async fn send_proto(&mut self, o: Outgoing) -> Result<(), Error> {
        let shown = match (&self.proto, self.cfg.emit_outgoing) {
            (Some(layer), true) => layer.shown(&o.message),
            _ => None,
        };
        let m = match o.message {
            WsMessage::Text(t) => Message::text(t),
            WsMessage::Binary(b) => Message::binary(b),
        };
        self.send_as(m, Carries::Proto { app: o.app, shown }).await
    }

    /// Before our Close: what the reader's side left to send (acknowledgements of what was
    /// printed), what the protocol says last, and the answer it asks for (errors are the
    /// Close's to report).
    pub(super) async fn proto_farewell(&mut self) {
        let Some(layer) = self.proto.clone() else {
            return;
        };
        let Step { send, notes, .. } = layer.farewell();
        for n in notes {
            self.shared.emit(Event::Proto(n));
        }
        let said = !send.is_empty();
        for o in layer.take_outbox().into_iter().chain(send) {
            let _ = self.send_proto(o).await;
        }
        if said && self.flush().await.is_ok() {
            self.farewell_answer(&layer).await;
        }
    }

    /// Holds our Close until the farewell's answer has come (a STOMP RECEIPT), the connection
    /// has ended (RabbitMQ closes instead of answering a DISCONNECT) or `--close-timeout` has
    /// passed (said).
    async fn farewell_answer(&mut self, layer: &Layer) {
        let limit = Instant::now() + self.cfg.close_timeout;
        while let Some(what) = layer.farewell_pending() {
            if Instant::now() >= limit {
                let text = format!(
                    "{what} did not come within {} (--close-timeout): closing without it",
                    crate::units::secs(self.cfg.close_timeout)
                );
                self.shared.emit(Event::Proto(ProtoNote {
                    protocol: layer.kind().name(),
                    kind: "farewell_unanswered",
                    level: NoteLevel::Warning,
                    text,
                    facts: Vec::new(),
                }));
                return;
            }
            tokio::select! {
                _ = layer.woken() => {}
                _ = tokio::time::sleep_until(limit.into()) => {}
            }
        }
    }
}

/// The error for input the protocol refused, where it came from.
fn refused(place: &str, e: &InputError) -> Error {
    Error::new(Kind::Input, format!("{place}: {e}; not sent"))
}
