//! A Socket.IO client session, as a state machine the session drives ([`Protocol`]):
//!
//! ```text
//! Opening ── Engine.IO open ──► Connecting ── CONNECT answer ──► Connected ── farewell ──► Over
//!    │  (CONNECT for the namespace sent,           │   (input flows)
//!    │   auth = --connect-payload)                 └─ CONNECT_ERROR / DISCONNECT: the run ends
//!    └─ anything else first: not Socket.IO, the run ends
//! ```
//!
//! Nothing is emitted before the server's CONNECT answer (a server whose connection middleware
//! is still running closes a client that does). Engine.IO 4: every server ping is answered at
//! once, and a silence of pingInterval + pingTimeout ends the run. Engine.IO 3: the client
//! pings every pingInterval and the server has pingTimeout to answer. [`super::messages`] words
//! what is received and sent.

use super::super::args::InputError;
use super::super::layer::{Files, Outgoing, Pending, Protocol, Readiness, Step, WsData, WsMessage};
use super::engine::{self, Data, EnginePacket, Handshake};
use super::input::{self, AckReply, Arg, Emit};
use super::messages::{self, Asked};
use super::outgoing;
use super::packet::{Limits, SocketIoVersion};
use super::reassembler::{Reassembler, Received};
use crate::error::{Error, Kind};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How many of our emits may wait for their acknowledgement, and how many of the server's
/// requests for one are remembered: the oldest go first beyond that.
const MAX_ACKS: usize = 10_000;

/// What `--proto socketio` was given, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Settings {
    pub version: SocketIoVersion,
    pub namespace: String,
    /// The CONNECT payload (`--connect-payload`, the handshake's auth; Socket.IO 3 and later).
    pub auth: Option<String>,
    /// The URL's query: Socket.IO 2 sends it with the CONNECT of a namespace.
    pub query: Option<String>,
    pub limits: Limits,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Opening,
    Connecting,
    Connected,
    Over,
}

/// One connection's Socket.IO session.
pub(crate) struct Client {
    s: Settings,
    phase: Phase,
    engine: Option<Handshake>,
    reassembler: Reassembler,
    /// The next id for an emit that asks for an acknowledgement (from 0, as the official client).
    next_id: u64,
    /// Our emits waiting for their acknowledgement: id → when and which event.
    acks: BTreeMap<u64, (Instant, String)>,
    /// The server's events that asked for an acknowledgement not yet given.
    asked: BTreeMap<u64, Asked>,
    /// When the server last showed it is alive (Engine.IO 4: its ping; 3: its pong).
    heard: Instant,
    /// Engine.IO 3: when our next ping is due, and when the unanswered one went out.
    next_ping: Option<Instant>,
    ping_out: Option<Instant>,
}

impl Client {
    pub(crate) fn new(s: Settings, now: Instant) -> Self {
        let reassembler = Reassembler::new(s.version, s.limits);
        Client {
            s,
            phase: Phase::Opening,
            engine: None,
            reassembler,
            next_id: 0,
            acks: BTreeMap::new(),
            asked: BTreeMap::new(),
            heard: now,
            next_ping: None,
            ping_out: None,
        }
    }

    fn v3(&self) -> bool {
        self.s.version == SocketIoVersion::V4
    }

    fn send_engine(&self, packet: &EnginePacket) -> Outgoing {
        Outgoing::own(engine::encode(self.s.version.engine(), packet))
    }

    /// The server's open packet: CONNECT for the namespace (Socket.IO 2 connects `/` by
    /// itself), and the heartbeat from its parameters.
    fn opened(&mut self, h: Handshake, now: Instant) -> Step {
        let mut step = Step::default();
        step.notes.push(messages::engine_open(&h, self.v3()));
        if self.phase != Phase::Opening {
            return step;
        }
        self.phase = Phase::Connecting;
        self.heard = now;
        if self.v3() {
            self.next_ping = Some(now + Duration::from_millis(h.ping_interval.max(1)));
        }
        self.engine = Some(h);
        let connect = if self.v3() {
            (self.s.namespace != "/")
                .then(|| outgoing::connect_v4(&self.s.namespace, self.s.query.as_deref()))
        } else {
            Some(outgoing::connect(&self.s.namespace, self.s.auth.as_deref()))
        };
        match connect {
            Some(Ok(m)) => step.send.push(Outgoing::own(m)),
            Some(Err(e)) => step.end = Some(Error::new(Kind::Usage, e.to_string())),
            None => {}
        }
        step
    }

    /// An Engine.IO packet; `raw` the WebSocket message it came in, for a diagnostic.
    fn engine_packet(&mut self, p: EnginePacket, raw: WsData<'_>, now: Instant) -> Step {
        match p {
            EnginePacket::Open(h) => self.opened(h, now),
            EnginePacket::Ping(data) => {
                self.heard = now;
                Step::sending(vec![self.send_engine(&EnginePacket::Pong(data))])
            }
            EnginePacket::Pong(_) => {
                self.heard = now;
                self.ping_out = None;
                Step::default()
            }
            EnginePacket::Close => self.over(messages::engine_closed()),
            EnginePacket::Message(Data::Text(t)) => {
                let r = self.reassembler.text(&t);
                self.socket_packet(r, raw, now)
            }
            EnginePacket::Message(Data::Binary(b)) => {
                let r = self.reassembler.binary(b);
                self.socket_packet(r, raw, now)
            }
            EnginePacket::Upgrade | EnginePacket::Noop => Step::default(),
        }
    }

    fn socket_packet(
        &mut self,
        r: Result<Option<Received>, super::SocketIoError>,
        raw: WsData<'_>,
        now: Instant,
    ) -> Step {
        match r {
            Ok(Some(received)) => self.application(received, now),
            Ok(None) => Step::default(),
            Err(e) => {
                let mut step = Step::default();
                step.notes
                    .push(messages::malformed(&e, &messages::shown(raw)));
                step
            }
        }
    }

    fn application(&mut self, r: Received, now: Instant) -> Step {
        let ours = |ns: &str| ns == self.s.namespace;
        let mut step = Step::default();
        match r {
            Received::Connect { namespace, data }
                if ours(&namespace) && self.phase == Phase::Connecting =>
            {
                self.phase = Phase::Connected;
                let engine_sid = self.engine.as_ref().map(|h| h.sid.as_str());
                step.notes
                    .push(messages::connected(&namespace, data.as_deref(), engine_sid));
            }
            Received::ConnectError {
                namespace, message, ..
            } if ours(&namespace) => {
                return self.over(messages::refused(&namespace, &message, self.v3()));
            }
            Received::Disconnect { namespace } if ours(&namespace) => {
                return self.over(messages::disconnected(&namespace));
            }
            Received::Event {
                namespace,
                id,
                name,
                json,
            } if ours(&namespace) => {
                if let Some(id) = id {
                    bounded_insert(
                        &mut self.asked,
                        id,
                        Asked {
                            event: name.clone(),
                        },
                    );
                    step.notes.push(messages::ack_asked(id, &name));
                }
                step.deliver
                    .push(messages::event_in(&namespace, &name, id, &json));
            }
            Received::Ack {
                namespace,
                id,
                json,
            } if ours(&namespace) => {
                let waited = self.acks.remove(&id);
                let latency = waited
                    .as_ref()
                    .map(|(at, _)| now.saturating_duration_since(*at));
                let event = waited.map(|(_, e)| e);
                step.notes
                    .push(messages::ack_in(id, event.as_deref(), latency));
                step.deliver
                    .push(messages::ack_app(id, event.as_deref(), latency, &json));
            }
            // Another namespace's packets (Socket.IO 2 connects `/` unasked): not ours.
            _ => {}
        }
        step
    }

    /// The session is over with `error` (the run ends; nothing more is sent but our Close).
    fn over(&mut self, error: Error) -> Step {
        if self.phase == Phase::Over {
            return Step::default();
        }
        self.phase = Phase::Over;
        Step::ending(error)
    }

    /// The messages of an emit, checked against the server's maxPayload.
    fn emit(&mut self, emit: Emit, input_line: String, now: Instant) -> Result<Step, InputError> {
        let id = emit.ack.then(|| {
            let id = self.next_id;
            self.next_id += 1;
            id
        });
        let msgs = outgoing::event(self.s.version, &self.s.namespace, id, &emit)
            .map_err(|e| InputError::new(e.to_string()))?;
        self.check_size(&msgs)?;
        if let Some(id) = id {
            bounded_insert(&mut self.acks, id, (now, emit.event.clone()));
        }
        let app = messages::emit_out(&self.s.namespace, &emit, id, input_line);
        Ok(Step::sending(carrying(msgs, app)))
    }

    fn ack(&mut self, reply: AckReply, input_line: String) -> Result<Step, InputError> {
        let Some(asked) = self.asked.get(&reply.id) else {
            return Err(InputError::new(messages::not_asked(
                reply.id,
                self.asked.keys().copied(),
            )));
        };
        let event = asked.event.clone();
        let msgs = outgoing::ack(self.s.version, &self.s.namespace, &reply)
            .map_err(|e| InputError::new(e.to_string()))?;
        self.check_size(&msgs)?;
        self.asked.remove(&reply.id);
        let app = messages::ack_out(reply.id, &event, &reply.args, input_line);
        Ok(Step::sending(carrying(msgs, app)))
    }

    /// A message over the server's maxPayload would make it close the connection.
    fn check_size(&self, msgs: &[WsMessage]) -> Result<(), InputError> {
        let Some(max) = self.engine.as_ref().and_then(|h| h.max_payload) else {
            return Ok(());
        };
        for m in msgs {
            let len = match m {
                WsMessage::Text(t) => t.len(),
                WsMessage::Binary(b) => b.len(),
            } as u64;
            if len > max {
                return Err(InputError::new(format!(
                    "this is {len} bytes on the wire; the server takes at most {max} (its maxPayload) and would close the connection: nothing sent"
                )));
            }
        }
        Ok(())
    }

    fn not_connected(&self) -> InputError {
        InputError::new(match self.phase {
            Phase::Over => "the Socket.IO session is over: nothing sent",
            _ => "the Socket.IO session is not connected yet: nothing sent",
        })
    }
}

/// The messages of one application message: the first carries it.
fn carrying(msgs: Vec<WsMessage>, app: crate::event::AppMessage) -> Vec<Outgoing> {
    let mut app = Some(app);
    msgs.into_iter()
        .map(|message| Outgoing {
            message,
            app: app.take(),
        })
        .collect()
}

fn bounded_insert<V>(map: &mut BTreeMap<u64, V>, id: u64, v: V) {
    if map.len() >= MAX_ACKS {
        map.pop_first();
    }
    map.insert(id, v);
}

/// The bytes of each `@FILE` argument, from what the session read.
fn with_files(args: &mut [Arg], files: &Files) -> Result<(), InputError> {
    for a in args.iter_mut() {
        if let Arg::File(path) = a {
            let bytes = files
                .get(path)
                .ok_or_else(|| InputError::new(format!("{} was not read", path.display())))?;
            *a = Arg::Bytes(bytes.to_vec());
        }
    }
    Ok(())
}

fn file_args(args: &[Arg]) -> Vec<PathBuf> {
    args.iter()
        .filter_map(|a| match a {
            Arg::File(p) => Some(p.clone()),
            _ => None,
        })
        .collect()
}

impl Protocol for Client {
    fn open(&mut self, _subprotocol: Option<&str>, now: Instant) -> Step {
        self.heard = now;
        Step::default()
    }

    fn received(&mut self, data: WsData<'_>, now: Instant) -> Step {
        let packet = match data {
            WsData::Text(t) => engine::decode_text(t),
            WsData::Binary(b) => engine::decode_binary(self.s.version.engine(), b),
        };
        match packet {
            Ok(p) => self.engine_packet(p, data, now),
            Err(e) if self.phase == Phase::Opening => self.over(messages::not_socket_io(data, &e)),
            Err(e) => {
                let mut step = Step::default();
                step.notes
                    .push(messages::malformed(&e, &messages::shown(data)));
                step
            }
        }
    }

    fn input(&mut self, line: &str, now: Instant) -> Result<Step, InputError> {
        if self.phase != Phase::Connected {
            return Err(self.not_connected());
        }
        let emit = input::parse_line(line)?;
        let again = messages::emit_line(&emit);
        self.emit(emit, again, now)
    }

    fn files(&self, command: &str, args: &str) -> Vec<PathBuf> {
        match command {
            "/emit" => input::parse_emit(args).map(|e| file_args(&e.args)),
            "/ack" => input::parse_ack(args).map(|a| file_args(&a.args)),
            _ => Ok(Vec::new()),
        }
        .unwrap_or_default()
    }

    fn command(
        &mut self,
        command: &str,
        args: &str,
        files: &Files,
        now: Instant,
    ) -> Result<Step, InputError> {
        if self.phase != Phase::Connected {
            return Err(self.not_connected());
        }
        match command {
            "/emit" => {
                let mut emit = input::parse_emit(args)?;
                with_files(&mut emit.args, files)?;
                let again = messages::emit_command(&emit);
                self.emit(emit, again, now)
            }
            "/ack" => {
                let mut reply = input::parse_ack(args)?;
                with_files(&mut reply.args, files)?;
                let again = messages::ack_command(&reply);
                self.ack(reply, again)
            }
            other => Err(InputError::new(format!(
                "{other} is not a Socket.IO command"
            ))),
        }
    }

    fn deadline(&self) -> Option<Instant> {
        let h = self.engine.as_ref().filter(|_| self.phase != Phase::Over)?;
        if self.v3() {
            let answer_by = self
                .ping_out
                .map(|at| at + Duration::from_millis(h.ping_timeout));
            return [self.next_ping, answer_by].into_iter().flatten().min();
        }
        let limit = h.silence_limit();
        (!limit.is_zero()).then(|| self.heard + limit)
    }

    fn on_deadline(&mut self, now: Instant) -> Step {
        let Some(h) = self.engine.clone().filter(|_| self.phase != Phase::Over) else {
            return Step::default();
        };
        if !self.v3() {
            let limit = h.silence_limit();
            if limit.is_zero() || now < self.heard + limit {
                return Step::default();
            }
            return self.over(messages::pings_stopped(limit));
        }
        let timeout = Duration::from_millis(h.ping_timeout);
        if self.ping_out.is_some_and(|at| now >= at + timeout) {
            return self.over(messages::pongs_stopped(timeout));
        }
        match self.next_ping {
            Some(due) if now >= due => {
                self.next_ping = Some(now + Duration::from_millis(h.ping_interval.max(1)));
                self.ping_out.get_or_insert(now);
                Step::sending(vec![self.send_engine(&EnginePacket::Ping(String::new()))])
            }
            _ => Step::default(),
        }
    }

    fn ready(&self) -> Readiness {
        match self.phase {
            Phase::Opening => Readiness::Waiting("the server's Engine.IO open packet"),
            Phase::Connecting => Readiness::Waiting("the server's answer to CONNECT"),
            Phase::Connected | Phase::Over => Readiness::Ready,
        }
    }

    fn pending(&self) -> Pending {
        if self.acks.is_empty() || self.phase == Phase::Over {
            Pending::Nothing
        } else {
            Pending::Answers
        }
    }

    fn farewell(&mut self, _now: Instant) -> Step {
        if self.phase != Phase::Connected {
            return Step::default();
        }
        self.phase = Phase::Over;
        match outgoing::disconnect(&self.s.namespace) {
            Ok(m) => Step::sending(vec![Outgoing::own(m)]),
            Err(_) => Step::default(),
        }
    }
}
