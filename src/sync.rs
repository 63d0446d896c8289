//! A mutex lock that survives poisoning: a panic elsewhere must not take the output, the
//! counters or the frame log down with it (wscope does not panic by design, but a lock is
//! no place to turn one bug into two).

use std::sync::{Mutex, MutexGuard};

/// Locks `m`, taking the data even if a thread panicked while holding it.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}
