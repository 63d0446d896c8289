//! What the reader, the writer and the REPL share: the output, the counters, the frame log and
//! the handshake (for `/handshake`), with the few operations all of them need.

use crate::event::{Event, Stamped};
use crate::output::Output;
use crate::stats::Stats;
use crate::wire::deflate::{
    Agreed, DeflateStats, Direction, LOG_CAPACITY, MessageRecord, Overrides,
};
use crate::wire::tap::{Dir, FrameLog, RawQueue, TappedFrame, Upto};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

/// What the session shares with the renderer and the REPL.
#[derive(Clone)]
pub(crate) struct Shared {
    pub out: Arc<Mutex<Output>>,
    pub stats: Arc<Stats>,
    pub frames: Arc<FrameLog>,
    /// Bytes `/raw` puts on the wire outside any frame.
    pub raw: Arc<RawQueue>,
    /// permessage-deflate, when it was agreed.
    pub compression: Option<Arc<Compression>>,
    /// The handshake events, for `/handshake`.
    pub handshake: Arc<Vec<Stamped>>,
    /// The subprotocol the server selected (an application protocol may depend on it).
    pub subprotocol: Option<String>,
    /// The subprotocols offered (without `--proto`, a close code of a protocol wscope speaks
    /// after an offer of its subprotocols names the protocol).
    pub offered: Vec<String>,
}

/// What the session sees of permessage-deflate: the layer's counters and per-message records,
/// and the handle for breaking the rules on purpose.
pub(crate) struct Compression {
    pub agreed: Agreed,
    pub stats: Arc<DeflateStats>,
    pub overrides: Arc<Overrides>,
    /// Records not yet matched with the frame that ends their message.
    matcher: Mutex<RecordMatcher>,
}

impl Compression {
    pub(crate) fn new(agreed: Agreed, stats: Arc<DeflateStats>, overrides: Arc<Overrides>) -> Self {
        Compression {
            agreed,
            stats,
            overrides,
            matcher: Mutex::new(RecordMatcher::default()),
        }
    }

    /// Keeps the per-message records while frames are shown (`-x`), to say what each
    /// compressed message inflated to.
    pub(crate) fn follow_messages(&self, on: bool) {
        self.stats.set_log(on);
    }

    /// For a frame that ends a compressed message, the message's size once inflated.
    fn inflated(&self, frame: &TappedFrame) -> Option<u64> {
        crate::sync::lock(&self.matcher).inflated(&self.stats, frame)
    }
}

/// Pairs the layer's message records with the frames the tap saw: by direction, in order, and
/// by the message's payload bytes on the wire (so a record missed while frames were not shown
/// cannot be paired with the wrong message).
#[derive(Default)]
struct RecordMatcher {
    pending: [VecDeque<MessageRecord>; 2],
    wire_so_far: [u64; 2],
}

impl RecordMatcher {
    fn inflated(&mut self, stats: &DeflateStats, frame: &TappedFrame) -> Option<u64> {
        let h = &frame.record.header;
        if h.is_control() {
            return None;
        }
        let i = usize::from(frame.dir == Dir::Out);
        self.wire_so_far[i] += h.payload_len;
        if !h.fin {
            return None;
        }
        let wire = std::mem::take(&mut self.wire_so_far[i]);
        for r in stats.drain() {
            let q = &mut self.pending[usize::from(r.dir == Direction::Out)];
            if q.len() == LOG_CAPACITY {
                q.pop_front();
            }
            q.push_back(r);
        }
        while let Some(r) = self.pending[i].pop_front() {
            if r.wire_bytes == wire {
                return r.message_bytes.filter(|_| r.compressed);
            }
        }
        None
    }
}

/// An event, happening now.
pub(super) fn stamp(event: Event) -> Stamped {
    Stamped {
        at: SystemTime::now(),
        event,
    }
}

impl Shared {
    pub(super) fn out(&self) -> MutexGuard<'_, Output> {
        crate::sync::lock(&self.out)
    }

    /// Shows an event from the writer side right away (the reader may be idle, so nothing
    /// else would flush it).
    pub(super) fn emit(&self, event: Event) {
        let mut out = self.out();
        self.drain_frames_into(&mut out, Upto::Sent);
        out.event(stamp(event));
        out.flush_stderr();
    }

    /// Puts an event in line for output; the writer's next flush hands it over.
    pub(super) fn record(&self, event: Event) {
        let mut out = self.out();
        self.drain_frames_into(&mut out, Upto::Sent);
        out.event(stamp(event));
    }

    /// Moves recorded frames into the output, as far as `upto` says. Called once per received
    /// message: only the check is inline.
    #[inline]
    pub(super) fn drain_frames_into(&self, out: &mut Output, upto: Upto) {
        if self.frames.enabled() {
            self.move_frames_into(out, upto);
        }
    }

    fn move_frames_into(&self, out: &mut Output, upto: Upto) {
        for mut f in self.frames.drain(upto) {
            if let Some(c) = &self.compression {
                f.inflated = c.inflated(&f);
            }
            out.event(Stamped {
                at: f.at,
                event: Event::Frame(f),
            });
        }
    }

    /// Shows recorded frames now, as far as `upto` says.
    pub(super) fn drain_frames(&self, upto: Upto) {
        if self.frames.enabled() {
            let mut out = self.out();
            self.drain_frames_into(&mut out, upto);
            out.flush_stderr();
        }
    }

    /// Waits while our output is backed up behind a slow reader of stdout or stderr.
    pub(super) async fn output_room(&self) {
        loop {
            let waiter = {
                let mut out = self.out();
                let _ = out.flush();
                if !out.backlogged() {
                    return;
                }
                out.waiter()
            };
            crate::output::wait_room(&waiter).await;
        }
    }
}
