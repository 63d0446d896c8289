//! The REPL's command grammar: a pure parser from one input line to a [`Command`].
//!
//! Plain lines are text messages; `/name args` are commands; `//...` sends text that starts
//! with `/`. RFC 6455 limits are checked here, before anything is sent. With `--proto`, plain
//! lines are the application protocol's, and its commands (each protocol lists its own, see
//! [`ProtoKind::commands`]) come before these.

mod args;
mod display_args;

pub(crate) use args::{parse_binary, parse_hex};

use crate::proto::{CommandSpec, ProtoKind};
use crate::wire::opcode::Opcode;
use args::{control_payload, no_args, parse_close, parse_frag, parse_frame};
use display_args::{on_off, parse_filter, parse_json, parse_last};
use std::path::PathBuf;

/// What the user asked for. Which of the three a command is decides what the session does
/// with it: only [`Command::Send`] is refused once the connection is closing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Puts something on the wire.
    Send(Outgoing),
    /// Ends the session with the close handshake.
    End(Ending),
    /// Shows or changes something here; nothing goes out.
    Local(Local),
    /// For the application protocol (`--proto`): a plain line or one of its commands.
    Proto(ProtoInput),
}

/// What the application protocol is given (`--proto`): the words are its own, checked as
/// they were typed, taken apart by the protocol when they run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtoInput {
    /// A plain line: the protocol's natural input.
    Line(String),
    /// One of the protocol's commands (`/emit`, `/ack`...) and its arguments.
    Command { name: &'static str, args: String },
}

/// Something to put on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outgoing {
    Text(String),
    /// A file's content as one text message (`/text @FILE`); read when the command runs.
    TextFile(PathBuf),
    /// A text message sent without compression on a compressed connection (RSV1 clear).
    Uncompressed(String),
    Binary(BinarySource),
    Ping(Vec<u8>),
    Pong(Vec<u8>),
    /// Send a text message in `parts` fragments, optionally with a ping between fragments.
    Frag {
        parts: usize,
        text: String,
        ping_between: bool,
    },
    /// Send one frame with the given bits, exactly (tungstenite adds the mask).
    Frame {
        fin: bool,
        rsv: [bool; 3],
        opcode: Opcode,
        payload: BinarySource,
    },
    /// Write these bytes to the connection as they are, outside any frame.
    Raw(Vec<u8>),
}

/// How the session ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// Close with an optional code and reason.
    Close(Option<(u16, String)>),
    /// Close with 1000 and exit (`/quit`, Ctrl-D).
    Quit,
    /// Ctrl-C pressed twice in the REPL: close with 1000 and exit 130.
    Interrupt,
}

/// What is shown or changed here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Local {
    Frames(bool),
    /// Indent received JSON, or not.
    Pretty(bool),
    Filter(FilterChange),
    /// Show the last N received messages again.
    Last(usize),
    Handshake,
    Status,
    Help,
}

/// What `/filter` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterChange {
    /// Say which filter is set.
    Show,
    Off,
    /// This jq expression from now on.
    Set(String),
}

/// Where `/binary` data comes from; files are read when the command runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BinarySource {
    Bytes(Vec<u8>),
    File(PathBuf),
}

/// One REPL command: everything about it is here, and nowhere else.
pub struct Spec {
    /// The name, with its slash.
    pub name: &'static str,
    /// Other names it answers to.
    pub(crate) aliases: &'static [&'static str],
    /// Its arguments, as shown in the README's table (empty when it takes none).
    pub(crate) args: &'static str,
    /// One line saying what it does, for `/help`, the man page and the README.
    pub help: &'static str,
    pub example: &'static str,
    /// Turns the arguments (after the name and one space) into the command.
    parse: fn(&str) -> Result<Command, String>,
}

/// Every command, in the order `/help` lists them.
pub const COMMANDS: &[Spec] = &[
    Spec {
        name: "/text",
        aliases: &["/t"],
        args: "MSG|@FILE",
        help: "send a text message (same as typing it), or a UTF-8 file's content as one",
        example: "/text @request.json",
        parse: parse_text,
    },
    Spec {
        name: "/plain",
        aliases: &[],
        args: "MSG",
        help: "send a text message uncompressed on a compressed connection (RSV1 clear)",
        example: "/plain hello",
        parse: |a| Ok(Command::Send(Outgoing::Uncompressed(a.to_string()))),
    },
    Spec {
        name: "/binary",
        aliases: &["/b"],
        args: "DATA",
        help: "send a binary message: hex (0x00ff or 00 ff), base64:..., or @FILE",
        example: "/binary 0x00ff10",
        parse: |a| Ok(Command::Send(Outgoing::Binary(parse_binary(a.trim())?))),
    },
    Spec {
        name: "/ping",
        aliases: &[],
        args: "[PAYLOAD]",
        help: "send a ping, optionally with a payload (max 125 bytes)",
        example: "/ping abc",
        parse: |a| Ok(Command::Send(Outgoing::Ping(control_payload("ping", a)?))),
    },
    Spec {
        name: "/pong",
        aliases: &[],
        args: "[PAYLOAD]",
        help: "send an unsolicited pong (max 125 bytes)",
        example: "/pong abc",
        parse: |a| Ok(Command::Send(Outgoing::Pong(control_payload("pong", a)?))),
    },
    Spec {
        name: "/close",
        aliases: &[],
        args: "[CODE [REASON]]",
        help: "start the close handshake, optionally with a code and reason",
        example: "/close 4000 bye",
        parse: |a| Ok(Command::End(Ending::Close(parse_close(a.trim())?))),
    },
    Spec {
        name: "/frames",
        aliases: &[],
        args: "on|off",
        help: "turn the frame dump on or off",
        example: "/frames on",
        parse: |a| Ok(Command::Local(Local::Frames(on_off("frames", a)?))),
    },
    Spec {
        name: "/pretty",
        aliases: &[],
        args: "on|off",
        help: "indent received JSON, or show it compact (on one line)",
        example: "/pretty on",
        parse: |a| Ok(Command::Local(Local::Pretty(on_off("pretty", a)?))),
    },
    Spec {
        name: "/filter",
        aliases: &[],
        args: "[EXPR|off]",
        help: "show what a jq expression makes of each received JSON message; off shows messages again",
        example: "/filter select(.type == \"trade\")",
        parse: parse_filter,
    },
    Spec {
        name: "/last",
        aliases: &[],
        args: "[N]",
        help: "show the last N received messages again (default 1), whole and indented",
        example: "/last 3",
        parse: parse_last,
    },
    Spec {
        name: "/json",
        aliases: &[],
        args: "DOC",
        help: "send a JSON document as text, compact, after checking it (a mistake is shown, nothing sent)",
        example: "/json {\"op\": \"subscribe\", \"channel\": \"ticker\"}",
        parse: parse_json,
    },
    Spec {
        name: "/handshake",
        aliases: &[],
        args: "",
        help: "print the handshake again",
        example: "/handshake",
        parse: |a| no_args("handshake", a, Command::Local(Local::Handshake)),
    },
    Spec {
        name: "/status",
        aliases: &[],
        args: "",
        help: "state, messages and bytes each way, uptime, last ping RTT",
        example: "/status",
        parse: |a| no_args("status", a, Command::Local(Local::Status)),
    },
    Spec {
        name: "/help",
        aliases: &["/?"],
        args: "",
        help: "list the commands",
        example: "/help",
        parse: |_| Ok(Command::Local(Local::Help)),
    },
    Spec {
        name: "/quit",
        aliases: &["/exit", "/q"],
        args: "",
        help: "close with 1000 and exit (also Ctrl-D)",
        example: "/quit",
        parse: |a| no_args("quit", a, Command::End(Ending::Quit)),
    },
    Spec {
        name: "/frag",
        aliases: &[],
        args: "N TEXT",
        help: "send TEXT as N fragments (TEXT, then CONT frames)",
        example: "/frag 3 hello",
        parse: |a| parse_frag("frag", a, false),
    },
    Spec {
        name: "/fragping",
        aliases: &[],
        args: "N TEXT",
        help: "like /frag, with a ping between fragments",
        example: "/fragping 3 hello",
        parse: |a| parse_frag("fragping", a, true),
    },
    Spec {
        name: "/frame",
        aliases: &[],
        args: "FIN RSV OPCODE [DATA]",
        help: "[breaks RFC] send one frame: FIN RSV OPCODE [DATA]; DATA is text, 0x.., base64:.., deflate:TEXT (compressed), @FILE or *N",
        example: "/frame 1 100 text hi",
        parse: parse_frame,
    },
    Spec {
        name: "/raw",
        aliases: &[],
        args: "HEX",
        help: "[breaks RFC] write raw bytes (hex) to the connection, outside any frame",
        example: "/raw 0x8100",
        parse: |a| {
            let hex = a.trim();
            let bytes = parse_hex(hex.strip_prefix("0x").unwrap_or(hex))?;
            if bytes.is_empty() {
                return Err("/raw needs hex bytes, e.g. /raw 0x8100".into());
            }
            Ok(Command::Send(Outgoing::Raw(bytes)))
        },
    },
];

/// Renders the `/help` text; with `--proto`, the protocol's commands come first.
pub fn help_text(proto: Option<ProtoKind>) -> String {
    let mut s = match proto {
        Some(p) => format!(
            "{} commands ({}; '//x' sends '/x' that way):\n",
            p.title(),
            p.input_help()
        ),
        None => {
            String::from("Commands (a plain line is sent as a text message; '//x' sends '/x'):\n")
        }
    };
    let mut entry = |name: &str, help: &str, example: &str| {
        s.push_str(&format!(
            "  {:<11} {}\n  {:<11}   e.g. {}\n",
            name, help, "", example
        ));
    };
    for c in proto.map(ProtoKind::commands).unwrap_or_default() {
        entry(c.name, c.help, c.example);
    }
    if proto.is_some() {
        s.push_str("WebSocket commands (below the protocol):\n");
    }
    for c in COMMANDS {
        s.push_str(&format!(
            "  {:<11} {}\n  {:<11}   e.g. {}\n",
            c.name, c.help, "", c.example
        ));
    }
    s.push_str(
        "Keys: Ctrl-D closes and exits; Ctrl-C clears the line, twice in a row exits (130).",
    );
    s
}

/// `/text MSG`, or `/text @FILE`.
fn parse_text(args: &str) -> Result<Command, String> {
    match args.strip_prefix('@') {
        Some("") => Err("/text @ needs a file name".into()),
        Some(path) => Ok(Command::Send(Outgoing::TextFile(PathBuf::from(path)))),
        None => Ok(Command::Send(Outgoing::Text(args.to_string()))),
    }
}

/// Parses one REPL line; with `--proto` (`proto`), plain lines and the protocol's commands
/// are the protocol's. `Ok(None)` for an empty line.
pub fn parse(line: &str, proto: Option<ProtoKind>) -> Result<Option<Command>, String> {
    if line.is_empty() {
        return Ok(None);
    }
    let plain = |text: String| match proto {
        Some(_) => Command::Proto(ProtoInput::Line(text)),
        None => Command::Send(Outgoing::Text(text)),
    };
    if let Some(rest) = line.strip_prefix("//") {
        return Ok(Some(plain(format!("/{rest}"))));
    }
    if !line.starts_with('/') {
        return Ok(Some(plain(line.to_string())));
    }
    let (name, args) = line.split_once(' ').unwrap_or((line, ""));
    if let Some(c) = proto.and_then(|p| p.commands().iter().find(|c| c.name == name)) {
        return match (c.check)(args) {
            Ok(()) => Ok(Some(Command::Proto(ProtoInput::Command {
                name: c.name,
                args: args.to_string(),
            }))),
            Err(e) => Err(format!("{name}: {e}; nothing sent")),
        };
    }
    let spec = COMMANDS
        .iter()
        .find(|c| c.name == name || c.aliases.contains(&name))
        .ok_or_else(|| {
            let bare = &name[1..];
            format!("unknown command '{name}' (see /help; '//{bare}' sends it as text)")
        })?;
    (spec.parse)(args).map(Some)
}

/// Each protocol's commands, for the man page: its `--proto` name, what a plain line is, and
/// its commands.
pub(crate) fn protocol_tables()
-> impl Iterator<Item = (&'static str, &'static str, &'static [CommandSpec])> {
    ProtoKind::ALL
        .iter()
        .map(|p| (p.name(), p.input_help(), p.commands()))
}

/// Command names starting with `prefix`, for tab completion (the protocol's first).
pub(crate) fn complete(prefix: &str, proto: Option<ProtoKind>) -> Vec<&'static str> {
    let own = proto.map(ProtoKind::commands).unwrap_or_default();
    own.iter()
        .map(|c| c.name)
        .chain(COMMANDS.iter().map(|c| c.name))
        .filter(|n| n.starts_with(prefix))
        .collect()
}

#[cfg(test)]
mod tests;
