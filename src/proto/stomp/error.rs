//! What can be wrong with STOMP frames, received or to send, in words. Lines count from 1
//! (the command line) within the frame.

use std::fmt;

/// Why received bytes are not valid STOMP frames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StompError {
    /// The command line names no STOMP command (its text, cut to 40 characters).
    UnknownCommand(String),
    /// A line of the frame's head is not UTF-8.
    NotUtf8 {
        line: usize,
    },
    /// A header line without a colon, or with an empty name.
    BadHeader {
        line: usize,
        text: String,
    },
    /// An escape STOMP does not define, in the header named.
    BadEscape {
        header: String,
        sequence: String,
    },
    /// A `content-length` that is not a number of bytes.
    BadContentLength(String),
    TooManyHeaders {
        limit: usize,
    },
    /// No blank line (end of the headers) within this many bytes.
    HeadTooLarge {
        limit: usize,
    },
    /// The body is over the limit: announced by `content-length`, or no NUL came in time.
    BodyTooLarge {
        limit: usize,
        announced: Option<usize>,
    },
    /// A `heart-beat` header that is not two numbers of milliseconds.
    BadHeartBeat(String),
    /// A carriage return between frames that no line feed follows.
    LoneCarriageReturn,
    /// The stream ended inside a frame.
    Truncated {
        buffered: usize,
    },
}

impl fmt::Display for StompError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StompError::UnknownCommand(c) => write!(f, "{c:?} is not a STOMP command"),
            StompError::NotUtf8 { line } => {
                write!(f, "line {line} of the frame is not UTF-8 text")
            }
            StompError::BadHeader { line, text } => write!(
                f,
                "line {line} of the frame is not a header (name:value): {text:?}"
            ),
            StompError::BadEscape { header, sequence } => write!(
                f,
                "the header {header:?} holds {sequence:?}, an escape STOMP does not define"
            ),
            StompError::BadContentLength(v) => {
                write!(f, "content-length {v:?} is not a number of bytes")
            }
            StompError::TooManyHeaders { limit } => {
                write!(f, "the frame has more than {limit} headers")
            }
            StompError::HeadTooLarge { limit } => write!(
                f,
                "the frame's command and headers go on for more than {limit} bytes without the blank line that ends them"
            ),
            StompError::BodyTooLarge {
                limit,
                announced: Some(n),
            } => write!(
                f,
                "the frame announces a body of {n} bytes; the limit is {limit}"
            ),
            StompError::BodyTooLarge {
                limit,
                announced: None,
            } => write!(
                f,
                "no NUL ends the frame within the body limit of {limit} bytes"
            ),
            StompError::BadHeartBeat(v) => write!(
                f,
                "heart-beat {v:?} is not two numbers of milliseconds (as in 10000,10000)"
            ),
            StompError::LoneCarriageReturn => f.write_str(
                "a carriage return between frames without the line feed of a heart-beat",
            ),
            StompError::Truncated { buffered } => write!(
                f,
                "the stream ended inside a frame ({buffered} bytes without the NUL that ends it)"
            ),
        }
    }
}

impl std::error::Error for StompError {}

/// Why a frame cannot be sent as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EncodeError {
    /// A header the version (or frame) cannot carry: its name and the character at fault.
    Unsendable { header: String, what: &'static str },
    /// A `content-length` header that does not match the body.
    ContentLength { header: String, body: usize },
    /// A frame the version does not have (NACK in 1.0).
    NotInVersion {
        command: &'static str,
        version: &'static str,
    },
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::Unsendable { header, what } => {
                write!(f, "the header {header:?} cannot be sent: {what}")
            }
            EncodeError::ContentLength { header, body } => write!(
                f,
                "content-length {header:?} does not match the body of {body} bytes"
            ),
            EncodeError::NotInVersion { command, version } => {
                write!(f, "STOMP {version} has no {command} frame")
            }
        }
    }
}

impl std::error::Error for EncodeError {}
