//! What a client run takes, validated (by `config`, from the command line): where to connect
//! and how, where the messages come from, how the session behaves and what is shown. Options
//! that combine are one enum each here; nothing in the run re-derives them from flags.

use crate::input::framing::Framing;
use crate::input::schedule::Schedule;
use crate::open::ConnectConfig;
use crate::render::Style;
use crate::render::received::DisplayConfig;
use crate::session::SessionConfig;
use crate::wire::target::Target;
use std::path::PathBuf;

/// Interactive or scripted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Repl,
    Pipe,
}

/// Where the messages to send come from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum InputSource {
    /// The REPL (stdin and stdout are a terminal, nothing asks for scripted behaviour).
    Repl,
    /// stdin, cut into messages as `--input` says, as text or binary.
    Stdin { binary: bool, framing: Framing },
    /// The `-e` messages.
    Execute(Vec<String>),
    /// Nothing of our own: echo what arrives (`--reflect`).
    Reflect,
    /// A recording's messages at their moments (`wscope replay`).
    Replay(Schedule),
    /// A program started once connected (`--coproc`): its stdout, cut as `--input` says, is
    /// sent (as text or binary); received messages are written to its stdin as they would be
    /// to stdout.
    Coproc {
        command: String,
        binary: bool,
        framing: Framing,
    },
}

/// What the frame inspector shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FrameDump {
    /// Nothing (the REPL can turn lines on with `/frames on`).
    Off,
    /// A line per frame (`-x`), keeping `capture` payload bytes of each (for JSON Lines).
    Lines { capture: usize },
    /// Lines with a hex dump of the header and of the first `bytes` payload bytes (`-X`).
    HexDump { bytes: usize },
}

impl FrameDump {
    pub(crate) fn enabled(self) -> bool {
        self != FrameDump::Off
    }

    /// How many payload bytes of each frame the tap keeps.
    pub(crate) fn capture(self) -> usize {
        match self {
            FrameDump::Off => 0,
            FrameDump::Lines { capture } => capture,
            FrameDump::HexDump { bytes } => bytes,
        }
    }
}

/// Whether and how often to connect again after an abnormal end (`--reconnect`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reconnect {
    Off,
    /// At most `max` attempts in a row (`None`: no limit).
    On {
        max: Option<u32>,
    },
}

/// Messages sent first on every connection.
#[derive(Debug, Clone, Default)]
pub(crate) struct InitMessages {
    pub inline: Vec<String>,
    pub file: Option<PathBuf>,
}

/// Everything a client run needs, validated.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub target: Target,
    pub connect: ConnectConfig,
    pub input: InputSource,
    pub session: SessionConfig,
    pub style: Style,
    pub display: DisplayConfig,
    pub frames: FrameDump,
    pub reconnect: Reconnect,
    pub init: InitMessages,
    /// The REPL history file (`None` with `--no-history` or without a home).
    pub history: Option<PathBuf>,
    /// Print how long each step took at the end (`--timing`).
    pub timing: bool,
    /// Where `--record` writes the conversation as JSON Lines.
    pub record: Option<PathBuf>,
    /// What reading a copied curl command kept, converted, dropped and ignored (for stderr).
    pub import_notes: Vec<String>,
}

impl Config {
    pub(crate) fn mode(&self) -> Mode {
        match self.input {
            InputSource::Repl => Mode::Repl,
            _ => Mode::Pipe,
        }
    }
}
