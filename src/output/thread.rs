//! Writes stdout and stderr on a thread of their own.
//!
//! The event loop runs on a single thread (a current-thread runtime: no hand-offs between
//! workers, a faster start), so it must never sit in a `write` to a pipe whose reader is slow or
//! stopped: Ctrl-C, keepalive pings and the close deadlines would stall with it. Output is
//! handed over instead. What is handed over while the thread writes gathers into one next
//! batch, which the thread takes whole when it is done; producers that see that batch grow past
//! a limit wait ([`Waiter::room`]) before they take in more. That is the backpressure that keeps
//! memory flat when the peer sends faster than our reader reads. (A deeper queue measured no
//! faster and kept more large messages alive.)

use crate::sync::lock;
use bytes::Bytes;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use tokio::sync::Notify;

/// Emptied buffers kept for reuse.
const SPARES: usize = 1;

/// A piece of output: bytes we formatted or a received payload passed on without a copy, for
/// stdout; or diagnostics kept in their place among them (stdout and stderr on one terminal).
pub(crate) enum Piece {
    Owned(Vec<u8>),
    Shared(Bytes),
    Err(Vec<u8>),
}

impl Piece {
    fn bytes(&self) -> &[u8] {
        match self {
            Piece::Owned(v) | Piece::Err(v) => v,
            Piece::Shared(b) => b,
        }
    }
}

/// One hand-over: diagnostics first, then the pieces in order; and the recording (`--record`).
#[derive(Default)]
pub(crate) struct Batch {
    pub err: Vec<u8>,
    pub out: Vec<Piece>,
    pub rec: Vec<u8>,
}

impl Batch {
    fn len(&self) -> usize {
        self.err.len() + self.rec.len() + self.out.iter().map(|p| p.bytes().len()).sum::<usize>()
    }

    /// Adds a later batch: its diagnostics after ours, its data after ours.
    fn append(&mut self, later: Batch) {
        for (ours, theirs) in [(&mut self.err, later.err), (&mut self.rec, later.rec)] {
            if ours.is_empty() {
                *ours = theirs;
            } else {
                ours.extend_from_slice(&theirs);
            }
        }
        self.out.extend(later.out);
    }
}

/// Somewhere the thread writes.
pub(crate) type Sink = Box<dyn Write + Send>;

/// Where the thread writes: stdout, stderr, and the recording when there is one.
pub(crate) struct Sinks {
    pub out: Sink,
    pub err: Sink,
    pub record: Option<Sink>,
}

struct State {
    /// Handed over, not yet taken by the thread.
    next: Option<Batch>,
    /// Bytes in `next`.
    queued: usize,
    /// The thread is writing a batch.
    busy: bool,
    closed: bool,
    spare: Vec<Vec<u8>>,
}

impl State {
    fn idle(&self) -> bool {
        self.next.is_none() && !self.busy
    }
}

struct Inner {
    state: Mutex<State>,
    /// The thread waits here for work.
    work: Condvar,
    /// Signalled when the thread takes a batch and when it has written it.
    progress: Condvar,
    /// The same, for async waiters.
    progress_async: Notify,
    stdout_gone: AtomicBool,
}

/// The producer's side. Started on the first batch, so a run that prints nothing never
/// creates the thread.
pub(crate) struct OutputThread {
    inner: Arc<Inner>,
    thread: Thread,
}

enum Thread {
    NotStarted(Sinks),
    Running,
    /// The system would not give us a thread: write on the caller's, as a plain program would.
    Inline(Sinks),
}

impl OutputThread {
    /// Writes to the given streams (tests use buffers).
    pub(crate) fn with_sinks(out: Sink, err: Sink) -> Self {
        Self::with(Sinks {
            out,
            err,
            record: None,
        })
    }

    /// Writes to the given sinks.
    pub(crate) fn with(sinks: Sinks) -> Self {
        OutputThread {
            inner: Arc::new(Inner {
                state: Mutex::new(State {
                    next: None,
                    queued: 0,
                    busy: false,
                    closed: false,
                    spare: Vec::new(),
                }),
                work: Condvar::new(),
                progress: Condvar::new(),
                progress_async: Notify::new(),
                stdout_gone: AtomicBool::new(false),
            }),
            thread: Thread::NotStarted(sinks),
        }
    }

    /// Whether a write to stdout has failed (its reader went away); stdout is dropped since.
    pub(crate) fn stdout_gone(&self) -> bool {
        self.inner.stdout_gone.load(Ordering::Relaxed)
    }

    /// Bytes handed over that the thread has not taken yet.
    pub(crate) fn queued(&self) -> usize {
        lock(&self.inner.state).queued
    }

    /// Hands a batch over; it is written after everything handed over before it.
    pub(crate) fn push(&mut self, batch: Batch) {
        if let Thread::NotStarted(..) = self.thread {
            self.start();
        }
        if let Thread::Inline(sinks) = &mut self.thread {
            write_batch(batch, sinks, &self.inner.stdout_gone);
            return;
        }
        let mut st = lock(&self.inner.state);
        st.queued += batch.len();
        match &mut st.next {
            Some(next) => next.append(batch),
            None => st.next = Some(batch),
        }
        drop(st);
        self.inner.work.notify_one();
    }

    fn start(&mut self) {
        let Thread::NotStarted(sinks) = std::mem::replace(&mut self.thread, Thread::Running) else {
            return;
        };
        // The sinks travel through a slot so they are not lost if the spawn fails.
        let slot = Arc::new(Mutex::new(Some(sinks)));
        let inner = self.inner.clone();
        let theirs = slot.clone();
        let spawned = std::thread::Builder::new()
            .name("wscope-output".into())
            .spawn(move || {
                if let Some(sinks) = lock(&theirs).take() {
                    run(inner, sinks);
                }
            });
        if spawned.is_err() {
            if let Some(sinks) = lock(&slot).take() {
                self.thread = Thread::Inline(sinks);
            }
        }
    }

    /// An emptied buffer to reuse, if one came back.
    pub(crate) fn spare(&mut self) -> Option<Vec<u8>> {
        lock(&self.inner.state).spare.pop()
    }

    /// A handle to wait on without holding whatever owns this.
    pub(crate) fn waiter(&self) -> Waiter {
        Waiter(self.inner.clone())
    }
}

impl Drop for OutputThread {
    fn drop(&mut self) {
        lock(&self.inner.state).closed = true;
        self.inner.work.notify_one();
    }
}

/// Waits for the output thread to make progress.
#[derive(Clone)]
pub(crate) struct Waiter(Arc<Inner>);

impl Waiter {
    /// Until fewer than `limit` bytes wait for the thread.
    pub(crate) async fn room(&self, limit: usize) {
        self.until(|st| st.queued < limit).await
    }

    /// Until everything handed over has been written.
    pub(crate) async fn idle(&self) {
        self.until(State::idle).await
    }

    /// Until everything handed over has been written, blocking the calling thread. Only for
    /// the moment the REPL takes over the terminal, so its lines come after these.
    pub(crate) fn idle_blocking(&self) {
        let mut st = lock(&self.0.state);
        while !st.idle() {
            st = wait(&self.0.progress, st);
        }
    }

    async fn until(&self, ready: impl Fn(&State) -> bool) {
        loop {
            let notified = self.0.progress_async.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if ready(&lock(&self.0.state)) {
                return;
            }
            notified.await;
        }
    }
}

fn wait<'a>(cv: &Condvar, guard: MutexGuard<'a, State>) -> MutexGuard<'a, State> {
    match cv.wait(guard) {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

fn run(inner: Arc<Inner>, mut sinks: Sinks) {
    loop {
        let batch = {
            let mut st = lock(&inner.state);
            loop {
                if let Some(b) = st.next.take() {
                    st.queued = 0;
                    st.busy = true;
                    break b;
                }
                if st.closed {
                    return;
                }
                st = wait(&inner.work, st);
            }
        };
        inner.progress_async.notify_waiters();
        let emptied = write_batch(batch, &mut sinks, &inner.stdout_gone);
        {
            let mut st = lock(&inner.state);
            st.busy = false;
            for buf in emptied {
                if st.spare.len() < SPARES {
                    st.spare.push(buf);
                }
            }
        }
        inner.progress.notify_all();
        inner.progress_async.notify_waiters();
    }
}

/// Writes one batch; returns its owned buffers, emptied. A failed stderr is ignored (it must
/// not end the session); a failed stdout marks it gone and later data is dropped.
fn write_batch(batch: Batch, sinks: &mut Sinks, stdout_gone: &AtomicBool) -> Vec<Vec<u8>> {
    let (out, err) = (&mut sinks.out, &mut sinks.err);
    if let (Some(rec), false) = (&mut sinks.record, batch.rec.is_empty()) {
        let _ = rec.write_all(&batch.rec).and_then(|_| rec.flush());
    }
    let mut emptied = Vec::with_capacity(batch.out.len() + 1);
    if !batch.err.is_empty() {
        let _ = err.write_all(&batch.err).and_then(|_| err.flush());
    }
    // Consecutive stdout pieces are written, then flushed together.
    let mut unflushed = false;
    for piece in &batch.out {
        match piece {
            Piece::Err(text) => {
                if unflushed && out.flush().is_err() {
                    stdout_gone.store(true, Ordering::Relaxed);
                }
                unflushed = false;
                let _ = err.write_all(text).and_then(|_| err.flush());
            }
            _ if stdout_gone.load(Ordering::Relaxed) => {}
            data => {
                if out.write_all(data.bytes()).is_err() {
                    stdout_gone.store(true, Ordering::Relaxed);
                } else {
                    unflushed = true;
                }
            }
        }
    }
    if unflushed && out.flush().is_err() {
        stdout_gone.store(true, Ordering::Relaxed);
    }
    let owned = batch.out.into_iter().filter_map(|p| match p {
        Piece::Owned(v) => Some(v),
        Piece::Shared(_) | Piece::Err(_) => None,
    });
    for mut buf in std::iter::once(batch.err).chain(owned) {
        if buf.capacity() > 0 {
            buf.clear();
            emptied.push(buf);
        }
    }
    emptied
}

#[cfg(test)]
mod tests;
