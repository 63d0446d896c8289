//! What the program writes, as the lines a session sends, until the program is over.
//!
//! The program is over when it has exited, not when its stdout closes: a program may close its
//! stdout and go on reading (a consumer), or leave a child of its own holding stdout when it
//! exits. Lines written before the exit are all sent: after the exit, reading goes on until
//! stdout closes or a short time passes (a leftover child may hold it open forever).

use crate::event::notice::Ending;
use crate::input::framing::Line;
use crate::input::pipe::LineReader;
use std::io;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// Where the program's end is published (by the task that reaps it).
pub(crate) type ExitWatch = watch::Receiver<Option<Ending>>;

/// One step of the program's output.
pub(crate) enum Step {
    Line(Line),
    /// The program is over; every line it wrote before was handed out (how it ended:
    /// [`ProcessOutput::ending`]).
    Ended,
}

enum State {
    Running,
    /// Its stdout closed; the program may still be running (and reading).
    StdoutClosed,
    /// It exited; its last lines are read until stdout closes or `until`.
    Exited {
        ending: Ending,
        until: Instant,
    },
    Over(Ending),
}

/// The program's stdout as lines, and its end.
pub(crate) struct ProcessOutput {
    lines: LineReader,
    exit: ExitWatch,
    /// How long its last lines may take to arrive after it exited.
    drain: Duration,
    state: State,
}

impl ProcessOutput {
    pub(crate) fn new(lines: LineReader, exit: ExitWatch, drain: Duration) -> Self {
        ProcessOutput {
            lines,
            exit,
            drain,
            state: State::Running,
        }
    }

    /// The next line, or the program's end. Cancel-safe.
    pub(crate) async fn next(&mut self) -> io::Result<Step> {
        loop {
            match self.state {
                State::Over(_) => return Ok(Step::Ended),
                State::StdoutClosed => {
                    let ending = exited(&mut self.exit).await;
                    self.state = State::Over(ending);
                }
                State::Running => tokio::select! {
                    biased;
                    line = self.lines.next_line() => match line? {
                        Some(l) => return Ok(Step::Line(l)),
                        None => self.state = State::StdoutClosed,
                    },
                    ending = exited(&mut self.exit) => {
                        let until = Instant::now() + self.drain;
                        self.state = State::Exited { ending, until };
                    }
                },
                State::Exited { ending, until } => tokio::select! {
                    biased;
                    line = self.lines.next_line() => match line? {
                        Some(l) => return Ok(Step::Line(l)),
                        None => self.state = State::Over(ending),
                    },
                    _ = tokio::time::sleep_until(until.into()) => self.state = State::Over(ending),
                },
            }
        }
    }

    /// A line already read, without waiting.
    pub(crate) fn buffered_line(&mut self) -> Option<Line> {
        self.lines.buffered_line()
    }

    /// The 1-based number of the next line (for error messages).
    pub(crate) fn next_line_no(&self) -> u64 {
        self.lines.next_line_no
    }

    /// How the program ended, once this has said so.
    pub(crate) fn ending(&self) -> Option<Ending> {
        match self.state {
            State::Over(ending) => Some(ending),
            _ => None,
        }
    }
}

/// Waits for the program's end; a reaper that is gone without saying counts as unknown.
async fn exited(exit: &mut ExitWatch) -> Ending {
    match exit.wait_for(Option::is_some).await {
        Ok(seen) => (*seen).unwrap_or(Ending::Unknown),
        Err(_) => Ending::Unknown,
    }
}
