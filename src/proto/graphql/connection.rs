//! A GraphQL over WebSocket connection, as a state machine the session drives ([`Protocol`]):
//!
//! ```text
//! Opening ── open(subprotocol) ──► Initialising ── connection_ack ──► Ready ── farewell ──► Over
//!    │  (the dialect chosen;          │  (connection_init sent       │  (operations flow)
//!    │   none: the run ends)          │   with --connect-payload)    └─ our Close
//!    │                                └─ connection_error, or not GraphQL: the run ends
//! ```
//!
//! Operations wait for the ack (the session holds input while [`Readiness::Waiting`], within
//! `--handshake-timeout`): a server whose `onConnect` is still running closes 4401 on an early
//! `subscribe`. Each operation gets the next id; its results are delivered one line each, a
//! result with `errors` and an `error` message are said on stderr and make the run's status
//! ([`Protocol::failed`]); `complete` or `error` ends it. Once the input has ended and no
//! operation runs, the session may close at once ([`Pending::Done`]). Keepalive: `ping` is
//! answered with `pong` at once (the payload echoed), the legacy `ka` is taken silently (`-v`
//! shows both as WebSocket messages).

use super::super::args::InputError;
use super::super::layer::{Files, Outgoing, Pending, Protocol, Readiness, Step, WsData, WsMessage};
use super::client::{self, ClientMessage};
use super::message::{self, Dialect, ServerMessage};
use super::operation::parse_operation;
use super::ops::{Known, Ops};
use super::settings::Settings;
use super::words;
use crate::error::Error;
use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Opening,
    Initialising,
    Ready,
    Over,
}

/// One connection's GraphQL session.
pub(crate) struct Connection {
    s: Settings,
    phase: Phase,
    /// The dialect spoken (known once open).
    dialect: Dialect,
    ops: Ops,
}

impl Connection {
    pub(crate) fn new(s: Settings) -> Self {
        Connection {
            dialect: s.dialect.unwrap_or(Dialect::TransportWs),
            s,
            phase: Phase::Opening,
            ops: Ops::default(),
        }
    }

    /// One of our messages, as text (every message exists in the dialect it is used in).
    fn own(&self, message: &ClientMessage) -> Option<WsMessage> {
        client::encode(self.dialect, message)
            .ok()
            .map(WsMessage::Text)
    }

    fn over(&mut self, error: Error) -> Step {
        self.phase = Phase::Over;
        Step::ending(error)
    }

    /// A message of the dialect, decoded.
    fn message(&mut self, m: ServerMessage, raw: &str, now: Instant) -> Step {
        let mut step = Step::default();
        match m {
            ServerMessage::Ping { payload } => {
                let pong = ClientMessage::Pong {
                    payload: payload.as_deref(),
                };
                step.send.extend(self.own(&pong).map(Outgoing::own));
            }
            ServerMessage::Pong { .. } | ServerMessage::KeepAlive => {}
            ServerMessage::ConnectionAck { payload } if self.phase == Phase::Initialising => {
                self.phase = Phase::Ready;
                step.notes
                    .push(words::acknowledged(self.dialect, payload.as_deref()));
            }
            ServerMessage::ConnectionAck { .. } => step.notes.push(words::ack_again()),
            ServerMessage::ConnectionError { message, .. } if self.phase == Phase::Initialising => {
                return self.over(words::init_refused(&message));
            }
            ServerMessage::ConnectionError { message, .. } => {
                step.notes.push(words::connection_error(&message));
            }
            _ if self.phase == Phase::Initialising => {
                step.notes
                    .push(words::early(type_name(&m, self.dialect), raw));
            }
            ServerMessage::Next {
                id,
                payload,
                errors,
            } => self.result(&id, &payload, &errors, &mut step),
            ServerMessage::Error {
                id,
                payload,
                messages,
            } => self.error(&id, &payload, &messages, now, &mut step),
            ServerMessage::Complete { id } => self.complete(&id, now, &mut step),
        }
        step
    }

    /// Whether a message about operation `id` is for a running operation; what to say when not.
    fn running(&self, id: &str, type_name: &str, step: &mut Step) -> bool {
        match self.ops.known(id) {
            Known::Running => return true,
            Known::Stopped => step.notes.push(words::late(id, type_name, true)),
            Known::Over => step.notes.push(words::late(id, type_name, false)),
            Known::Unknown => step.notes.push(words::unknown_id(id, type_name)),
        }
        false
    }

    fn result(&mut self, id: &str, payload: &str, errors: &[String], step: &mut Step) {
        let type_name = if self.dialect == Dialect::Legacy {
            "data"
        } else {
            "next"
        };
        if !self.running(id, type_name, step) {
            // A result nobody asked for is still the server's data: shown, not counted.
            if self.ops.known(id) == Known::Unknown {
                step.deliver.push(words::stray_result(id, payload));
            }
            return;
        }
        let count = self.ops.result(id).unwrap_or_default();
        let Some(op) = self.ops.get(id) else { return };
        step.deliver
            .push(words::result_in(id, op, count, payload, errors.len()));
        if !errors.is_empty() {
            step.notes.push(words::result_errors(id, op, errors));
            let why = words::failure(id, op, errors);
            self.ops.fail(id, || why);
        }
    }

    fn error(
        &mut self,
        id: &str,
        payload: &str,
        messages: &[String],
        now: Instant,
        step: &mut Step,
    ) {
        if !self.running(id, "error", step) {
            return;
        }
        if let Some(op) = self.ops.get(id) {
            step.notes.push(words::op_error(id, op, messages, payload));
            let why = if messages.is_empty() {
                words::failure(id, op, &[words::shown(payload)])
            } else {
                words::failure(id, op, messages)
            };
            self.ops.fail(id, || why);
        }
        self.ops.end(id, now);
    }

    fn complete(&mut self, id: &str, now: Instant, step: &mut Step) {
        if !self.running(id, "complete", step) {
            return;
        }
        if let Some((op, took)) = self.ops.end(id, now) {
            step.notes.push(words::complete(id, &op, took));
        }
    }

    fn not_ready(&self) -> InputError {
        InputError::new(match self.phase {
            Phase::Over => "the GraphQL session is over: nothing sent",
            _ => "the server has not acknowledged the connection yet: nothing sent",
        })
    }

    /// `/stop ID`.
    fn stop(&mut self, args: &str) -> Result<Step, InputError> {
        let id = parse_stop(args)?;
        let Some(op) = self.ops.stop(&id) else {
            return Err(InputError::new(words::not_running(
                &id,
                &self.ops.running_ids(),
            )));
        };
        let mut step = Step::default();
        step.send.extend(
            self.own(&ClientMessage::Complete { id: &id })
                .map(Outgoing::own),
        );
        step.notes.push(words::stopped(&id, &op));
        Ok(step)
    }
}

/// The message type's name in the dialect, for a diagnostic.
fn type_name(m: &ServerMessage, dialect: Dialect) -> &'static str {
    match m {
        ServerMessage::Next { .. } if dialect == Dialect::Legacy => "data",
        ServerMessage::Next { .. } => "next",
        ServerMessage::Error { .. } => "error",
        ServerMessage::Complete { .. } => "complete",
        _ => "keepalive",
    }
}

/// The id `/stop` takes: one word.
pub(crate) fn parse_stop(args: &str) -> Result<String, InputError> {
    let mut words = args.split_whitespace();
    match (words.next(), words.next()) {
        (Some(id), None) => Ok(id.to_string()),
        (None, _) => Err(InputError::new(
            "/stop needs the id of a running operation (/ops lists them)",
        )),
        (Some(_), Some(_)) => Err(InputError::new("/stop takes one operation id")),
    }
}

impl Protocol for Connection {
    fn open(&mut self, subprotocol: Option<&str>, _now: Instant) -> Step {
        let (dialect, said) = match self.s.dialect_for(subprotocol) {
            Ok(chosen) => chosen,
            Err(e) => return self.over(e),
        };
        self.dialect = dialect;
        self.phase = Phase::Initialising;
        let init = ClientMessage::ConnectionInit {
            payload: self.s.payload.as_deref(),
        };
        let mut step = Step::sending(self.own(&init).map(Outgoing::own).into_iter().collect());
        step.notes.extend(said);
        step
    }

    fn received(&mut self, data: WsData<'_>, now: Instant) -> Step {
        if self.phase == Phase::Over {
            return Step::default();
        }
        let text = match data {
            WsData::Text(t) => t,
            WsData::Binary(_) => "a binary message",
        };
        let decoded = match data {
            WsData::Text(t) => message::decode(self.dialect, t).map_err(|e| e.to_string()),
            WsData::Binary(b) => Err(format!(
                "GraphQL messages are text; this is {} bytes of binary",
                b.len()
            )),
        };
        match decoded {
            Ok(m) => self.message(m, text, now),
            Err(e) if self.phase == Phase::Initialising => {
                self.over(words::not_graphql(self.dialect, text, &e))
            }
            Err(e) => {
                let mut step = Step::default();
                step.notes.push(words::skipped(self.dialect, text, &e));
                step
            }
        }
    }

    fn input(&mut self, line: &str, now: Instant) -> Result<Step, InputError> {
        if self.phase != Phase::Ready {
            return Err(self.not_ready());
        }
        let op = parse_operation(line)?;
        let id = self.ops.start(&op, now);
        let subscribe = ClientMessage::Subscribe {
            id: &id,
            operation: &op,
        };
        let Some(message) = self.own(&subscribe) else {
            return Err(InputError::new("the operation could not be written"));
        };
        let app = words::operation_out(&id, &op, line.to_string());
        Ok(Step::sending(vec![Outgoing {
            message,
            app: Some(app),
        }]))
    }

    fn command(
        &mut self,
        command: &str,
        args: &str,
        _files: &Files,
        now: Instant,
    ) -> Result<Step, InputError> {
        if self.phase != Phase::Ready {
            return Err(self.not_ready());
        }
        match command {
            "/ops" => {
                let mut step = Step::default();
                step.notes.push(words::ops_list(self.ops.running(), now));
                Ok(step)
            }
            "/stop" => self.stop(args),
            other => Err(InputError::new(format!("{other} is not a GraphQL command"))),
        }
    }

    fn deadline(&self) -> Option<Instant> {
        None
    }

    fn on_deadline(&mut self, _now: Instant) -> Step {
        Step::default()
    }

    fn ready(&self) -> Readiness {
        match self.phase {
            Phase::Opening | Phase::Initialising => {
                Readiness::Waiting("the server's connection_ack")
            }
            Phase::Ready | Phase::Over => Readiness::Ready,
        }
    }

    fn pending(&self) -> Pending {
        match self.phase {
            Phase::Ready if self.ops.is_idle() => Pending::Done,
            Phase::Ready => Pending::Answers,
            _ => Pending::Nothing,
        }
    }

    /// The running operations are stopped before our Close (as the official clients do).
    fn farewell(&mut self, _now: Instant) -> Step {
        if self.phase != Phase::Ready {
            return Step::default();
        }
        self.phase = Phase::Over;
        let mut step = Step::default();
        for id in self.ops.running_ids() {
            self.ops.stop(&id);
            step.send.extend(
                self.own(&ClientMessage::Complete { id: &id })
                    .map(Outgoing::own),
            );
        }
        step
    }

    fn failed(&self) -> Option<Error> {
        let (started, failed, first) = self.ops.failures();
        first.map(|f| words::failed(started, failed, f))
    }

    fn closed(&self, code: Option<u16>, reason: &str) -> Option<Error> {
        words::closed(self.dialect, code?, reason, &self.ops.running_ids())
    }
}
