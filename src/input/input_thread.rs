//! Standard input read on a thread of its own, straight into the line buffer.
//!
//! tokio's stdin reads into a buffer of its own (growing to 2 MiB, all of it resident) and
//! copies from there, and it starts only when first polled, after the handshake. This thread
//! reads into the buffer it is handed, so input is never copied and nothing else grows, and it
//! is started before we connect: the first input is usually waiting when the session begins.
//! A read that blocks forever (a terminal nobody types into) only holds this thread; the
//! process exits without waiting for it.

use bytes::{BufMut, BytesMut};
use std::io;
use std::os::fd::AsRawFd;
use std::sync::mpsc as std_mpsc;
use tokio::sync::mpsc;

/// What a read gave back: the buffer, grown by the bytes read (0 at end of input).
pub(crate) type Filled = (BytesMut, io::Result<usize>);

/// The reading thread, seen from the event loop.
pub(crate) struct InputThread {
    requests: std_mpsc::Sender<BytesMut>,
    replies: mpsc::UnboundedReceiver<Filled>,
}

impl InputThread {
    /// Starts reading `src` into `first` at once.
    pub(crate) fn start<F: AsRawFd + Send + 'static>(src: F, first: BytesMut) -> io::Result<Self> {
        let (requests, todo) = std_mpsc::channel::<BytesMut>();
        let (done, replies) = mpsc::unbounded_channel::<Filled>();
        std::thread::Builder::new()
            .name("wscope-stdin".into())
            .spawn(move || {
                while let Ok(mut buf) = todo.recv() {
                    let res = read_into(&src, &mut buf);
                    if done.send((buf, res)).is_err() {
                        return;
                    }
                }
            })?;
        let _ = requests.send(first);
        Ok(InputThread { requests, replies })
    }

    /// Asks for more input appended to `buf` (which has spare capacity).
    pub(crate) fn request(&self, buf: BytesMut) {
        // The thread only stops when we are gone; should it be, `reply` reports the end.
        let _ = self.requests.send(buf);
    }

    /// The answer to the last request. Cancel-safe: an answer not taken stays for the next call.
    pub(crate) async fn reply(&mut self) -> Filled {
        match self.replies.recv().await {
            Some(filled) => filled,
            None => (BytesMut::new(), Err(io::ErrorKind::BrokenPipe.into())),
        }
    }

    /// The answer to the last request if it is already here.
    pub(crate) fn try_reply(&mut self) -> Option<Filled> {
        self.replies.try_recv().ok()
    }
}

/// One `read(2)` into the spare capacity of `buf`, retried on EINTR.
fn read_into(src: &impl AsRawFd, buf: &mut BytesMut) -> io::Result<usize> {
    if buf.capacity() == buf.len() {
        buf.reserve(64 * 1024);
    }
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
    use std::io::Write;

    #[tokio::test]
    async fn reads_a_file_to_its_end_into_the_given_buffers() {
        let path = std::env::temp_dir().join(format!("wscope-input-{}", std::process::id()));
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::File::create(&path)
            .unwrap()
            .write_all(&data)
            .unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let mut t = InputThread::start(file, BytesMut::with_capacity(100_000)).unwrap();
        let mut got = Vec::new();
        loop {
            let (mut buf, res) = t.reply().await;
            let n = res.unwrap();
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf);
            buf.clear();
            t.request(buf);
        }
        std::fs::remove_file(&path).unwrap();
        assert_eq!(got, data);
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
