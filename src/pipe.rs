//! Pipe-mode input: stdin read in large chunks and cut into lines without copying.
//!
//! Each line (LF or CRLF stripped) becomes one message. Lines can be any length: they are
//! never split. A final line without a newline is still a line.

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt};

const CHUNK: usize = 1 << 20;

/// Lines from an async reader (stdin in production, anything in tests).
pub struct LineReader<R> {
    src: R,
    buf: BytesMut,
    /// Bytes at the start of `buf` already known to hold no newline.
    scanned: usize,
    eof: bool,
    /// 1-based number of the next line handed out (for error messages).
    pub next_line_no: u64,
}

impl<R: AsyncRead + Unpin> LineReader<R> {
    pub fn new(src: R) -> Self {
        LineReader {
            src,
            buf: BytesMut::with_capacity(CHUNK),
            scanned: 0,
            eof: false,
            next_line_no: 1,
        }
    }

    /// A complete line already in the buffer, without waiting for input.
    pub fn buffered_line(&mut self) -> Option<Bytes> {
        if let Some(pos) = memchr::memchr(b'\n', &self.buf[self.scanned..]) {
            let mut line = self.buf.split_to(self.scanned + pos + 1);
            self.scanned = 0;
            line.truncate(line.len() - 1);
            if line.last() == Some(&b'\r') {
                line.truncate(line.len() - 1);
            }
            self.next_line_no += 1;
            return Some(line.freeze());
        }
        self.scanned = self.buf.len();
        if self.eof && !self.buf.is_empty() {
            self.scanned = 0;
            let mut line = self.buf.split();
            if line.last() == Some(&b'\r') {
                line.truncate(line.len() - 1);
            }
            self.next_line_no += 1;
            return Some(line.freeze());
        }
        None
    }

    /// The next line, reading more input as needed; `None` at end of input.
    pub async fn next_line(&mut self) -> std::io::Result<Option<Bytes>> {
        loop {
            if let Some(line) = self.buffered_line() {
                return Ok(Some(line));
            }
            if self.eof {
                return Ok(None);
            }
            if self.buf.capacity() - self.buf.len() < CHUNK / 2 {
                self.buf.reserve(CHUNK);
            }
            if self.src.read_buf(&mut self.buf).await? == 0 {
                self.eof = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn lines(input: &[u8]) -> Vec<Vec<u8>> {
        let mut r = LineReader::new(input);
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
