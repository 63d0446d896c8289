//! The session: one task writes (input, REPL commands, pings, close), one reads (messages to
//! stdout or the REPL, control frames, the peer's close), until the close handshake is done or a
//! bound runs out. It decides the outcome that becomes the exit status.
//!
//! Pipe mode's hot path lives here: lines are fed to the socket without flushing per message and
//! flushed when stdin has nothing buffered; received messages are buffered for stdout and flushed
//! when the socket has nothing more ready.

pub mod end_policy;
use crate::error::{Error, Kind};
use crate::event::{DataKind, Event, Stamped};
use crate::input::command::{self, BinarySource, Command};
use crate::input::pipe::{Line, LineReader};
use crate::render::{Output, ms};
use crate::stats::Stats;
use crate::wire::frame::{FrameHeader, close_code_meaning};
use crate::wire::tap::{Dir, FrameLog, Upto};
use end_policy::EndPolicy;
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{FutureExt, SinkExt, StreamExt};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::error::{CapacityError, ProtocolError};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{CloseCode, Data as OpData, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::{
    Frame as WireFrame, FrameHeader as WireHeader,
};
use tokio_tungstenite::tungstenite::{Bytes, Error as WsError, Message, Utf8Bytes};

/// Where the messages to send come from.
pub enum Input {
    /// stdin lines, as text (or binary with `-b`).
    Pipe { lines: LineReader, binary: bool },
    /// `-e` messages.
    Messages(VecDeque<String>),
    /// Commands from the REPL thread.
    Repl(mpsc::Receiver<Command>),
    /// Nothing to send of our own (`--reflect`): run until the peer closes.
    Nothing,
}

/// Session settings from the command line.
#[derive(Debug, Clone, Default)]
pub struct SessionConfig {
    pub close_timeout: Duration,
    /// When to close after input ends (idle window, `--wait`, `-n`).
    pub end: EndPolicy,
    pub ping_interval: Option<Duration>,
    pub ping_timeout: Option<Duration>,
    /// Echo every received data message back.
    pub reflect: bool,
    /// Keep a replay window of sent data for `--reconnect`.
    pub replay: bool,
    /// Send every data message as this many fragments (`--fragment`; 0 or 1: whole).
    pub fragment: usize,
    /// Say when the first message arrived (asked for with `-v` or `--timing`).
    pub report_first_message: bool,
    /// Emit an event for every data message sent (JSON Lines and the REPL show them).
    pub emit_outgoing: bool,
}

/// What the session shares with the renderer and the REPL.
#[derive(Clone)]
pub struct Shared {
    pub out: Arc<Mutex<Output>>,
    pub stats: Arc<Stats>,
    pub frames: Arc<FrameLog>,
    /// The handshake events, for `/handshake`.
    pub handshake: Arc<Vec<Stamped>>,
}

impl Shared {
    fn out(&self) -> MutexGuard<'_, Output> {
        crate::sync::lock(&self.out)
    }

    /// Shows an event from the writer side right away (the reader may be idle, so nothing
    /// else would flush it).
    fn emit(&self, event: Event) {
        let mut out = self.out();
        self.drain_frames_into(&mut out, Upto::Sent);
        out.event(stamp(event));
        out.flush_stderr();
    }

    /// Puts an event in line for output; the writer's next flush hands it over.
    fn record(&self, event: Event) {
        let mut out = self.out();
        self.drain_frames_into(&mut out, Upto::Sent);
        out.event(stamp(event));
    }

    /// Called once per received message: only the check is inline.
    #[inline]
    fn drain_frames_into(&self, out: &mut Output, upto: Upto) {
        if self.frames.enabled() {
            self.move_frames_into(out, upto);
        }
    }

    fn move_frames_into(&self, out: &mut Output, upto: Upto) {
        for f in self.frames.drain(upto) {
            out.event(Stamped {
                at: f.at,
                event: Event::Frame(f),
            });
        }
    }

    /// Waits while our output is backed up behind a slow reader of stdout or stderr.
    async fn output_room(&self) {
        loop {
            let waiter = {
                let mut out = self.out();
                let _ = out.flush();
                if !out.backlogged() {
                    return;
                }
                out.waiter()
            };
            crate::render::wait_room(&waiter).await;
        }
    }

    /// Shows the frames we sent so far.
    fn drain_frames(&self, upto: Upto) {
        if self.frames.enabled() {
            let mut out = self.out();
            self.drain_frames_into(&mut out, upto);
            out.flush_stderr();
        }
    }
}

/// Messages from the reader to the writer.
enum Ctl {
    /// Send this data message back (`--reflect`).
    Reflect(Message),
    /// Start the close handshake (count reached, stdout closed).
    Close(u16, &'static str),
    /// The peer broke the protocol: close with this code.
    Fail(u16, String),
    /// Ctrl-C: close with 1000 and end with status 130.
    Interrupt,
}

/// How the reading side ended.
enum ReadEnd {
    /// The peer's Close frame arrived (its code and reason).
    PeerClosed(Option<u16>, String),
    /// Transport ended without a Close frame.
    Abnormal(String),
    /// A typed error (protocol violation, close timeout).
    Failed(Error),
    /// Our stdout went away (`| head`); a quiet, successful end.
    OutputClosed,
    /// Everything asked for arrived (`-n`); the peer did not answer our Close in time, which
    /// was said as a warning.
    Finished,
}

/// How the writing side ended.
enum WriteEnd {
    Done,
    Interrupted,
    Failed(Error),
}

/// Runs a session over an open WebSocket until it ends; returns the outcome.
/// What a session leaves for the next connection (`--reconnect`).
pub struct Carry {
    pub input: Input,
    /// Messages to send first on the next connection (after the `--init` messages).
    pub resend: Vec<Message>,
}

/// Runs a session over an open WebSocket until it ends. `init`, then `resend`, are sent before
/// any input. Returns the outcome and, when the writer finished in time, what is left to send.
pub async fn run<S>(
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

    let interrupted = Arc::new(AtomicBool::new(false));
    // Ctrl-C is watched apart from the writer, which may be blocked on a full socket: the
    // interruption is recorded and the close deadline starts even then.
    let on_signal = tokio::spawn({
        let interrupted = interrupted.clone();
        let closing = closing_tx.clone();
        let ctl = ctl_tx.clone();
        async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                interrupted.store(true, Ordering::Relaxed);
                closing.send_if_modified(|at| at.is_none() && at.replace(Instant::now()).is_none());
                let _ = ctl.send(Ctl::Interrupt).await;
            }
        }
    });
    let writer = Writer {
        interrupted: interrupted.clone(),
        sink,
        cfg: cfg.clone(),
        shared: shared.clone(),
        closing: closing_tx,
        close_sent: false,
        ping_seq: 0,
        unpublished: (0, 0),
        init,
        first: resend,
        replay: VecDeque::new(),
        replay_bytes: 0,
    };
    let writer_task = tokio::spawn(writer.run(input, ctl_rx, done_rx));

    let (read_end, tally) = read_loop(stream, &cfg, &shared, ctl_tx, closing_rx).await;
    on_signal.abort();
    let _ = done_tx.send(true);
    {
        let mut out = shared.out();
        shared.drain_frames_into(&mut out, Upto::Everything);
        let _ = out.flush();
    }
    // The writer may still have a Close to get out (protocol failure); bound the wait.
    let (write_end, carry) = match tokio::time::timeout(cfg.close_timeout, writer_task).await {
        Ok(Ok((end, input, resend))) => (end, Some(Carry { input, resend })),
        Ok(Err(_)) | Err(_) => (WriteEnd::Done, None),
    };
    shared.drain_frames(Upto::Everything);
    if interrupted.load(Ordering::Relaxed) {
        return (Err(Error::new(Kind::Interrupted, "")), None);
    }
    if tally.dropped > 0 {
        shared.emit(Event::Info(format!(
            "{} more messages arrived during the close handshake; not printed (-n {})",
            tally.dropped,
            cfg.end.count.unwrap_or_default()
        )));
    }
    (outcome(read_end, write_end, &cfg.end, &tally), carry)
}

/// What the reader counted, for the outcome.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    /// Data messages printed.
    received: u64,
    /// Data messages that arrived after `-n` was reached (not printed).
    dropped: u64,
    /// The peer sent its Close before we sent ours.
    peer_started_close: bool,
}

/// The session's result from how each side ended and how many messages arrived.
fn outcome(
    read_end: ReadEnd,
    write_end: WriteEnd,
    end: &EndPolicy,
    tally: &Tally,
) -> Result<(), Error> {
    let received = tally.received;
    match write_end {
        WriteEnd::Interrupted => return Err(Error::new(Kind::Interrupted, "")),
        WriteEnd::Failed(e) if e.kind != Kind::Abnormal => return Err(e),
        _ => {}
    }
    let incomplete = |before: &str| {
        end.missing(received).map(|_| {
            let asked = end.count.unwrap_or_default();
            Err(Error::new(
                Kind::Incomplete,
                format!("received {received} of the {asked} messages asked for (-n {asked}) before {before}"),
            ))
        })
    };
    match read_end {
        ReadEnd::OutputClosed | ReadEnd::Finished => Ok(()),
        ReadEnd::PeerClosed(code @ (None | Some(1000) | Some(1001)), _) => match write_end {
            WriteEnd::Failed(e) => Err(e),
            _ => {
                let by = match (tally.peer_started_close, code) {
                    (false, _) => "--wait passed".to_string(),
                    (true, Some(c)) => format!("the server closed with {c}"),
                    (true, None) => "the server closed".to_string(),
                };
                incomplete(&by).unwrap_or(Ok(()))
            }
        },
        ReadEnd::PeerClosed(Some(code), reason) => {
            let what = if reason.is_empty() {
                format!("peer closed with {code} ({})", close_code_meaning(code))
            } else {
                format!(
                    "peer closed with {code} ({}): {reason}",
                    close_code_meaning(code)
                )
            };
            Err(Error::new(Kind::PeerClose, what))
        }
        ReadEnd::Abnormal(why) => Err(Error::new(
            Kind::Abnormal,
            format!("connection closed without a Close frame ({why})"),
        )),
        ReadEnd::Failed(e) => Err(e),
    }
}

/// Which incoming frame a rule violation is about.
type Culprit = fn(&FrameHeader) -> bool;

fn reserved_opcode(h: &FrameHeader) -> bool {
    matches!(h.opcode, 3..=7 | 11..=15)
}

/// The close code RFC 6455 asks for, a diagnostic naming the rule, and how to recognise the
/// offending frame, for a read error.
fn classify_read_error(e: &WsError) -> Option<(u16, String, Culprit)> {
    let any: Culprit = |_| true;
    Some(match e {
        WsError::Utf8(_) => (
            1007,
            "invalid UTF-8 in a text message or close reason (RFC 6455 §8.1)".into(),
            |h| matches!(h.opcode, 0 | 1 | 8),
        ),
        WsError::Capacity(CapacityError::MessageTooLong { size, max_size }) => (
            1009,
            format!(
                "message of {size} bytes exceeds --max-message-size {max_size} (RFC 6455 §7.4.1)"
            ),
            |h| matches!(h.opcode, 0..=2),
        ),
        WsError::Capacity(c) => (1009, c.to_string(), any),
        WsError::Protocol(p) => match p {
            ProtocolError::NonZeroReservedBits => (
                1002,
                "RSV bit set without a negotiated extension (RFC 6455 §5.2)".into(),
                |h| h.rsv1 || h.rsv2 || h.rsv3,
            ),
            ProtocolError::MaskedFrameFromServer => (
                1002,
                "masked frame from the server (RFC 6455 §5.1)".into(),
                |h| h.mask.is_some(),
            ),
            ProtocolError::FragmentedControlFrame => (
                1002,
                "fragmented control frame (RFC 6455 §5.5)".into(),
                |h| h.is_control() && !h.fin,
            ),
            ProtocolError::ControlFrameTooBig => (
                1002,
                "control frame payload over 125 bytes (RFC 6455 §5.5)".into(),
                |h| h.is_control() && h.payload_len > 125,
            ),
            ProtocolError::UnknownControlFrameType(op)
            | ProtocolError::UnknownDataFrameType(op)
            | ProtocolError::InvalidOpcode(op) => (
                1002,
                format!("reserved opcode {op:#x} (RFC 6455 §5.2)"),
                reserved_opcode,
            ),
            ProtocolError::UnexpectedContinueFrame => (
                1002,
                "continuation frame without a message to continue (RFC 6455 §5.4)".into(),
                |h| h.opcode == 0,
            ),
            ProtocolError::ExpectedFragment(_) => (
                1002,
                "new data frame while a fragmented message was unfinished (RFC 6455 §5.4)".into(),
                |h| matches!(h.opcode, 1 | 2),
            ),
            ProtocolError::InvalidCloseSequence => (
                1002,
                "close frame with a 1-byte payload (RFC 6455 §5.5.1)".into(),
                |h| h.opcode == 8,
            ),
            ProtocolError::ReceivedAfterClosing => {
                (1002, "data received after the Close frame".into(), any)
            }
            _ => return None,
        },
        _ => return None,
    })
}

/// How long a peer has to answer our Close once nobody reads our output any more.
const OUTPUT_CLOSED_GRACE: Duration = Duration::from_millis(250);

/// What the reader does after handling one item.
enum Step {
    Continue,
    Reflect(Message),
    Fail(u16, String, ReadEnd),
    End(ReadEnd),
}

/// State the reader keeps across messages.
#[derive(Default)]
struct ReadState {
    deadline: Option<Instant>,
    peer_close: Option<(Option<u16>, String)>,
    asked_to_close: bool,
    output_closed: bool,
    /// Messages counted so far (printed, dropped after `-n`), and who closed first.
    tally: Tally,
    /// Received but not yet published to the shared stats (published once per burst).
    unpublished: (u64, u64),
}

impl ReadState {
    /// Our Close went out (or the writer is gone): the peer's answer is due by the deadline.
    fn closing_started(
        &mut self,
        still_open: bool,
        closing: &watch::Receiver<Option<Instant>>,
        cfg: &SessionConfig,
    ) {
        let at = if still_open {
            *closing.borrow()
        } else {
            Some(Instant::now())
        };
        if let Some(at) = at {
            self.deadline.get_or_insert(at + cfg.close_timeout);
        }
    }

    fn count_reached(&self, cfg: &SessionConfig) -> bool {
        cfg.end.count_reached(self.tally.received)
    }

    /// Counts a received data message; true for the first one.
    fn received(&mut self, bytes: usize) -> bool {
        self.tally.received += 1;
        self.unpublished.0 += 1;
        self.unpublished.1 += bytes as u64;
        self.tally.received == 1
    }
}

/// Notes when the first message arrived (time to first message, for -v and --timing).
fn first_message(shared: &Shared, out: &mut Output) {
    let after = shared.stats.first_message();
    out.event(stamp(Event::Info(format!(
        "first message {} after the upgrade",
        ms(after)
    ))));
}

async fn read_loop<S>(
    stream: SplitStream<WebSocketStream<S>>,
    cfg: &SessionConfig,
    shared: &Shared,
    ctl: mpsc::Sender<Ctl>,
    closing: watch::Receiver<Option<Instant>>,
) -> (ReadEnd, Tally)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut st = ReadState::default();
    let end = read_until_end(&mut st, stream, cfg, shared, ctl, closing).await;
    (end, st.tally)
}

async fn read_until_end<S>(
    st: &mut ReadState,
    mut stream: SplitStream<WebSocketStream<S>>,
    cfg: &SessionConfig,
    shared: &Shared,
    ctl: mpsc::Sender<Ctl>,
    mut closing: watch::Receiver<Option<Instant>>,
) -> ReadEnd
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    // Whether our own reader is behind (see below); then nothing more is taken in at once.
    let mut behind = false;
    loop {
        let ready = if behind {
            None
        } else {
            stream.next().now_or_never()
        };
        let item = match ready {
            Some(item) => item,
            None => {
                let flushed = {
                    let mut out = shared.out();
                    shared.drain_frames_into(&mut out, Upto::Sent);
                    out.flush()
                };
                if flushed.is_err() {
                    st.output_closed = true;
                    st.ask_close(&ctl);
                }
                // Our reader is behind: read nothing more from the peer until it catches up.
                // The close deadline still holds meanwhile.
                loop {
                    let until = st.deadline;
                    tokio::select! {
                        biased;
                        _ = shared.output_room() => break,
                        _ = sleep_until_opt(until) => return st.deadline_passed(cfg, shared),
                        changed = closing.changed() => st.closing_started(changed.is_ok(), &closing, cfg),
                    }
                }
                let next = loop {
                    let until = st.deadline;
                    tokio::select! {
                        biased;
                        item = stream.next() => break Some(item),
                        _ = sleep_until_opt(until) => break None,
                        changed = closing.changed() => st.closing_started(changed.is_ok(), &closing, cfg),
                    }
                };
                match next {
                    Some(item) => item,
                    None => return st.deadline_passed(cfg, shared),
                }
            }
        };
        // Our own Close may have gone out while this burst arrived: the peer's Close is then
        // the answer, not a close it started.
        if let Some(at) = *closing.borrow() {
            st.deadline.get_or_insert(at + cfg.close_timeout);
        }
        let (step, gone) = {
            let mut out = shared.out();
            shared.drain_frames_into(&mut out, Upto::NextMessage);
            let mut step = handle_item(item, cfg, shared, &mut out, st);
            // Handle whatever else is already here under the same lock.
            while matches!(step, Step::Continue)
                && !st.count_reached(cfg)
                && !out.stdout_gone()
                && !out.backlogged()
            {
                let Some(item) = stream.next().now_or_never() else {
                    break;
                };
                shared.drain_frames_into(&mut out, Upto::NextMessage);
                step = handle_item(item, cfg, shared, &mut out, st);
            }
            let (msgs, bytes) = std::mem::take(&mut st.unpublished);
            shared.stats.add_received(msgs, bytes);
            behind = out.backlogged();
            (step, out.stdout_gone())
        };
        let step = match step {
            Step::End(_) | Step::Fail(..) if st.output_closed => Step::End(ReadEnd::OutputClosed),
            other => other,
        };
        match step {
            Step::Continue => {}
            Step::Reflect(m) => {
                let _ = ctl.send(Ctl::Reflect(m)).await;
            }
            Step::Fail(code, rule, end) => {
                let _ = ctl.send(Ctl::Fail(code, rule)).await;
                return end;
            }
            Step::End(end) => return end,
        }
        if st.count_reached(cfg) {
            st.ask_close(&ctl);
        }
        if gone {
            // Nobody reads our output any more (`| head -3`): close, and finish quickly and
            // quietly. The pipeline waits for us, so a peer that does not answer our Close gets
            // a short grace, not the whole close timeout.
            st.output_closed = true;
            st.ask_close(&ctl);
            let grace = Instant::now() + cfg.close_timeout.min(OUTPUT_CLOSED_GRACE);
            let d = *st
                .deadline
                .insert(st.deadline.map_or(grace, |d| d.min(grace)));
            if Instant::now() >= d {
                return ReadEnd::OutputClosed;
            }
        }
    }
}

impl ReadState {
    fn ask_close(&mut self, ctl: &mpsc::Sender<Ctl>) {
        if !self.asked_to_close {
            self.asked_to_close = true;
            let _ = ctl.try_send(Ctl::Close(1000, "local end"));
        }
    }

    fn deadline_passed(&self, cfg: &SessionConfig, shared: &Shared) -> ReadEnd {
        if self.output_closed {
            return ReadEnd::OutputClosed;
        }
        if let Some((code, reason)) = &self.peer_close {
            return ReadEnd::PeerClosed(*code, reason.clone());
        }
        if self.count_reached(cfg) {
            // All that was asked for arrived; a peer that never reads (a push-only handler)
            // does not make that a failure.
            shared.emit(Event::Warning(format!(
                "the server did not answer our Close within {} (--close-timeout); all {} messages arrived",
                crate::net::connect::secs(cfg.close_timeout),
                self.tally.received
            )));
            return ReadEnd::Finished;
        }
        ReadEnd::Failed(
            Error::new(
                Kind::Timeout,
                format!(
                    "the peer did not answer our Close within {}",
                    crate::net::connect::secs(cfg.close_timeout)
                ),
            )
            .with_hint("raise the limit with --close-timeout SECS"),
        )
    }
}

fn handle_item(
    item: Option<Result<Message, WsError>>,
    cfg: &SessionConfig,
    shared: &Shared,
    out: &mut Output,
    st: &mut ReadState,
) -> Step {
    match item {
        Some(Ok(m @ (Message::Text(_) | Message::Binary(_)))) => {
            return data_message(m, cfg, shared, out, st);
        }
        Some(Ok(Message::Ping(p))) => out.event(stamp(Event::Ping {
            dir: Dir::In,
            payload: p.to_vec(),
        })),
        Some(Ok(Message::Pong(p))) => {
            let rtt = shared.stats.pong_received(&p);
            out.event(stamp(Event::Pong {
                dir: Dir::In,
                payload: p.to_vec(),
                rtt,
            }));
        }
        Some(Ok(Message::Close(frame))) => {
            let (code, reason) = match &frame {
                Some(f) => (Some(u16::from(f.code)), f.reason.to_string()),
                None => (None, String::new()),
            };
            out.event(stamp(Event::Close {
                dir: Dir::In,
                code,
                reason: reason.clone(),
            }));
            // tungstenite replaces a code that may not be sent with 1002 before we see it (and
            // answers with 1002): the tap has the code as it was on the wire.
            let wire_code = shared.frames.last_close_code().or(code);
            if let Some(bad) = wire_code.filter(|c| !crate::wire::frame::close_code_sendable(*c)) {
                out.event(stamp(Event::Close {
                    dir: Dir::Out,
                    code: Some(1002),
                    reason: String::new(),
                }));
                let _ = out.flush();
                let rule = format!(
                    "it closed with code {bad}, which may not be sent on the wire (RFC 6455 §7.4.1)"
                );
                let err = Error::new(
                    Kind::Protocol,
                    format!("protocol error by the peer: {rule}; answered with 1002"),
                );
                // The writer gets tungstenite's queued 1002 reply out.
                return Step::Fail(1002, rule, ReadEnd::Failed(err));
            }
            if st.peer_close.is_none() && !st.asked_to_close && st.deadline.is_none() {
                // The peer started the close; tungstenite echoes its code.
                st.tally.peer_started_close = true;
                out.event(stamp(Event::Close {
                    dir: Dir::Out,
                    code,
                    reason: reason.clone(),
                }));
            }
            st.peer_close = Some((code, reason));
            // Keep reading (bounded) until the transport ends.
            st.deadline
                .get_or_insert(Instant::now() + cfg.close_timeout);
        }
        Some(Ok(Message::Frame(_))) => {}
        Some(Err(WsError::ConnectionClosed | WsError::AlreadyClosed)) | None => {
            let _ = out.flush();
            return Step::End(match st.peer_close.take() {
                Some((code, reason)) => ReadEnd::PeerClosed(code, reason),
                None => ReadEnd::Abnormal("the stream ended".into()),
            });
        }
        Some(Err(e)) => {
            let _ = out.flush();
            if let Some((code, reason)) = st.peer_close.take() {
                return Step::End(ReadEnd::PeerClosed(code, reason));
            }
            if let Some((close_code, rule, culprit)) = classify_read_error(&e) {
                out.event(stamp(Event::Close {
                    dir: Dir::Out,
                    code: Some(close_code),
                    reason: String::new(),
                }));
                let frame = shared
                    .frames
                    .offending(culprit)
                    .map(|h| {
                        format!(
                            "; offending frame: {} [{}]",
                            h.summary(),
                            crate::wire::frame::hex(h.raw())
                        )
                    })
                    .unwrap_or_default();
                let err = Error::new(
                    Kind::Protocol,
                    format!("protocol error by the peer: {rule}; closed with {close_code}{frame}"),
                );
                return Step::Fail(close_code, rule, ReadEnd::Failed(err));
            }
            return Step::End(match e {
                WsError::Protocol(ProtocolError::ResetWithoutClosingHandshake) => {
                    ReadEnd::Abnormal("the peer closed the TCP connection".into())
                }
                WsError::Io(io) => ReadEnd::Abnormal(io.to_string()),
                other => ReadEnd::Abnormal(other.to_string()),
            });
        }
    }
    Step::Continue
}

/// A received text or binary message: printed (and echoed with `--reflect`), unless `-n`
/// messages have already arrived.
fn data_message(
    m: Message,
    cfg: &SessionConfig,
    shared: &Shared,
    out: &mut Output,
    st: &mut ReadState,
) -> Step {
    if st.count_reached(cfg) {
        st.tally.dropped += 1;
        return Step::Continue;
    }
    let (kind, data) = match &m {
        Message::Text(t) => (DataKind::Text, t.as_ref()),
        Message::Binary(b) => (DataKind::Binary, b),
        _ => return Step::Continue,
    };
    if st.received(data.len()) && cfg.report_first_message {
        first_message(shared, out);
    }
    let _ = out.received(kind, data);
    if cfg.reflect {
        return Step::Reflect(m);
    }
    Step::Continue
}

async fn sleep_until_opt(at: Option<Instant>) {
    match at {
        Some(t) => tokio::time::sleep_until(t.into()).await,
        None => std::future::pending().await,
    }
}

fn stamp(event: Event) -> Stamped {
    Stamped {
        at: SystemTime::now(),
        event,
    }
}

struct Writer<S> {
    /// Set on Ctrl-C before anything else, so the exit status is 130 even when the close
    /// handshake that follows cannot finish.
    interrupted: Arc<AtomicBool>,
    sink: SplitSink<WebSocketStream<S>, Message>,
    cfg: SessionConfig,
    shared: Shared,
    closing: Arc<watch::Sender<Option<Instant>>>,
    close_sent: bool,
    ping_seq: u64,
    /// Sent but not yet published to the shared stats (published at each flush).
    unpublished: (u64, u64),
    /// `--init` messages, sent first on every connection.
    init: Vec<Message>,
    /// Sent next: what an earlier connection lost when it ended abnormally.
    first: Vec<Message>,
    /// With `--reconnect`: data sent on this connection, newest last, at most
    /// [`REPLAY_WINDOW`] bytes; resent on the next connection if this one ends abnormally.
    replay: VecDeque<Message>,
    replay_bytes: usize,
}

/// How much recently sent data `--reconnect` keeps for sending again.
pub const REPLAY_WINDOW: usize = 1 << 20;

/// The payload of a data message (empty for other kinds).
fn payload_of(m: &Message) -> &[u8] {
    match m {
        Message::Text(t) => t.as_bytes(),
        Message::Binary(b) => b,
        _ => &[],
    }
}

fn message_len(m: &Message) -> usize {
    payload_of(m).len()
}

/// What one step of input produced.
enum Next {
    Send(Message),
    Command(Command),
    End,
}

impl<S> Writer<S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    /// Runs until the session ends; hands back the input (what is left of it) and, with
    /// `--reconnect`, what must be sent again on the next connection.
    async fn run(
        mut self,
        mut input: Input,
        ctl: mpsc::Receiver<Ctl>,
        done: watch::Receiver<bool>,
    ) -> (WriteEnd, Input, Vec<Message>) {
        let end = self.run_with(&mut input, ctl, done).await;
        (end, input, self.replay.into_iter().collect())
    }

    async fn run_with(
        &mut self,
        input: &mut Input,
        mut ctl: mpsc::Receiver<Ctl>,
        mut done: watch::Receiver<bool>,
    ) -> WriteEnd {
        // --init messages first (never replayed), then what the last connection lost.
        for m in std::mem::take(&mut self.init) {
            if let Err(e) = self.sink.feed(m).await {
                return WriteEnd::Failed(send_error(e));
            }
        }
        for m in std::mem::take(&mut self.first) {
            if let Err(e) = self.send(m).await {
                return WriteEnd::Failed(e);
            }
        }
        if let Err(e) = self.flush().await {
            return WriteEnd::Failed(e);
        }
        let mut input_done = matches!(*input, Input::Nothing);
        // When the input ran out; from then on the end policy decides when to close.
        let mut input_end: Option<Instant> = input_done.then(Instant::now);
        let mut close_at: Option<Instant> = None;
        let mut ping_tick = self.cfg.ping_interval.map(|p| {
            let mut t = tokio::time::interval_at((Instant::now() + p).into(), p);
            t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            t
        });
        let mut ping_deadline: Option<Instant> = None;
        loop {
            if let (Some(ended), false) = (input_end, self.close_sent) {
                close_at = self
                    .cfg
                    .end
                    .close_at(ended, self.shared.stats.last_received());
                if close_at.is_some_and(|t| t <= Instant::now()) {
                    if let Err(e) = self.close(1000, "").await {
                        return WriteEnd::Failed(e);
                    }
                }
            }
            tokio::select! {
                biased;
                msg = ctl.recv() => match msg {
                    Some(Ctl::Reflect(m)) => {
                        if !self.close_sent {
                            if let Err(e) = self.send(m).await {
                                return WriteEnd::Failed(e);
                            }
                            let more = ctl.try_recv();
                            match more {
                                Ok(Ctl::Reflect(m)) => {
                                    if let Err(e) = self.send(m).await {
                                        return WriteEnd::Failed(e);
                                    }
                                }
                                Ok(Ctl::Interrupt) => {
                                    let _ = self.close(1000, "").await;
                                    return WriteEnd::Interrupted;
                                }
                                Ok(other) => {
                                    if self.handle_ctl(other).await {
                                        input_done = true;
                                    }
                                }
                                Err(_) => {}
                            }
                            if let Err(e) = self.flush().await {
                                return WriteEnd::Failed(e);
                            }
                        }
                    }
                    Some(Ctl::Interrupt) => {
                        let _ = self.close(1000, "").await;
                        return WriteEnd::Interrupted;
                    }
                    Some(other) => {
                        if self.handle_ctl(other).await {
                            input_done = true;
                        }
                    }
                    None => return WriteEnd::Done,
                },
                _ = done.changed() => return WriteEnd::Done,
                _ = sleep_until_opt(ping_deadline) => {
                    match self.shared.stats.oldest_unanswered_ping() {
                        Some(at) if at.elapsed() >= self.cfg.ping_timeout.unwrap_or_default() => {
                            let e = Error::new(Kind::Timeout, format!(
                                "no pong from the peer within {} (--ping-timeout)",
                                crate::net::connect::secs(self.cfg.ping_timeout.unwrap_or_default())));
                            let _ = self.close(1001, "").await;
                            return WriteEnd::Failed(e);
                        }
                        Some(at) => ping_deadline = Some(at + self.cfg.ping_timeout.unwrap_or_default()),
                        None => ping_deadline = None,
                    }
                }
                _ = tick_opt(&mut ping_tick) => {
                    if !self.close_sent {
                        self.ping_seq += 1;
                        let mut payload = crate::render::KEEPALIVE_PREFIX.to_vec();
                        payload.extend_from_slice(self.ping_seq.to_string().as_bytes());
                        self.shared.stats.ping_sent(&payload);
                        if let Err(e) = self.send(Message::Ping(Bytes::from(payload))).await.and(self.flush().await) {
                            return WriteEnd::Failed(e);
                        }
                        if let (Some(t), None) = (self.cfg.ping_timeout, ping_deadline) {
                            ping_deadline = self.shared.stats.oldest_unanswered_ping().map(|at| at + t);
                        }
                    }
                }
                // The loop's top asks the end policy again: a message may have restarted the
                // idle window meanwhile.
                _ = sleep_until_opt(close_at), if close_at.is_some() && !self.close_sent => {}
                next = next_input(input), if !input_done => {
                    match next {
                        Err(e) => {
                            let _ = self.close(1000, "").await;
                            return WriteEnd::Failed(e);
                        }
                        Ok(Next::End) => {
                            input_done = true;
                            if let Err(e) = self.flush().await {
                                return WriteEnd::Failed(e);
                            }
                            input_end = Some(Instant::now());
                        }
                        Ok(Next::Send(m)) => {
                            if let Err(e) = self.send(m).await {
                                return WriteEnd::Failed(e);
                            }
                            // Feed whatever else is already buffered, then flush once.
                            match self.feed_buffered(input).await {
                                Ok(()) => {}
                                Err(e) => {
                                    let _ = self.close(1000, "").await;
                                    return WriteEnd::Failed(e);
                                }
                            }
                            if let Err(e) = self.flush().await {
                                return WriteEnd::Failed(e);
                            }
                        }
                        Ok(Next::Command(c)) => {
                            match self.command(c).await {
                                Ok(true) => input_done = true,
                                Ok(false) => {}
                                Err(e) => return WriteEnd::Failed(e),
                            }
                        }
                    }
                }
            }
        }
    }

    /// Handles a reader request; returns true when input should stop.
    async fn handle_ctl(&mut self, c: Ctl) -> bool {
        match c {
            Ctl::Reflect(_) | Ctl::Interrupt => false,
            Ctl::Close(code, _why) => {
                if !self.close_sent {
                    let _ = self.close(code, "").await;
                }
                true
            }
            Ctl::Fail(code, _rule) => {
                if !self.close_sent {
                    self.close_sent = true;
                    // When the peer already closed, tungstenite refuses a new Close but has
                    // its own reply queued: the flush gets that out.
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
                true
            }
        }
    }

    /// The bytes of a `/binary` or `/frame` payload; reports an unreadable file (and sends
    /// nothing) with `None`.
    async fn read_source(&self, src: BinarySource) -> Option<Vec<u8>> {
        match src {
            BinarySource::Bytes(b) => Some(b),
            BinarySource::File(path) => match tokio::fs::read(&path).await {
                Ok(b) => Some(b),
                Err(e) => {
                    self.shared.emit(Event::Failure(Error::new(
                        Kind::Input,
                        format!("cannot read {}: {e}; nothing sent", path.display()),
                    )));
                    None
                }
            },
        }
    }

    /// Feeds `data` as one message in `parts` frames (first with `opcode`, then CONT),
    /// optionally with a ping between fragments.
    async fn feed_fragments(
        &mut self,
        data: &[u8],
        opcode: OpCode,
        parts: usize,
        ping_between: bool,
    ) -> Result<(), Error> {
        let parts = parts.max(1);
        let size = data.len().div_ceil(parts);
        for i in 0..parts {
            let start = (i * size).min(data.len());
            let end = ((i + 1) * size).min(data.len());
            let header = WireHeader {
                is_final: i + 1 == parts,
                opcode: if i == 0 {
                    opcode
                } else {
                    OpCode::Data(OpData::Continue)
                },
                ..WireHeader::default()
            };
            let frame = WireFrame::from_payload(header, Bytes::copy_from_slice(&data[start..end]));
            self.sink
                .feed(Message::Frame(frame))
                .await
                .map_err(send_error)?;
            if ping_between && i + 1 < parts {
                let payload = format!("between {} and {}", i + 1, i + 2).into_bytes();
                self.shared.stats.ping_sent(&payload);
                self.sink
                    .feed(Message::Ping(payload.into()))
                    .await
                    .map_err(send_error)?;
            }
        }
        Ok(())
    }

    async fn feed_buffered(&mut self, input: &mut Input) -> Result<(), Error> {
        if let Input::Pipe { lines, binary } = input {
            while let Some(line) = lines.buffered_line() {
                let msg = line_message(line, *binary, lines.next_line_no - 1)?;
                self.send(msg).await?;
            }
        }
        Ok(())
    }

    async fn send(&mut self, m: Message) -> Result<(), Error> {
        let len = message_len(&m);
        let data = matches!(m, Message::Text(_) | Message::Binary(_));
        if data && self.cfg.replay {
            self.remember(m.clone(), len);
        }
        if data && self.cfg.emit_outgoing {
            let kind = match m {
                Message::Text(_) => DataKind::Text,
                _ => DataKind::Binary,
            };
            self.shared.record(Event::Message {
                dir: Dir::Out,
                kind,
                data: payload_of(&m).to_vec(),
            });
        }
        if data && self.cfg.fragment > 1 {
            let (op, payload): (OpData, &[u8]) = match &m {
                Message::Text(t) => (OpData::Text, t.as_bytes()),
                Message::Binary(b) => (OpData::Binary, b),
                _ => (OpData::Binary, &[]),
            };
            self.feed_fragments(payload, OpCode::Data(op), self.cfg.fragment, false)
                .await?;
        } else {
            self.sink.feed(m).await.map_err(send_error)?;
        }
        if data {
            self.unpublished.0 += 1;
            self.unpublished.1 += len as u64;
        }
        Ok(())
    }

    /// Keeps a sent message until the connection ends: after an abnormal end it is resent
    /// (it may or may not have arrived). At most [`REPLAY_WINDOW`] bytes are kept.
    fn remember(&mut self, m: Message, len: usize) {
        self.replay.push_back(m);
        self.replay_bytes += len;
        while self.replay_bytes > REPLAY_WINDOW && self.replay.len() > 1 {
            if let Some(old) = self.replay.pop_front() {
                self.replay_bytes -= message_len(&old);
            }
        }
    }

    async fn flush(&mut self) -> Result<(), Error> {
        let (msgs, bytes) = std::mem::take(&mut self.unpublished);
        self.shared.stats.add_sent(msgs, bytes);
        self.sink.flush().await.map_err(send_error)?;
        self.shared.drain_frames(Upto::Sent);
        // Frame and event lines must not pile up without bound behind a slow stderr.
        self.shared.output_room().await;
        Ok(())
    }

    async fn close(&mut self, code: u16, reason: &str) -> Result<(), Error> {
        if self.close_sent {
            return Ok(());
        }
        self.close_sent = true;
        self.shared.emit(Event::Close {
            dir: Dir::Out,
            code: Some(code),
            reason: reason.to_string(),
        });
        self.closing
            .send_if_modified(|at| at.is_none() && at.replace(Instant::now()).is_none());
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: Utf8Bytes::from(reason.to_string()),
        };
        match self.sink.send(Message::Close(Some(frame))).await {
            Ok(()) | Err(WsError::ConnectionClosed | WsError::AlreadyClosed) => {}
            Err(WsError::Protocol(ProtocolError::SendAfterClosing)) => {}
            Err(e) => return Err(send_error(e)),
        }
        self.shared.drain_frames(Upto::Sent);
        Ok(())
    }

    /// Runs a REPL command; returns true when input should stop (we are closing).
    async fn command(&mut self, c: Command) -> Result<bool, Error> {
        if self.close_sent
            && matches!(
                c,
                Command::Text(_)
                    | Command::Binary(_)
                    | Command::Ping(_)
                    | Command::Pong(_)
                    | Command::Frag { .. }
                    | Command::Frame { .. }
                    | Command::Raw(_)
            )
        {
            self.shared.emit(Event::Warning(
                "the connection is closing; nothing sent".into(),
            ));
            return Ok(false);
        }
        match c {
            Command::Text(t) => {
                self.send(Message::Text(t.into())).await?;
                self.flush().await?;
            }
            Command::Binary(src) => {
                let Some(data) = self.read_source(src).await else {
                    return Ok(false);
                };
                self.send(Message::Binary(data.into())).await?;
                self.flush().await?;
            }
            Command::Ping(p) => {
                self.shared.stats.ping_sent(&p);
                self.shared.emit(Event::Ping {
                    dir: Dir::Out,
                    payload: p.clone(),
                });
                self.send(Message::Ping(p.into())).await?;
                self.flush().await?;
            }
            Command::Pong(p) => {
                self.shared.emit(Event::Pong {
                    dir: Dir::Out,
                    payload: p.clone(),
                    rtt: None,
                });
                self.send(Message::Pong(p.into())).await?;
                self.flush().await?;
            }
            Command::Close(c) => {
                let (code, reason) = c.unwrap_or((1000, String::new()));
                self.close(code, &reason).await?;
                return Ok(true);
            }
            Command::Quit => {
                self.close(1000, "").await?;
                return Ok(true);
            }
            Command::Interrupt => {
                self.interrupted.store(true, Ordering::Relaxed);
                self.close(1000, "").await?;
                return Err(Error::new(Kind::Interrupted, ""));
            }
            Command::Frames(on) => {
                self.shared.frames.set_enabled(on);
                self.shared.emit(Event::Info(format!(
                    "frame dump {}",
                    if on { "on" } else { "off" }
                )));
            }
            Command::Handshake => {
                let mut out = self.shared.out();
                for ev in self.shared.handshake.iter() {
                    out.event(ev.clone());
                }
            }
            Command::Status => {
                let s = self.shared.stats.snapshot();
                let state = if self.close_sent { "closing" } else { "open" };
                let rtt = s
                    .last_rtt
                    .map(ms)
                    .unwrap_or_else(|| "no ping answered yet".into());
                self.shared.emit(Event::Plain(format!(
                    "state {state}, up {}\nreceived {} messages, {} bytes\nsent     {} messages, {} bytes\nlast ping RTT {rtt}",
                    crate::net::connect::secs(s.uptime),
                    s.msgs_in,
                    s.bytes_in,
                    s.msgs_out,
                    s.bytes_out
                )));
            }
            Command::Help => self.shared.emit(Event::Plain(command::help_text())),
            Command::Frag {
                parts,
                text,
                ping_between,
            } => {
                self.feed_fragments(
                    text.as_bytes(),
                    OpCode::Data(OpData::Text),
                    parts,
                    ping_between,
                )
                .await?;
                self.unpublished.0 += 1;
                self.unpublished.1 += text.len() as u64;
                self.flush().await?;
            }
            Command::Frame {
                fin,
                rsv,
                opcode,
                payload,
            } => {
                let Some(payload) = self.read_source(payload).await else {
                    return Ok(false);
                };
                let header = WireHeader {
                    is_final: fin,
                    rsv1: rsv[0],
                    rsv2: rsv[1],
                    rsv3: rsv[2],
                    opcode: OpCode::from(opcode),
                    mask: None,
                };
                self.send(Message::Frame(WireFrame::from_payload(
                    header,
                    payload.into(),
                )))
                .await?;
                self.flush().await?;
            }
            Command::Raw(bytes) => {
                self.shared.frames.queue_raw(&bytes);
                self.flush().await?;
            }
        }
        Ok(false)
    }
}

async fn tick_opt(t: &mut Option<tokio::time::Interval>) {
    match t {
        Some(t) => {
            t.tick().await;
        }
        None => std::future::pending().await,
    }
}

fn send_error(e: WsError) -> Error {
    match e {
        WsError::ConnectionClosed | WsError::AlreadyClosed => {
            Error::new(Kind::Abnormal, "the connection is closed")
        }
        WsError::Io(io) => Error::new(Kind::Abnormal, format!("sending failed: {io}")),
        other => Error::new(Kind::Other, format!("sending failed: {other}")),
    }
}

/// Turns one stdin line into a message; text must be valid UTF-8.
fn line_message(line: Line, binary: bool, line_no: u64) -> Result<Message, Error> {
    if binary {
        return Ok(Message::Binary(line.into_bytes()));
    }
    match line.into_text() {
        Ok(t) => Ok(Message::Text(t)),
        Err(_) => Err(Error::new(
            Kind::Input,
            format!("stdin line {line_no} is not valid UTF-8; it was not sent (text messages must be UTF-8)"),
        )
        .with_hint("use -b/--binary to send each line as a binary message")),
    }
}

async fn next_input(input: &mut Input) -> Result<Next, Error> {
    match input {
        Input::Pipe { lines, binary } => match lines.next_line().await {
            Ok(Some(line)) => line_message(line, *binary, lines.next_line_no - 1).map(Next::Send),
            Ok(None) => Ok(Next::End),
            Err(e) => Err(Error::new(Kind::Input, format!("reading stdin: {e}"))),
        },
        Input::Messages(q) => Ok(match q.pop_front() {
            Some(m) => Next::Send(Message::Text(m.into())),
            None => Next::End,
        }),
        Input::Repl(rx) => Ok(match rx.recv().await {
            Some(c) => Next::Command(c),
            None => Next::End,
        }),
        Input::Nothing => Ok(Next::End),
    }
}
