//! Received messages under an application protocol (`--proto`): the WebSocket message once
//! (its JSON line with the application messages it carried, in `--jsonl` and the recording;
//! a dim line with `-v`), then each application message where a received message would go:
//! stdout byte-exact in plain pipe mode, else through the display stage (`--filter`,
//! `--pretty`, the REPL, `/last`).

use super::Output;
use crate::event::{AppMessage, DataKind, Event, ProtoNote, Stamped};
use crate::jsonl::{self, Line, Timestamp};
use crate::render::json::app;
use crate::render::received::Seen;
use crate::wire::tap::Dir;
use bytes::Bytes;
use std::io;
use std::time::SystemTime;

impl Output {
    /// A WebSocket message received under `--proto`, the protocol's remarks about it, and
    /// the application messages it completed that are to be shown (`-n` may want fewer than
    /// arrived), in that order.
    pub(crate) fn proto_received(
        &mut self,
        kind: DataKind,
        data: &Bytes,
        notes: Vec<ProtoNote>,
        apps: &[AppMessage],
    ) -> io::Result<()> {
        let at = SystemTime::now();
        if let Some(o) = self.observer.as_mut() {
            for a in apps {
                o.received(DataKind::Text, a.text.as_bytes());
            }
        }
        if self.style.jsonl || self.record.is_some() {
            let seen: Vec<Seen> = apps
                .iter()
                .map(|a| self.display.see(DataKind::Text, a.text.as_bytes()))
                .collect();
            let line = Line {
                ts: Timestamp::new(at),
                body: jsonl::Body::Message(app::message(jsonl::Dir::In, kind, data, apps, &seen)),
            };
            if self.style.jsonl {
                self.put_json(&line);
                self.proto_notes(at, notes);
                return self.after_received();
            }
            self.record_line(&line);
        }
        if self.style.proto_raw {
            // Already in the recording, with its application messages.
            self.screen(&Stamped {
                at,
                event: Event::ProtoMessage {
                    dir: Dir::In,
                    kind,
                    data: data.to_vec(),
                    app: Vec::new(),
                },
            });
        }
        self.proto_notes(at, notes);
        for a in apps {
            self.app_received(at, a);
        }
        self.after_received()
    }

    fn proto_notes(&mut self, at: SystemTime, notes: Vec<ProtoNote>) {
        for n in notes {
            self.event(Stamped {
                at,
                event: Event::Proto(n),
            });
        }
    }

    /// One application message where a received message goes (not in JSON Lines: its
    /// WebSocket message's line carries it).
    fn app_received(&mut self, at: SystemTime, a: &AppMessage) {
        if self.plain {
            return self.put_message(a.text.as_bytes());
        }
        let data = Bytes::copy_from_slice(a.text.as_bytes());
        let seen = self.display.see(DataKind::Text, &data);
        self.display_received(at, DataKind::Text, &data, seen);
    }

    /// Hands output over when enough is gathered; an error says stdout's reader is gone.
    fn after_received(&mut self) -> io::Result<()> {
        if self.pending >= super::STDOUT_HIGH_WATER {
            self.hand_over();
        }
        if self.stdout_gone() {
            return Err(io::ErrorKind::BrokenPipe.into());
        }
        Ok(())
    }
}
