//! How a session ended, as one result: the reader's end (the peer's Close, a lost connection, a
//! violation, our stdout gone), the writer's end (done, Ctrl-C, a failure) and what `-n` asked
//! for, combined into the error (or success) that becomes the exit status. Pure.

use super::end_policy::EndPolicy;
use crate::error::{Cause, Error, Kind};
use crate::wire::frame::close_code_meaning;

/// How the reading side ended.
#[derive(Debug)]
pub(super) enum ReadEnd {
    /// The peer's Close frame arrived (its code and reason).
    PeerClosed(Option<u16>, String),
    /// Transport ended without a Close frame.
    Abnormal(String),
    /// A typed error (protocol violation, close timeout).
    Failed(Error),
    /// Our stdout went away (`| head`); a quiet, successful end.
    OutputClosed,
    /// Everything asked for arrived (`-n`); the peer did not answer our Close in time, which
    /// was said as a warning.
    Finished,
}

/// How the writing side ended.
#[derive(Debug)]
pub(super) enum WriteEnd {
    Done,
    Interrupted,
    Failed(Error),
}

/// What the reader counted, for the outcome.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Tally {
    /// Data messages printed.
    pub received: u64,
    /// Data messages that arrived after `-n` was reached (not printed).
    pub dropped: u64,
    /// The peer sent its Close before we sent ours.
    pub peer_started_close: bool,
}

/// How each side ended, and the application protocol's end (`--proto`: the server refused
/// or ended its session) when it came first.
#[derive(Debug)]
pub(super) struct Ends {
    pub read: ReadEnd,
    pub write: WriteEnd,
    pub proto: Option<Error>,
    /// `--proto`: an operation or call that failed, the status when all else went well.
    pub failed: Option<Error>,
}

/// The session's result from how each side ended and how many messages arrived. Ctrl-C and
/// a failure of our own come first, then the protocol's end (the server's own message), then
/// how the connection closed; an operation that failed when all that went well.
pub(super) fn outcome(ends: Ends, end: &EndPolicy, tally: &Tally) -> Result<(), Error> {
    let failed = ends.failed.clone();
    connection_outcome(ends, end, tally).and_then(|()| failed.map_or(Ok(()), Err))
}

fn connection_outcome(ends: Ends, end: &EndPolicy, tally: &Tally) -> Result<(), Error> {
    let Ends {
        read: read_end,
        write: write_end,
        proto,
        ..
    } = ends;
    match write_end {
        WriteEnd::Interrupted => return Err(crate::interrupt::interrupted()),
        WriteEnd::Failed(e) if e.kind != Kind::Abnormal => return Err(e),
        _ => {}
    }
    if let Some(e) = proto {
        return Err(e);
    }
    match read_end {
        ReadEnd::OutputClosed | ReadEnd::Finished => Ok(()),
        ReadEnd::PeerClosed(code @ (None | Some(1000) | Some(1001)), _) => match write_end {
            WriteEnd::Failed(e) => Err(e),
            _ => incomplete(end, tally, code).map_or(Ok(()), Err),
        },
        ReadEnd::PeerClosed(Some(code), reason) => {
            let what = if reason.is_empty() {
                format!("peer closed with {code} ({})", close_code_meaning(code))
            } else {
                format!(
                    "peer closed with {code} ({}): {reason}",
                    close_code_meaning(code)
                )
            };
            Err(Error::new(Kind::PeerClose, what).because(Cause::PeerClosed(code)))
        }
        ReadEnd::Abnormal(why) => Err(Error::new(
            Kind::Abnormal,
            format!("connection closed without a Close frame ({why})"),
        )),
        // The reader waited out the close deadline the writer started when it failed: the
        // writer's failure is what happened.
        ReadEnd::Failed(e) => match write_end {
            WriteEnd::Failed(w) if e.kind == Kind::Timeout => Err(w),
            _ => Err(e),
        },
    }
}

/// The error for a clean close that came before `-n` was satisfied, if it did.
fn incomplete(end: &EndPolicy, tally: &Tally, code: Option<u16>) -> Option<Error> {
    end.missing(tally.received)?;
    let asked = end.count.unwrap_or_default();
    let before = match (tally.peer_started_close, code) {
        (false, _) => "--wait passed".to_string(),
        (true, Some(c)) => format!("the server closed with {c}"),
        (true, None) => "the server closed".to_string(),
    };
    Some(Error::new(
        Kind::Incomplete,
        format!(
            "received {} of the {asked} messages asked for (-n {asked}) before {before}",
            tally.received
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The outcome when the peer's Close (`code`) or another end (`read`) meets `write`.
    fn ends(
        read: ReadEnd,
        write: WriteEnd,
        end: &EndPolicy,
        received: u64,
        peer: bool,
    ) -> Result<(), Error> {
        let tally = Tally {
            received,
            dropped: 0,
            peer_started_close: peer,
        };
        let ends = Ends {
            read,
            write,
            proto: None,
            failed: None,
        };
        outcome(ends, end, &tally)
    }

    fn closed(code: Option<u16>, reason: &str) -> ReadEnd {
        ReadEnd::PeerClosed(code, reason.into())
    }

    fn kind(r: Result<(), Error>) -> Option<Kind> {
        r.err().map(|e| e.kind)
    }

    #[test]
    fn clean_closes_are_success_and_other_codes_carry_the_reason() {
        let any = EndPolicy::default();
        for code in [None, Some(1000), Some(1001)] {
            assert!(
                ends(closed(code, ""), WriteEnd::Done, &any, 0, true).is_ok(),
                "{code:?}"
            );
        }
        let e = ends(closed(Some(4000), "bye"), WriteEnd::Done, &any, 0, true).expect_err("4000");
        assert_eq!(e.kind, Kind::PeerClose);
        assert_eq!(
            e.message,
            "peer closed with 4000 (application-defined): bye"
        );
    }

    #[test]
    fn the_writer_side_decides_first() {
        let any = EndPolicy::default();
        let clean = || closed(Some(1000), "");
        assert_eq!(
            kind(ends(clean(), WriteEnd::Interrupted, &any, 0, false)),
            Some(Kind::Interrupted)
        );
        let input = WriteEnd::Failed(Error::new(Kind::Input, "bad line"));
        assert_eq!(
            kind(ends(clean(), input, &any, 0, false)),
            Some(Kind::Input)
        );
        // A writer that lost the connection yields to what the reader saw.
        let lost = WriteEnd::Failed(Error::new(Kind::Abnormal, "gone"));
        assert_eq!(
            kind(ends(ReadEnd::OutputClosed, lost, &any, 0, false)),
            None
        );
    }

    #[test]
    fn abnormal_ends_and_read_failures() {
        let any = EndPolicy::default();
        let e = ends(
            ReadEnd::Abnormal("reset".into()),
            WriteEnd::Done,
            &any,
            0,
            false,
        )
        .expect_err("abnormal");
        assert_eq!(e.kind, Kind::Abnormal);
        assert!(e.message.contains("without a Close frame (reset)"));
        let timeout = ReadEnd::Failed(Error::new(Kind::Timeout, "no answer"));
        assert_eq!(
            kind(ends(timeout, WriteEnd::Done, &any, 0, false)),
            Some(Kind::Timeout)
        );
        assert!(ends(ReadEnd::Finished, WriteEnd::Done, &any, 3, false).is_ok());
        // A writer that could not send started the close deadline the reader then ran out of.
        let timeout = ReadEnd::Failed(Error::new(Kind::Timeout, "no answer"));
        let lost = WriteEnd::Failed(Error::new(Kind::Abnormal, "sending failed: broken pipe"));
        let e = ends(timeout, lost, &any, 0, false).expect_err("the send failed");
        assert_eq!(e.message, "sending failed: broken pipe");
    }

    #[test]
    fn fewer_messages_than_asked_says_what_ended_the_wait() {
        let three = EndPolicy::from_options(None, None, Some(3));
        let clean = || closed(Some(1000), "");
        let e = ends(clean(), WriteEnd::Done, &three, 2, true).expect_err("two of three");
        assert_eq!(e.kind, Kind::Incomplete);
        assert_eq!(
            e.message,
            "received 2 of the 3 messages asked for (-n 3) before the server closed with 1000"
        );
        let e = ends(clean(), WriteEnd::Done, &three, 1, false).expect_err("one of three");
        assert!(e.message.ends_with("before --wait passed"), "{}", e.message);
        assert!(ends(clean(), WriteEnd::Done, &three, 3, false).is_ok());
        // A closed stdout is the user's choice, not a shortfall.
        assert!(ends(ReadEnd::OutputClosed, WriteEnd::Done, &three, 1, false).is_ok());
    }

    #[test]
    fn the_protocols_end_comes_before_how_the_connection_closed() {
        let any = EndPolicy::default();
        let tally = Tally::default();
        let refused = || Some(Error::new(Kind::ProtoRefused, "not authorized"));
        for read in [
            closed(Some(1000), ""),
            closed(Some(4000), "x"),
            ReadEnd::Abnormal("gone".into()),
        ] {
            let ends = Ends {
                read,
                write: WriteEnd::Done,
                proto: refused(),
                failed: None,
            };
            assert_eq!(kind(outcome(ends, &any, &tally)), Some(Kind::ProtoRefused));
        }
        let ends = Ends {
            read: closed(Some(1000), ""),
            write: WriteEnd::Interrupted,
            proto: refused(),
            failed: None,
        };
        assert_eq!(kind(outcome(ends, &any, &tally)), Some(Kind::Interrupted));
        // A failed operation is the status of a connection that ended well, and only then.
        let failed = || Some(Error::new(Kind::ProtoFailed, "an operation failed"));
        for (read, want) in [
            (closed(Some(1000), ""), Kind::ProtoFailed),
            (closed(Some(4000), "x"), Kind::PeerClose),
        ] {
            let ends = Ends {
                read,
                write: WriteEnd::Done,
                proto: None,
                failed: failed(),
            };
            assert_eq!(kind(outcome(ends, &any, &tally)), Some(want));
        }
    }
}
