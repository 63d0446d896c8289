//! The program's stdin as the sink of received messages: the output thread writes into it as
//! it would into stdout, and whoever runs the program closes it when the connection ends.
//!
//! A program that has exited or closed its stdin is no reason to end the session (it decides
//! that by exiting, which its stdout tells): what it would have read is dropped. A program
//! that stops reading holds the output thread in its write, which is the backpressure that
//! stops wscope reading from the peer; closing never waits for such a write.

use crate::sync::lock;
use std::io::{self, Write};
use std::process::ChildStdin;
use std::sync::{Arc, Mutex, TryLockError};

/// The program's stdin, shared by the output thread (writing) and its owner (closing).
/// Before a program is attached, and after it is closed, writes are dropped.
#[derive(Clone, Default)]
pub(crate) struct StdinSlot(Arc<Mutex<Option<ChildStdin>>>);

impl StdinSlot {
    pub(crate) fn attach(&self, stdin: ChildStdin) {
        *lock(&self.0) = Some(stdin);
    }

    /// Closes the program's stdin (its end of input), unless a write is stuck in it (the
    /// program does not read); returns whether it was closed.
    pub(crate) fn close(&self) -> bool {
        let mut slot = match self.0.try_lock() {
            Ok(slot) => slot,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            Err(TryLockError::WouldBlock) => return false,
        };
        *slot = None;
        true
    }

    /// Runs `op` on the stdin; a closed pipe drops it (and what was to be written).
    fn with(
        &self,
        len: usize,
        op: impl FnOnce(&mut ChildStdin) -> io::Result<usize>,
    ) -> io::Result<usize> {
        let mut slot = lock(&self.0);
        let Some(stdin) = slot.as_mut() else {
            return Ok(len);
        };
        match op(stdin) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                *slot = None;
                Ok(len)
            }
            other => other,
        }
    }
}

impl Write for StdinSlot {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.with(buf.len(), |s| s.write(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.with(0, |s| s.flush().map(|()| 0)).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::process::{Command, Stdio};

    #[test]
    fn writes_reach_the_program_and_a_gone_program_drops_them() {
        let mut child = Command::new("sh")
            .args(["-c", "head -n 1"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("sh");
        let mut slot = StdinSlot::default();
        assert_eq!(
            slot.write(b"before\n").expect("dropped"),
            7,
            "nothing attached yet"
        );
        slot.attach(child.stdin.take().expect("stdin"));
        slot.write_all(b"first\n").expect("write");
        slot.flush().expect("flush");
        let mut out = String::new();
        child
            .stdout
            .take()
            .expect("stdout")
            .read_to_string(&mut out)
            .expect("read");
        assert_eq!(out, "first\n");
        child.wait().expect("wait");
        // The reader is gone: the write is dropped, not an error that would end the session.
        for _ in 0..3 {
            slot.write_all(&[b'x'; 70_000]).expect("dropped");
        }
        assert!(slot.close());
    }
}
