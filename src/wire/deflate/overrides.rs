//! Deliberate rule-breaking for testing servers: the next outgoing data message sent without
//! compression. Set from the session (a REPL command), read by the outgoing transformer when
//! the next data message starts.

use std::sync::atomic::{AtomicBool, Ordering};

/// Shared between the session (which arms an override) and the outgoing side (which takes it).
#[derive(Debug, Default)]
pub(crate) struct Overrides {
    next_uncompressed: AtomicBool,
}

impl Overrides {
    /// The next data message goes out uncompressed (RSV1 clear), whatever was agreed.
    pub(crate) fn send_next_uncompressed(&self) {
        self.next_uncompressed.store(true, Ordering::Relaxed);
    }

    pub(super) fn take_uncompressed(&self) -> bool {
        self.next_uncompressed.swap(false, Ordering::Relaxed)
    }
}
