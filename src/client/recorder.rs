//! The events of establishing a connection (connect, tunnel, TLS, request, response), shown as
//! they happen and kept for `/handshake`.

use crate::event::{Event, Stamped};
use crate::output::Output;
use crate::sync::lock;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// Records and shows handshake events as they happen.
pub(super) struct Recorder {
    pub out: Arc<Mutex<Output>>,
    /// What this connection's handshake showed so far.
    pub events: Vec<Stamped>,
}

impl Recorder {
    pub(super) fn new(out: Arc<Mutex<Output>>) -> Self {
        Recorder {
            out,
            events: Vec::new(),
        }
    }

    /// Shows `event` now and keeps it.
    pub(super) fn emit(&mut self, event: Event) {
        let ev = Stamped {
            at: SystemTime::now(),
            event,
        };
        self.events.push(ev.clone());
        let mut out = lock(&self.out);
        out.event(ev);
        out.flush_stderr();
    }
}
