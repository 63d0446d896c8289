//! A JSON-RPC 2.0 client, as a state machine the session drives ([`Protocol`]).
//!
//! There is no handshake: input flows at once. Each call gets the next free id (from
//! `--id-start`, 1 by default: rpc-websockets never answers id 0) and waits in the pending
//! table until the answer with its id comes, in whatever order the server answers; a batch
//! goes out as one message and its answers are matched one by one. A result prints as one
//! line; an error response is said on stderr and makes the run end with status 17; anything
//! else the server sends (an `eth_subscription` notification, an rpc-websockets event) prints
//! whole. After input ends the session waits while calls are pending ([`Pending::Answers`]);
//! `--call-timeout` gives up on a call that waits too long. With as many calls waiting as
//! [`BUSY_AT`], input waits for answers to free room ([`Readiness::Busy`]).

use super::super::args::InputError;
use super::super::layer::{Files, Outgoing, Pending, Protocol, Readiness, Step, WsData, WsMessage};
use super::classify::{Invalid, MAX_BATCH, Outcome, Received, Response, classify};
use super::id::{IdAllocator, IdKey};
use super::messages;
use super::pending::{self, PendingCalls, PendingError};
use super::request::{Typed, parse_line, parse_notify};
use crate::error::{Error, Kind};
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// How many calls may wait for their answers before input waits for some to come.
pub(crate) const BUSY_AT: usize = 10_000;

/// How many calls given up on are remembered, to word a late answer.
const GIVEN_UP: usize = 1024;

/// What `--proto jsonrpc` was given, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Settings {
    /// The first id wscope gives (`--id-start`).
    pub id_start: u64,
    /// How long a call may wait for its answer (`--call-timeout`; None: as long as the
    /// session lasts).
    pub call_timeout: Option<Duration>,
}

/// The calls that failed, for the run's status.
#[derive(Debug, Default)]
struct Failures {
    /// Calls the user made (batches count each call).
    calls: u64,
    failed: u64,
    /// Error answers with id null: for a request the server could not read or match.
    unmatched: u64,
    /// Which calls failed (the first [`messages::LISTED`]).
    which: Vec<String>,
}

/// One connection's JSON-RPC session.
pub(crate) struct Client {
    s: Settings,
    ids: IdAllocator,
    pending: PendingCalls,
    /// Calls `--call-timeout` gave up on, newest last.
    given_up: VecDeque<(IdKey, pending::Pending)>,
    failures: Failures,
}

impl Client {
    pub(crate) fn new(s: Settings) -> Self {
        Client {
            ids: IdAllocator::new(s.id_start),
            s,
            pending: PendingCalls::new(BUSY_AT + MAX_BATCH),
            given_up: VecDeque::new(),
            failures: Failures::default(),
        }
    }

    /// Sends what a line asks for; `again` is the input that sends it again, `quiet` marks
    /// wscope's own calls (`--heartbeat-message`), whose answers are not shown.
    fn send(
        &mut self,
        typed: Typed,
        again: Option<String>,
        now: Instant,
    ) -> Result<Step, InputError> {
        let pending = &self.pending;
        let out = typed.assign(&mut self.ids, |k| pending.contains(k));
        let calls: Vec<(&str, &str)> = out
            .requests()
            .iter()
            .filter_map(|r| r.id.as_deref().map(|id| (id, r.method.as_str())))
            .collect();
        let quiet = again.is_none();
        if !calls.is_empty() {
            self.pending
                .insert(&calls, now, quiet)
                .map_err(messages::not_sent)?;
        }
        if !quiet {
            self.failures.calls += calls.len() as u64;
        }
        let text = out.to_json();
        let app = again.map(|again| messages::sent(&out, &text, again));
        Ok(Step::sending(vec![Outgoing {
            message: WsMessage::Text(text),
            app,
        }]))
    }

    /// Counts a failed call, keeping which it was.
    fn fail(&mut self, call: &pending::Pending) {
        let f = &mut self.failures;
        f.failed += 1;
        if f.which.len() < messages::LISTED {
            f.which.push(messages::which(call));
        }
    }

    /// One received message (or one message of a batch), as the server wrote it.
    fn one(&mut self, received: Received, text: &str, now: Instant, step: &mut Step) {
        match received {
            Received::Response(r) => self.answer(r, text, now, step),
            Received::Request(req) => step.deliver.push(messages::from_server(&req, text)),
            Received::Invalid(i) => self.invalid(i, text, step),
            // A batch's messages, one by one in the order written (classify() never nests
            // them).
            Received::Batch(items) => {
                for item in items {
                    self.one(item.received, &item.text, now, step);
                }
            }
        }
    }

    fn answer(&mut self, r: Response, text: &str, now: Instant, step: &mut Step) {
        let call = match self.pending.take(&r.id) {
            Ok(call) => call,
            Err(e) => return self.unmatched(e, r, text, now, step),
        };
        let rtt = now.saturating_duration_since(call.sent);
        match r.outcome {
            Outcome::Result(_) if call.quiet => {}
            Outcome::Result(json) => {
                step.notes.push(messages::answered(&call, rtt));
                step.deliver.push(messages::result(&call, &json, rtt));
            }
            Outcome::Error(e) if call.quiet => {
                step.notes.push(messages::heartbeat_failed(&call, &e))
            }
            Outcome::Error(e) => {
                self.fail(&call);
                step.notes.push(messages::error_response(&call, &e, rtt));
            }
        }
    }

    /// An answer whose id no call waits for: an error the server could not match to a call
    /// (id null), a late answer, or one for an id never sent.
    fn unmatched(
        &mut self,
        e: PendingError,
        r: Response,
        text: &str,
        now: Instant,
        step: &mut Step,
    ) {
        if let (PendingError::NotAnId(_), Outcome::Error(err)) = (&e, &r.outcome) {
            self.failures.unmatched += 1;
            step.notes.push(messages::error_without_id(err));
            return;
        }
        let key = IdKey::of(&r.id);
        match self.given_up.iter().find(|(k, _)| Some(k) == key.as_ref()) {
            Some((_, call)) => step.notes.push(messages::late(call, now, text)),
            None => step.notes.push(messages::unknown_answer(&e, text)),
        }
    }

    /// A message that is not JSON-RPC 2.0: an rpc-websockets event prints whole; one that
    /// carries a waiting call's id fails that call; anything else is said.
    fn invalid(&mut self, i: Invalid, text: &str, step: &mut Step) {
        if let Some(name) = rpc_websockets_event(text) {
            step.deliver.push(messages::event(&name, text));
            return;
        }
        let call = i.id.as_deref().and_then(|id| self.pending.take(id).ok());
        step.notes
            .push(messages::invalid(&i.reason, call.as_ref(), text));
        if let Some(call) = call.filter(|c| !c.quiet) {
            self.fail(&call);
        }
    }

    fn remember_given_up(&mut self, call: pending::Pending) {
        if let Some(key) = IdKey::of(&call.id) {
            if self.given_up.len() >= GIVEN_UP {
                self.given_up.pop_front();
            }
            self.given_up.push_back((key, call));
        }
    }
}

/// The name of an rpc-websockets event (`{"notification":"tick","params":…}`): the library
/// sends its server events so, without `jsonrpc` or `method`.
fn rpc_websockets_event(text: &str) -> Option<String> {
    use super::super::json_text::{member, members, one_value, string_value};
    let raw = one_value(text).ok()?;
    let m = members(raw).ok()?;
    if member(&m, "jsonrpc").is_some() || member(&m, "method").is_some() {
        return None;
    }
    member(&m, "notification").and_then(string_value)
}

impl Protocol for Client {
    fn open(&mut self, _subprotocol: Option<&str>, _now: Instant) -> Step {
        Step::default()
    }

    fn received(&mut self, data: WsData<'_>, now: Instant) -> Step {
        let text = match data {
            WsData::Text(t) => t,
            WsData::Binary(b) => match std::str::from_utf8(b) {
                Ok(t) => t,
                Err(_) => {
                    let mut step = Step::default();
                    step.notes.push(messages::not_text(b.len()));
                    return step;
                }
            },
        };
        let mut step = Step::default();
        self.one(classify(text), text, now, &mut step);
        step
    }

    fn input(&mut self, line: &str, now: Instant) -> Result<Step, InputError> {
        let typed = parse_line(line)?;
        self.send(typed, Some(line.trim().to_string()), now)
    }

    fn heartbeat(&mut self, message: &str, now: Instant) -> Result<Step, InputError> {
        self.send(parse_line(message)?, None, now)
    }

    fn command(
        &mut self,
        command: &str,
        args: &str,
        _files: &Files,
        now: Instant,
    ) -> Result<Step, InputError> {
        match command {
            "/notify" => {
                let call = parse_notify(args)?;
                let again = format!("/notify {}", args.trim());
                self.send(Typed::One(call), Some(again), now)
            }
            "/pending" => {
                let mut step = Step::default();
                step.notes
                    .push(messages::pending_list(self.pending.oldest_first(), now));
                Ok(step)
            }
            other => Err(InputError::new(format!(
                "{other} is not a JSON-RPC command"
            ))),
        }
    }

    fn deadline(&self) -> Option<Instant> {
        let timeout = self.s.call_timeout?;
        self.pending.oldest().map(|c| c.sent + timeout)
    }

    fn on_deadline(&mut self, now: Instant) -> Step {
        let mut step = Step::default();
        let Some(timeout) = self.s.call_timeout else {
            return step;
        };
        for call in self.pending.expire(now, timeout) {
            step.notes.push(messages::timed_out(&call, timeout));
            if !call.quiet {
                self.fail(&call);
            }
            self.remember_given_up(call);
        }
        step
    }

    fn ready(&self) -> Readiness {
        if self.pending.len() >= BUSY_AT {
            Readiness::Busy
        } else {
            Readiness::Ready
        }
    }

    fn pending(&self) -> Pending {
        if self.pending.asked() > 0 {
            Pending::Answers
        } else {
            Pending::Nothing
        }
    }

    fn farewell(&mut self, _now: Instant) -> Step {
        Step::default()
    }

    fn failed(&self) -> Option<Error> {
        let waiting = self.pending.asked();
        let unanswered: Vec<String> = self
            .pending
            .oldest_first()
            .filter(|c| !c.quiet)
            .take(messages::LISTED)
            .map(messages::which)
            .collect();
        let f = &self.failures;
        let said = messages::summary(
            (f.failed, f.calls, &f.which),
            f.unmatched,
            (waiting, &unanswered),
        )?;
        Some(Error::new(Kind::ProtoFailed, said))
    }
}
