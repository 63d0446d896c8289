//! A program on one end of a WebSocket (`--coproc` on the client, `wscope serve --coproc` for
//! each connection): started through `sh -c` in a process group of its own, its stdout read as
//! the lines to send ([`ProcessOutput`]), its stdin the sink of received messages
//! ([`StdinSlot`]), its exit watched by a task (woken by SIGCHLD, no thread), and on every way
//! out closed, waited for within a bound, and stopped with everything it started.
//!
//! Its own process group keeps a Ctrl-C at the terminal for wscope (which then closes the
//! connection and the program's input in order) and lets wscope stop the program's children
//! with it. stderr is inherited: what the program says reaches the user.

mod ending;
mod output;
mod stdin;

pub(crate) use ending::{Finish, verdict};
pub(crate) use output::{ExitWatch, ProcessOutput, Step};
pub(crate) use stdin::StdinSlot;

use crate::event::notice::Ending;
use std::ffi::OsString;
use std::io;
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::watch;

/// How long a program has to go after SIGTERM before SIGKILL, and after SIGKILL before wscope
/// stops waiting for it.
const AFTER_SIGNAL: Duration = Duration::from_secs(1);

/// A started program and its pipes.
pub(crate) struct Spawned {
    pub process: Coprocess,
    pub stdin: ChildStdin,
    pub stdout: ChildStdout,
}

/// A running program, by its process group. Dropped before it was finished, it is killed
/// with its group (SIGKILL), so no path leaves it behind.
pub(crate) struct Coprocess {
    pid: i32,
    exit: ExitWatch,
    finished: bool,
}

/// Starts `sh -c command` with `env` added to wscope's environment, in a process group of its
/// own. Needs the runtime (a task reaps it).
pub(crate) fn spawn(command: &str, env: &[(String, OsString)]) -> io::Result<Spawned> {
    // Listening for SIGCHLD before the child exists: its exit cannot be missed.
    let sigchld = signal(SignalKind::child()).ok();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .process_group(0)
        .spawn()?;
    let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(io::Error::other("the program's pipes were not set up"));
    };
    let pid = i32::try_from(child.id()).map_err(|_| io::Error::other("process id out of range"))?;
    let (tx, exit) = watch::channel(None);
    tokio::spawn(reap(child, sigchld, tx));
    Ok(Spawned {
        process: Coprocess {
            pid,
            exit,
            finished: false,
        },
        stdin,
        stdout,
    })
}

/// Waits for the child's exit (at each SIGCHLD, and at least every second should a signal be
/// missed) and publishes it.
async fn reap(mut child: Child, mut sigchld: Option<Signal>, tx: watch::Sender<Option<Ending>>) {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let _ = tx.send(Some(Ending::from(status)));
                return;
            }
            Ok(None) => {}
            Err(_) => {
                let _ = tx.send(Some(Ending::Unknown));
                return;
            }
        }
        match sigchld.as_mut() {
            Some(s) => {
                let _ = tokio::time::timeout(Duration::from_secs(1), s.recv()).await;
            }
            None => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

impl Coprocess {
    pub(crate) fn pid(&self) -> i32 {
        self.pid
    }

    /// A receiver of the program's end, for its [`ProcessOutput`].
    pub(crate) fn exit_watch(&self) -> ExitWatch {
        self.exit.clone()
    }

    /// How it ended, if it has.
    pub(crate) fn ended(&self) -> Option<Ending> {
        *self.exit.borrow()
    }

    /// After its stdin was closed: waits `grace` for the program to exit, then stops it with
    /// SIGTERM and, a second later, SIGKILL (to its whole group). Whatever it started and left
    /// running is stopped too.
    pub(crate) async fn finish(mut self, grace: Duration) -> Finish {
        let mut stopped_by_us = false;
        let mut ending = self.wait(grace).await;
        for sig in [libc::SIGTERM, libc::SIGKILL] {
            if ending.is_some() {
                break;
            }
            stopped_by_us = true;
            self.signal_group(sig);
            ending = self.wait(AFTER_SIGNAL).await;
        }
        self.stop_leftovers().await;
        self.finished = true;
        Finish {
            ending: ending.unwrap_or(Ending::Unknown),
            stopped_by_us,
        }
    }

    async fn wait(&mut self, limit: Duration) -> Option<Ending> {
        let ended = tokio::time::timeout(limit, self.exit.wait_for(Option::is_some)).await;
        match ended {
            Ok(Ok(seen)) => *seen,
            Ok(Err(_)) => Some(Ending::Unknown),
            Err(_) => None,
        }
    }

    /// What the program started and left running (a background job of a script) goes with
    /// it: SIGTERM to its group, SIGKILL to whatever is still in it a moment later.
    async fn stop_leftovers(&self) {
        self.signal_group(libc::SIGTERM);
        let until = Instant::now() + AFTER_SIGNAL;
        while self.group_exists() {
            if Instant::now() >= until {
                self.signal_group(libc::SIGKILL);
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn group_exists(&self) -> bool {
        // SAFETY: kill(2) with signal 0 only checks that the group has a process in it.
        unsafe { libc::kill(-self.pid, 0) == 0 }
    }

    fn signal_group(&self, sig: i32) {
        // SAFETY: kill(2) on the process group this program leads (created with it); no
        // memory is involved, and an error (the group is gone) is harmless.
        unsafe {
            libc::kill(-self.pid, sig);
        }
    }
}

impl Drop for Coprocess {
    fn drop(&mut self) {
        if !self.finished {
            self.signal_group(libc::SIGKILL);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::framing::Framing;
    use crate::input::pipe::LineReader;

    /// A bound for what should take a moment: generous, the suite shares the machine.
    const PROMPTLY: Duration = Duration::from_secs(10);

    /// Starts `command`; its output is read for up to 10 s after it exits (a leftover holding
    /// the pipe keeps it open no longer than that).
    fn start(command: &str) -> (Coprocess, ChildStdin, ProcessOutput) {
        start_with(command, PROMPTLY)
    }

    fn start_with(command: &str, after_exit: Duration) -> (Coprocess, ChildStdin, ProcessOutput) {
        let s = spawn(command, &[("WSCOPE_TEST_VALUE".into(), "v 1".into())]).expect("spawn");
        let lines = LineReader::start(s.stdout, true, Framing::Lines).expect("reader");
        let output = ProcessOutput::new(lines, s.process.exit_watch(), after_exit);
        (s.process, s.stdin, output)
    }

    async fn text(output: &mut ProcessOutput) -> Option<String> {
        match output.next().await.expect("read") {
            Step::Line(l) => Some(String::from_utf8(l.into_bytes().to_vec()).expect("utf8")),
            Step::Ended => None,
        }
    }

    #[tokio::test]
    async fn lines_then_the_exit_with_the_environment_given() {
        let (process, _stdin, mut output) = start("echo \"$WSCOPE_TEST_VALUE\"; echo two; exit 3");
        assert_eq!(text(&mut output).await.as_deref(), Some("v 1"));
        assert_eq!(text(&mut output).await.as_deref(), Some("two"));
        assert_eq!(text(&mut output).await, None);
        assert_eq!(output.ending(), Some(Ending::Exited(3)));
        let finish = process.finish(PROMPTLY).await;
        assert_eq!(finish.ending, Ending::Exited(3));
        assert!(!finish.stopped_by_us);
    }

    #[tokio::test]
    async fn a_program_that_ignores_its_input_closing_is_stopped() {
        let (process, stdin, mut output) = start("trap '' TERM; echo ready; exec sleep 30");
        assert_eq!(text(&mut output).await.as_deref(), Some("ready"));
        drop(stdin);
        let started = std::time::Instant::now();
        let finish = process.finish(Duration::from_millis(100)).await;
        assert!(finish.stopped_by_us);
        assert_eq!(
            finish.ending,
            Ending::Signaled(libc::SIGKILL),
            "sleep kept SIGTERM ignored"
        );
        // `sleep 30` would still be running: stopping it is what ended the wait.
        assert!(started.elapsed() < PROMPTLY);
    }

    #[tokio::test]
    async fn a_leftover_that_ignores_sigterm_is_killed_with_the_group() {
        let (process, _stdin, mut output) =
            start("trap '' TERM; sleep 30 >/dev/null & echo $!; exit 0");
        let pid = text(&mut output).await.expect("the leftover's pid");
        let started = std::time::Instant::now();
        let finish = process.finish(PROMPTLY).await;
        assert_eq!(finish.ending, Ending::Exited(0));
        assert!(started.elapsed() < PROMPTLY);
        // Killed (SIGKILL takes effect at once, its exit a moment later): gone, or a zombie
        // waiting for whoever adopted it.
        let running = || {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let state = stat
                .rsplit_once(')')
                .map(|(_, rest)| rest.trim_start().to_owned());
            state.is_some_and(|s| !s.starts_with('Z'))
        };
        let deadline = std::time::Instant::now() + PROMPTLY;
        while running() && std::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(!running(), "the leftover {pid} is still running");
    }

    #[tokio::test]
    async fn a_leftover_child_holding_stdout_does_not_hold_the_end() {
        // Half a second of reading after the exit: what holds the end is the leftover.
        let (process, _stdin, mut output) =
            start_with("echo last; sleep 30 & exit 0", Duration::from_millis(500));
        assert_eq!(text(&mut output).await.as_deref(), Some("last"));
        assert_eq!(text(&mut output).await, None, "over once drained");
        assert_eq!(output.ending(), Some(Ending::Exited(0)));
        let finish = process.finish(PROMPTLY).await;
        assert!(!finish.stopped_by_us);
    }
}
