//! Deliberate rule-breaking for testing servers: the next outgoing data message sent without
//! compression, or compressed with a larger window than agreed. Set from the session (a REPL
//! command), read by the outgoing transformer when the next data message starts.

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

/// Shared between the session (which arms an override) and the outgoing side (which takes it).
#[derive(Debug, Default)]
pub struct Overrides {
    next_uncompressed: AtomicBool,
    /// 0 when not armed.
    next_window_bits: AtomicU8,
}

impl Overrides {
    /// The next data message goes out uncompressed (RSV1 clear), whatever was agreed.
    pub fn send_next_uncompressed(&self) {
        self.next_uncompressed.store(true, Ordering::Relaxed);
    }

    /// The next compressed data message uses a `bits`-bit window (clamped to 8..=15), even one
    /// larger than the peer allowed; the compression context is reset around it.
    pub fn compress_next_with_window_bits(&self, bits: u8) {
        self.next_window_bits
            .store(bits.clamp(8, 15), Ordering::Relaxed);
    }

    pub(super) fn take_uncompressed(&self) -> bool {
        self.next_uncompressed.swap(false, Ordering::Relaxed)
    }

    pub(super) fn take_window_bits(&self) -> Option<u8> {
        match self.next_window_bits.swap(0, Ordering::Relaxed) {
            0 => None,
            n => Some(n),
        }
    }
}
