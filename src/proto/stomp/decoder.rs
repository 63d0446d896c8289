//! The incremental frame decoder. WebSocket messages (text or binary) are pushed in as they
//! come; frames come out whole, whatever the cut: a frame split over several messages,
//! several frames in one message, heart-beat EOLs (`\n` or `\r\n`) between frames.
//!
//! A frame is `COMMAND EOL *(header EOL) EOL body NUL`. The body ends at the first NUL, or,
//! with a `content-length` header, after that many bytes (NULs included), which a NUL must
//! follow. Every part is bounded ([`Limits`]): a peer that never sends the blank line or the
//! NUL gets an error once the limit is passed, not an ever-growing buffer.

use super::error::StompError;
use super::frame::{Frame, Version};
use super::head;

/// Bounds on received frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most headers in one frame.
    pub max_headers: usize,
    /// Most bytes of command and headers together.
    pub max_head: usize,
    /// Most bytes of one body.
    pub max_body: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_headers: 256,
            max_head: 64 << 10,
            max_body: 64 << 20,
        }
    }
}

/// What the decoder found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Frame(Frame),
    /// An EOL between frames: the peer's heart-beat.
    HeartBeat,
}

#[derive(Debug)]
enum State {
    /// Between frames.
    Idle,
    /// In the head; `scan` is where the next line starts, from the frame's start.
    Head { scan: usize },
    /// In the body, which starts at `body` (from the frame's start).
    Body {
        frame: Frame,
        body: usize,
        length: Option<usize>,
        scan: usize,
    },
}

/// Turns pushed bytes into frames. After an error the buffered bytes are dropped: decoding
/// starts again with the next push.
#[derive(Debug)]
pub struct Decoder {
    buf: Vec<u8>,
    /// Where the frame being read starts in `buf`.
    start: usize,
    state: State,
    version: Version,
    limits: Limits,
}

impl Decoder {
    /// A decoder for STOMP 1.2 until [`Decoder::set_version`] says otherwise (CONNECTED is
    /// read the same in every version).
    pub fn new(limits: Limits) -> Self {
        Decoder {
            buf: Vec::new(),
            start: 0,
            state: State::Idle,
            version: Version::V1_2,
            limits,
        }
    }

    /// The version CONNECTED agreed on: how later headers are unescaped.
    pub fn set_version(&mut self, version: Version) {
        self.version = version;
    }

    /// Adds received bytes; then call [`Decoder::next_item`] until it gives `Ok(None)`.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.start == self.buf.len() {
            self.buf.clear();
            self.start = 0;
        } else if self.start > self.buf.len() / 2 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes of a frame not finished yet.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.start
    }

    /// At the end of the stream: an error if it ended inside a frame.
    pub fn finish(&self) -> Result<(), StompError> {
        match self.buffered() {
            0 => Ok(()),
            buffered => Err(StompError::Truncated { buffered }),
        }
    }

    /// The next heart-beat or whole frame, or None until more bytes come.
    pub fn next_item(&mut self) -> Result<Option<Item>, StompError> {
        let got = self.step();
        if got.is_err() {
            self.buf.clear();
            self.start = 0;
            self.state = State::Idle;
        }
        got
    }

    fn step(&mut self) -> Result<Option<Item>, StompError> {
        loop {
            let rest = &self.buf[self.start..];
            match &mut self.state {
                State::Idle => match rest {
                    [] => return Ok(None),
                    [b'\n', ..] => return Ok(Some(self.heart_beat(1))),
                    [b'\r', b'\n', ..] => return Ok(Some(self.heart_beat(2))),
                    [b'\r'] => return Ok(None),
                    [b'\r', ..] => return Err(StompError::LoneCarriageReturn),
                    _ => self.state = State::Head { scan: 0 },
                },
                State::Head { scan } => match find_blank_line(rest, scan, self.version) {
                    None if rest.len() > self.limits.max_head => {
                        return Err(StompError::HeadTooLarge {
                            limit: self.limits.max_head,
                        });
                    }
                    None => return Ok(None),
                    Some((head_end, body)) => {
                        if head_end > self.limits.max_head {
                            return Err(StompError::HeadTooLarge {
                                limit: self.limits.max_head,
                            });
                        }
                        let (command, headers) =
                            head::parse(self.version, &rest[..head_end], &self.limits)?;
                        let length = head::content_length(&headers, &self.limits)?;
                        let mut frame = Frame::new(command);
                        frame.headers = headers;
                        self.state = State::Body {
                            frame,
                            body,
                            length,
                            scan: body,
                        };
                    }
                },
                State::Body {
                    frame,
                    body,
                    length,
                    scan,
                } => {
                    let Some(end) = body_end(rest, *body, *length, scan, self.limits.max_body)?
                    else {
                        return Ok(None);
                    };
                    let mut frame = std::mem::replace(frame, Frame::new(frame.command));
                    frame.body = rest[*body..end].to_vec();
                    self.start += end + 1;
                    self.state = State::Idle;
                    return Ok(Some(Item::Frame(frame)));
                }
            }
        }
    }

    fn heart_beat(&mut self, len: usize) -> Item {
        self.start += len;
        Item::HeartBeat
    }
}

/// Where the NUL that ends a body starting at `body` is, once it has come; `scan` remembers
/// how far a body without `content-length` has been searched.
fn body_end(
    rest: &[u8],
    body: usize,
    length: Option<usize>,
    scan: &mut usize,
    max_body: usize,
) -> Result<Option<usize>, StompError> {
    let too_large = StompError::BodyTooLarge {
        limit: max_body,
        announced: None,
    };
    let end = match length {
        Some(n) => match rest.get(body.saturating_add(n)) {
            None => return Ok(None),
            Some(0) => body + n,
            Some(&found) => return Err(StompError::MissingNul { length: n, found }),
        },
        None => match rest[*scan..].iter().position(|&b| b == 0) {
            Some(p) => *scan + p,
            None => {
                *scan = rest.len();
                if rest.len() - body > max_body {
                    return Err(too_large);
                }
                return Ok(None);
            }
        },
    };
    if end - body > max_body {
        return Err(too_large);
    }
    Ok(Some(end))
}

/// Looks for the blank line that ends a head, from line start `*scan` on; gives the head's
/// length (without the EOL before the blank line) and where the body starts. Remembers how
/// far it looked so that a head arriving in pieces is scanned once.
fn find_blank_line(bytes: &[u8], scan: &mut usize, version: Version) -> Option<(usize, usize)> {
    while let Some(p) = bytes[*scan..].iter().position(|&b| b == b'\n') {
        let line_end = *scan + p;
        let line = &bytes[*scan..line_end];
        let empty = line.is_empty() || (version == Version::V1_2 && line == b"\r");
        if empty && *scan > 0 {
            // The head ends before the EOL of its last line.
            let head_end = if bytes[..*scan].ends_with(b"\r\n") && version == Version::V1_2 {
                *scan - 2
            } else {
                *scan - 1
            };
            return Some((head_end, line_end + 1));
        }
        *scan = line_end + 1;
    }
    None
}
