//! The server's side of a STOMP session: received WebSocket messages into frames (cut
//! anywhere, several in one message, heart-beats between), and what each frame does; the
//! acknowledgements of what the session printed (pipe mode).

use super::super::decoder::Item;
use super::super::encoder::{self, AckMode};
use super::super::frame::{Command, Frame, Version};
use super::super::heartbeat::{self, HeartBeat};
use super::super::input::StompCommand;
use super::super::ledger::{Asked, Unacked};
use super::{Client, DISCONNECT_RECEIPT, Phase, merge, messages};
use crate::error::{Error, Kind};
use crate::proto::layer::{Step, WsData};
use std::time::Instant;

impl Client {
    /// A WebSocket message from the server.
    pub(super) fn received_message(&mut self, data: WsData<'_>, now: Instant) -> Step {
        if self.phase == Phase::Over {
            return Step::default();
        }
        if self.phase == Phase::Connecting && data == WsData::Text("o") {
            return self.over(messages::sockjs());
        }
        let bytes = match data {
            WsData::Text(t) => t.as_bytes(),
            WsData::Binary(b) => b,
        };
        if self.phase == Phase::Connecting
            && self.decoder.buffered() == 0
            && !starts_an_answer(bytes)
        {
            let why = "a STOMP server answers CONNECT with CONNECTED or ERROR";
            return self.over(messages::not_stomp(data, &why));
        }
        let mut step = Step::default();
        match self.decoder.cut_unterminated(bytes) {
            Some(Ok(f)) => {
                step.notes.push(messages::unterminated(f.command.as_str()));
                self.frame_in(f, now, &mut step);
            }
            Some(Err(e)) => step
                .notes
                .push(messages::malformed(&e, "(what came before)")),
            None => {}
        }
        self.decoder.push(bytes);
        while step.end.is_none() {
            match self.decoder.next_item() {
                Ok(None) => break,
                Ok(Some(Item::HeartBeat)) => {}
                Ok(Some(Item::Frame(f))) => self.frame_in(f, now, &mut step),
                Ok(Some(Item::Unterminated(f))) => {
                    step.notes.push(messages::unterminated(f.command.as_str()));
                    self.frame_in(f, now, &mut step);
                }
                Err(e) if self.phase == Phase::Connecting => {
                    let end = self.over(messages::not_stomp(data, &e));
                    merge(&mut step, end);
                }
                Err(e) => step
                    .notes
                    .push(messages::malformed(&e, &messages::shown(data))),
            }
        }
        step
    }

    /// A whole frame from the server.
    fn frame_in(&mut self, f: Frame, now: Instant, step: &mut Step) {
        match (f.command, self.phase) {
            (_, Phase::Over) => {}
            (Command::Error, phase) => {
                let host = (phase == Phase::Connecting).then_some(self.s.host.as_str());
                let end = self.over(messages::error_frame(&f, host));
                merge(step, end);
            }
            (Command::Connected, Phase::Connecting) => self.connected(&f, now, step),
            (command, Phase::Connecting) => {
                let e = messages::not_stomp(
                    WsData::Text(command.as_str()),
                    &"a STOMP server answers CONNECT with CONNECTED or ERROR",
                );
                let end = self.over(e);
                merge(step, end);
            }
            (Command::Message, _) => self.message(f, step),
            (Command::Receipt, _) => self.receipt(&f, now, step),
            (command, _) => step.notes.push(messages::unexpected(command.as_str())),
        }
    }

    /// CONNECTED: the version and heart-beats agreed; then the `--subscribe` subscriptions.
    fn connected(&mut self, f: &Frame, now: Instant, step: &mut Step) {
        self.version = f
            .get("version")
            .and_then(Version::parse)
            .unwrap_or(Version::V1_0);
        self.decoder.set_version(self.version);
        let server = match f.get("heart-beat").map(HeartBeat::parse) {
            None => HeartBeat::default(),
            Some(Ok(h)) => h,
            Some(Err(_)) => {
                let value = f.get("heart-beat").unwrap_or_default();
                step.notes.push(messages::bad_heart_beat(value));
                HeartBeat::default()
            }
        };
        self.agreed = heartbeat::negotiate(self.s.heart_beat, server);
        self.phase = Phase::Connected;
        self.last_heard = now;
        step.notes
            .push(messages::connected(f, self.version, &self.agreed));
        for destination in self.s.subscribe.clone() {
            let sub = StompCommand::Subscribe {
                destination: destination.clone(),
                headers: Vec::new(),
            };
            // Each connection subscribes again by itself: nothing to send again.
            match self.run(sub, None, now) {
                Ok(more) => merge(step, more),
                Err(e) => {
                    let e = Error::new(Kind::Usage, format!("--subscribe {destination}: {e}"));
                    let end = self.over(e);
                    merge(step, end);
                }
            }
        }
    }

    fn message(&mut self, f: Frame, step: &mut Step) {
        let sub = f
            .get("subscription")
            .and_then(|h| self.ledger.subscription(h))
            .map(|(n, s)| (n, s.ack));
        let waits = match sub {
            Some((n, ack)) if ack != AckMode::Auto => {
                encoder::ack_target(self.version, &f).map(|target| Unacked {
                    id: target.id.clone(),
                    target,
                    subscription: Some(n),
                    ack,
                })
            }
            Some(_) => None,
            None => {
                let open = self.ledger.subscription_list();
                step.notes.push(messages::not_subscribed(&f, &open));
                None
            }
        };
        let ack_id = waits.as_ref().map(|u| u.id.as_str());
        step.deliver.push(messages::message_in(&f, ack_id));
        if self.s.auto_ack {
            self.handed.push(waits);
        } else if let Some(u) = waits {
            step.notes
                .push(messages::ack_asked(&u.id, f.get("destination")));
            self.ledger.wait_for_ack(u);
        }
    }

    fn receipt(&mut self, f: &Frame, now: Instant, step: &mut Step) {
        let id = f.get("receipt-id").unwrap_or_default();
        if id == DISCONNECT_RECEIPT && self.phase == Phase::Disconnecting {
            self.phase = Phase::Over;
            step.notes.push(messages::disconnect_receipt());
            return;
        }
        match self.ledger.receipt(id) {
            Some(Asked { at, what }) => step.notes.push(messages::receipt(
                id,
                &what,
                now.saturating_duration_since(at),
            )),
            None => step.notes.push(messages::receipt_unasked(id)),
        }
    }

    /// Pipe mode, `client` ack modes: the first `printed` of the messages `handed` over were
    /// printed, the rest were past `-n`. The printed ones are ACKed (in `client` mode the last
    /// of each subscription: the ACK is cumulative), the others NACKed so that the broker gives
    /// them to someone else (STOMP 1.0 has no NACK: they come back once the connection ends).
    pub(super) fn acknowledge_handed(
        &mut self,
        handed: Vec<Option<Unacked>>,
        printed: usize,
        now: Instant,
    ) -> Step {
        let printed = printed.min(handed.len());
        let (shown, past) = handed.split_at(printed);
        let mut frames = Vec::new();
        for (group, nack) in [(shown, false), (past, true)] {
            if nack && self.version == Version::V1_0 {
                continue;
            }
            let all: Vec<&Unacked> = group.iter().flatten().collect();
            for (i, u) in all.iter().enumerate() {
                let later_of_same = all[i + 1..]
                    .iter()
                    .any(|v| v.subscription == u.subscription);
                if u.ack == AckMode::Client && later_of_same {
                    continue;
                }
                let tx = self.ledger.transaction();
                if let Ok(f) = encoder::ack(self.version, nack, &u.target, tx) {
                    frames.push(f);
                }
            }
        }
        let mut step = Step::default();
        for f in frames {
            if let Ok(send) = self.frame_out(&f, None, now) {
                step.send.extend(send);
            }
        }
        step
    }
}

/// Whether `bytes` can be the start of the server's answer to CONNECT: heart-beat EOLs, then
/// (the start of) `CONNECTED` or `ERROR` and its EOL.
fn starts_an_answer(bytes: &[u8]) -> bool {
    let start = bytes
        .iter()
        .position(|&b| b != b'\n' && b != b'\r')
        .unwrap_or(bytes.len());
    let line = &bytes[start..];
    let line = &line[..line.len().min(12)];
    [
        &b"CONNECTED\n"[..],
        b"CONNECTED\r\n",
        b"ERROR\n",
        b"ERROR\r\n",
    ]
    .iter()
    .any(|answer| answer.starts_with(line) || line.starts_with(answer))
}
