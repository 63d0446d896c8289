//! Input cut into messages by its `--input` framing: the bytes read so far, and the messages
//! complete in them. Pure: the input thread reads into [`Cutter::room`], cuts what it read into
//! [`Span`]s, and [`Cutter::take`]s the bytes they point into, once per batch.
//!
//! Lines are cut without copying (each is a span of the read buffer), and the bytes of a whole
//! batch are split off the buffer at once: splitting each line off on its own made this thread
//! and the event loop, which drops the lines after sending them, count up and down on the same
//! shared counter 200,000 times for as many short lines, fighting over its cache line. Text
//! lines must be UTF-8: checking each short line on its own costs more than the rest of its way
//! to the socket, so everything up to the last separator held is checked in one pass and lines
//! inside it are known to be valid; a line the pass could not vouch for is checked on its own
//! later, which also finds the line to blame.

use crate::input::framing::{Framing, Span};
use crate::input::json_stream::{Cut, JsonCutter, JsonSyntax};
use bytes::{Buf, Bytes, BytesMut};

/// How much is read at a time.
pub(crate) const CHUNK: usize = 1 << 20;

/// The input read so far, not yet handed out as messages.
pub(crate) struct Cutter {
    buf: BytesMut,
    /// Where the next message starts in `buf`: what is before it was cut and is taken next.
    start: usize,
    /// Bytes from `start` on already known to hold no separator.
    scanned: usize,
    /// Whether messages are meant as text (then their UTF-8 is checked in bulk).
    text: bool,
    framing: Framing,
    /// Where the JSON values end (`--input json`).
    json: JsonCutter,
    /// `--input json`: the compact text of the values cut since the last take.
    json_out: BytesMut,
    /// Bytes of `buf` up to here are known to be UTF-8; always at most `start` or just after a
    /// separator.
    utf8_up_to: usize,
    /// The longest message taken in (a program's output is bounded; stdin is not).
    max_line: usize,
    /// Bytes were taken from `buf`, and may still be in use.
    handed_out: bool,
    /// The longest message cut so far.
    longest: usize,
}

impl Cutter {
    pub(crate) fn new(text: bool, framing: Framing, max_line: usize) -> Self {
        Cutter {
            buf: BytesMut::with_capacity(CHUNK),
            start: 0,
            scanned: 0,
            text,
            framing,
            json: JsonCutter::default(),
            json_out: BytesMut::new(),
            utf8_up_to: 0,
            max_line,
            handed_out: false,
            longest: 0,
        }
    }

    /// The buffer to read more into, with room for half a chunk and for a message as long as
    /// the longest so far. While bytes taken from it may still be in use, it is not grown
    /// (that would copy its unfinished message at every read of a long one): a new buffer, big
    /// enough for such a message, takes over what is unfinished, as a rule a few bytes. What was
    /// cut must be taken first.
    pub(crate) fn room(&mut self) -> &mut BytesMut {
        debug_assert_eq!(self.start, 0, "cut messages are taken before reading on");
        let want = (CHUNK / 2).max(self.longest);
        if self.buf.capacity() - self.buf.len() >= want {
            return &mut self.buf;
        }
        if !self.handed_out {
            self.buf.reserve(CHUNK.max(self.longest));
        } else if !self.buf.try_reclaim(want) {
            let mut fresh = BytesMut::with_capacity(self.buf.len() + CHUNK.max(2 * self.longest));
            fresh.extend_from_slice(&self.buf);
            self.buf = fresh;
            self.handed_out = false;
        }
        &mut self.buf
    }

    /// The bytes the spans cut since the last take point into.
    pub(crate) fn take(&mut self) -> Bytes {
        if self.framing == Framing::Json {
            return self.json_out.split().freeze();
        }
        let cut = std::mem::take(&mut self.start);
        self.utf8_up_to = self.utf8_up_to.saturating_sub(cut);
        if cut > 0 {
            self.handed_out = true;
        }
        self.buf.split_to(cut).freeze()
    }

    /// Whether the message being read has grown past the limit.
    pub(crate) fn too_long(&self) -> bool {
        self.buf.len() - self.start > self.max_line
    }

    /// The longest message taken in.
    pub(crate) fn max_line(&self) -> usize {
        self.max_line
    }

    /// The next complete message; `eof`: nothing more will come, so what is left is the last
    /// message.
    pub(crate) fn cut(&mut self, eof: bool) -> Result<Option<Span>, JsonSyntax> {
        Ok(match self.framing {
            Framing::Lines => self.cut_at(b'\n', eof),
            Framing::Nul => self.cut_at(0, eof),
            Framing::Whole => self.cut_whole(eof),
            Framing::Json => return self.cut_json(eof),
        })
    }

    /// The next record ending in `separator` (or the last one, at the end of input).
    fn cut_at(&mut self, separator: u8, eof: bool) -> Option<Span> {
        let from = self.start;
        let rest = &self.buf[from..];
        let (end, newline) = match memchr::memchr(separator, &rest[self.scanned..]) {
            Some(pos) => (from + self.scanned + pos + 1, 1),
            None if eof && !rest.is_empty() => (self.buf.len(), 0),
            None => {
                self.scanned = rest.len();
                return None;
            }
        };
        self.scanned = 0;
        if self.text && newline == 1 && self.utf8_up_to < end {
            self.utf8_up_to = from + checked_prefix(rest, separator);
        }
        let utf8 = self.utf8_up_to >= end;
        self.start = end;
        let mut stop = end - newline;
        if separator == b'\n' && stop > from && self.buf[stop - 1] == b'\r' {
            stop -= 1;
        }
        Some(self.cut_off(from, stop, utf8))
    }

    /// All of the input, once it is all there.
    fn cut_whole(&mut self, eof: bool) -> Option<Span> {
        if !eof || self.buf.len() == self.start {
            return None;
        }
        let from = self.start;
        self.start = self.buf.len();
        Some(self.cut_off(from, self.start, false))
    }

    /// `buf[from..to]` was cut as one message.
    fn cut_off(&mut self, from: usize, to: usize, utf8: bool) -> Span {
        self.longest = self.longest.max(to - from);
        Span::new(from..to, utf8)
    }

    /// The next JSON value, compact.
    fn cut_json(&mut self, eof: bool) -> Result<Option<Span>, JsonSyntax> {
        match self.json.cut(&self.buf, eof) {
            Cut::Value { text, used } => {
                // The value goes as its compact text: nothing points into the buffer.
                self.buf.advance(used);
                let from = self.json_out.len();
                self.json_out.extend_from_slice(text.as_bytes());
                // The text of a `String`: UTF-8.
                Ok(Some(Span::new(from..self.json_out.len(), true)))
            }
            Cut::NeedMore | Cut::End => Ok(None),
            Cut::Bad(e) => Err(e),
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

    /// Everything `input` holds, cut as if it had all been read at once.
    fn cut_all(input: &[u8], framing: Framing) -> Vec<(Vec<u8>, bool)> {
        let mut c = Cutter::new(true, framing, usize::MAX);
        c.room().extend_from_slice(input);
        let mut spans = Vec::new();
        while let Some(s) = c.cut(true).expect("cut") {
            spans.push(s);
        }
        let data = c.take();
        spans.into_iter().map(|s| s.line(&data).parts()).collect()
    }

    /// The next message cut, taken at once.
    fn next(c: &mut Cutter, eof: bool) -> Option<(Vec<u8>, bool)> {
        let span = c.cut(eof).expect("cut")?;
        Some(span.line(&c.take()).parts())
    }

    #[test]
    fn lines_inside_the_checked_prefix_are_known_utf8_and_a_bad_one_is_not() {
        let input = ["größe\r\nbad ".as_bytes(), b"\xff\nok\nlast"].concat();
        let got = cut_all(&input, Framing::Lines);
        let want: Vec<(Vec<u8>, bool)> = vec![
            ("größe".into(), true),
            (b"bad \xff".to_vec(), false),
            (b"ok".to_vec(), true),
            (b"last".to_vec(), false),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn a_partial_line_waits_for_its_end_unless_the_input_is_over() {
        let mut c = Cutter::new(true, Framing::Lines, usize::MAX);
        c.room().extend_from_slice(b"one\ntw");
        assert_eq!(next(&mut c, false), Some((b"one".to_vec(), true)));
        assert!(next(&mut c, false).is_none());
        c.room().extend_from_slice(b"o");
        assert!(next(&mut c, false).is_none());
        assert_eq!(next(&mut c, true), Some((b"two".to_vec(), false)));
        assert!(next(&mut c, true).is_none());
    }

    #[test]
    fn whole_input_is_one_message_at_its_end_and_a_long_one_is_noticed() {
        let mut c = Cutter::new(false, Framing::Whole, 4);
        c.room().extend_from_slice(b"ab\ncd");
        assert!(next(&mut c, false).is_none());
        assert!(c.too_long());
        assert_eq!(next(&mut c, true), Some((b"ab\ncd".to_vec(), false)));
    }
}
