//! How a coprocess ended, what that means for the connection (the close code it gets) and for
//! the exit status of a client run (which reflects both the connection and the program). Pure.
//! The [`Ending`] itself is a fact events carry, so it is declared with them.

use crate::error::{Error, Kind};
use crate::event::notice::Ending;
use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;

impl From<ExitStatus> for Ending {
    fn from(status: ExitStatus) -> Self {
        match (status.code(), status.signal()) {
            (Some(code), _) => Ending::Exited(code),
            (None, Some(sig)) => Ending::Signaled(sig),
            (None, None) => Ending::Unknown,
        }
    }
}

impl Ending {
    pub(crate) fn success(self) -> bool {
        self == Ending::Exited(0)
    }

    /// The close code its connection gets: 1000 when it exited (whatever its status), 1011
    /// (internal error) when a signal killed it.
    pub(crate) fn close_code(self) -> u16 {
        match self {
            Ending::Exited(_) => 1000,
            Ending::Signaled(_) | Ending::Unknown => 1011,
        }
    }

    /// The close reason its connection gets: nothing for a clean exit, else what happened.
    pub(crate) fn close_reason(self) -> String {
        match self {
            Ending::Exited(0) => String::new(),
            other => format!("the program {}", other.describe()),
        }
    }

    /// What happened, after "the program": `exited with status 3`.
    pub(crate) fn describe(self) -> String {
        match self {
            Ending::Exited(code) => format!("exited with status {code}"),
            Ending::Signaled(sig) => match signal_name(sig) {
                Some(name) => format!("was killed by signal {sig} ({name})"),
                None => format!("was killed by signal {sig}"),
            },
            Ending::Unknown => "did not let itself be reaped".to_string(),
        }
    }
}

/// What finishing a program came to: how it ended, and whether wscope had to stop it (it did
/// not exit within the grace time after its input closed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Finish {
    pub ending: Ending,
    pub stopped_by_us: bool,
}

impl Finish {
    /// It ended badly on its own (not because wscope stopped it).
    pub(crate) fn failed(&self) -> bool {
        !self.stopped_by_us && !self.ending.success()
    }
}

/// The result of a client run with `--coproc`, from the connection's result and the program's
/// end. Whatever ended first decides: a program that failed before the connection ended (or
/// after a connection that ended cleanly) gives the coprocess status; a connection that failed
/// first keeps its own status, with the program's end added to its message.
pub(crate) fn verdict(
    connection: Result<(), Error>,
    finish: &Finish,
    ended_first: bool,
) -> Result<(), Error> {
    if !finish.failed() {
        return connection;
    }
    let what = format!("the --coproc program {}", finish.ending.describe());
    match connection {
        Err(e) if !ended_first => Err(Error {
            message: format!("{}; {what} after that", e.message),
            ..e
        }),
        Ok(()) if !ended_first => Err(Error::new(
            Kind::Coproc,
            format!("{what} after the connection closed"),
        )),
        _ => Err(Error::new(Kind::Coproc, what)),
    }
}

/// The name of a common signal.
pub(crate) fn signal_name(sig: i32) -> Option<&'static str> {
    const NAMES: &[(i32, &str)] = &[
        (libc::SIGHUP, "SIGHUP"),
        (libc::SIGINT, "SIGINT"),
        (libc::SIGQUIT, "SIGQUIT"),
        (libc::SIGILL, "SIGILL"),
        (libc::SIGABRT, "SIGABRT"),
        (libc::SIGFPE, "SIGFPE"),
        (libc::SIGKILL, "SIGKILL"),
        (libc::SIGSEGV, "SIGSEGV"),
        (libc::SIGPIPE, "SIGPIPE"),
        (libc::SIGALRM, "SIGALRM"),
        (libc::SIGTERM, "SIGTERM"),
        (libc::SIGUSR1, "SIGUSR1"),
        (libc::SIGUSR2, "SIGUSR2"),
        (libc::SIGBUS, "SIGBUS"),
    ];
    NAMES.iter().find(|(n, _)| *n == sig).map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finish(ending: Ending, stopped_by_us: bool) -> Finish {
        Finish {
            ending,
            stopped_by_us,
        }
    }

    #[test]
    fn an_exit_closes_with_1000_and_a_signal_with_1011() {
        assert_eq!(Ending::Exited(0).close_code(), 1000);
        assert_eq!(Ending::Exited(0).close_reason(), "");
        assert_eq!(Ending::Exited(3).close_code(), 1000);
        assert_eq!(
            Ending::Exited(3).close_reason(),
            "the program exited with status 3"
        );
        assert_eq!(Ending::Signaled(9).close_code(), 1011);
        assert_eq!(
            Ending::Signaled(9).close_reason(),
            "the program was killed by signal 9 (SIGKILL)"
        );
        assert_eq!(Ending::Signaled(64).describe(), "was killed by signal 64");
        assert_eq!(
            Ending::from(ExitStatus::from_raw(libc::SIGTERM)),
            Ending::Signaled(libc::SIGTERM)
        );
        assert_eq!(
            Ending::from(ExitStatus::from_raw(2 << 8)),
            Ending::Exited(2)
        );
    }

    #[test]
    fn the_exit_status_reflects_whichever_ended_first() {
        let clean = finish(Ending::Exited(0), false);
        let failed = finish(Ending::Exited(2), false);
        let killed = finish(Ending::Signaled(libc::SIGKILL), false);
        let stopped = finish(Ending::Signaled(libc::SIGTERM), true);
        let lost = || Err(Error::new(Kind::Abnormal, "connection lost"));
        let kind = |r: Result<(), Error>| r.err().map(|e| e.kind);

        assert!(verdict(Ok(()), &clean, true).is_ok());
        assert!(
            verdict(Ok(()), &stopped, false).is_ok(),
            "stopped after the end"
        );
        assert_eq!(kind(verdict(lost(), &clean, false)), Some(Kind::Abnormal));

        let e = verdict(Ok(()), &failed, true).expect_err("failed");
        assert_eq!(e.kind, Kind::Coproc);
        assert_eq!(e.message, "the --coproc program exited with status 2");
        let e = verdict(Ok(()), &failed, false).expect_err("failed after");
        assert_eq!(
            e.message,
            "the --coproc program exited with status 2 after the connection closed"
        );
        // The program died first: the peer's echo of our 1011 is a consequence.
        let echoed = Err(Error::new(Kind::PeerClose, "peer closed with 1011"));
        assert_eq!(kind(verdict(echoed, &killed, true)), Some(Kind::Coproc));
        // The connection failed first: its status stays, the program's end is said.
        let e = verdict(lost(), &failed, false).expect_err("lost");
        assert_eq!(e.kind, Kind::Abnormal);
        assert_eq!(
            e.message,
            "connection lost; the --coproc program exited with status 2 after that"
        );
    }
}
