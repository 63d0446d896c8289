//! The reading side: received messages to the output (byte-exact, in bursts under one lock),
//! pings, pongs and their round trips, the peer's Close, and the peer's protocol violations
//! (closed with the code RFC 6455 asks for, the offending frame named). It asks the writer to
//! close when `-n` is reached or nobody reads our output any more. [`closing`]: the peer's
//! Close and read errors. With `--proto`, every data message goes through the protocol.

mod closing;

use super::outcome::{ReadEnd, Tally};
use super::proto::Layer;
use super::replies::{self, Answer, Replies};
use super::shared::stamp;
use super::{Ctl, INTERRUPT_GRACE, SessionConfig, Shared, sleep_until_opt};
use crate::error::{Error, Kind};
use crate::event::{DataKind, Event, Info, Warning};
use crate::interrupt::Interrupt;
use crate::output::Output;
use crate::proto::WsData;
use crate::wire::tap::{Dir, Upto};
use futures_util::stream::SplitStream;
use futures_util::{FutureExt, StreamExt};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

/// How long a peer has to answer our Close once nobody reads our output any more.
const OUTPUT_CLOSED_GRACE: Duration = Duration::from_millis(250);

type Item = Option<Result<Message, WsError>>;

/// What the reader does after handling one item.
enum Step {
    Continue,
    /// Have the writer send this (an echo, or an auto-reply said in the note).
    Send(Message, Option<Info>),
    /// Fail the connection with this close code; the session ends as given.
    Fail(u16, ReadEnd),
    End(ReadEnd),
}

/// What the reader works with, besides the stream.
pub(super) struct Sides<'a> {
    pub cfg: &'a SessionConfig,
    pub shared: &'a Shared,
    /// Requests to the writer.
    pub ctl: mpsc::Sender<Ctl>,
    /// When our Close went out (set by the writer).
    pub closing: watch::Receiver<Option<Instant>>,
    pub ctrl_c: &'a Interrupt,
    /// With `--proto`: the application protocol every data message goes through.
    pub proto: Option<Arc<Layer>>,
}

/// Reads until the connection ends; returns how, what was counted, and the protocol's end
/// (`--proto`) when it ended the run.
pub(super) async fn run<S>(
    stream: SplitStream<WebSocketStream<S>>,
    sides: Sides<'_>,
) -> (ReadEnd, Tally, Option<Error>)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let Sides {
        cfg,
        shared,
        ctl,
        closing,
        ctrl_c,
        proto,
    } = sides;
    let mut r = Reader {
        stream,
        cfg,
        shared,
        ctl,
        closing,
        ctrl_c,
        st: ReadState::default(),
        replies: Replies::new(cfg.replies.clone(), Instant::now()),
        proto,
    };
    let end = r.read_until_end().await;
    (end, r.st.tally, r.st.proto_end)
}

struct Reader<'a, S> {
    stream: SplitStream<WebSocketStream<S>>,
    cfg: &'a SessionConfig,
    shared: &'a Shared,
    ctl: mpsc::Sender<Ctl>,
    /// When our Close went out (set by the writer).
    closing: watch::Receiver<Option<Instant>>,
    /// Ctrl-C: the peer's answer to our Close is then waited for only a short while.
    ctrl_c: &'a Interrupt,
    st: ReadState,
    /// Auto-reply rules and their rate limits.
    replies: Replies,
    /// With `--proto`: the application protocol.
    proto: Option<Arc<Layer>>,
}

/// State the reader keeps across messages.
#[derive(Default)]
struct ReadState {
    deadline: Option<Instant>,
    peer_close: Option<(Option<u16>, String)>,
    asked_to_close: bool,
    output_closed: bool,
    /// Ctrl-C was seen (and the deadline shortened).
    interrupted: bool,
    /// The writer has ended: no more news of our Close will come.
    writer_gone: bool,
    /// Our reader is behind: nothing more is taken in until it catches up.
    behind: bool,
    /// Messages counted so far (printed, dropped after `-n`), and who closed first.
    tally: Tally,
    /// Received but not yet published to the shared stats (published once per burst).
    unpublished: (u64, u64),
    /// WebSocket data messages received (with `--proto`, more than the messages counted).
    messages: u64,
    /// With `--proto`: an application message arrived in this burst (the idle window counts
    /// those, not the protocol's keepalive).
    app_arrived: bool,
    /// With `--proto`: the protocol ended the run (the server refused or ended its session).
    proto_end: Option<Error>,
}

impl ReadState {
    fn count_reached(&self, cfg: &SessionConfig) -> bool {
        cfg.end.count_reached(self.tally.received)
    }

    /// Counts a received data message; true for the first one.
    fn received(&mut self, bytes: usize) -> bool {
        self.tally.received += 1;
        self.counted(bytes)
    }

    /// Counts a WebSocket message for the stats; true for the first one.
    fn counted(&mut self, bytes: usize) -> bool {
        self.unpublished.0 += 1;
        self.unpublished.1 += bytes as u64;
        self.messages += 1;
        self.messages == 1
    }

    fn ask_close(&mut self, ctl: &mpsc::Sender<Ctl>) {
        if !self.asked_to_close {
            self.asked_to_close = true;
            let _ = ctl.try_send(Ctl::Close(1000));
        }
    }
}

impl<S> Reader<'_, S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    async fn read_until_end(&mut self) -> ReadEnd {
        loop {
            let item = match self.next_item().await {
                Ok(item) => item,
                Err(end) => return end,
            };
            // Our own Close may have gone out while this burst arrived: the peer's Close is
            // then the answer, not a close it started.
            if let Some(at) = *self.closing.borrow() {
                self.st.deadline.get_or_insert(at + self.cfg.close_timeout);
            }
            let (step, gone) = self.handle_burst(item);
            if let Some(end) = self.after_burst(step, gone).await {
                return end;
            }
        }
    }

    /// The next item from the peer: at once when it is already here, else after handing our
    /// output over and waiting (for room in the output, then for the peer), within the close
    /// deadline.
    async fn next_item(&mut self) -> Result<Item, ReadEnd> {
        if !self.st.behind {
            if let Some(item) = self.stream.next().now_or_never() {
                return Ok(item);
            }
        }
        let flushed = {
            let mut out = self.shared.out();
            self.shared.drain_frames_into(&mut out, Upto::Sent);
            out.flush()
        };
        if flushed.is_err() {
            self.st.output_closed = true;
            self.st.ask_close(&self.ctl);
        }
        // Read nothing more from the peer until our output catches up; the close deadline
        // still holds meanwhile.
        loop {
            let until = self.st.deadline;
            tokio::select! {
                biased;
                _ = self.shared.output_room() => break,
                _ = sleep_until_opt(until) => return Err(self.deadline_passed()),
                _ = self.ctrl_c.first(), if !self.st.interrupted => self.interrupted(),
                changed = self.closing.changed(), if !self.st.writer_gone => self.closing_started(changed.is_ok()),
            }
        }
        loop {
            let until = self.st.deadline;
            tokio::select! {
                biased;
                item = self.stream.next() => return Ok(item),
                _ = sleep_until_opt(until) => return Err(self.deadline_passed()),
                _ = self.ctrl_c.first(), if !self.st.interrupted => self.interrupted(),
                changed = self.closing.changed(), if !self.st.writer_gone => self.closing_started(changed.is_ok()),
            }
        }
    }

    /// Handles `item` and whatever else is already here, under one lock of the output.
    /// Returns the last step and whether stdout has gone away.
    fn handle_burst(&mut self, item: Item) -> (Step, bool) {
        let shared = self.shared;
        let mut out = shared.out();
        let mut item = item;
        // Each turn's step is a new value, not assigned over the last one, which copied the
        // (large) step once per message.
        let step = loop {
            shared.drain_frames_into(&mut out, Upto::NextMessage);
            let step = self.handle_item(item, &mut out);
            if !matches!(step, Step::Continue)
                || self.st.count_reached(self.cfg)
                || out.stdout_gone()
                || out.backlogged()
            {
                break step;
            }
            match self.stream.next().now_or_never() {
                Some(next) => item = next,
                None => break step,
            }
        };
        let (msgs, bytes) = std::mem::take(&mut self.st.unpublished);
        if self.proto.is_none() {
            shared.stats.add_received(msgs, bytes);
        } else {
            shared.stats.count_received(msgs, bytes);
            if std::mem::take(&mut self.st.app_arrived) {
                shared.stats.mark_received();
            }
        }
        self.st.behind = out.backlogged();
        (step, out.stdout_gone())
    }

    /// Acts on the last step of a burst; `Some` when reading is over.
    async fn after_burst(&mut self, step: Step, stdout_gone: bool) -> Option<ReadEnd> {
        let step = match step {
            Step::End(_) | Step::Fail(..) if self.st.output_closed => {
                Step::End(ReadEnd::OutputClosed)
            }
            other => other,
        };
        match step {
            Step::Continue => {}
            Step::Send(m, note) => {
                let _ = self.ctl.send(Ctl::Send(m, note)).await;
            }
            Step::Fail(code, end) => {
                let _ = self.ctl.send(Ctl::Fail(code)).await;
                return Some(end);
            }
            Step::End(end) => return Some(end),
        }
        if self.st.count_reached(self.cfg) {
            self.st.ask_close(&self.ctl);
        }
        if stdout_gone {
            // Nobody reads our output any more (`| head -3`): close, and finish quickly and
            // quietly. The pipeline waits for us, so a peer that does not answer our Close
            // gets a short grace, not the whole close timeout.
            self.st.output_closed = true;
            self.st.ask_close(&self.ctl);
            let grace = Instant::now() + self.cfg.close_timeout.min(OUTPUT_CLOSED_GRACE);
            let d = *self
                .st
                .deadline
                .insert(self.st.deadline.map_or(grace, |d| d.min(grace)));
            if Instant::now() >= d {
                return Some(ReadEnd::OutputClosed);
            }
        }
        None
    }

    /// Our Close went out (or the writer is gone): the peer's answer is due by the deadline.
    fn closing_started(&mut self, still_open: bool) {
        self.st.writer_gone = !still_open;
        let at = if still_open {
            *self.closing.borrow()
        } else {
            Some(Instant::now())
        };
        if let Some(at) = at {
            self.st.deadline.get_or_insert(at + self.cfg.close_timeout);
        }
    }

    /// Ctrl-C: our Close goes out (the writer sends it); the peer has a short while to answer,
    /// whatever the close timeout.
    fn interrupted(&mut self) {
        self.st.interrupted = true;
        let grace = Instant::now() + self.cfg.close_timeout.min(INTERRUPT_GRACE);
        let d = self.st.deadline.map_or(grace, |d| d.min(grace));
        self.st.deadline = Some(d);
    }

    fn deadline_passed(&self) -> ReadEnd {
        let st = &self.st;
        if st.output_closed {
            return ReadEnd::OutputClosed;
        }
        if st.interrupted {
            // Ctrl-C decides the outcome; nothing to say about the peer.
            return ReadEnd::Finished;
        }
        if let Some((code, reason)) = &st.peer_close {
            return ReadEnd::PeerClosed(*code, reason.clone());
        }
        let limit = crate::units::secs(self.cfg.close_timeout);
        if st.count_reached(self.cfg) {
            // All that was asked for arrived; a peer that never reads (a push-only handler)
            // does not make that a failure.
            self.shared.emit(Event::Warning(Warning::CloseUnanswered {
                limit: self.cfg.close_timeout,
                received: st.tally.received,
            }));
            return ReadEnd::Finished;
        }
        ReadEnd::Failed(
            Error::new(
                Kind::Timeout,
                format!("the peer did not answer our Close within {limit}"),
            )
            .with_hint("raise the limit with --close-timeout SECS"),
        )
    }

    /// One item from the peer. Data messages, nearly all of them, take the short way (this
    /// is inlined into the burst's loop); everything else goes through [`Self::other_item`].
    #[inline]
    fn handle_item(&mut self, item: Item, out: &mut Output) -> Step {
        match item {
            Some(Ok(m @ (Message::Text(_) | Message::Binary(_)))) => self.data_message(m, out),
            other => self.other_item(other, out),
        }
    }

    /// A control frame, the end of the stream or a read error (kept out of the burst's loop).
    #[inline(never)]
    fn other_item(&mut self, item: Item, out: &mut Output) -> Step {
        match item {
            Some(Ok(m @ (Message::Text(_) | Message::Binary(_)))) => self.data_message(m, out),
            Some(Ok(Message::Ping(p))) => {
                out.event(stamp(Event::Ping {
                    dir: Dir::In,
                    payload: p.to_vec(),
                }));
                Step::Continue
            }
            Some(Ok(Message::Pong(p))) => {
                let rtt = self.shared.stats.pong_received(&p);
                out.event(stamp(Event::Pong {
                    dir: Dir::In,
                    payload: p.to_vec(),
                    rtt,
                }));
                Step::Continue
            }
            Some(Ok(Message::Close(frame))) => {
                // tungstenite answers it with its next write: no data may be queued behind.
                self.shared.raw.close_data();
                let (code, reason) = match &frame {
                    Some(f) => (Some(u16::from(f.code)), f.reason.to_string()),
                    None => (None, String::new()),
                };
                self.close_frame(code, reason, out)
            }
            Some(Ok(Message::Frame(_))) => Step::Continue,
            Some(Err(WsError::ConnectionClosed | WsError::AlreadyClosed)) | None => {
                let _ = out.flush();
                Step::End(match self.st.peer_close.take() {
                    Some((code, reason)) => ReadEnd::PeerClosed(code, reason),
                    None => ReadEnd::Abnormal("the stream ended".into()),
                })
            }
            Some(Err(e)) => self.read_error(e, out),
        }
    }

    /// A received text or binary message: printed (and echoed with `--reflect`), unless `-n`
    /// messages have already arrived.
    #[inline]
    fn data_message(&mut self, m: Message, out: &mut Output) -> Step {
        if let Some(layer) = self.proto.clone() {
            return self.proto_message(&layer, &m, out);
        }
        if self.st.count_reached(self.cfg) {
            self.st.tally.dropped += 1;
            return Step::Continue;
        }
        let (kind, data) = match &m {
            Message::Text(t) => (DataKind::Text, t.as_ref()),
            Message::Binary(b) => (DataKind::Binary, b),
            _ => return Step::Continue,
        };
        if self.st.received(data.len()) {
            self.first_message(data, out);
        }
        let _ = out.received(kind, data);
        if self.cfg.reflect {
            return Step::Send(m, None);
        }
        if self.replies.is_empty() {
            return Step::Continue;
        }
        match self.replies.answer(data, Instant::now()) {
            Answer::Nothing => Step::Continue,
            Answer::Send { rule, response } => {
                let note = Info::AutoReply {
                    rule,
                    response: response.clone(),
                };
                Step::Send(Message::text(response), Some(note))
            }
            Answer::Limited { rule, say } => {
                if say {
                    out.event(stamp(Event::Warning(Warning::ReplyLimited {
                        rule,
                        matches: self.replies.describe(rule).to_string(),
                        per_second: replies::PER_SECOND as u32,
                    })));
                }
                Step::Continue
            }
        }
    }

    /// The first data message: said with `-v` or `--timing`; an application protocol
    /// recognised in it (without `--proto`) gets a hint.
    fn first_message(&self, data: &[u8], out: &mut Output) {
        if self.cfg.report_first_message {
            let after = self.shared.stats.first_message();
            out.event(stamp(Event::Info(Info::FirstMessage { after })));
        }
        if self.proto.is_none() {
            if let Some(g) = crate::proto::guess::first_message(data) {
                out.event(stamp(Event::Warning(Warning::ProtoGuess {
                    protocol: g.protocol,
                    evidence: g.evidence.to_string(),
                })));
            } else if crate::proto::guess::sockjs(data) {
                out.event(stamp(Event::Warning(Warning::SockJs)));
            }
        }
    }

    /// A data message under `--proto`: through the protocol, which answers what it must (its
    /// keepalive) and delivers the application messages, printed as far as `-n` wants them.
    fn proto_message(&mut self, layer: &Layer, m: &Message, out: &mut Output) -> Step {
        let (kind, data, ws) = match m {
            Message::Text(t) => (DataKind::Text, t.as_ref(), WsData::Text(t.as_str())),
            Message::Binary(b) => (DataKind::Binary, b, WsData::Binary(b)),
            _ => return Step::Continue,
        };
        let got = layer.received(ws);
        if self.st.counted(data.len()) {
            self.first_message(data, out);
        }
        let wanted = match self.cfg.end.count {
            Some(n) => (n.saturating_sub(self.st.tally.received) as usize).min(got.deliver.len()),
            None => got.deliver.len(),
        };
        self.st.tally.received += wanted as u64;
        self.st.tally.dropped += (got.deliver.len() - wanted) as u64;
        self.st.app_arrived |= wanted > 0;
        let _ = out.proto_received(kind, data, got.notes, &got.deliver[..wanted]);
        if !got.deliver.is_empty() {
            layer.delivered(wanted);
        }
        if let Some(e) = got.end {
            self.st.proto_end.get_or_insert(e);
            self.st.ask_close(&self.ctl);
        }
        Step::Continue
    }
}
