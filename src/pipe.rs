//! Pipe-mode input: stdin read in large chunks and cut into lines without copying.
//!
//! Each line (LF or CRLF stripped) becomes one message. Lines can be any length: they are
//! never split. A final line without a newline is still a line.

use crate::input_thread::InputThread;
use bytes::{Bytes, BytesMut};

const CHUNK: usize = 1 << 20;

/// Lines from stdin (or, in tests, any file), read by an [`InputThread`].
pub struct LineReader {
    src: InputThread,
    /// `None` while the thread is reading into it.
    buf: Option<BytesMut>,
    /// Bytes at the start of `buf` already known to hold no newline.
    scanned: usize,
    eof: bool,
    /// 1-based number of the next line handed out (for error messages).
    pub next_line_no: u64,
}

impl LineReader {
    /// Starts reading `src` now, before anyone asks for a line.
    pub fn start<F: std::os::fd::AsRawFd + Send + 'static>(src: F) -> std::io::Result<Self> {
        Ok(LineReader {
            src: InputThread::start(src, BytesMut::with_capacity(CHUNK))?,
            buf: None,
            scanned: 0,
            eof: false,
            next_line_no: 1,
        })
    }

    /// A complete line already read, without waiting for input.
    pub fn buffered_line(&mut self) -> Option<Bytes> {
        if self.buf.is_none() {
            let (buf, res) = self.src.try_reply()?;
            self.take_back(buf, res).ok()?;
        }
        let buf = self.buf.as_mut()?;
        if let Some(pos) = memchr::memchr(b'\n', &buf[self.scanned..]) {
            let mut line = buf.split_to(self.scanned + pos + 1);
            self.scanned = 0;
            line.truncate(line.len() - 1);
            if line.last() == Some(&b'\r') {
                line.truncate(line.len() - 1);
            }
            self.next_line_no += 1;
            return Some(line.freeze());
        }
        self.scanned = buf.len();
        if self.eof && !buf.is_empty() {
            self.scanned = 0;
            let mut line = buf.split();
            if line.last() == Some(&b'\r') {
                line.truncate(line.len() - 1);
            }
            self.next_line_no += 1;
            return Some(line.freeze());
        }
        None
    }

    /// The next line, reading more input as needed; `None` at end of input. Cancel-safe.
    pub async fn next_line(&mut self) -> std::io::Result<Option<Bytes>> {
        loop {
            if let Some(line) = self.buffered_line() {
                return Ok(Some(line));
            }
            if self.eof {
                return Ok(None);
            }
            if let Some(mut buf) = self.buf.take() {
                if buf.capacity() - buf.len() < CHUNK / 2 {
                    buf.reserve(CHUNK);
                }
                self.src.request(buf);
            }
            let (buf, res) = self.src.reply().await;
            self.take_back(buf, res)?;
        }
    }

    /// Takes the buffer back from the thread; a read error ends the input.
    fn take_back(&mut self, buf: BytesMut, res: std::io::Result<usize>) -> std::io::Result<()> {
        self.buf = Some(buf);
        match res {
            Ok(0) => {
                self.eof = true;
                Ok(())
            }
            Ok(_) => Ok(()),
            Err(e) => {
                self.eof = true;
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn lines(input: &[u8]) -> Vec<Vec<u8>> {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("wscope-lines-{}-{n}", std::process::id()));
        std::fs::write(&path, input).expect("write");
        let file = std::fs::File::open(&path).expect("open");
        std::fs::remove_file(&path).expect("remove");
        let mut r = LineReader::start(file).expect("start");
        let mut out = Vec::new();
        while let Some(l) = r.next_line().await.expect("read") {
            out.push(l.to_vec());
        }
        out
    }

    #[tokio::test]
    async fn splits_lf_and_crlf_and_keeps_last_partial_line() {
        assert_eq!(
            lines(b"a\r\nb\n\nc").await,
            vec![b"a".to_vec(), b"b".to_vec(), vec![], b"c".to_vec()]
        );
        assert!(lines(b"").await.is_empty());
    }

    #[tokio::test]
    async fn long_lines_stay_whole() {
        let mut input = vec![b'x'; 3 * CHUNK + 7];
        input.push(b'\n');
        input.extend_from_slice(b"tail\n");
        let got = lines(&input).await;
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].len(), 3 * CHUNK + 7);
        assert_eq!(got[1], b"tail");
    }
}
