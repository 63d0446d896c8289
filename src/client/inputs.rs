//! The session's input, made once per run: stdin (started before connecting, so the first
//! lines are waiting when the session begins), the `-e` messages, nothing (`--reflect`), the
//! REPL (started once the first connection is up, so its prompt can name the peer) or a
//! `--coproc` program (started then too, see [`super::coproc`]); and the `--init` messages sent
//! first on every connection.

use super::{Config, InitMessages, InputSource};
use crate::error::{Error, Kind};
use crate::input::command::Command;
use crate::input::pipe::LineReader;
use crate::input::repl;
use crate::output::Output;
use crate::session::Input;
use crate::sync::lock;
use crate::wire::target::Target;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

/// The `--init` and `--init-file` messages, sent first on every connection.
pub(super) fn init_messages(init: &InitMessages) -> Result<Vec<Message>, Error> {
    let mut out: Vec<Message> = init
        .inline
        .iter()
        .map(|m| Message::text(m.as_str()))
        .collect();
    if let Some(path) = &init.file {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::new(
                Kind::Input,
                format!("--init-file {}: cannot read: {e}", path.display()),
            )
        })?;
        out.extend(
            text.lines()
                .map(|l| Message::text(l.strip_suffix('\r').unwrap_or(l))),
        );
    }
    Ok(out)
}

/// Input that can start before connecting; `None` for the REPL and a `--coproc` program
/// (started once connected). Created once (stdin is read from then on), and carried across
/// reconnects.
pub(super) fn scripted(source: &InputSource) -> Result<Option<Input>, Error> {
    Ok(Some(match source {
        InputSource::Repl | InputSource::Coproc { .. } => return Ok(None),
        InputSource::Reflect => Input::Nothing,
        InputSource::Execute(msgs) => Input::Messages(msgs.iter().cloned().collect()),
        InputSource::Replay(schedule) => Input::Timed(schedule.clone()),
        InputSource::Stdin { binary, framing } => Input::Pipe {
            lines: LineReader::start(std::io::stdin(), !binary, *framing)
                .map_err(|e| Error::new(Kind::Other, format!("cannot start reading stdin: {e}")))?,
            binary: *binary,
        },
    }))
}

/// The REPL, started once the first connection is up so its prompt can name the peer.
pub(super) fn repl(
    cfg: &Config,
    target: &Target,
    out: &Arc<Mutex<Output>>,
) -> Result<Input, Error> {
    let (tx, rx) = mpsc::channel::<Command>(16);
    lock(out).settle();
    let proto = cfg.session.proto.as_ref().map(|p| p.settings.kind());
    let prompt = format!("{}> ", target.short());
    let printer = repl::start(prompt, cfg.history.clone(), tx, proto)?;
    lock(out).set_printer(printer);
    Ok(Input::Repl(rx))
}
