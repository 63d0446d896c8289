//! What the user types, with `--proto socketio`.
//!
//! - A line that is a JSON array `["event", arg…]` emits that event; a line that starts with
//!   `[` but is not such an array is an error with its column, never sent as text.
//! - Any other line is sent as `socket.send(line)` does: the `message` event with the line as
//!   its one argument.
//! - `/emit [--ack] EVENT [ARG…]`: EVENT is a word or a JSON string; each ARG is a JSON value
//!   or `@FILE` (the file's bytes as one binary argument). `--ack` asks the server for an
//!   acknowledgement.
//! - `/ack ID [ARG…]` answers the server's event that asked for acknowledgement `ID`.
//!
//! In any JSON argument, `{"_binary":"<base64>"}` is binary data (see the module doc).

use super::super::args::{InputError, Words, column};
use super::super::json_text::{self, Kind, RawValue};
use std::path::PathBuf;

/// Event names a client must not emit: Socket.IO servers close the connection of one that does.
pub(crate) const RESERVED_EVENTS: [&str; 6] = [
    "connect",
    "connect_error",
    "disconnect",
    "disconnecting",
    "newListener",
    "removeListener",
];

/// One argument of an event or an acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Arg {
    /// A JSON value as typed; `{"_binary":…}` objects in it are binary data.
    Json(String),
    /// `@FILE`: the file's bytes as one binary argument. The caller reads the file and puts
    /// [`Arg::Bytes`] in its place before the event is encoded.
    File(PathBuf),
    /// Binary data.
    Bytes(Vec<u8>),
}

/// An event to emit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Emit {
    pub event: String,
    pub(crate) args: Vec<Arg>,
    /// Ask the server to acknowledge the event (the caller assigns the id).
    pub ack: bool,
}

/// An answer to the server's event that asked for acknowledgement `id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckReply {
    pub id: u64,
    pub(crate) args: Vec<Arg>,
}

/// A plain line: an event array, or the `message` event with the line as its argument.
pub fn parse_line(line: &str) -> Result<Emit, InputError> {
    let trimmed = line.trim_start();
    if !trimmed.starts_with('[') {
        return Ok(Emit {
            event: "message".into(),
            args: vec![Arg::Json(json_text::quote(line))],
            ack: false,
        });
    }
    let start = column(line, line.len() - trimmed.len());
    const WHAT: &str = "a line that starts with '[' is an event [\"name\", arg…]; this one";
    let raw = json_text::one_value(trimmed).map_err(|e| InputError::json(WHAT, start, e))?;
    let elements: Vec<&RawValue> =
        serde_json::from_str(raw.get()).map_err(|_| InputError::at(start, "not an array"))?;
    let Some((name, args)) = elements.split_first() else {
        return Err(InputError::at(
            start,
            "an empty array names no event: write [\"name\", arg…]",
        ));
    };
    let event = match json_text::kind(name) {
        Kind::String => json_text::string_value(name).unwrap_or_default(),
        other => {
            return Err(InputError::at(
                start,
                format!(
                    "the array's first element is the event name and must be a string, not {} (to send the line as text: /emit message {})",
                    other.with_article(),
                    json_text::quote(line)
                ),
            ));
        }
    };
    check_event(&event, start)?;
    Ok(Emit {
        event,
        args: args
            .iter()
            .map(|a| Arg::Json(a.get().to_string()))
            .collect(),
        ack: false,
    })
}

/// The arguments of `/emit`: `[--ack] EVENT [ARG…]`.
pub fn parse_emit(text: &str) -> Result<Emit, InputError> {
    let mut words = Words::new(text);
    let mut ack = false;
    if words.rest().split(char::is_whitespace).next() == Some("--ack") {
        words.word()?;
        ack = true;
    }
    let at = words.column();
    let event = words
        .word()?
        .ok_or_else(|| InputError::new("/emit needs an event name: /emit [--ack] EVENT [ARG…]"))?;
    check_event(&event, at)?;
    Ok(Emit {
        event,
        args: parse_args(&mut words)?,
        ack,
    })
}

/// The arguments of `/ack`: `ID [ARG…]`.
pub fn parse_ack(text: &str) -> Result<AckReply, InputError> {
    let mut words = Words::new(text);
    let at = words.column();
    let word = words.word()?.ok_or_else(|| {
        InputError::new("/ack needs the id of the event to answer: /ack ID [ARG…]")
    })?;
    let id = word.parse::<u64>().map_err(|_| {
        InputError::at(
            at,
            format!("the ack id must be a whole number, not {word:?}"),
        )
    })?;
    Ok(AckReply {
        id,
        args: parse_args(&mut words)?,
    })
}

fn check_event(event: &str, at: usize) -> Result<(), InputError> {
    if RESERVED_EVENTS.contains(&event) {
        return Err(InputError::at(
            at,
            format!(
                "{event:?} is reserved by Socket.IO: servers close the connection of a client that emits it"
            ),
        ));
    }
    Ok(())
}

fn parse_args(words: &mut Words) -> Result<Vec<Arg>, InputError> {
    let mut args = Vec::new();
    while words.more() {
        let n = args.len() + 1;
        let at = words.column();
        if words.peek() == Some('@') {
            let word = words.word()?.unwrap_or_default();
            let path = &word[1..];
            if path.is_empty() {
                return Err(InputError::at(at, "@ needs a file name: @FILE"));
            }
            args.push(Arg::File(PathBuf::from(path)));
            continue;
        }
        let rest = words.rest();
        let bare = rest.split(char::is_whitespace).next().unwrap_or_default();
        let literal = ["true", "false", "null"].contains(&bare);
        if rest.starts_with(|c: char| c.is_alphabetic() || c == '_') && !literal {
            return Err(InputError::at(
                at,
                format!(
                    "argument {n} is not a JSON value: {bare} (a string needs quotes: {})",
                    json_text::quote(bare)
                ),
            ));
        }
        let raw = words.value(&format!("argument {n}"))?;
        args.push(Arg::Json(raw.get().to_string()));
    }
    Ok(args)
}
