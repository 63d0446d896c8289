//! Pipe-mode input: stdin read in large chunks and cut into messages without copying.
//!
//! `--input lines` (the default): each line (LF or CRLF stripped) is one message; `nul`: each
//! NUL-terminated record; `whole`: all of stdin is one message; `json`: each JSON value of a
//! stream (see `json_stream`), sent compact. Lines can be any length: they are never split. A
//! final line without a separator is still a line.
//!
//! Reading and cutting happen on the input thread ([`crate::input::input_thread`], with
//! [`crate::input::cutter`]); the event loop takes the messages from its batches here.

use crate::input::cutter::Cutter;
use crate::input::framing::{Framing, Line};
use crate::input::input_thread::{Batch, End, InputThread};

/// Lines from stdin (or a program's output, or in tests any file), read and cut by an
/// [`InputThread`].
pub(crate) struct LineReader {
    src: InputThread,
    /// The batch being handed out (its end is moved to `end` when it comes).
    batch: Batch,
    /// How the input ended, once the lines before it are handed out.
    end: Option<End>,
    /// The end was reported: nothing more comes.
    over: bool,
    /// 1-based number of the next line handed out (for error messages).
    pub(crate) next_line_no: u64,
}

impl LineReader {
    /// Starts reading `src` now, before anyone asks for a message. `text`: the messages will
    /// be sent as text, so their UTF-8 is checked in bulk.
    pub(crate) fn start<F: std::os::fd::AsRawFd + Send + 'static>(
        src: F,
        text: bool,
        framing: Framing,
    ) -> std::io::Result<Self> {
        Self::start_limited(src, text, framing, usize::MAX)
    }

    /// As [`Self::start`], refusing messages longer than `max` bytes: reading fails when one
    /// grows past it (a program's output is bounded; stdin is not).
    pub(crate) fn start_limited<F: std::os::fd::AsRawFd + Send + 'static>(
        src: F,
        text: bool,
        framing: Framing,
        max: usize,
    ) -> std::io::Result<Self> {
        Ok(LineReader {
            src: InputThread::start(src, Cutter::new(text, framing, max))?,
            batch: Batch::empty(),
            end: None,
            over: false,
            next_line_no: 1,
        })
    }

    /// A complete message already read, without waiting for input.
    pub(crate) fn buffered_line(&mut self) -> Option<Line> {
        self.next_ready()?;
        self.batch.next_line()
    }

    /// As [`Self::buffered_line`], the message's bytes borrowed (no `Bytes` made for it), and
    /// whether they are known to be UTF-8.
    pub(crate) fn buffered_bytes(&mut self) -> Option<(&[u8], bool)> {
        self.next_ready()?;
        self.batch.next_bytes()
    }

    /// Whether a message is ready in the batch (taking the thread's next batch when this one
    /// is used up); counts it as handed out.
    fn next_ready(&mut self) -> Option<()> {
        loop {
            if self.batch.has_more() {
                self.next_line_no += 1;
                return Some(());
            }
            if self.over || self.end.is_some() {
                return None;
            }
            let batch = self.src.try_next()?;
            self.take(batch);
        }
    }

    /// The next message, reading more input as needed; `None` at end of input. Cancel-safe.
    pub(crate) async fn next_line(&mut self) -> std::io::Result<Option<Line>> {
        loop {
            if let Some(line) = self.buffered_line() {
                return Ok(Some(line));
            }
            if self.over {
                return Ok(None);
            }
            if let Some(end) = self.end.take() {
                self.over = true;
                return ended(end);
            }
            match self.src.next().await {
                Some(batch) => self.take(batch),
                None => {
                    // The thread is gone without saying how the input ended.
                    self.over = true;
                    return Err(std::io::ErrorKind::BrokenPipe.into());
                }
            }
        }
    }

    fn take(&mut self, mut batch: Batch) {
        self.end = batch.end.take();
        self.batch = batch;
    }
}

/// What the end of the input reads as: the end, or the error that ended it.
fn ended(end: End) -> std::io::Result<Option<Line>> {
    use std::io::{Error, ErrorKind};
    match end {
        End::Eof => Ok(None),
        End::Failed(e) => Err(e),
        End::BadJson(bad) => Err(Error::new(ErrorKind::InvalidData, bad)),
        End::TooLong(max) => Err(Error::new(
            ErrorKind::InvalidData,
            format!("a message longer than {max} bytes"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::cutter::CHUNK;

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
        let mut r = LineReader::start_limited(file, true, Framing::Lines, 4096).expect("start");
        let first = r.next_line().await.expect("first").expect("a line");
        assert_eq!(first.into_bytes().as_ref(), b"ok");
        let e = r.next_line().await.err().expect("too long");
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
        assert!(r.next_line().await.expect("then the end").is_none());
    }

    #[tokio::test]
    async fn whole_input_is_one_message_and_json_values_one_each() {
        let whole = read_framed(b"a\nb\n\n", false, Framing::Whole).await;
        let whole: Vec<Vec<u8>> = whole.into_iter().map(|l| l.parts().0).collect();
        assert_eq!(whole, [b"a\nb\n\n".to_vec()]);
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
