//! Events to text: for people ([`text`]: colour, direction markers, escaping, hex dumps, and
//! the wording of wscope's remarks) or for programs ([`json`]: each event as its `jsonl` line),
//! in the [`Style`] decided once from the command line and the terminal. A received message passes through [`received`] first (`--decode`,
//! `--filter`, JSON laid out and highlighted). Everything here is pure; `output` decides where
//! and when the text goes.

pub(crate) mod escape;
pub(crate) mod json;
pub(crate) mod received;
pub(crate) mod text;

use base64::Engine as _;
use std::fmt::Write as _;
use std::io::{self, Write};

/// How output looks; decided once from the command line and the terminal.
#[derive(Debug, Clone)]
pub(crate) struct Style {
    /// Colour on stdout / stderr (decided per stream).
    pub color_out: bool,
    pub color_err: bool,
    /// Escape control characters in received data (stdout is a terminal).
    pub escape_out: bool,
    pub timestamps: bool,
    pub jsonl: bool,
    /// Show the handshake, pings, pongs and closes (REPL, or `-v` in pipe mode).
    pub verbose: bool,
    /// Hex-dump up to this many payload bytes (and the raw header) of each frame.
    pub frame_dump: Option<usize>,
    /// Also hex-dump the handshake bytes.
    pub handshake_dump: bool,
    /// Show credentials (Authorization, Proxy-Authorization and Cookie values, URL passwords)
    /// instead of masking them, on the screen and in JSON Lines.
    pub show_credentials: bool,
    /// Show the pongs answering `--ping-interval` keepalive pings (only with `-v`).
    pub show_keepalive: bool,
    /// With `--proto`: show every WebSocket message the protocol exchanged, and its
    /// housekeeping remarks (`-v`).
    pub proto_raw: bool,
    /// How received binary messages go to stdout in pipe mode.
    pub binary_output: BinaryOutput,
    /// What follows every received message on stdout (newline, or NUL with `-0`).
    pub separator: u8,
    /// stdout and stderr are both terminals: write them in one order, as events happened.
    pub interleave: bool,
}

impl Default for Style {
    /// Plain pipe output: no colour, no escaping, messages ended by newlines.
    fn default() -> Self {
        Style {
            color_out: false,
            color_err: false,
            escape_out: false,
            timestamps: false,
            jsonl: false,
            verbose: false,
            frame_dump: None,
            handshake_dump: false,
            show_credentials: false,
            show_keepalive: false,
            proto_raw: false,
            binary_output: BinaryOutput::Raw,
            separator: b'\n',
            interleave: false,
        }
    }
}

/// `--binary-output`: how a received binary message is written to stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(crate) enum BinaryOutput {
    /// The bytes as they are
    #[default]
    Raw,
    /// Lower-case hex digits
    Hex,
    /// Standard base64 with padding
    Base64,
}

impl BinaryOutput {
    /// The message as text in this representation (`Raw` is not text: a lossy view).
    pub(crate) fn encode(self, data: &[u8]) -> String {
        match self {
            BinaryOutput::Raw => String::from_utf8_lossy(data).into_owned(),
            BinaryOutput::Hex => {
                let mut s = String::with_capacity(data.len() * 2);
                for b in data {
                    let _ = write!(s, "{b:02x}");
                }
                s
            }
            BinaryOutput::Base64 => base64::engine::general_purpose::STANDARD.encode(data),
        }
    }
}

/// The payload prefix of wscope's own keepalive pings.
pub(crate) const KEEPALIVE_PREFIX: &[u8] = b"wscope-keepalive-";

/// Which of our output streams a rendered piece goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Channel {
    Stdout,
    Stderr,
}

/// Writes one diagnostic line to stderr, ignoring failures (a closed stderr must not end or
/// crash the program, unlike `eprintln!`).
pub(crate) fn stderr_line(line: &str) {
    let mut err = io::stderr().lock();
    let _ = err.write_all(line.as_bytes());
    let _ = err.write_all(b"\n");
}
