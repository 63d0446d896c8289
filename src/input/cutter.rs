//! Input cut into messages by its `--input` framing: the bytes read so far, and the messages
//! complete in them. Pure: the input thread reads into [`Cutter::room`] and cuts what it read.
//!
//! Lines are cut without copying (each is a slice of the read buffer). Text lines must be
//! UTF-8: checking each short line on its own costs more than the rest of its way to the
//! socket, so everything up to the last separator held is checked in one pass and lines inside
//! it are known to be valid; a line the pass could not vouch for is checked on its own later,
//! which also finds the line to blame.

use crate::input::framing::{Framing, Line};
use crate::input::json_stream::{Cut, JsonCutter, JsonSyntax};
use bytes::{Buf, Bytes, BytesMut};

/// How much is read at a time.
pub(crate) const CHUNK: usize = 1 << 20;

/// The input read so far, not yet handed out as messages.
pub(crate) struct Cutter {
    buf: BytesMut,
    /// Bytes at the start of `buf` already known to hold no separator.
    scanned: usize,
    /// Whether messages are meant as text (then their UTF-8 is checked in bulk).
    text: bool,
    framing: Framing,
    /// Where the JSON values end (`--input json`).
    json: JsonCutter,
    /// Bytes at the start of `buf` known to be UTF-8; always 0 or just after a separator.
    utf8_up_to: usize,
    /// The longest message taken in (a program's output is bounded; stdin is not).
    max_line: usize,
    /// Messages were cut from `buf`, and may still point into it.
    handed_out: bool,
    /// The longest message cut so far.
    longest: usize,
}

impl Cutter {
    pub(crate) fn new(text: bool, framing: Framing, max_line: usize) -> Self {
        Cutter {
            buf: BytesMut::with_capacity(CHUNK),
            scanned: 0,
            text,
            framing,
            json: JsonCutter::default(),
            utf8_up_to: 0,
            max_line,
            handed_out: false,
            longest: 0,
        }
    }

    /// The buffer to read more into, with room for half a chunk and for a message as long as
    /// the longest so far. While messages cut from it may still be in use, it is not grown
    /// (that would copy its unfinished message at every read of a long one): a new buffer, big
    /// enough for such a message, takes over what is unfinished, as a rule a few bytes.
    pub(crate) fn room(&mut self) -> &mut BytesMut {
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

    /// `bytes` were cut from the buffer as one message.
    fn cut_off(&mut self, bytes: BytesMut, utf8: bool) -> Line {
        self.handed_out = true;
        self.longest = self.longest.max(bytes.len());
        Line::new(bytes.freeze(), utf8)
    }

    /// Whether the message being read has grown past the limit.
    pub(crate) fn too_long(&self) -> bool {
        self.buf.len() > self.max_line
    }

    /// The longest message taken in.
    pub(crate) fn max_line(&self) -> usize {
        self.max_line
    }

    /// The next complete message; `eof`: nothing more will come, so what is left is the last
    /// message.
    pub(crate) fn cut(&mut self, eof: bool) -> Result<Option<Line>, JsonSyntax> {
        Ok(match self.framing {
            Framing::Lines => self.cut_at(b'\n', eof),
            Framing::Nul => self.cut_at(0, eof),
            Framing::Whole => self.cut_whole(eof),
            Framing::Json => return self.cut_json(eof),
        })
    }

    /// The next record ending in `separator` (or the last one, at the end of input).
    fn cut_at(&mut self, separator: u8, eof: bool) -> Option<Line> {
        let buf = &mut self.buf;
        let (end, newline) = match memchr::memchr(separator, &buf[self.scanned..]) {
            Some(pos) => (self.scanned + pos + 1, 1),
            None if eof && !buf.is_empty() => (buf.len(), 0),
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
        Some(self.cut_off(line, utf8))
    }

    /// All of the input, once it is all there.
    fn cut_whole(&mut self, eof: bool) -> Option<Line> {
        if !eof || self.buf.is_empty() {
            return None;
        }
        let all = self.buf.split();
        Some(self.cut_off(all, false))
    }

    /// The next JSON value, compact.
    fn cut_json(&mut self, eof: bool) -> Result<Option<Line>, JsonSyntax> {
        match self.json.cut(&self.buf, eof) {
            Cut::Value { text, used } => {
                // The value goes as its compact text: nothing points into the buffer.
                self.buf.advance(used);
                // The text of a `String`: UTF-8.
                Ok(Some(Line::new(Bytes::from(text), true)))
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
        let mut out = Vec::new();
        while let Some(l) = c.cut(true).expect("cut") {
            out.push(l.parts());
        }
        out
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
        assert_eq!(
            c.cut(false).unwrap().map(Line::parts),
            Some((b"one".to_vec(), true))
        );
        assert!(c.cut(false).unwrap().is_none());
        c.room().extend_from_slice(b"o");
        assert!(c.cut(false).unwrap().is_none());
        assert_eq!(
            c.cut(true).unwrap().map(Line::parts),
            Some((b"two".to_vec(), false))
        );
        assert!(c.cut(true).unwrap().is_none());
    }

    #[test]
    fn whole_input_is_one_message_at_its_end_and_a_long_one_is_noticed() {
        let mut c = Cutter::new(false, Framing::Whole, 4);
        c.room().extend_from_slice(b"ab\ncd");
        assert!(c.cut(false).unwrap().is_none());
        assert!(c.too_long());
        assert_eq!(
            c.cut(true).unwrap().map(Line::parts),
            Some((b"ab\ncd".to_vec(), false))
        );
    }
}
