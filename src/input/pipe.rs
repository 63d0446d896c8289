//! Pipe-mode input: stdin read in large chunks and cut into messages without copying.
//!
//! `--input lines` (the default): each line (LF or CRLF stripped) is one message; `nul`: each
//! NUL-terminated record; `whole`: all of stdin is one message; `json`: each JSON value of a
//! stream (see `json_stream`), sent compact. Lines can be any length: they are never split. A
//! final line without a separator is still a line.
//!
//! Text lines must be UTF-8. Checking each short line on its own costs more than the rest of
//! its way to the socket, so the reader checks everything up to the last newline it holds in
//! one pass and hands out lines already known to be valid; a line the pass could not vouch
//! for is checked on its own, which also finds the line to blame.

use crate::input::input_thread::InputThread;
use crate::input::json_stream::{Cut, JsonCutter, JsonSyntax};
use bytes::{Bytes, BytesMut};
use tokio_tungstenite::tungstenite::Utf8Bytes;

const CHUNK: usize = 1 << 20;

/// One input line, without its line end.
pub(crate) struct Line {
    bytes: Bytes,
    /// The bytes were checked to be UTF-8 together with their neighbours.
    utf8: bool,
}

impl Line {
    pub(crate) fn into_bytes(self) -> Bytes {
        self.bytes
    }

    /// The line as text; the bytes back when they are not UTF-8.
    pub(crate) fn into_text(self) -> Result<Utf8Bytes, Bytes> {
        if self.utf8 {
            // SAFETY: `utf8` is only set by `LineReader::cut_at`, for bytes inside a range
            // that `std::str::from_utf8` accepted and that ends at a separator (ASCII, so
            // cutting there never splits a UTF-8 sequence), and by `LineReader::cut_json`, for
            // the bytes of a `String`.
            Ok(unsafe { Utf8Bytes::from_bytes_unchecked(self.bytes) })
        } else {
            Utf8Bytes::try_from(self.bytes.clone()).map_err(|_| self.bytes)
        }
    }
}

/// How stdin is cut into messages (`--input`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(crate) enum Framing {
    /// One message per line (LF or CRLF)
    #[default]
    Lines,
    /// One message per NUL-terminated record (as with -0)
    Nul,
    /// All of stdin is one message
    Whole,
    /// One message per JSON value of a stream, pretty-printed or not, sent compact
    Json,
}

/// Lines from stdin (or, in tests, any file), read by an [`InputThread`].
pub(crate) struct LineReader {
    src: InputThread,
    /// `None` while the thread is reading into it.
    buf: Option<BytesMut>,
    /// Bytes at the start of `buf` already known to hold no newline.
    scanned: usize,
    /// Whether lines are meant as text (then their UTF-8 is checked in bulk).
    text: bool,
    /// How the input is cut into messages.
    framing: Framing,
    /// Where the JSON values end (`--input json`).
    json: JsonCutter,
    /// A JSON syntax error, reported once the values before it are handed out.
    bad_json: Option<JsonSyntax>,
    /// Bytes at the start of `buf` known to be UTF-8; always 0 or just after a newline.
    utf8_up_to: usize,
    eof: bool,
    /// A read error, reported once the complete lines before it are handed out.
    failed: Option<std::io::Error>,
    /// 1-based number of the next line handed out (for error messages).
    pub next_line_no: u64,
    /// The longest line taken in (a program's output is bounded; stdin is not).
    max_line: usize,
}

impl LineReader {
    /// Starts reading `src` now, before anyone asks for a message. `text`: the messages will
    /// be sent as text, so their UTF-8 is checked in bulk.
    pub(crate) fn start<F: std::os::fd::AsRawFd + Send + 'static>(
        src: F,
        text: bool,
        framing: Framing,
    ) -> std::io::Result<Self> {
        Ok(LineReader {
            src: InputThread::start(src, BytesMut::with_capacity(CHUNK))?,
            buf: None,
            scanned: 0,
            text,
            framing,
            json: JsonCutter::default(),
            bad_json: None,
            utf8_up_to: 0,
            eof: false,
            failed: None,
            next_line_no: 1,
            max_line: usize::MAX,
        })
    }

    /// Refuses messages longer than `max` bytes: reading fails when one grows past it.
    pub(crate) fn limit_lines(mut self, max: usize) -> Self {
        self.max_line = max;
        self
    }

    /// A complete message already read, without waiting for input.
    pub(crate) fn buffered_line(&mut self) -> Option<Line> {
        if self.buf.is_none() {
            let (buf, res) = self.src.try_reply()?;
            self.take_back(buf, res);
        }
        match self.framing {
            Framing::Lines => self.cut_at(b'\n'),
            Framing::Nul => self.cut_at(0),
            Framing::Whole => self.cut_whole(),
            Framing::Json => self.cut_json(),
        }
    }

    /// The next record ending in `separator` (or the last one, at the end of input).
    fn cut_at(&mut self, separator: u8) -> Option<Line> {
        let buf = self.buf.as_mut()?;
        let (end, newline) = match memchr::memchr(separator, &buf[self.scanned..]) {
            Some(pos) => (self.scanned + pos + 1, 1),
            None if self.eof && !buf.is_empty() => (buf.len(), 0),
            None => {
                self.scanned = buf.len();
                return None;
            }
        };
        self.scanned = 0;
        if self.text && newline == 1 && self.utf8_up_to < end {
            self.utf8_up_to = checked_prefix(buf, separator);
        }
        let utf8 = self.utf8_up_to >= end;
        self.utf8_up_to = self.utf8_up_to.saturating_sub(end);
        let mut line = buf.split_to(end);
        line.truncate(end - newline);
        if separator == b'\n' && line.last() == Some(&b'\r') {
            line.truncate(line.len() - 1);
        }
        self.next_line_no += 1;
        Some(Line {
            bytes: line.freeze(),
            utf8,
        })
    }

    /// All of the input, once it is all there.
    fn cut_whole(&mut self) -> Option<Line> {
        let buf = self.buf.as_mut().filter(|b| !b.is_empty())?;
        if !self.eof {
            return None;
        }
        self.next_line_no += 1;
        Some(Line {
            bytes: buf.split().freeze(),
            utf8: false,
        })
    }

    /// The next JSON value, compact.
    fn cut_json(&mut self) -> Option<Line> {
        let buf = self.buf.as_mut()?;
        match self.json.cut(buf, self.eof) {
            Cut::Value { text, used } => {
                let _ = buf.split_to(used);
                self.next_line_no += 1;
                Some(Line {
                    bytes: Bytes::from(text),
                    utf8: true,
                })
            }
            Cut::NeedMore | Cut::End => None,
            Cut::Bad(e) => {
                self.bad_json = Some(e);
                None
            }
        }
    }

    /// The next message, reading more input as needed; `None` at end of input. Cancel-safe.
    pub(crate) async fn next_line(&mut self) -> std::io::Result<Option<Line>> {
        loop {
            if let Some(line) = self.buffered_line() {
                return Ok(Some(line));
            }
            if let Some(bad) = self.bad_json.take() {
                // Nothing after a syntax error is sent.
                self.give_up();
                return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, bad));
            }
            if let Some(e) = self.failed.take() {
                // The partial line the error cut off is not sent.
                self.give_up();
                return Err(e);
            }
            if self.eof {
                return Ok(None);
            }
            if self.buf.as_ref().is_some_and(|b| b.len() > self.max_line) {
                self.give_up();
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("a message longer than {} bytes", self.max_line),
                ));
            }
            if let Some(mut buf) = self.buf.take() {
                if buf.capacity() - buf.len() < CHUNK / 2 {
                    buf.reserve(CHUNK);
                }
                self.src.request(buf);
            }
            let (buf, res) = self.src.reply().await;
            self.take_back(buf, res);
        }
    }

    /// Ends the input here, dropping what is left of a partial line.
    fn give_up(&mut self) {
        self.eof = true;
        self.buf = Some(BytesMut::new());
        self.scanned = 0;
        self.utf8_up_to = 0;
    }

    /// Takes the buffer back from the thread; a read error ends the input once the lines
    /// before it are out.
    fn take_back(&mut self, buf: BytesMut, res: std::io::Result<usize>) {
        self.buf = Some(buf);
        match res {
            Ok(0) => self.eof = true,
            Ok(_) => {}
            Err(e) => self.failed = Some(e),
        }
    }
}

/// How many bytes at the start of `buf` are UTF-8 and end just after a separator: everything
/// up to the last separator when that is all valid, else up to the last separator before the
/// first invalid byte. (A separator is ASCII, so cutting there never splits a character.)
fn checked_prefix(buf: &[u8], separator: u8) -> usize {
    let Some(last_nl) = memchr::memrchr(separator, buf) else {
        return 0;
    };
    let valid = match std::str::from_utf8(&buf[..=last_nl]) {
        Ok(_) => return last_nl + 1,
        Err(e) => e.valid_up_to(),
    };
    memchr::memrchr(separator, &buf[..valid]).map_or(0, |nl| nl + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn read_lines(input: &[u8], text: bool) -> Vec<Line> {
        read_framed(input, text, Framing::Lines).await
    }

    async fn read_framed(input: &[u8], text: bool, framing: Framing) -> Vec<Line> {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("wscope-lines-{}-{n}", std::process::id()));
        std::fs::write(&path, input).expect("write");
        let file = std::fs::File::open(&path).expect("open");
        std::fs::remove_file(&path).expect("remove");
        let mut r = LineReader::start(file, text, framing).expect("start");
        let mut out = Vec::new();
        while let Some(l) = r.next_line().await.expect("read") {
            out.push(l);
        }
        out
    }

    async fn lines(input: &[u8]) -> Vec<Vec<u8>> {
        let got = read_lines(input, false).await;
        got.into_iter().map(|l| l.into_bytes().to_vec()).collect()
    }

    /// Each line as text, or the bytes when they are not UTF-8.
    async fn texts(input: &[u8]) -> Vec<Result<String, Vec<u8>>> {
        let got = read_lines(input, true).await;
        got.into_iter()
            .map(|l| {
                l.into_text()
                    .map(|t| t.as_str().to_owned())
                    .map_err(|b| b.to_vec())
            })
            .collect()
    }

    #[tokio::test]
    async fn text_lines_are_checked_and_a_bad_one_is_found() {
        let input = [
            "größe\n€uro\r\nbad ".as_bytes(),
            b"\xff line\nafter\nlast ",
            "ü".as_bytes(),
        ];
        let got = texts(&input.concat()).await;
        assert_eq!(got.len(), 5);
        assert_eq!(got[0].as_deref(), Ok("größe"));
        assert_eq!(got[1].as_deref(), Ok("€uro"));
        assert_eq!(got[2], Err(b"bad \xff line".to_vec()));
        assert_eq!(got[3].as_deref(), Ok("after"));
        assert_eq!(got[4].as_deref(), Ok("last ü"));
        assert_eq!(texts(b"\xe2\x82").await, vec![Err(b"\xe2\x82".to_vec())]);
        assert_eq!(texts(b"cut \xe2\x82\n\xac\n").await.len(), 2);
        assert!(
            texts(b"cut \xe2\x82\n\xac\n")
                .await
                .iter()
                .all(|l| l.is_err())
        );
    }

    #[tokio::test]
    async fn multibyte_text_across_read_chunks_stays_valid() {
        // Lines of 3-byte characters with odd lengths: some read ends inside a character.
        let mut input = String::new();
        let mut want = Vec::new();
        for i in 0..(3 * CHUNK / 20) {
            let line = "€".repeat(i % 13 + 1) + &"a".repeat(i % 5);
            input.push_str(&line);
            input.push('\n');
            want.push(Ok(line));
        }
        assert!(input.len() > 2 * CHUNK);
        assert_eq!(texts(input.as_bytes()).await, want);
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
    async fn a_read_error_is_returned_not_taken_for_the_end() {
        let dir = std::fs::File::open(std::env::temp_dir()).expect("open dir");
        let mut r = LineReader::start(dir, true, Framing::Lines).expect("start");
        // Give the thread time to fail first, so the error arrives through `buffered_line`.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(r.buffered_line().is_none());
        let e = r.next_line().await.err().expect("an error");
        assert_eq!(e.raw_os_error(), Some(libc::EISDIR));
        assert!(r.next_line().await.expect("then the end").is_none());
    }

    #[tokio::test]
    async fn nul_separated_messages_keep_their_newlines_and_carriage_returns() {
        let got = read_framed(b"a\nb\r\n\0\0c\r", true, Framing::Nul).await;
        let got: Vec<_> = got
            .into_iter()
            .map(|l| l.into_text().expect("utf8").as_str().to_owned())
            .collect();
        assert_eq!(got, vec!["a\nb\r\n", "", "c\r"]);
    }

    #[tokio::test]
    async fn a_line_over_the_limit_is_an_error_not_unbounded_memory() {
        let path = std::env::temp_dir().join(format!("wscope-limit-{}", std::process::id()));
        std::fs::write(&path, [b"ok\n".as_slice(), &[b'x'; 5000]].concat()).expect("write");
        let file = std::fs::File::open(&path).expect("open");
        std::fs::remove_file(&path).expect("remove");
        let mut r = LineReader::start(file, true, Framing::Lines)
            .expect("start")
            .limit_lines(4096);
        let first = r.next_line().await.expect("first").expect("a line");
        assert_eq!(first.into_bytes().as_ref(), b"ok");
        let e = r.next_line().await.err().expect("too long");
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
        assert!(r.next_line().await.expect("then the end").is_none());
    }

    #[tokio::test]
    async fn whole_input_is_one_message_and_json_values_one_each() {
        let whole = read_framed(b"a\nb\n\n", false, Framing::Whole).await;
        assert_eq!(whole.len(), 1);
        assert_eq!(whole[0].bytes, &b"a\nb\n\n"[..]);
        assert!(read_framed(b"", false, Framing::Whole).await.is_empty());
        let json = read_framed(b"{\n \"a\": 1\n}\n[1, 2]\n", true, Framing::Json).await;
        let texts: Vec<String> = json
            .into_iter()
            .map(|l| l.into_text().expect("utf8").as_str().to_owned())
            .collect();
        assert_eq!(texts, ["{\"a\":1}", "[1,2]"]);
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
