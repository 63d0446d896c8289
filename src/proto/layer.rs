//! The protocol layer's contract: what every application protocol's state machine answers to,
//! and what it hands back. The session drives it (it owns the socket, the timers and the
//! input); a protocol only reacts, with the time passed in, so each one is tested without I/O.
//!
//! ```text
//! WebSocket open ──► open(subprotocol)           user input ──► input(line) / command(/x …)
//!                                                 --heartbeat ──► heartbeat(message)
//! message in ──► received() ─► Step { send, deliver, notes, end } ─► delivered(how many printed)
//! timer ──► deadline() / on_deadline()           our Close ◄── farewell(), held while
//!                                                              farewell_pending() (bounded)
//! input is held until ready(); after input ends, pending() says whether to wait;
//! at the end, failed() says whether an operation failed while the connection ended well,
//! and closed() words the server's Close in the protocol's terms
//! ```
//!
//! A [`Step`] is what one reaction produced: WebSocket messages to send (in order, each with
//! the application message it carries, for JSON Lines and recordings), application messages
//! to deliver (printed, counted by `-n`, filtered), remarks, and the error that ends the run
//! (its [`Kind`](crate::error::Kind) decides the exit status).

use super::args::InputError;
use crate::error::Error;
use crate::event::{AppMessage, ProtoNote};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// A WebSocket data message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WsMessage {
    Text(String),
    Binary(Vec<u8>),
}

/// A received WebSocket data message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WsData<'a> {
    Text(&'a str),
    Binary(&'a [u8]),
}

/// A WebSocket message to send and, when it carries one the user asked for, the application
/// message (the protocol's own exchanges carry none).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Outgoing {
    pub message: WsMessage,
    pub app: Option<AppMessage>,
}

impl Outgoing {
    /// One of the protocol's own messages (a CONNECT, a pong).
    pub(crate) fn own(message: WsMessage) -> Self {
        Outgoing { message, app: None }
    }
}

/// What one reaction of a protocol produced.
#[derive(Debug, Default)]
pub(crate) struct Step {
    /// To send, in this order.
    pub send: Vec<Outgoing>,
    /// Application messages received, in order.
    pub deliver: Vec<AppMessage>,
    pub notes: Vec<ProtoNote>,
    /// The run ends with this error: the session closes (after [`Protocol::farewell`]).
    pub end: Option<Error>,
}

impl Step {
    pub(crate) fn sending(send: Vec<Outgoing>) -> Self {
        Step {
            send,
            ..Step::default()
        }
    }

    pub(crate) fn ending(error: Error) -> Self {
        Step {
            end: Some(error),
            ..Step::default()
        }
    }

    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.send.is_empty()
            && self.deliver.is_empty()
            && self.notes.is_empty()
            && self.end.is_none()
    }
}

/// Whether user input may flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Readiness {
    Ready,
    /// The protocol's handshake is not done: input waits (bounded by `--handshake-timeout`)
    /// for what is said here (e.g. "the server's CONNECT answer").
    Waiting(&'static str),
    /// The protocol takes no more input for now (as many calls as it keeps are waiting for
    /// their answers): input waits, with no bound of its own, until answers free room. The
    /// protocol's own deadlines (a call timeout) are what bound it.
    Busy,
}

/// Once the input has ended, what the session may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pending {
    /// Something the user asked for is unanswered (an ack, a call, an operation): the idle
    /// window does not close the session; `--wait`, `-n`, the server or Ctrl-C still can.
    Answers,
    /// Nothing is unanswered: the usual end-of-input rules apply (the idle window).
    Nothing,
    /// Nothing is unanswered and nothing more will come: close at once.
    Done,
}

/// The bytes of the files a command names (`@FILE`), read by the session before the command
/// runs.
#[derive(Debug, Default)]
pub(crate) struct Files(Vec<(PathBuf, Vec<u8>)>);

impl Files {
    pub(crate) fn add(&mut self, path: PathBuf, bytes: Vec<u8>) {
        self.0.push((path, bytes));
    }

    pub(crate) fn get(&self, path: &Path) -> Option<&[u8]> {
        self.0
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, b)| b.as_slice())
    }
}

/// One of a protocol's REPL commands: what `/help`, completion, the man page and the README
/// say of it, and the check that runs as it is typed (a mistake is shown, nothing is sent).
pub struct CommandSpec {
    /// The name, with its slash.
    pub name: &'static str,
    pub(crate) args: &'static str,
    pub help: &'static str,
    pub example: &'static str,
    pub(crate) check: fn(&str) -> Result<(), InputError>,
}

/// An application protocol's state machine, one per connection.
pub(crate) trait Protocol: Send {
    /// The WebSocket is open, with the subprotocol the server selected: what to send first (a
    /// `connection_init`, a STOMP CONNECT).
    fn open(&mut self, subprotocol: Option<&str>, now: Instant) -> Step;

    /// A data message arrived.
    fn received(&mut self, data: WsData<'_>, now: Instant) -> Step;

    /// One unit of user input in the protocol's natural form: a stdin line, an `-e` message,
    /// a `--coproc` line, a plain REPL line, a replayed message.
    fn input(&mut self, line: &str, now: Instant) -> Result<Step, InputError>;

    /// The files `command` reads (its `@FILE` arguments); the session reads them first.
    fn files(&self, _command: &str, _args: &str) -> Vec<PathBuf> {
        Vec::new()
    }

    /// `--heartbeat`'s message is due (the protocol is ready): what to send for it. By default
    /// the message is input like any other; a protocol whose messages are answered keeps the
    /// answers to it quiet.
    fn heartbeat(&mut self, message: &str, now: Instant) -> Result<Step, InputError> {
        self.input(message, now)
    }

    /// One of the protocol's REPL commands (already checked when typed).
    fn command(
        &mut self,
        command: &str,
        args: &str,
        files: &Files,
        now: Instant,
    ) -> Result<Step, InputError>;

    /// The next moment the protocol must act (a ping to send, a silence that is too long).
    fn deadline(&self) -> Option<Instant>;

    /// The deadline has come (or passed: it may have moved since it was asked for).
    fn on_deadline(&mut self, now: Instant) -> Step;

    fn ready(&self) -> Readiness;

    fn pending(&self) -> Pending;

    /// The session printed the first `count` of the application messages the last
    /// [`Protocol::received`] delivered (`-n` may want fewer): what to send now that they were
    /// handed over (STOMP's client ack modes acknowledge them, and give back the others). Only
    /// the step's messages to send count.
    fn delivered(&mut self, _count: usize, _now: Instant) -> Step {
        Step::default()
    }

    /// We are about to close: what to say first (a DISCONNECT); nothing once the protocol's
    /// session is over.
    fn farewell(&mut self, now: Instant) -> Step;

    /// After [`Protocol::farewell`]: the answer it asked for, while it has not come (STOMP:
    /// "the RECEIPT for DISCONNECT"). The session holds its Close until this is None, the
    /// connection ends or `--close-timeout` passes (then it says that this did not come).
    fn farewell_pending(&self) -> Option<&'static str> {
        None
    }

    /// How a message this protocol sent is shown in `-v`, JSON Lines and recordings, when
    /// that differs from its bytes: with the credentials it carries masked (STOMP's CONNECT
    /// passcode, unless `--show-credentials`).
    fn shown(&self, _sent: &WsMessage) -> Option<Vec<u8>> {
        None
    }

    /// Asked once the session is over: the error it ends with when the connection itself
    /// ended well (an operation or a call that failed: [`Kind::ProtoFailed`]).
    ///
    /// [`Kind::ProtoFailed`]: crate::error::Kind::ProtoFailed
    fn failed(&self) -> Option<Error> {
        None
    }

    /// Asked when the server's Close ended a session the protocol had not ended itself: the
    /// error to end with in the protocol's words (GraphQL names its close codes, with a hint),
    /// or None for the usual "peer closed with CODE".
    fn closed(&self, _code: Option<u16>, _reason: &str) -> Option<Error> {
        None
    }
}
