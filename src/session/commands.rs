//! Running the REPL's commands on the writer: what goes on the wire (refused once the
//! connection is closing), how the session ends, and what is shown or changed here.

use super::writer::Writer;
use crate::error::{Error, Kind};
use crate::event::Event;
use crate::event::notice::{CompressionStatus, Info, Status, Traffic, Warning};
use crate::input::command::{self, BinarySource, Command, Ending, FilterChange, Local, Outgoing};
use crate::render::received::JqFilter;
use crate::wire::deflate::Direction;
use crate::wire::tap::Dir;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data as OpData, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::{
    Frame as WireFrame, FrameHeader as WireHeader,
};

impl<S> Writer<S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    /// Runs a REPL command; returns true when input should stop (we are closing).
    pub(super) async fn command(&mut self, c: Command) -> Result<bool, Error> {
        match c {
            Command::Send(_) if self.close_sent => {
                self.shared.emit(Event::Warning(Warning::Closing));
                Ok(false)
            }
            Command::Send(out) => {
                self.put_on_wire(out).await?;
                Ok(false)
            }
            Command::End(ending) => {
                self.end(ending).await?;
                Ok(true)
            }
            Command::Local(local) => {
                self.local(local);
                Ok(false)
            }
            Command::Proto(_) if self.close_sent => {
                self.shared.emit(Event::Warning(Warning::Closing));
                Ok(false)
            }
            Command::Proto(p) => {
                self.proto_command(p).await?;
                Ok(false)
            }
        }
    }

    async fn put_on_wire(&mut self, out: Outgoing) -> Result<(), Error> {
        match out {
            Outgoing::Text(t) => self.send(Message::Text(t.into())).await?,
            Outgoing::TextFile(path) => self.send_text_file(path).await?,
            Outgoing::Uncompressed(t) => {
                match &self.shared.compression {
                    Some(c) => c.overrides.send_next_uncompressed(),
                    None => self.shared.emit(Event::Warning(Warning::NotCompressed)),
                }
                self.send(Message::Text(t.into())).await?
            }
            Outgoing::Binary(src) => {
                let Some(data) = self.read_source(src).await else {
                    return Ok(());
                };
                self.send(Message::Binary(data.into())).await?;
            }
            Outgoing::Ping(p) => {
                self.shared.stats.ping_sent(&p);
                self.shared.emit(Event::Ping {
                    dir: Dir::Out,
                    payload: p.clone(),
                });
                self.send(Message::Ping(p.into())).await?;
            }
            Outgoing::Pong(p) => {
                self.shared.emit(Event::Pong {
                    dir: Dir::Out,
                    payload: p.clone(),
                    rtt: None,
                });
                self.send(Message::Pong(p.into())).await?;
            }
            Outgoing::Frag {
                parts,
                text,
                ping_between,
            } => {
                let op = OpCode::Data(OpData::Text);
                self.feed_fragments(text.as_bytes(), op, parts, ping_between)
                    .await?;
                self.unpublished.0 += 1;
                self.unpublished.1 += text.len() as u64;
            }
            Outgoing::Frame {
                fin,
                rsv,
                opcode,
                payload,
            } => {
                let Some(payload) = self.read_source(payload).await else {
                    return Ok(());
                };
                let header = WireHeader {
                    is_final: fin,
                    rsv1: rsv[0],
                    rsv2: rsv[1],
                    rsv3: rsv[2],
                    opcode: OpCode::from(opcode.bits()),
                    mask: None,
                };
                self.send(Message::Frame(WireFrame::from_payload(
                    header,
                    payload.into(),
                )))
                .await?;
            }
            Outgoing::Raw(bytes) => self.shared.raw.push(&bytes),
        }
        self.flush().await
    }

    /// `/text @FILE`: the file as one text message, or nothing when it is not UTF-8.
    async fn send_text_file(&mut self, path: std::path::PathBuf) -> Result<(), Error> {
        let Some(bytes) = self.read_source(BinarySource::File(path.clone())).await else {
            return Ok(());
        };
        match String::from_utf8(bytes) {
            Ok(text) => self.send(Message::Text(text.into())).await,
            Err(_) => {
                self.shared.emit(Event::Failure(
                    Error::new(
                        Kind::Input,
                        format!("{} is not UTF-8 text; nothing sent", path.display()),
                    )
                    .with_hint("/binary @FILE sends it as a binary message"),
                ));
                Ok(())
            }
        }
    }

    async fn end(&mut self, ending: Ending) -> Result<(), Error> {
        match ending {
            Ending::Close(c) => {
                let (code, reason) = c.unwrap_or((1000, String::new()));
                self.close(code, &reason).await
            }
            Ending::Quit => self.close(1000, "").await,
            Ending::Interrupt => {
                // The same as a Ctrl-C signal: the exit status is 130 even when the close
                // handshake cannot finish, and the peer gets a short while to answer.
                crate::interrupt::global().press();
                self.close(1000, "").await?;
                Err(crate::interrupt::interrupted())
            }
        }
    }

    fn local(&mut self, local: Local) {
        match local {
            Local::Frames(on) => {
                self.shared.frames.set_enabled(on);
                if let Some(c) = &self.shared.compression {
                    c.follow_messages(on);
                }
                self.shared.emit(Event::Info(Info::FrameDump { on }));
            }
            Local::Handshake => {
                let mut out = self.shared.out();
                for ev in self.shared.handshake.iter() {
                    out.event(ev.clone());
                }
            }
            Local::Status => {
                let status = self.status();
                self.shared.emit(Event::Info(Info::Status(status)));
            }
            Local::Pretty(on) => {
                self.shared.out().set_pretty(on);
                self.shared.emit(Event::Info(Info::Pretty { on }));
            }
            Local::Filter(change) => self.change_filter(change),
            Local::Last(n) => self.shared.out().show_last(n),
            Local::Help => {
                let proto = self.proto.as_ref().map(|l| l.kind());
                self.shared.emit(Event::Plain(command::help_text(proto)));
            }
        }
    }

    /// `/filter`: says which filter is set, turns it off, or compiles and sets a new one (a
    /// mistake is shown with its position and the filter stays as it was).
    fn change_filter(&mut self, change: FilterChange) {
        let filter = match change {
            FilterChange::Show => {
                let expr = self
                    .shared
                    .out()
                    .display()
                    .filter
                    .as_ref()
                    .map(|f| f.expr.clone());
                return self.shared.emit(Event::Info(Info::FilterIs { expr }));
            }
            FilterChange::Off => None,
            FilterChange::Set(expr) => {
                let raw_output = self.shared.out().display().raw_output;
                match JqFilter::compile(&expr, raw_output) {
                    Ok(f) => Some(f),
                    Err(e) => {
                        let e = Error::new(Kind::Usage, e.pointed("/filter"));
                        return self.shared.emit(Event::Failure(e));
                    }
                }
            }
        };
        let expr = filter.as_ref().map(|f| f.expr.clone());
        self.shared.out().set_filter(filter);
        self.shared.emit(Event::Info(Info::FilterSet { expr }));
    }

    /// The bytes of a `/binary` or `/frame` payload; reports an unreadable file (and sends
    /// nothing) with `None`.
    async fn read_source(&self, src: BinarySource) -> Option<Vec<u8>> {
        match src {
            BinarySource::Bytes(b) => Some(b),
            BinarySource::File(path) => match tokio::fs::read(&path).await {
                Ok(b) => Some(b),
                Err(e) => {
                    self.shared.emit(Event::Failure(Error::new(
                        Kind::Input,
                        format!("cannot read {}: {e}; nothing sent", path.display()),
                    )));
                    None
                }
            },
        }
    }
}

impl<S> Writer<S> {
    /// `/status`: the state and the counters of this moment.
    fn status(&self) -> Status {
        let s = self.shared.stats.snapshot();
        let compression = self.shared.compression.as_ref().map(|c| CompressionStatus {
            agreed: c.agreed,
            received: c.stats.totals(Direction::In),
            sent: c.stats.totals(Direction::Out),
        });
        Status {
            closing: self.close_sent,
            uptime: s.uptime,
            received: Traffic {
                messages: s.msgs_in,
                bytes: s.bytes_in,
            },
            sent: Traffic {
                messages: s.msgs_out,
                bytes: s.bytes_out,
            },
            last_rtt: s.last_rtt,
            compression,
        }
    }
}
