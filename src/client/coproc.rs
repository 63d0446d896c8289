//! `--coproc CMD` on the client: the program takes the place of stdin and stdout. It starts
//! once the first connection is open; its output lines are the session's input, received
//! messages go to its stdin through the usual output (so `-0` and `--binary-output` apply), and
//! diagnostics still go to stderr. When the run is over, what was received is handed to it,
//! its stdin is closed, it gets `--close-timeout` to exit (then it is stopped), and the exit
//! status reflects both the connection and the program ([`coproc::verdict`]).

use super::{Config, InputSource};
use crate::coproc::{self, Coprocess, ProcessOutput, StdinSlot};
use crate::error::{Error, Kind};
use crate::event::{Event, Stamped, Warning};
use crate::input::framing::Framing;
use crate::input::pipe::LineReader;
use crate::output::{self, Output, thread::Sink};
use crate::session::Input;
use crate::sync::lock;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// The program of a run and the ends of its pipes.
pub(super) struct Bridge {
    command: String,
    binary: bool,
    framing: Framing,
    stdin: StdinSlot,
    process: Option<Coprocess>,
    /// How long it has to exit once its stdin closed (`--close-timeout`); also how long its
    /// last lines may take after it exited.
    grace: Duration,
    /// The longest line it may write (`--max-message-size`).
    max_line: usize,
}

impl Bridge {
    /// The bridge of a run with `--coproc`, or `None`.
    pub(super) fn for_config(cfg: &Config) -> Option<Bridge> {
        let InputSource::Coproc {
            command,
            binary,
            framing,
        } = &cfg.input
        else {
            return None;
        };
        Some(Bridge {
            command: command.clone(),
            binary: *binary,
            framing: *framing,
            stdin: StdinSlot::default(),
            process: None,
            grace: cfg.session.close_timeout,
            max_line: cfg.connect.max_message_size,
        })
    }

    /// Where the run's output goes instead of stdout: the program's stdin.
    pub(super) fn stdin_sink(&self) -> Sink {
        Box::new(self.stdin.clone())
    }

    /// Starts the program (once the first connection is open): its output is the input.
    pub(super) fn start(&mut self) -> Result<Input, Error> {
        let failed = |e: std::io::Error| {
            Error::new(
                Kind::Coproc,
                format!("cannot start the --coproc program: {e}"),
            )
        };
        let spawned = coproc::spawn(&self.command, &[]).map_err(failed)?;
        let lines =
            LineReader::start_limited(spawned.stdout, !self.binary, self.framing, self.max_line)
                .map_err(failed)?;
        self.stdin.attach(spawned.stdin);
        let output = ProcessOutput::new(lines, spawned.process.exit_watch(), self.grace);
        self.process = Some(spawned.process);
        Ok(Input::Coproc {
            output,
            binary: self.binary,
        })
    }

    /// Ends the program after the run and returns the run's result as both ends decide it.
    pub(super) async fn finish(
        mut self,
        out: &Arc<Mutex<Output>>,
        result: Result<(), Error>,
    ) -> Result<(), Error> {
        let Some(process) = self.process.take() else {
            return result;
        };
        let ended_first = process.ended().is_some();
        // What arrived before the end reaches the program, unless it stopped reading.
        let _ = tokio::time::timeout(self.grace, output::drain(out)).await;
        self.stdin.close();
        let finish = process.finish(self.grace).await;
        if finish.stopped_by_us {
            let mut o = lock(out);
            o.event(Stamped {
                at: SystemTime::now(),
                event: Event::Warning(Warning::CoprocStopped {
                    grace: self.grace,
                    ending: finish.ending,
                }),
            });
            o.flush_stderr();
        }
        coproc::verdict(result, &finish, ended_first)
    }
}
