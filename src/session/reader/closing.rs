//! The reader's end of the connection: the peer's Close (an answer to ours, or the start of
//! its own close handshake; a code that may not be sent fails the connection) and read errors
//! (a peer's protocol violation, failed with the code RFC 6455 asks for, or the end of the
//! connection).

use super::super::outcome::ReadEnd;
use super::super::shared::stamp;
use super::super::violations;
use super::{Reader, Step};
use crate::error::{Error, Kind};
use crate::event::Event;
use crate::output::Output;
use crate::wire::frame::{close_code_sendable, hex};
use crate::wire::tap::Dir;
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::tungstenite::Error as WsError;
use tokio_tungstenite::tungstenite::error::ProtocolError;

impl<S> Reader<'_, S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    /// The peer's Close: an answer to ours, or the start of its own close handshake; a code
    /// that may not be sent fails the connection.
    pub(super) fn close_frame(
        &mut self,
        code: Option<u16>,
        reason: String,
        out: &mut Output,
    ) -> Step {
        let farewell = self
            .proto
            .as_ref()
            .is_some_and(|l| l.farewell_pending().is_some());
        out.event(stamp(Event::Close {
            dir: Dir::In,
            code,
            reason: reason.clone(),
            farewell,
        }));
        // tungstenite replaces a code that may not be sent with 1002 before we see it (and
        // answers with 1002): the tap has the code as it was on the wire.
        let wire_code = self.shared.frames.last_close_code().or(code);
        if let Some(bad) = wire_code.filter(|c| !close_code_sendable(*c)) {
            out.event(stamp(Event::Close {
                dir: Dir::Out,
                code: Some(1002),
                reason: String::new(),
                farewell: false,
            }));
            let _ = out.flush();
            let err = Error::new(
                Kind::Protocol,
                format!(
                    "protocol error by the peer: it closed with code {bad}, which may not be sent on the wire (RFC 6455 §7.4.1); answered with 1002"
                ),
            );
            // The writer gets tungstenite's queued 1002 reply out.
            return Step::Fail(1002, ReadEnd::Failed(err));
        }
        let st = &mut self.st;
        if st.peer_close.is_none() && !st.asked_to_close && st.deadline.is_none() {
            // The peer started the close; tungstenite echoes its code.
            st.tally.peer_started_close = true;
            out.event(stamp(Event::Close {
                dir: Dir::Out,
                code,
                reason: reason.clone(),
                farewell: false,
            }));
        }
        st.peer_close = Some((code, reason));
        // Keep reading (bounded) until the transport ends.
        st.deadline
            .get_or_insert(Instant::now() + self.cfg.close_timeout);
        Step::Continue
    }

    /// A read error: the peer broke a rule (fail the connection with its code), or the
    /// connection ended.
    pub(super) fn read_error(&mut self, e: WsError, out: &mut Output) -> Step {
        let _ = out.flush();
        if let Some((code, reason)) = self.st.peer_close.take() {
            return Step::End(ReadEnd::PeerClosed(code, reason));
        }
        if let Some(v) = violations::classify(&e) {
            out.event(stamp(Event::Close {
                dir: Dir::Out,
                code: Some(v.code),
                reason: String::new(),
                farewell: false,
            }));
            let frame = self
                .shared
                .frames
                .offending(v.culprit)
                .map(|h| format!("; offending frame: {} [{}]", h.summary(), hex(h.raw())))
                .unwrap_or_default();
            let err = Error::new(
                Kind::Protocol,
                format!(
                    "protocol error by the peer: {}; closed with {}{frame}",
                    v.rule, v.code
                ),
            );
            return Step::Fail(v.code, ReadEnd::Failed(err));
        }
        Step::End(match e {
            WsError::Protocol(ProtocolError::ResetWithoutClosingHandshake) => {
                ReadEnd::Abnormal("the peer closed the TCP connection".into())
            }
            WsError::Io(io) => ReadEnd::Abnormal(io.to_string()),
            other => ReadEnd::Abnormal(other.to_string()),
        })
    }
}
