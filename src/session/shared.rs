//! What the reader, the writer and the REPL share: the output, the counters, the frame log and
//! the handshake (for `/handshake`), with the few operations all of them need.

use crate::event::{Event, Stamped};
use crate::output::Output;
use crate::stats::Stats;
use crate::wire::tap::{FrameLog, RawQueue, Upto};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

/// What the session shares with the renderer and the REPL.
#[derive(Clone)]
pub struct Shared {
    pub out: Arc<Mutex<Output>>,
    pub stats: Arc<Stats>,
    pub frames: Arc<FrameLog>,
    /// Bytes `/raw` puts on the wire outside any frame.
    pub raw: Arc<RawQueue>,
    /// The handshake events, for `/handshake`.
    pub handshake: Arc<Vec<Stamped>>,
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
        for f in self.frames.drain(upto) {
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
