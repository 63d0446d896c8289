//! Unit tests of the output thread: order, a stopped reader holding producers back, a broken
//! stdout, waiting for the writes.

use super::*;
use std::io;

/// A writer into shared memory that can be made to block (a stopped reader) or fail.
#[derive(Clone, Default)]
struct Probe {
    data: Arc<Mutex<Vec<u8>>>,
    gate: Arc<(Mutex<bool>, Condvar)>,
    broken: bool,
}

impl Probe {
    fn hold(&self) {
        *lock(&self.gate.0) = true;
    }
    fn release(&self) {
        *lock(&self.gate.0) = false;
        self.gate.1.notify_all();
    }
    fn text(&self) -> String {
        String::from_utf8(lock(&self.data).clone()).unwrap()
    }
}

impl Write for Probe {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.broken {
            return Err(io::ErrorKind::BrokenPipe.into());
        }
        let mut held = lock(&self.gate.0);
        while *held {
            held = match self.gate.1.wait(held) {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
        }
        lock(&self.data).extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn batch(err: &str, out: &[&str]) -> Batch {
    Batch {
        err: err.as_bytes().to_vec(),
        out: out
            .iter()
            .enumerate()
            .map(|(i, s)| {
                if i % 2 == 0 {
                    Piece::Owned(s.as_bytes().to_vec())
                } else {
                    Piece::Shared(Bytes::copy_from_slice(s.as_bytes()))
                }
            })
            .collect(),
        rec: Vec::new(),
    }
}

#[tokio::test]
async fn writes_everything_in_order() {
    let (out, err) = (Probe::default(), Probe::default());
    let mut t = OutputThread::with_sinks(Box::new(out.clone()), Box::new(err.clone()));
    for i in 0..50 {
        if i % 7 == 0 {
            t.waiter().idle().await;
        }
        let (a, b) = (format!("a{i}\n"), format!("b{i}\n"));
        t.push(batch(&format!("e{i}\n"), &[&a, &b]));
    }
    t.waiter().idle().await;
    let want_out: String = (0..50).map(|i| format!("a{i}\nb{i}\n")).collect();
    let want_err: String = (0..50).map(|i| format!("e{i}\n")).collect();
    assert_eq!(out.text(), want_out);
    assert_eq!(err.text(), want_err);
    assert!(t.spare().is_some(), "emptied buffers come back for reuse");
}

#[tokio::test]
async fn a_stopped_reader_holds_producers_back_until_it_reads() {
    let out = Probe::default();
    out.hold();
    let mut t = OutputThread::with_sinks(Box::new(out.clone()), Box::new(io::sink()));
    t.push(batch("", &["1"]));
    t.waiter().room(1).await; // taken: the thread is now stuck in its write
    t.push(batch("", &["2", "3"]));
    t.push(batch("", &["4"]));
    assert_eq!(t.queued(), 3, "later batches gather into one");
    let waiter = t.waiter();
    let room = tokio::spawn(async move { waiter.room(3).await });
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    assert!(
        !room.is_finished(),
        "producers wait while the reader is stopped"
    );
    out.release();
    room.await.unwrap();
    t.waiter().idle().await;
    assert_eq!(out.text(), "1234");
}

#[tokio::test]
async fn a_broken_stdout_is_reported_and_stderr_still_written() {
    let out = Probe {
        broken: true,
        ..Probe::default()
    };
    let err = Probe::default();
    let mut t = OutputThread::with_sinks(Box::new(out), Box::new(err.clone()));
    t.push(batch("first\n", &["data"]));
    t.waiter().idle().await;
    assert!(t.stdout_gone());
    t.push(batch("second\n", &["more"]));
    t.waiter().idle().await;
    assert_eq!(err.text(), "first\nsecond\n");
}

#[test]
fn blocking_idle_waits_for_the_write() {
    let out = Probe::default();
    out.hold();
    let mut t = OutputThread::with_sinks(Box::new(out.clone()), Box::new(io::sink()));
    t.push(batch("", &["late"]));
    let releaser = {
        let out = out.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(20));
            out.release();
        })
    };
    t.waiter().idle_blocking();
    assert_eq!(out.text(), "late");
    releaser.join().unwrap();
}
