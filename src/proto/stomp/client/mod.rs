//! A STOMP client session, as a state machine the session drives ([`Protocol`]):
//!
//! ```text
//! open: CONNECT ─► Connecting ── CONNECTED ──► Connected ── farewell: DISCONNECT ──► Disconnecting
//!                     │  (--subscribe sent,        │         (receipt:wscope-disconnect)      │
//!                     │   input flows)             └─ ERROR: the run ends              RECEIPT │
//!                     └─ ERROR, or not STOMP: the run ends                                 Over ◄┘
//! ```
//!
//! Heart-beats are agreed in CONNECT/CONNECTED: wscope sends an EOL when it has sent nothing
//! for the agreed time, and gives up on a server silent for twice what it promised. In the
//! `client` ack modes the messages the session printed are ACKed (pipe mode: cumulatively in
//! `client`, one by one in `client-individual`) and those past `-n` NACKed, so the broker keeps
//! what was not shown; in the REPL the user acknowledges with `/ack` and `/nack`.
//! [`receive`] reads the server's frames, [`user`] turns the user's commands into frames;
//! [`super::messages`] words both, [`super::ledger`] keeps the books.

mod receive;
mod user;

use super::decoder::{Decoder, Limits};
use super::encoder::{self, AckMode, Connect};
use super::frame::{Frame, Version};
use super::heartbeat::{Agreed, HeartBeat};
use super::input;
use super::ledger::{Ledger, Unacked};
use super::messages;
use super::outgoing;
use crate::error::{Error, Kind};
use crate::event::AppMessage;
use crate::proto::args::InputError;
use crate::proto::layer::{Files, Outgoing, Pending, Protocol, Readiness, Step, WsData, WsMessage};
use std::time::{Duration, Instant};

/// The receipt DISCONNECT asks for.
const DISCONNECT_RECEIPT: &str = "wscope-disconnect";

/// What `--proto stomp` was given, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Settings {
    /// CONNECT's `host`: the virtual host (`--stomp-host`; RabbitMQ knows `/`).
    pub host: String,
    /// More CONNECT headers (`--connect-payload`).
    pub connect_headers: Vec<(String, String)>,
    /// From `-u USER:PASS` (or the URL's credentials).
    pub login: Option<String>,
    pub passcode: Option<String>,
    /// What CONNECT offers (`--heartbeat`).
    pub heart_beat: HeartBeat,
    /// Subscribed to once connected (`--subscribe`).
    pub subscribe: Vec<String>,
    /// Where a plain line is sent (`--destination`).
    pub destination: Option<String>,
    pub ack: AckMode,
    /// Acknowledge what the session printed by itself (pipe mode); in the REPL the user does.
    pub auto_ack: bool,
    /// Send a frame larger than this in several WebSocket messages (`--stomp-split`).
    pub split: Option<usize>,
    /// Show CONNECT's passcode in `-v`, JSON Lines and recordings (`--show-credentials`).
    pub show_credentials: bool,
    pub limits: Limits,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Connecting,
    Connected,
    Disconnecting,
    Over,
}

/// One connection's STOMP session.
pub(crate) struct Client {
    s: Settings,
    phase: Phase,
    version: Version,
    decoder: Decoder,
    agreed: Agreed,
    last_sent: Instant,
    last_heard: Instant,
    ledger: Ledger,
    /// The MESSAGEs of the last received message, in the order delivered, with what
    /// acknowledges each (pipe mode, `client` ack modes): see [`Protocol::delivered`].
    handed: Vec<Option<Unacked>>,
}

impl Client {
    pub(crate) fn new(s: Settings, now: Instant) -> Self {
        let decoder = Decoder::new(s.limits);
        Client {
            s,
            phase: Phase::Connecting,
            version: Version::V1_2,
            decoder,
            agreed: Agreed {
                client_sends: None,
                server_sends: None,
            },
            last_sent: now,
            last_heard: now,
            ledger: Ledger::default(),
            handed: Vec::new(),
        }
    }

    /// The messages that carry `frame`, the first with `app`.
    fn frame_out(
        &mut self,
        frame: &Frame,
        app: Option<AppMessage>,
        now: Instant,
    ) -> Result<Vec<Outgoing>, InputError> {
        let bytes = encoder::encode(self.version, frame)
            .map_err(|e| InputError::new(format!("{e}: nothing sent")))?;
        self.last_sent = now;
        let mut app = app;
        Ok(outgoing::messages(bytes, self.s.split)
            .into_iter()
            .map(|message| Outgoing {
                message,
                app: app.take(),
            })
            .collect())
    }

    /// The session is over with `error` (the run ends; nothing more is sent but our Close).
    fn over(&mut self, error: Error) -> Step {
        self.phase = Phase::Over;
        Step::ending(error)
    }

    /// How long the server may be silent: twice the heart-beat it promised.
    fn silence_limit(&self) -> Option<Duration> {
        self.agreed.server_sends.map(|d| d * 2)
    }

    fn beating(&self) -> bool {
        self.phase == Phase::Connected
    }

    /// Why nothing can be sent now (a pipe line's error adds "not sent" to it).
    fn not_connected(&self) -> InputError {
        InputError::new(match self.phase {
            Phase::Connecting => "the STOMP session is not connected yet",
            _ => "the STOMP session is over",
        })
    }
}

/// Adds `more` to `step`.
fn merge(step: &mut Step, more: Step) {
    step.send.extend(more.send);
    step.deliver.extend(more.deliver);
    step.notes.extend(more.notes);
    if step.end.is_none() {
        step.end = more.end;
    }
}

impl Protocol for Client {
    fn open(&mut self, _subprotocol: Option<&str>, now: Instant) -> Step {
        self.last_heard = now;
        let mut connect = encoder::connect(&Connect {
            host: self.s.host.clone(),
            login: self.s.login.clone(),
            passcode: self.s.passcode.clone(),
            heart_beat: self.s.heart_beat,
        });
        connect
            .headers
            .extend(self.s.connect_headers.iter().cloned());
        match self.frame_out(&connect, None, now) {
            Ok(send) => Step::sending(send),
            Err(e) => self.over(Error::new(Kind::Usage, format!("CONNECT: {e}"))),
        }
    }

    fn received(&mut self, data: WsData<'_>, now: Instant) -> Step {
        self.last_heard = now;
        self.received_message(data, now)
    }

    fn input(&mut self, line: &str, now: Instant) -> Result<Step, InputError> {
        if self.phase != Phase::Connected {
            return Err(self.not_connected());
        }
        let Some(destination) = self.s.destination.clone() else {
            return Err(InputError::new(
                "a line is the body of a SEND to --destination, which was not given (in the REPL: /send DEST BODY)",
            ));
        };
        let send = input::StompCommand::Send {
            destination,
            headers: Vec::new(),
            body: line.to_string(),
        };
        // Sent again (wscope replay, --reconnect) as the REPL takes a line: '//x' is '/x'.
        let again = match line.starts_with('/') {
            true => format!("/{line}"),
            false => line.to_string(),
        };
        self.run(send, Some(again), now)
    }

    fn command(
        &mut self,
        command: &str,
        args: &str,
        _files: &Files,
        now: Instant,
    ) -> Result<Step, InputError> {
        if self.phase != Phase::Connected {
            let why = self.not_connected().message;
            return Err(InputError::new(format!("{why}: nothing sent")));
        }
        let name = command.strip_prefix('/').unwrap_or(command);
        let c = input::parse(name, args)
            .ok_or_else(|| InputError::new(format!("{command} is not a STOMP command")))??;
        let again = format!("{command} {args}").trim_end().to_string();
        self.run(c, Some(again), now)
    }

    fn deadline(&self) -> Option<Instant> {
        if !self.beating() {
            return None;
        }
        let beat = self.agreed.client_sends.map(|d| self.last_sent + d);
        let silence = self.silence_limit().map(|d| self.last_heard + d);
        [beat, silence].into_iter().flatten().min()
    }

    fn on_deadline(&mut self, now: Instant) -> Step {
        if !self.beating() {
            return Step::default();
        }
        if let (Some(limit), Some(every)) = (self.silence_limit(), self.agreed.server_sends) {
            if now >= self.last_heard + limit {
                let silence = now.saturating_duration_since(self.last_heard);
                return self.over(messages::heart_beats_stopped(silence, every));
            }
        }
        match self.agreed.client_sends {
            Some(every) if now >= self.last_sent + every => {
                self.last_sent = now;
                Step::sending(vec![Outgoing::own(WsMessage::Text("\n".into()))])
            }
            _ => Step::default(),
        }
    }

    fn ready(&self) -> Readiness {
        match self.phase {
            Phase::Connecting => Readiness::Waiting("the server's CONNECTED frame"),
            _ => Readiness::Ready,
        }
    }

    fn pending(&self) -> Pending {
        match self.phase {
            Phase::Connected if self.ledger.receipts_awaited() => Pending::Answers,
            _ => Pending::Nothing,
        }
    }

    fn delivered(&mut self, count: usize, now: Instant) -> Step {
        let handed = std::mem::take(&mut self.handed);
        if self.phase != Phase::Connected {
            return Step::default();
        }
        self.acknowledge_handed(handed, count, now)
    }

    fn farewell(&mut self, now: Instant) -> Step {
        if self.phase != Phase::Connected {
            return Step::default();
        }
        self.phase = Phase::Disconnecting;
        let mut step = Step::default();
        let open = self.ledger.open_transactions();
        if !open.is_empty() {
            step.notes.push(messages::transactions_left(open));
        }
        if let Ok(send) = self.frame_out(&encoder::disconnect(DISCONNECT_RECEIPT), None, now) {
            step.send = send;
        }
        step
    }

    fn farewell_pending(&self) -> Option<&'static str> {
        (self.phase == Phase::Disconnecting).then_some("the RECEIPT for DISCONNECT")
    }

    fn shown(&self, sent: &WsMessage) -> Option<Vec<u8>> {
        match sent {
            WsMessage::Text(t) if !self.s.show_credentials => outgoing::masked(t.as_bytes()),
            _ => None,
        }
    }
}
