//! The user's side of a STOMP session: each command (or plain line, as the SEND it is) into
//! its frame, checked against the books (a subscription to end must be open, a message to
//! acknowledge must wait for it, a transaction to end must be open), with the open
//! transaction's header added, a `receipt` header remembered, and the application message
//! that shows it and sends it again.

use super::super::encoder;
use super::super::frame::{Command, Frame, Version};
use super::super::input::StompCommand;
use super::super::ledger::{Asked, Subscription};
use super::{Client, messages};
use crate::proto::args::InputError;
use crate::proto::layer::Step;
use std::time::Instant;

/// A command as a frame: what kind of application message it is and the text it shows.
struct Built {
    kind: &'static str,
    shown: String,
    frame: Frame,
    step: Step,
}

impl Client {
    /// Sends command `c`; `again` is the input that sends it again (`wscope replay`,
    /// `--reconnect`), as the REPL takes it.
    pub(super) fn run(
        &mut self,
        c: StompCommand,
        again: Option<String>,
        now: Instant,
    ) -> Result<Step, InputError> {
        let Built {
            kind,
            shown,
            frame,
            mut step,
        } = self.build(c)?;
        if let Some(receipt) = frame.get("receipt") {
            let what = what_of(&frame);
            self.ledger
                .ask_receipt(receipt.to_string(), Asked { at: now, what });
        }
        let state = match kind {
            "begin" => Some("begun"),
            "commit" => Some("committed"),
            "abort" => Some("aborted"),
            _ => None,
        };
        if let Some(state) = state {
            step.notes.push(messages::transaction(&shown, state));
        }
        let app = messages::sent(kind, &shown, &frame, again);
        step.send = self.frame_out(&frame, Some(app), now)?;
        Ok(step)
    }

    fn build(&mut self, c: StompCommand) -> Result<Built, InputError> {
        let tx = self.ledger.transaction().map(str::to_string);
        let built = |kind, shown: &str, frame| Built {
            kind,
            shown: shown.to_string(),
            frame,
            step: Step::default(),
        };
        Ok(match c {
            StompCommand::Subscribe {
                destination,
                headers,
            } => {
                let ack = self.s.ack;
                let sub = Subscription {
                    destination: destination.clone(),
                    ack,
                };
                let id = self.ledger.subscribe(sub);
                let f = encoder::subscribe(&id.to_string(), &destination, ack, &headers);
                let mut b = built("subscribe", &destination, f);
                b.step
                    .notes
                    .push(messages::subscribed(id, &destination, ack.as_str()));
                b
            }
            StompCommand::Unsubscribe { id } => {
                let Some(s) = self.ledger.unsubscribe(&id) else {
                    return Err(InputError::new(format!(
                        "no subscription {id} is open (open: {}): nothing sent",
                        self.ledger.subscription_list()
                    )));
                };
                built("unsubscribe", &s.destination, encoder::unsubscribe(&id))
            }
            StompCommand::Send {
                destination,
                mut headers,
                body,
            } => {
                if let Some(tx) = &tx
                    && !headers.iter().any(|(k, _)| k == "transaction")
                {
                    headers.push(("transaction".into(), tx.clone()));
                }
                let f = encoder::send(&destination, &headers, body.as_bytes());
                built("send", &body, f)
            }
            StompCommand::Ack { id } => built("ack", &id, self.acknowledge(&id, false, tx)?),
            StompCommand::Nack { id } => built("nack", &id, self.acknowledge(&id, true, tx)?),
            StompCommand::Begin { transaction } => {
                let name = self.ledger.begin(transaction).map_err(InputError::new)?;
                built("begin", &name, encoder::transaction(Command::Begin, &name))
            }
            StompCommand::Commit { transaction } => {
                let name = self.end_transaction(transaction)?;
                built(
                    "commit",
                    &name,
                    encoder::transaction(Command::Commit, &name),
                )
            }
            StompCommand::Abort { transaction } => {
                let name = self.end_transaction(transaction)?;
                built("abort", &name, encoder::transaction(Command::Abort, &name))
            }
        })
    }

    /// The ACK or NACK of the message `id` names (taken off the books).
    fn acknowledge(
        &mut self,
        id: &str,
        nack: bool,
        tx: Option<String>,
    ) -> Result<Frame, InputError> {
        if nack && self.version == Version::V1_0 {
            return Err(InputError::new(
                "STOMP 1.0 has no NACK (the server agreed on 1.0): nothing sent",
            ));
        }
        let Some(u) = self.ledger.acknowledge(id) else {
            return Err(InputError::new(format!(
                "no received message waits for an acknowledgement by {id:?} (waiting: {}): nothing sent",
                self.ledger.unacked_list()
            )));
        };
        encoder::ack(self.version, nack, &u.target, tx.as_deref())
            .map_err(|e| InputError::new(format!("{e}: nothing sent")))
    }

    fn end_transaction(&mut self, name: Option<String>) -> Result<String, InputError> {
        self.ledger
            .end_transaction(name.as_deref())
            .map_err(|e| InputError::new(format!("{e}: nothing sent")))
    }
}

/// A frame that asked for a RECEIPT, in words: `SEND to /queue/a`.
fn what_of(f: &Frame) -> String {
    match f.get("destination") {
        Some(d) => format!("{} to {d}", f.command),
        None => f.command.to_string(),
    }
}
