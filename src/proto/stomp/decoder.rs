//! The incremental frame decoder. WebSocket messages (text or binary) are pushed in as they
//! come; frames come out whole, whatever the cut: a frame split over several messages,
//! several frames in one message, heart-beat EOLs (`\n` or `\r\n`) between frames.
//!
//! A frame is `COMMAND EOL *(header EOL) EOL body NUL`. The body ends at the first NUL, or,
//! with a `content-length` header, after that many bytes (NULs included), which a NUL must
//! follow. Every part is bounded ([`Limits`]): a peer that never sends the blank line or the
//! NUL gets an error once the limit is passed, not an ever-growing buffer.
//!
//! A bad frame costs only itself: after an error the decoder drops the bytes up to the NUL
//! that ends the bad frame and goes on with the next one. A `content-length` body that no NUL
//! follows is handed over as [`Item::Unterminated`] and decoding goes on right after it; a
//! body without `content-length` whose NUL never came, followed by a WebSocket message that
//! starts a new frame, is cut there by [`Decoder::cut_unterminated`].

use super::error::StompError;
use super::frame::{Command, Frame, Version};
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
    /// A frame whose `content-length` body is followed by something else than its NUL: taken
    /// as it is; decoding goes on with the byte after the body.
    Unterminated(Frame),
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
    /// After an error: dropping bytes up to the NUL that ends the bad frame.
    Skip,
}

/// Turns pushed bytes into frames. After an error the bad frame's bytes are dropped, up to
/// the NUL that ends it: decoding goes on with the next frame.
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

    /// Before pushing the next WebSocket message `next`: when a frame without
    /// `content-length` is still waiting for its NUL and `next` starts a frame a server sends
    /// (its command and an EOL), that frame ended without its NUL. It is handed over as it came
    /// (a head that never ended: an error), and `next` starts afresh.
    pub fn cut_unterminated(&mut self, next: &[u8]) -> Option<Result<Frame, StompError>> {
        let starts_frame = [
            Command::Connected,
            Command::Message,
            Command::Receipt,
            Command::Error,
        ]
        .iter()
        .any(|c| {
            next.strip_prefix(c.as_str().as_bytes())
                .is_some_and(|r| r.starts_with(b"\n") || r.starts_with(b"\r\n"))
        });
        if !starts_frame {
            return None;
        }
        let cut = match &mut self.state {
            State::Body {
                frame,
                body,
                length: None,
                ..
            } => {
                let mut frame = std::mem::replace(frame, Frame::new(frame.command));
                frame.body = self.buf[self.start + *body..].to_vec();
                Ok(frame)
            }
            State::Head { .. } => Err(StompError::Truncated {
                buffered: self.buffered(),
            }),
            _ => return None,
        };
        self.buf.clear();
        self.start = 0;
        self.state = State::Idle;
        Some(cut)
    }

    /// The next heart-beat or whole frame, or None until more bytes come.
    pub fn next_item(&mut self) -> Result<Option<Item>, StompError> {
        let got = self.step();
        if let Err(e) = &got {
            self.recover(e);
        }
        got
    }

    /// After error `e` in the frame that starts at `start`: a stray carriage return costs only
    /// itself; anything else the frame's bytes up to its NUL.
    fn recover(&mut self, e: &StompError) {
        if *e == StompError::LoneCarriageReturn {
            self.start += 1;
            self.state = State::Idle;
            return;
        }
        self.state = State::Skip;
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
                State::Skip => match rest.iter().position(|&b| b == 0) {
                    Some(p) => {
                        self.start += p + 1;
                        self.state = State::Idle;
                    }
                    None => {
                        self.start = self.buf.len();
                        return Ok(None);
                    }
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
                    frame.body = rest[*body..end.at].to_vec();
                    self.start += end.at + usize::from(end.nul);
                    self.state = State::Idle;
                    return Ok(Some(if end.nul {
                        Item::Frame(frame)
                    } else {
                        Item::Unterminated(frame)
                    }));
                }
            }
        }
    }

    fn heart_beat(&mut self, len: usize) -> Item {
        self.start += len;
        Item::HeartBeat
    }
}

/// Where a body ends: `at` (from the frame's start), and whether a NUL is there.
struct BodyEnd {
    at: usize,
    nul: bool,
}

/// Where the body starting at `body` ends, once it has come; `scan` remembers how far a body
/// without `content-length` has been searched.
fn body_end(
    rest: &[u8],
    body: usize,
    length: Option<usize>,
    scan: &mut usize,
    max_body: usize,
) -> Result<Option<BodyEnd>, StompError> {
    let too_large = StompError::BodyTooLarge {
        limit: max_body,
        announced: None,
    };
    let end = match length {
        Some(n) => match rest.get(body.saturating_add(n)) {
            None => return Ok(None),
            Some(found) => BodyEnd {
                at: body + n,
                nul: *found == 0,
            },
        },
        None => match rest[*scan..].iter().position(|&b| b == 0) {
            Some(p) => BodyEnd {
                at: *scan + p,
                nul: true,
            },
            None => {
                *scan = rest.len();
                if rest.len() - body > max_body {
                    return Err(too_large);
                }
                return Ok(None);
            }
        },
    };
    if end.at - body > max_body {
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
