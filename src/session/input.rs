//! Where the messages a session sends come from: stdin lines, a program's output lines
//! (`--coproc`), the `-e` messages, the REPL's commands, a recording (`wscope replay`), or
//! nothing (`--reflect`), seen by the writer one step at a time.

use crate::coproc::{ProcessOutput, Step};
use crate::error::{Error, Kind};
use crate::input::command::Command;
use crate::input::framing::Line;
use crate::input::json_stream::JsonSyntax;
use crate::input::pipe::LineReader;
use crate::input::schedule::Schedule;
use std::collections::VecDeque;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

/// Where the messages to send come from.
pub(crate) enum Input {
    /// stdin lines, as text (or binary with `-b`).
    Pipe { lines: LineReader, binary: bool },
    /// A program's output lines (`--coproc`), as text (or binary with `-b`), until it is over.
    Coproc { output: ProcessOutput, binary: bool },
    /// `-e` messages.
    Messages(VecDeque<String>),
    /// Commands from the REPL thread.
    Repl(mpsc::Receiver<Command>),
    /// A recording's messages at their moments (`wscope replay`).
    Timed(Schedule),
    /// Nothing to send of our own (`--reflect`): run until the peer closes.
    Nothing,
}

/// What one step of input produced.
pub(super) enum Next {
    Send(Message),
    Command(Command),
    End,
}

impl Input {
    /// The next step, waiting for input as needed. Cancel-safe.
    pub(super) async fn next(&mut self) -> Result<Next, Error> {
        match self {
            Input::Pipe { lines, binary } => match lines.next_line().await {
                Ok(Some(line)) => {
                    line_message(line, *binary, STDIN, lines.next_line_no - 1).map(Next::Send)
                }
                Ok(None) => Ok(Next::End),
                Err(e) => Err(read_error(&e, "stdin")),
            },
            Input::Coproc { output, binary } => match output.next().await {
                Ok(Step::Line(line)) => {
                    line_message(line, *binary, PROGRAM, output.next_line_no() - 1).map(Next::Send)
                }
                Ok(Step::Ended) => Ok(Next::End),
                Err(e) => Err(read_error(&e, "the --coproc program's output")),
            },
            Input::Messages(q) => Ok(match q.pop_front() {
                Some(m) => Next::Send(Message::Text(m.into())),
                None => Next::End,
            }),
            Input::Repl(rx) => Ok(match rx.recv().await {
                Some(c) => Next::Command(c),
                None => Next::End,
            }),
            Input::Timed(schedule) => Ok(match schedule.next().await {
                Some(m) => Next::Send(m),
                None => Next::End,
            }),
            Input::Nothing => Ok(Next::End),
        }
    }

    /// A message whose input is already here, without waiting (pipe mode feeds these before
    /// it flushes).
    pub(super) fn ready_message(&mut self) -> Option<Result<Message, Error>> {
        match self {
            Input::Pipe { lines, binary } => {
                let line = lines.buffered_line()?;
                Some(line_message(line, *binary, STDIN, lines.next_line_no - 1))
            }
            Input::Coproc { output, binary } => {
                let line = output.buffered_line()?;
                Some(line_message(
                    line,
                    *binary,
                    PROGRAM,
                    output.next_line_no() - 1,
                ))
            }
            _ => None,
        }
    }

    /// Pipe mode's next message already read, as its bytes (borrowed: the writer frames it
    /// itself) and whether it goes as text; `None` for other inputs and when nothing is
    /// buffered. Text must be UTF-8, as in [`Self::ready_message`].
    pub(super) fn ready_payload(&mut self) -> Option<Result<(&[u8], bool), Error>> {
        let Input::Pipe { lines, binary } = self else {
            return None;
        };
        let binary = *binary;
        let line_no = lines.next_line_no;
        let (bytes, utf8) = lines.buffered_bytes()?;
        if binary {
            Some(Ok((bytes, false)))
        } else if utf8 || std::str::from_utf8(bytes).is_ok() {
            Some(Ok((bytes, true)))
        } else {
            Some(Err(not_utf8(STDIN, line_no)))
        }
    }

    /// Whether the messages come from stdin.
    pub(super) fn is_pipe(&self) -> bool {
        matches!(self, Input::Pipe { .. })
    }

    /// Where the last message came from, for a diagnostic (`stdin line 3`).
    pub(super) fn position(&self) -> String {
        match self {
            Input::Pipe { lines, .. } => format!("{STDIN} {}", lines.next_line_no - 1),
            Input::Coproc { output, .. } => format!("{PROGRAM} {}", output.next_line_no() - 1),
            Input::Messages(_) => "an -e message".into(),
            Input::Repl(_) => "the line".into(),
            Input::Timed(_) => "a replayed message".into(),
            Input::Nothing => "the input".into(),
        }
    }

    /// Whether its messages may be a protocol's REPL commands (`--proto`): a recording's
    /// are, as the REPL took them; stdin lines never are.
    pub(super) fn commands_allowed(&self) -> bool {
        matches!(self, Input::Timed(_))
    }

    /// The close code and reason once the input has ended: 1000, or what a program's end
    /// calls for (1011 when a signal killed it).
    pub(super) fn farewell(&self) -> (u16, String) {
        match self {
            Input::Coproc { output, .. } => output.ending().map_or((1000, String::new()), |e| {
                (e.close_code(), e.close_reason())
            }),
            _ => (1000, String::new()),
        }
    }

    /// The close code and reason when reading the input failed: 1000 for stdin (the user's
    /// matter), 1011 for a program's output (this end cannot go on).
    pub(super) fn failure_farewell(&self) -> (u16, &'static str) {
        match self {
            Input::Coproc { .. } => (1011, "the program's output could not be sent"),
            _ => (1000, ""),
        }
    }
}

/// A failed read of stdin (or a program's output), or a JSON syntax error in it
/// (`--input json`).
fn read_error(e: &std::io::Error, source: &str) -> Error {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<JsonSyntax>())
    {
        Some(bad) => Error::new(
            Kind::Input,
            format!("{bad}; the values before it were sent, nothing after it"),
        ),
        None => Error::new(Kind::Input, format!("reading {source}: {e}")),
    }
}

const STDIN: &str = "stdin line";
const PROGRAM: &str = "line of the --coproc program's output";

/// Turns one line (of stdin or a program's output) into a message; text must be UTF-8.
fn line_message(line: Line, binary: bool, what: &str, line_no: u64) -> Result<Message, Error> {
    if binary {
        return Ok(Message::Binary(line.into_bytes()));
    }
    match line.into_text() {
        Ok(t) => Ok(Message::Text(t)),
        Err(_) => Err(not_utf8(what, line_no)),
    }
}

/// A line to send as text is not UTF-8.
fn not_utf8(what: &str, line_no: u64) -> Error {
    Error::new(
        Kind::Input,
        format!(
            "{what} {line_no} is not valid UTF-8; it was not sent (text messages must be UTF-8)"
        ),
    )
    .with_hint("use -b/--binary to send each line as a binary message")
}
