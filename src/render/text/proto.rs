//! Application protocols (`--proto`) as text for people: the WebSocket messages a protocol
//! exchanged, one dim line each with `-v` (its own keepalive and handshake included), and its
//! remarks, worded by the protocol, shown where wscope's remarks are. Pure.

use super::{arrow, dim, failure, info, paint};
use crate::error::{Error, Kind};
use crate::event::{DataKind, NoteLevel, ProtoNote};
use crate::render::Style;
use crate::render::escape::escape_terminal;
use crate::wire::frame::hex;
use crate::wire::tap::Dir;
use colored::Color;

/// The most payload bytes a raw binary line shows.
const BINARY_SHOWN: usize = 64;

/// A WebSocket message under `--proto`, as it went: `> 40{"token":"…"}`, `< 2`.
pub(super) fn raw(dir: Dir, kind: DataKind, data: &[u8], style: &Style) -> String {
    let text = match kind {
        DataKind::Text => escape_terminal(&String::from_utf8_lossy(data)).into_owned(),
        DataKind::Binary => {
            let shown = &data[..data.len().min(BINARY_SHOWN)];
            let more = if data.len() > shown.len() { " …" } else { "" };
            format!("[binary, {} bytes] {}{more}", data.len(), hex(shown))
        }
    };
    dim(&format!("{} {text}", arrow(dir)), style.color_err)
}

/// A protocol's remark, if it is shown with this style.
pub(super) fn note(n: &ProtoNote, style: &Style) -> Option<String> {
    let text = escape_terminal(&n.text);
    match n.level {
        NoteLevel::Info => style.verbose.then(|| info(&text, style)),
        NoteLevel::Detail => style.proto_raw.then(|| info(&text, style)),
        NoteLevel::Warning => Some(paint(
            &format!("wscope: warning: {text}"),
            Color::Yellow,
            style.color_err,
        )),
        NoteLevel::Answer => Some(text.into_owned()),
        NoteLevel::Failed => Some(failure(
            &Error::new(Kind::ProtoFailed, n.text.clone()),
            style.color_err,
        )),
    }
}
