//! One client run, start to end: connect, upgrade, then the session in REPL or pipe mode, and
//! again after an abnormal end with `--reconnect`.
//!
//! This is where the pieces meet: [`crate::open`] opens the stream and upgrades it (its bytes
//! shown verbatim, redirects followed), the tap goes on the plaintext stream, and the session
//! runs until the close. [`inputs`] makes the session's input once per run (with
//! `--coproc`, [`coproc`] runs the program in place of stdin and stdout); [`backoff`] decides
//! whether and when to connect again.

pub(crate) mod backoff;
mod coproc;
mod inputs;
mod protocol;
mod recorder;
mod settings;

pub(crate) use settings::{Config, FrameDump, InitMessages, InputSource, Mode, Reconnect};

use crate::error::{Error, Kind};
use crate::event::{self, Event, Traffic, Warning};
use crate::net::connect::Stream;
use crate::open::{self, Upgraded};
use crate::output::thread::{OutputThread, Sink, Sinks};
use crate::output::{Observer, Output};
use crate::session::{self, Carry, Compression, Shared};
use crate::stats::{Snapshot, Stats};
use crate::wire::deflate::{Agreed, MaybeDeflate};
use crate::wire::stack::{self, Stack};
use crate::wire::tap::{FrameLog, RawQueue, Tap};
use backoff::Backoff;
use coproc::Bridge;
use recorder::Recorder;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::Role;

/// Runs the client; the error, if any, decides the exit status.
pub(crate) async fn run(cfg: Config) -> Result<(), Error> {
    run_observed(cfg, None).await
}

/// Runs the client, also telling `observer` of every connection opened and message received
/// (`wscope replay --expect` compares them with the recording).
pub(crate) async fn run_observed(
    cfg: Config,
    observer: Option<Box<dyn Observer>>,
) -> Result<(), Error> {
    let mut bridge = Bridge::for_config(&cfg);
    // With --coproc, what would go to stdout goes to the program's stdin.
    let stdout: Sink = match &bridge {
        Some(b) => b.stdin_sink(),
        None => crate::output::thread::stdout_sink(),
    };
    let out = Arc::new(Mutex::new(output_for(&cfg, stdout, observer)?));
    let mut rec = Recorder::new(out.clone());
    let mut totals = Totals::default();
    let mut result = connect_and_run(&cfg, &mut rec, bridge.as_mut(), &mut totals).await;
    // A program's output was handed to it (or dropped) before it was finished: what is left
    // is diagnostics, and nothing it holds may keep us here.
    let bounded = bridge.is_some();
    if let Some(b) = bridge {
        result = b.finish(&out, result).await;
    }
    // Everything received is written before we exit, however slow the reader. After Ctrl-C
    // the wait is bounded: a reader that has stopped must not keep us from quitting.
    let interrupted = matches!(&result, Err(e) if e.kind == Kind::Interrupted);
    let limit = (interrupted || bounded).then_some(cfg.session.close_timeout);
    let observer = crate::sync::lock(&out).take_observer();
    if let Some(o) = observer {
        // The verdict comes after what the session showed; how the session ended comes first.
        drain(&out, limit).await;
        result = result.and(o.verdict());
    }
    let end = Event::End(event::End {
        failure: result.as_ref().err().map(|e| e.kind),
        first_close: crate::sync::lock(&out).first_close(),
        received: totals.received,
        sent: totals.sent,
    });
    let last = result.as_ref().err().map(|e| Event::Failure(e.clone()));
    for event in last.into_iter().chain([end]) {
        if cfg.style.jsonl {
            rec.emit(event);
        } else {
            // main prints the error; the recording still ends with it, and with the end.
            crate::sync::lock(&out).record_only(&event::Stamped {
                at: SystemTime::now(),
                event,
            });
        }
    }
    drain(&out, limit).await;
    result
}

/// Waits until everything handed to the output is written, at most `limit` when there is one.
async fn drain(out: &Mutex<crate::output::Output>, limit: Option<Duration>) {
    let drained = crate::output::drain(out);
    match limit {
        Some(limit) => {
            let _ = tokio::time::timeout(limit, drained).await;
        }
        None => drained.await,
    }
}

/// Data messages each way over every connection of a run, for its last event.
#[derive(Default)]
struct Totals {
    received: Traffic,
    sent: Traffic,
}

impl Totals {
    fn add(&mut self, s: Snapshot) {
        self.received.messages += s.msgs_in;
        self.received.bytes += s.bytes_in;
        self.sent.messages += s.msgs_out;
        self.sent.bytes += s.bytes_out;
    }
}

/// Stdout (or the `--coproc` program's stdin) and stderr, and the `--record` file when asked
/// for (created, or emptied, now); the observer, when there is one.
fn output_for(
    cfg: &Config,
    stdout: Sink,
    observer: Option<Box<dyn Observer>>,
) -> Result<Output, Error> {
    let record: Option<Sink> = match &cfg.record {
        Some(path) => Some(Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).map_err(|e| {
                Error::new(
                    Kind::Other,
                    format!("cannot write the recording {}: {e}", path.display()),
                )
            })?,
        ))),
        None => None,
    };
    let recording = record.is_some();
    let sinks = Sinks {
        out: stdout,
        err: Box::new(std::io::stderr()),
        record,
    };
    let mut output = Output::with_thread(
        cfg.style.clone(),
        cfg.display.clone(),
        OutputThread::with(sinks),
    );
    if recording {
        output = output.recording();
    }
    if let Some(o) = observer {
        output = output.observed_by(o);
    }
    Ok(output)
}

async fn connect_and_run(
    cfg: &Config,
    rec: &mut Recorder,
    mut bridge: Option<&mut Bridge>,
    totals: &mut Totals,
) -> Result<(), Error> {
    let started = Instant::now();
    if cfg.connect.tls.insecure {
        rec.emit(Event::Warning(Warning::Insecure));
    }
    let init = inputs::init_messages(&cfg.init)?;
    // Pipe input is read while we connect: the first lines are usually waiting by the time
    // the session starts.
    let mut scripted = inputs::scripted(&cfg.input)?;
    let mut again = Reconnector::new(cfg.reconnect);
    let mut carry: Option<Carry> = None;
    // The subprotocols offered change once when the application protocol asks for another
    // offer (see `second_offer`).
    let mut connect = cfg.connect.clone();
    // Ctrl-C while connecting (name lookup, TCP, proxy, TLS, the upgrade, redirects) or
    // waiting to connect again stops there; the session watches it itself.
    let ctrl_c = crate::interrupt::global();
    loop {
        let mut emit = |e| rec.emit(e);
        let establish = open::establish(&connect, &cfg.target, &mut emit);
        let (target, up) = match ctrl_c.or_interrupted(establish).await {
            Ok(x) => x,
            Err(e) if again.after_failed_connect(&e) => {
                ctrl_c.or_interrupted(again.wait(rec, &e)).await?;
                continue;
            }
            Err(e) => return Err(refused_protocol(cfg, e)),
        };
        let connected_at = Instant::now();
        let timings = up.timings;
        let (ws, shared) = open_session(cfg, *up, &connect.request.subprotocols, rec).await;
        let (input, resend) = match carry.take() {
            Some(c) => (c.input, c.resend),
            None => match (scripted.take(), bridge.as_deref_mut()) {
                (Some(input), _) => (input, Vec::new()),
                (None, Some(program)) => (program.start()?, Vec::new()),
                (None, None) => (inputs::repl(cfg, &target, &shared.out)?, Vec::new()),
            },
        };
        let stats = shared.stats.clone();
        let selected = shared.subprotocol.clone();
        let session_cfg = cfg.session.clone();
        let (result, next) =
            session::run(ws, input, init.clone(), resend, session_cfg, shared).await;
        totals.add(stats.snapshot());
        if let (Err(e), Some(_)) = (&result, &next) {
            if let Some(offer) =
                protocol::second_offer(cfg, &connect, e, selected.as_deref(), &stats)
            {
                rec.emit(protocol::offering_again(cfg, e, selected.as_deref(), offer));
                connect.request.subprotocols = offer.iter().map(ToString::to_string).collect();
                carry = next;
                continue;
            }
        }
        match result {
            Err(e) if again.after_session(&e, connected_at, next.is_some()) => {
                carry = next;
                ctrl_c.or_interrupted(again.wait(rec, &e)).await?;
            }
            other => {
                if cfg.timing {
                    rec.emit(Event::Timing(event::TimingSummary {
                        timings,
                        first_message: stats.first_message_after(),
                        total: started.elapsed(),
                    }));
                }
                return other;
            }
        }
    }
}

/// A refused upgrade under `--proto`: the URL the protocol derived is the likely culprit.
fn refused_protocol(cfg: &Config, e: Error) -> Error {
    match &cfg.session.proto {
        Some(p) if e.kind == Kind::Rejected => e.with_hint(p.settings.rejection_hint()),
        _ => e,
    }
}

/// The byte stream tungstenite runs on: the tap on the plaintext side of TLS, then
/// permessage-deflate when it was agreed.
type Wire = MaybeDeflate<Tap<Stream>>;

/// Shows the accepted upgrade, stacks the tap (and compression) on the stream and hands it to
/// tungstenite.
async fn open_session(
    cfg: &Config,
    up: Upgraded,
    offered: &[String],
    rec: &mut Recorder,
) -> (WebSocketStream<Wire>, Shared) {
    let Upgraded {
        stream,
        answer,
        negotiated,
        timings,
        declined,
    } = up;
    rec.emit(Event::Response(event::Response {
        head: answer.raw_head.clone(),
        body: None,
        body_truncated: false,
        timings,
    }));
    let deflate = negotiated.deflate;
    let subprotocol = negotiated.protocol.clone();
    let proto = cfg.session.proto.as_ref().map(|p| event::ProtoSession {
        name: p.settings.kind().name(),
        url: p.url.clone(),
    });
    let guess = match (&proto, subprotocol.as_deref()) {
        (None, Some(name)) => session::guessed_from_subprotocol(name),
        _ => None,
    };
    rec.emit(Event::Upgraded { negotiated, proto });
    for w in declined {
        rec.emit(Event::Warning(w));
    }
    if let Some(w) = guess {
        rec.emit(Event::Warning(w));
    }
    // Incoming headers are always followed (diagnostics name the offending frame); outgoing
    // ones only where the dump can be shown.
    let frames = FrameLog::new(cfg.frames.enabled());
    let outgoing = cfg.frames != FrameDump::Off || cfg.mode() == Mode::Repl;
    let raw = Arc::new(RawQueue::default());
    let capture = cfg.frames.capture();
    let mut tap = Tap::inspecting(stream, frames.clone(), raw.clone(), capture, outgoing);
    tap.already_received(&answer.rest);
    let stack = Stack {
        role: Role::Client,
        max_message: cfg.connect.max_message_size,
        deflate: deflate.map(|agreed| compress_with(cfg, agreed, rec)),
    };
    let (ws, handles) = stack::websocket(tap, answer.rest, stack).await;
    let compression = deflate.zip(handles).map(|(in_force, h)| {
        let compression = Compression::new(in_force, h.stats, h.overrides);
        compression.follow_messages(cfg.frames.enabled());
        Arc::new(compression)
    });
    let shared = Shared {
        out: rec.out.clone(),
        stats: Arc::new(Stats::default()),
        frames,
        raw,
        compression,
        handshake: Arc::new(std::mem::take(&mut rec.events)),
        subprotocol,
        offered: offered.to_vec(),
    };
    (ws, shared)
}

/// The parameters to compress with: those agreed or, to test a server, a window of
/// `--deflate-window-bits` whatever was agreed (said when it breaks the agreement).
fn compress_with(cfg: &Config, mut agreed: Agreed, rec: &mut Recorder) -> Agreed {
    if let Some(bits) = cfg.connect.deflate_window_bits {
        if bits > agreed.client_max_window_bits {
            rec.emit(Event::Warning(Warning::WindowBits {
                bits,
                agreed: agreed.client_max_window_bits,
            }));
        }
        agreed.client_max_window_bits = bits;
    }
    agreed
}

/// The `--reconnect` decisions of one run: whether to try again, and the wait before.
struct Reconnector {
    policy: Reconnect,
    backoff: Backoff,
}

impl Reconnector {
    fn new(policy: Reconnect) -> Self {
        let seed = SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1)
            ^ u64::from(std::process::id());
        Reconnector {
            policy,
            backoff: Backoff::new(seed),
        }
    }

    fn max(&self) -> Option<Option<u32>> {
        match self.policy {
            Reconnect::Off => None,
            Reconnect::On { max } => Some(max),
        }
    }

    /// Connecting failed: try again?
    fn after_failed_connect(&self, e: &Error) -> bool {
        self.max()
            .is_some_and(|max| backoff::worth_reconnecting(e) && self.backoff.allows(max))
    }

    /// A session ended with `e`: try again? (Only after an abnormal end, when the writer handed
    /// back its input; a connection that stayed up starts the count again.)
    fn after_session(&mut self, e: &Error, connected_at: Instant, carried: bool) -> bool {
        let Some(max) = self.max() else {
            return false;
        };
        let stable = connected_at.elapsed() >= backoff::STABLE;
        let again = e.kind == Kind::Abnormal && carried && (self.backoff.allows(max) || stable);
        if again && stable {
            self.backoff.reset();
        }
        again
    }

    /// Reports the failure and the coming attempt, then waits the backoff delay.
    async fn wait(&mut self, rec: &mut Recorder, why: &Error) -> Result<(), Error> {
        let delay = self.backoff.next_delay();
        rec.emit(Event::Reconnect(event::Reconnecting {
            attempt: self.backoff.attempts,
            max: self.max().flatten(),
            delay,
            reason: why.message.clone(),
        }));
        tokio::time::sleep(delay).await;
        Ok(())
    }
}
