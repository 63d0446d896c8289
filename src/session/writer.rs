//! The writing side: input to the socket (fed without a flush per message, flushed when stdin
//! has nothing more buffered), the reader's requests (echo, close, fail), keepalive pings and
//! their deadline, and our Close when the end policy says the conversation is over.

use super::input::{Input, Next};
use super::outcome::WriteEnd;
use super::proto::Layer;
use super::replay::ReplayWindow;
use super::{Ctl, SessionConfig, Shared, sleep_until_opt};
use crate::error::{Error, Kind};
use crate::event::Event;
use crate::proto::Pending;
use crate::wire::tap::Upto;
use futures_util::SinkExt;
use futures_util::stream::SplitSink;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{mpsc, watch};
use tokio::time::Interval;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Bytes, Message, Utf8Bytes};

use crate::render::KEEPALIVE_PREFIX;

mod direct;
mod proto;
mod sending;
use direct::Direct;
use proto::woken;
pub(super) use sending::send_error;

pub(super) struct Writer<S> {
    pub(super) sink: SplitSink<WebSocketStream<S>, Message>,
    pub(super) cfg: SessionConfig,
    pub(super) shared: Shared,
    /// When our Close went out, for the reader's deadline.
    closing: Arc<watch::Sender<Option<Instant>>>,
    pub(super) close_sent: bool,
    ping_seq: u64,
    /// Sent but not yet published to the shared stats (published at each flush).
    pub(super) unpublished: (u64, u64),
    /// `--init` messages, sent first on every connection.
    init: Vec<Message>,
    /// Sent next: what an earlier connection lost when it ended abnormally.
    first: Vec<Message>,
    /// With `--reconnect`: data sent on this connection, for the next one.
    replay: ReplayWindow,
    /// With `--proto`: the application protocol.
    pub(super) proto: Option<Arc<Layer>>,
    /// With `--proto`: input that waits for the protocol to be ready: the `--init` messages (in
    /// the protocol's input form) and what the last connection lost (`resent`: the input that
    /// sends each again, a REPL line).
    held: VecDeque<Held>,
    /// With `--proto`: the first input line the protocol refused (the run goes on without it,
    /// and ends with its status).
    bad_input: Option<Error>,
    /// Pipe mode's lines framed here, when nothing needs them as messages ([`direct`]).
    direct: Option<Direct>,
}

/// The writer's input state and timers across turns of its loop.
struct Clock {
    /// No more input is taken (it ran out, or we are closing).
    input_done: bool,
    /// When the input ran out; from then on the end policy decides when to close.
    input_end: Option<Instant>,
    /// When the end policy closes, as of the last turn.
    close_at: Option<Instant>,
    ping_tick: Option<Interval>,
    /// When the next `--heartbeat` message is due.
    heartbeat_tick: Option<Interval>,
    /// When the oldest unanswered ping runs out of time (`--ping-timeout`).
    ping_deadline: Option<Instant>,
}

/// A line held until the protocol is ready.
struct Held {
    line: String,
    /// Sent again after a reconnect: the input that sends it again, taken as the REPL takes
    /// it (a protocol's command runs as that command); else an `--init` message.
    resent: bool,
}

/// Whether the loop goes on.
enum Flow {
    Go,
    Stop(WriteEnd),
}

impl From<Result<(), Error>> for Flow {
    fn from(r: Result<(), Error>) -> Self {
        match r {
            Ok(()) => Flow::Go,
            Err(e) => Flow::Stop(WriteEnd::Failed(e)),
        }
    }
}

impl<S> Writer<S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    pub(super) fn new(
        sink: SplitSink<WebSocketStream<S>, Message>,
        cfg: SessionConfig,
        shared: Shared,
        closing: Arc<watch::Sender<Option<Instant>>>,
        init: Vec<Message>,
        first: Vec<Message>,
        proto: Option<Arc<Layer>>,
    ) -> Self {
        let direct = (cfg.own_framing
            && shared.compression.is_none()
            && proto.is_none()
            && cfg.fragment <= 1
            && !cfg.emit_outgoing
            && !cfg.replay)
            .then(Direct::new);
        Writer {
            direct,
            replay: ReplayWindow::new(cfg.replay),
            sink,
            cfg,
            shared,
            closing,
            close_sent: false,
            ping_seq: 0,
            unpublished: (0, 0),
            init,
            first,
            proto,
            held: VecDeque::new(),
            bad_input: None,
        }
    }

    /// Runs until the session ends; hands back the input (what is left of it) and, with
    /// `--reconnect`, what must be sent again on the next connection.
    pub(super) async fn run(
        mut self,
        mut input: Input,
        ctl: mpsc::Receiver<Ctl>,
        done: watch::Receiver<bool>,
    ) -> (WriteEnd, Input, Vec<Message>) {
        let end = match (
            self.run_with(&mut input, ctl, done).await,
            self.bad_input.take(),
        ) {
            (WriteEnd::Done, Some(bad)) => WriteEnd::Failed(bad),
            (end, _) => end,
        };
        (end, input, self.replay.into_messages())
    }

    /// Runs the conversation; when it fails here (a send, the input), the session is ended
    /// from this side too ([`Writer::give_up`]): the reader would otherwise wait for the peer.
    async fn run_with(
        &mut self,
        input: &mut Input,
        ctl: mpsc::Receiver<Ctl>,
        done: watch::Receiver<bool>,
    ) -> WriteEnd {
        let end = self.converse(input, ctl, done).await;
        if matches!(end, WriteEnd::Failed(_)) {
            self.give_up().await;
        }
        end
    }

    async fn converse(
        &mut self,
        input: &mut Input,
        mut ctl: mpsc::Receiver<Ctl>,
        mut done: watch::Receiver<bool>,
    ) -> WriteEnd {
        if let Err(e) = self.send_first().await {
            return WriteEnd::Failed(e);
        }
        if let Flow::Stop(end) = self.proto_open().await {
            return end;
        }
        let input_done = matches!(*input, Input::Nothing);
        let mut clock = Clock {
            input_done,
            input_end: input_done.then(Instant::now),
            close_at: None,
            ping_tick: self.cfg.ping.interval.map(every),
            heartbeat_tick: self.cfg.ping.heartbeat.as_ref().map(|h| every(h.every)),
            ping_deadline: None,
        };
        loop {
            if let Err(e) = self.close_if_over(&mut clock, input).await {
                return WriteEnd::Failed(e);
            }
            if let Flow::Stop(end) = self.feed_held().await {
                return end;
            }
            let layer = self.proto.clone();
            let proto_deadline = layer.as_ref().and_then(|p| p.deadline());
            let input_open = !clock.input_done && layer.as_ref().is_none_or(|p| p.ready());
            let flow = tokio::select! {
                biased;
                msg = ctl.recv() => self.on_ctl(msg, &mut ctl, &mut clock).await,
                _ = done.changed() => Flow::Stop(WriteEnd::Done),
                _ = woken(layer.as_deref()) => self.proto_outbox().await,
                _ = sleep_until_opt(proto_deadline), if proto_deadline.is_some() => self.proto_deadline().await,
                _ = sleep_until_opt(clock.ping_deadline) => self.on_ping_deadline(&mut clock).await,
                _ = tick_opt(&mut clock.ping_tick) => self.on_ping_tick(&mut clock).await,
                _ = tick_opt(&mut clock.heartbeat_tick) => self.on_heartbeat().await,
                // The loop's top asks the end policy again: a message may have restarted the
                // idle window meanwhile.
                _ = sleep_until_opt(clock.close_at), if clock.close_at.is_some() && !self.close_sent => Flow::Go,
                next = input.next(), if input_open => self.on_input(next, input, &mut clock).await,
            };
            if let Flow::Stop(end) = flow {
                return end;
            }
        }
    }

    /// `--init` messages first (never replayed), then what the last connection lost. With
    /// `--proto` both are held until the protocol is ready.
    async fn send_first(&mut self) -> Result<(), Error> {
        if self.proto.is_some() {
            let init = std::mem::take(&mut self.init)
                .into_iter()
                .map(|m| (m, false));
            let first = std::mem::take(&mut self.first)
                .into_iter()
                .map(|m| (m, true));
            self.held
                .extend(init.chain(first).filter_map(|(m, resent)| match m {
                    Message::Text(t) => Some(Held {
                        line: t.to_string(),
                        resent,
                    }),
                    _ => None,
                }));
            return Ok(());
        }
        for m in std::mem::take(&mut self.init) {
            self.sink.feed(m).await.map_err(send_error)?;
        }
        for m in std::mem::take(&mut self.first) {
            self.send(m).await?;
        }
        self.flush().await
    }

    /// Once the input has run out, closes when the end policy says so (with what the input's
    /// end calls for: a program killed by a signal gets 1011).
    async fn close_if_over(&mut self, clock: &mut Clock, input: &Input) -> Result<(), Error> {
        let Some(ended) = clock.input_end.filter(|_| !self.close_sent) else {
            return Ok(());
        };
        let last = self.shared.stats.last_received();
        clock.close_at = match self.proto.as_ref().map(|p| p.pending()) {
            Some(Pending::Done) => Some(Instant::now()),
            Some(Pending::Answers) => self.cfg.end.close_at_waiting(ended),
            Some(Pending::Nothing) | None => self.cfg.end.close_at(ended, last),
        };
        if clock.close_at.is_some_and(|t| t <= Instant::now()) {
            let (code, reason) = input.farewell();
            self.close(code, &reason).await?;
        }
        Ok(())
    }

    /// A request from the reader (or the Ctrl-C watcher), and whatever else is already queued
    /// behind it: echoes are sent together, then flushed once.
    async fn on_ctl(
        &mut self,
        first: Option<Ctl>,
        ctl: &mut mpsc::Receiver<Ctl>,
        clock: &mut Clock,
    ) -> Flow {
        let Some(mut c) = first else {
            return Flow::Stop(WriteEnd::Done);
        };
        let mut fed = false;
        loop {
            match c {
                Ctl::Send(m, note) => {
                    if !self.close_sent {
                        if let Some(note) = note {
                            self.shared.record(Event::Info(note));
                        }
                        if let Err(e) = self.send(m).await {
                            return Flow::Stop(WriteEnd::Failed(e));
                        }
                        fed = true;
                    }
                }
                Ctl::Interrupt => {
                    let _ = self.close(1000, "").await;
                    return Flow::Stop(WriteEnd::Interrupted);
                }
                Ctl::Close(code) => {
                    let _ = self.close(code, "").await;
                    clock.input_done = true;
                }
                Ctl::Fail(code) => {
                    self.fail(code).await;
                    clock.input_done = true;
                }
            }
            match ctl.try_recv() {
                Ok(next) if fed => c = next,
                Ok(next) => {
                    // Nothing to flush: handle the next request on the next turn instead.
                    return Box::pin(self.on_ctl(Some(next), ctl, clock)).await;
                }
                Err(_) => break,
            }
        }
        if fed {
            return self.flush().await.into();
        }
        Flow::Go
    }

    /// The peer broke the protocol: close with `code` and get it out at once.
    async fn fail(&mut self, code: u16) {
        if self.close_sent {
            return;
        }
        self.close_sent = true;
        self.shared.raw.close_data();
        // When the peer already closed, tungstenite refuses a new Close but has its own reply
        // queued: the flush gets that out.
        let _ = self
            .sink
            .send(Message::Close(Some(CloseFrame {
                code: CloseCode::from(code),
                reason: Utf8Bytes::default(),
            })))
            .await;
        let _ = self.sink.flush().await;
        self.shared.drain_frames(Upto::Sent);
    }

    /// The oldest unanswered ping may have run out of time.
    async fn on_ping_deadline(&mut self, clock: &mut Clock) -> Flow {
        let limit = self.cfg.ping.timeout.unwrap_or_default();
        match self.shared.stats.oldest_unanswered_ping() {
            Some(at) if at.elapsed() >= limit => {
                let e = Error::new(
                    Kind::Timeout,
                    format!(
                        "no pong from the peer within {} (--ping-timeout)",
                        crate::units::secs(limit)
                    ),
                );
                let _ = self.close(1001, "").await;
                Flow::Stop(WriteEnd::Failed(e))
            }
            Some(at) => {
                clock.ping_deadline = Some(at + limit);
                Flow::Go
            }
            None => {
                clock.ping_deadline = None;
                Flow::Go
            }
        }
    }

    /// Time for a keepalive ping (`--ping-interval`).
    async fn on_ping_tick(&mut self, clock: &mut Clock) -> Flow {
        if self.close_sent {
            return Flow::Go;
        }
        self.ping_seq += 1;
        let mut payload = KEEPALIVE_PREFIX.to_vec();
        payload.extend_from_slice(self.ping_seq.to_string().as_bytes());
        self.shared.stats.ping_sent(&payload);
        let sent = self.send(Message::Ping(Bytes::from(payload))).await;
        if let Err(e) = sent.and(self.flush().await) {
            return Flow::Stop(WriteEnd::Failed(e));
        }
        if let (Some(t), None) = (self.cfg.ping.timeout, clock.ping_deadline) {
            clock.ping_deadline = self.shared.stats.oldest_unanswered_ping().map(|at| at + t);
        }
        Flow::Go
    }

    /// Time for the application-level keepalive message (`--heartbeat`); quiet, as keepalive
    /// pings are (JSON Lines and recordings have it as a sent message). Under `--proto` the
    /// protocol sends it.
    async fn on_heartbeat(&mut self) -> Flow {
        let Some(h) = self
            .cfg
            .ping
            .heartbeat
            .as_ref()
            .filter(|_| !self.close_sent)
        else {
            return Flow::Go;
        };
        if self.proto.is_some() {
            let message = h.message.clone();
            return self.proto_heartbeat(&message).await;
        }
        let m = Message::text(h.message.clone());
        match self.send(m).await {
            Ok(()) => self.flush().await.into(),
            Err(e) => Flow::Stop(WriteEnd::Failed(e)),
        }
    }

    /// One step of input: a message (and whatever else is already buffered, then one flush),
    /// a REPL command, or the end of input.
    async fn on_input(
        &mut self,
        next: Result<Next, Error>,
        input: &mut Input,
        clock: &mut Clock,
    ) -> Flow {
        match next {
            Err(e) => {
                let (code, reason) = input.failure_farewell();
                let _ = self.close(code, reason).await;
                Flow::Stop(WriteEnd::Failed(e))
            }
            Ok(Next::End) => {
                clock.input_done = true;
                clock.input_end = Some(Instant::now());
                self.flush().await.into()
            }
            Ok(Next::Send(m)) if self.proto.is_some() => self.proto_lines(m, input).await,
            Ok(Next::Send(m)) if input.is_pipe() && self.direct.is_some() => {
                let mut d = self.direct.take().unwrap_or_else(Direct::new);
                let flow = self.send_direct(&mut d, m, input).await;
                self.direct = Some(d);
                flow
            }
            Ok(Next::Send(m)) => {
                if let Err(e) = self.send(m).await {
                    return Flow::Stop(WriteEnd::Failed(e));
                }
                while let Some(m) = input.ready_message() {
                    if let Err(e) = match m {
                        Ok(m) => self.send_data(m).await,
                        Err(e) => Err(e),
                    } {
                        let _ = self.close(1000, "").await;
                        return Flow::Stop(WriteEnd::Failed(e));
                    }
                }
                self.flush().await.into()
            }
            Ok(Next::Command(c)) => match self.command(c).await {
                Ok(true) => {
                    clock.input_done = true;
                    Flow::Go
                }
                Ok(false) => Flow::Go,
                Err(e) => Flow::Stop(WriteEnd::Failed(e)),
            },
        }
    }
}

/// A timer that first fires one period from now, and does not catch up on missed ticks.
fn every(period: std::time::Duration) -> Interval {
    let mut t = tokio::time::interval_at((Instant::now() + period).into(), period);
    t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    t
}

async fn tick_opt(t: &mut Option<Interval>) {
    match t {
        Some(t) => {
            t.tick().await;
        }
        None => std::future::pending().await,
    }
}
