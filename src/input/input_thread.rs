//! Standard input (or a program's output) read on a thread of its own, and cut into messages
//! there.
//!
//! The thread reads into the [`Cutter`]'s buffer (tokio's stdin reads into a buffer of its own,
//! growing to 2 MiB, all of it resident, and copies from there), cuts what it read into
//! messages, and hands them over in batches; the event loop only takes them. Cutting (finding
//! the separators, checking UTF-8, slicing) was a tenth of the event loop's work for short
//! lines; this way it is done beside it. The thread works one batch ahead: it cuts (and reads)
//! the next once the last has been taken, so memory stays bounded by about two chunks whatever
//! the input. It is started before we connect: the first input is usually
//! waiting when the session begins. A read that blocks forever (a terminal nobody types into)
//! only holds this thread; the process exits without waiting for it.

use crate::input::cutter::Cutter;
use crate::input::framing::{Line, Span};
use crate::input::json_stream::JsonSyntax;
use bytes::{BufMut, Bytes, BytesMut};
use std::io;
use std::os::fd::AsRawFd;
use std::sync::mpsc as std_mpsc;
use tokio::sync::mpsc;

/// The messages of one read, and the end of the input if it came with them.
pub(crate) struct Batch {
    /// The bytes the messages are cut from, split off the read buffer at once.
    data: Bytes,
    /// Where each message lies in `data`.
    spans: std::vec::IntoIter<Span>,
    pub(crate) end: Option<End>,
}

impl Batch {
    /// The next message of the batch.
    pub(crate) fn next_line(&mut self) -> Option<Line> {
        self.spans.next().map(|s| s.line(&self.data))
    }

    /// The next message's bytes, borrowed, and whether they are known to be UTF-8.
    pub(crate) fn next_bytes(&mut self) -> Option<(&[u8], bool)> {
        self.spans.next().map(|s| s.bytes(&self.data))
    }

    /// Whether messages are left in the batch.
    pub(crate) fn has_more(&self) -> bool {
        self.spans.len() > 0
    }

    /// A batch with no messages, before the first one comes.
    pub(crate) fn empty() -> Self {
        Batch {
            data: Bytes::new(),
            spans: Vec::new().into_iter(),
            end: None,
        }
    }
}

/// How the input ended, once the messages before it are handed out.
pub(crate) enum End {
    /// The end of the input (its last message, unterminated, was handed out).
    Eof,
    /// Reading failed; the partial message it cut off is dropped.
    Failed(io::Error),
    /// `--input json`: a syntax error; nothing after it is sent.
    BadJson(JsonSyntax),
    /// A message grew past the limit of this many bytes.
    TooLong(usize),
}

/// The reading thread, seen from the event loop.
pub(crate) struct InputThread {
    batches: mpsc::UnboundedReceiver<Batch>,
    /// One per batch taken: the thread may read the next chunk.
    taken: std_mpsc::Sender<()>,
}

impl InputThread {
    /// Starts reading `src` at once, cutting it with `cutter`.
    pub(crate) fn start<F: AsRawFd + Send + 'static>(src: F, cutter: Cutter) -> io::Result<Self> {
        let (taken, credits) = std_mpsc::channel::<()>();
        let (done, batches) = mpsc::unbounded_channel::<Batch>();
        std::thread::Builder::new()
            .name("wscope-stdin".into())
            .spawn(move || run(&src, cutter, &done, &credits))?;
        Ok(InputThread { batches, taken })
    }

    /// The next batch. Cancel-safe: a batch not taken stays for the next call. `None` when the
    /// thread is gone without saying how the input ended.
    pub(crate) async fn next(&mut self) -> Option<Batch> {
        let batch = self.batches.recv().await;
        self.took(batch)
    }

    /// The next batch if it is already here.
    pub(crate) fn try_next(&mut self) -> Option<Batch> {
        let batch = self.batches.try_recv().ok();
        self.took(batch)
    }

    fn took(&self, batch: Option<Batch>) -> Option<Batch> {
        if batch.as_ref().is_some_and(|b| b.end.is_none()) {
            // The thread only stops when we are gone, or at the end.
            let _ = self.taken.send(());
        }
        batch
    }
}

/// Messages handed over at a time, at most: a chunk of short lines goes over in several
/// batches, so the lines waiting to be sent take little memory beside the chunk they point into.
const BATCH: usize = 4096;

/// Reads and cuts until the input ends (or nobody takes the batches any more).
fn run(
    src: &impl AsRawFd,
    mut cutter: Cutter,
    done: &mpsc::UnboundedSender<Batch>,
    credits: &std_mpsc::Receiver<()>,
) {
    loop {
        let read = read_into(src, cutter.room());
        let eof = matches!(read, Ok(0));
        let mut failed = read.err();
        loop {
            let mut spans = Vec::new();
            let mut end = None;
            while spans.len() < BATCH {
                match cutter.cut(eof) {
                    Ok(Some(span)) => spans.push(span),
                    Ok(None) => {
                        end = input_end(eof, &mut failed, &cutter);
                        break;
                    }
                    Err(bad) => {
                        end = Some(End::BadJson(bad));
                        break;
                    }
                }
            }
            if spans.is_empty() && end.is_none() {
                // Nothing complete yet: read on.
                break;
            }
            let more = spans.len() == BATCH;
            let last = end.is_some();
            let batch = Batch {
                data: cutter.take(),
                spans: spans.into_iter(),
                end,
            };
            if done.send(batch).is_err() || last || credits.recv().is_err() {
                return;
            }
            if !more {
                break;
            }
        }
    }
}

/// How the input ended, if it did, once every complete message of it was cut.
fn input_end(eof: bool, failed: &mut Option<io::Error>, cutter: &Cutter) -> Option<End> {
    if eof {
        return Some(End::Eof);
    }
    if let Some(e) = failed.take() {
        return Some(End::Failed(e));
    }
    cutter.too_long().then(|| End::TooLong(cutter.max_line()))
}

/// One `read(2)` into the spare capacity of `buf`, retried on EINTR.
fn read_into(src: &impl AsRawFd, buf: &mut BytesMut) -> io::Result<usize> {
    let spare = buf.chunk_mut();
    loop {
        // SAFETY: `spare` is writable memory of `spare.len()` bytes owned by `buf`; read(2)
        // writes at most that many bytes into it and nothing else.
        let n = unsafe { libc::read(src.as_raw_fd(), spare.as_mut_ptr().cast(), spare.len()) };
        if n >= 0 {
            let n = n as usize;
            // SAFETY: read(2) initialised exactly `n` bytes of the spare capacity.
            unsafe { buf.advance_mut(n) };
            return Ok(n);
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::framing::Framing;
    use std::io::Write;

    #[tokio::test]
    async fn reads_a_file_to_its_end_in_batches_of_whole_lines() {
        let path = std::env::temp_dir().join(format!("wscope-input-{}", std::process::id()));
        let mut data = Vec::new();
        for i in 0..300_000u32 {
            data.extend_from_slice(format!("{}\n", i % 251).as_bytes());
        }
        std::fs::File::create(&path)
            .unwrap()
            .write_all(&data)
            .unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let cutter = Cutter::new(false, Framing::Lines, usize::MAX);
        let mut t = InputThread::start(file, cutter).unwrap();
        let mut got = Vec::new();
        let mut batches = 0;
        loop {
            let mut batch = t.next().await.expect("a batch");
            batches += 1;
            while let Some(l) = batch.next_line() {
                got.extend_from_slice(&l.into_bytes());
                got.push(b'\n');
            }
            if let Some(end) = batch.end {
                assert!(matches!(end, End::Eof));
                break;
            }
        }
        std::fs::remove_file(&path).unwrap();
        assert_eq!(got, data);
        assert!(
            batches > 1,
            "more than a chunk comes in more than one batch"
        );
    }

    #[test]
    fn a_read_error_is_reported_not_swallowed() {
        let dir = std::fs::File::open(std::env::temp_dir()).unwrap();
        let mut buf = BytesMut::with_capacity(16);
        let e = read_into(&dir, &mut buf).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EISDIR));
        assert!(buf.is_empty());
    }
}
