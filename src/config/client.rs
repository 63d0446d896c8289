//! The client options validated into a client run's settings ([`Config`]): how to reach and
//! upgrade (with a copied curl command merged in by [`super::connect`]), where messages come
//! from ([`InputSource`]), how the session behaves ([`SessionConfig`]), how output looks
//! ([`Style`]), how received messages are shown ([`DisplayConfig`]: the filter compiled here,
//! once), the frame dump ([`FrameDump`]) and reconnecting ([`Reconnect`]).

use super::connect::connect_config;
use super::proto::proto_config;
use crate::cli::{ClientArgs, ProtoName};
use crate::client::{Config, FrameDump, InitMessages, InputSource, Mode, Reconnect};
use crate::curl::CurlImport;
use crate::error::Error;
use crate::input::framing::Framing;
use crate::open::ConnectConfig;
use crate::render::Style;
use crate::render::received::{DisplayConfig, JqFilter};
use crate::session::end_policy::EndPolicy;
use crate::session::replies::Rule;
use crate::session::{Heartbeat, Keepalive, ProtoConfig, SessionConfig};
use crate::term::{self, Terminal};
use crate::wire::target::Target;
use std::sync::Arc;

/// Validates the client options for `url` on this terminal; with a copied curl command
/// (`import`), its URL and request instead (`url` is then not used).
pub(super) fn build(
    args: &ClientArgs,
    url: &str,
    import: Option<&CurlImport>,
    term: &Terminal,
) -> Result<Config, Error> {
    build_with(args, url, import, term, input_source(args, term)?, None)
}

/// A client config whose input is given (`wscope replay` sends a recording, in the protocol
/// it was recorded with, `recorded`, unless `--proto` says otherwise).
pub(super) fn build_with(
    args: &ClientArgs,
    url: &str,
    import: Option<&CurlImport>,
    term: &Terminal,
    input: InputSource,
    recorded: Option<ProtoName>,
) -> Result<Config, Error> {
    let url = import.map_or(url, |i| i.url.as_str());
    let (target, proto) = target_and_proto(args, url, recorded, input == InputSource::Repl)?;
    let (io, out) = (&args.io, &args.output);
    let mode = match input {
        InputSource::Repl => Mode::Repl,
        _ => Mode::Pipe,
    };
    let reconnect = match io.reconnect {
        false => Reconnect::Off,
        true => Reconnect::On {
            max: io.reconnect_max,
        },
    };
    let frames = frame_dump(out);
    let end = end_policy(io, &input);
    let session = SessionConfig {
        close_timeout: io.close_timeout,
        end,
        ping: Keepalive {
            interval: io.ping_interval.filter(|d| !d.is_zero()),
            timeout: io.ping_timeout.filter(|d| !d.is_zero()),
            heartbeat: heartbeat(io, proto.as_ref())?,
        },
        replies: Arc::new(
            io.reply
                .iter()
                .map(|r| Rule::parse(r))
                .collect::<Result<_, _>>()?,
        ),
        reflect: input == InputSource::Reflect,
        replay: reconnect != Reconnect::Off,
        fragment: usize::from(io.fragment),
        own_framing: true,
        report_first_message: out.verbose || out.timing,
        emit_outgoing: out.jsonl
            || mode == Mode::Repl
            || out.record.is_some()
            || (out.verbose && proto.is_some()),
        proto,
    };
    let coproc = matches!(input, InputSource::Coproc { .. });
    let proto_on = session.proto.is_some();
    Ok(Config {
        target,
        connect: with_proto_offer(
            connect_config(&args.handshake, &args.tls, args.io.max_message_size, import)?,
            session.proto.as_ref(),
        ),
        input,
        session,
        style: Style {
            proto_raw: out.verbose && proto_on,
            ..style(args, term, mode, frames, coproc)
        },
        display: display_config(args)?,
        frames,
        reconnect,
        init: InitMessages {
            inline: io.init.clone(),
            file: io.init_file.clone(),
        },
        history: if out.no_history {
            None
        } else {
            term::history_path()
        },
        timing: out.timing,
        record: out.record.clone(),
        import_notes: import
            .map(|i| i.notes.iter().map(|n| n.to_string()).collect())
            .unwrap_or_default(),
    })
}

/// Where to connect, and the application protocol (`--proto`, or the one `recorded`) that
/// may have derived it from `url`.
fn target_and_proto(
    args: &ClientArgs,
    url: &str,
    recorded: Option<ProtoName>,
    repl: bool,
) -> Result<(Target, Option<ProtoConfig>), Error> {
    let proto = proto_config(args, url, recorded, repl)?;
    let target = Target::parse(proto.as_ref().map_or(url, |(_, ws)| ws.as_str()))?;
    Ok((target, proto.map(|(p, _)| p)))
}

/// The protocol's subprotocols offered, when the user offered none (`-s`).
fn with_proto_offer(mut connect: ConnectConfig, proto: Option<&ProtoConfig>) -> ConnectConfig {
    if let Some(p) = proto.filter(|_| connect.request.subprotocols.is_empty()) {
        let offer = p.settings.subprotocols().iter().map(ToString::to_string);
        connect.request.subprotocols = offer.collect();
    }
    connect
}

/// What the frame inspector shows (`-x`, `--hexdump`).
fn frame_dump(out: &crate::cli::OutputArgs) -> FrameDump {
    match (out.hexdump, out.frames) {
        (true, _) => FrameDump::HexDump {
            bytes: out.dump_bytes,
        },
        // JSON Lines carry the payload prefix of each frame, as the hex dump shows it.
        (false, true) => FrameDump::Lines {
            capture: if out.jsonl { out.dump_bytes } else { 0 },
        },
        (false, false) => FrameDump::Off,
    }
}

/// When the session ends, for this input.
fn end_policy(io: &crate::cli::IoArgs, input: &InputSource) -> EndPolicy {
    match input {
        InputSource::Reflect => EndPolicy {
            count: io.count,
            ..EndPolicy::until_peer_closes()
        },
        // The program's exit is its end of input: close at once unless told otherwise.
        InputSource::Coproc { .. } => {
            EndPolicy::from_options(Some(io.idle.unwrap_or_default()), io.wait, io.count)
        }
        _ => EndPolicy::from_options(io.idle, io.wait, io.count),
    }
}

/// REPL when both stdin and stdout are terminals and nothing asks for scripted behaviour.
fn input_source(args: &ClientArgs, term: &Terminal) -> Result<InputSource, Error> {
    let io = &args.io;
    if io.reflect {
        if io.execute.is_empty() && io.binary {
            return Err(Error::usage("--reflect cannot be combined with --binary"));
        }
        return Ok(InputSource::Reflect);
    }
    if !io.execute.is_empty() {
        return Ok(InputSource::Execute(io.execute.clone()));
    }
    if io.coproc.is_none() && term.stdin && term.stdout && !args.output.jsonl {
        return Ok(InputSource::Repl);
    }
    let framing = io.input.unwrap_or(if args.output.null {
        Framing::Nul
    } else {
        Framing::Lines
    });
    if framing == Framing::Json && io.binary {
        return Err(Error::usage(
            "--input json sends text messages; it cannot be combined with --binary",
        ));
    }
    Ok(match &io.coproc {
        Some(command) => InputSource::Coproc {
            command: command.clone(),
            binary: io.binary,
            framing,
        },
        None => InputSource::Stdin {
            binary: io.binary,
            framing,
        },
    })
}

/// `--heartbeat SECS --heartbeat-message MSG` (under `--proto stomp`, `--heartbeat` is
/// STOMP's own heart-beat: not this one).
fn heartbeat(
    io: &crate::cli::IoArgs,
    proto: Option<&ProtoConfig>,
) -> Result<Option<Heartbeat>, Error> {
    if proto.is_some_and(|p| p.settings.kind() == crate::proto::ProtoKind::Stomp) {
        return Ok(None);
    }
    match (io.heartbeat, &io.heartbeat_message) {
        (Some(_), None) => Err(Error::usage(
            "--heartbeat needs --heartbeat-message MSG, the message it sends (under --proto stomp it sets STOMP's heart-beats)",
        )),
        (Some(every), Some(message)) if !every.is_zero() => Ok(Some(Heartbeat {
            every,
            message: message.clone(),
        })),
        (Some(_), Some(_)) => Err(Error::usage("--heartbeat needs more than 0 seconds")),
        _ => Ok(None),
    }
}

/// What ends a message on stdin and stdout: newline, or NUL with `-0`.
fn separator(args: &ClientArgs) -> u8 {
    if args.output.null { 0 } else { b'\n' }
}

/// `--pretty`, `--filter` (compiled here: a mistake is a usage error that points at it),
/// `-r`, `--filter-strict` and `--decode`.
fn display_config(args: &ClientArgs) -> Result<DisplayConfig, Error> {
    let d = &args.display;
    let filter = match &d.filter {
        Some(expr) => {
            Some(JqFilter::compile(expr, d.raw_output).map_err(|e| Error::usage(e.to_string()))?)
        }
        None => None,
    };
    Ok(DisplayConfig {
        pretty: d.pretty,
        filter,
        raw_output: d.raw_output,
        strict: d.filter_strict,
        decode: d.decode,
        max_size: args.io.max_message_size,
    })
}

/// How output looks. With `--coproc` received data goes to the program, never to the
/// terminal: no colour, no escaping.
fn style(args: &ClientArgs, term: &Terminal, mode: Mode, frames: FrameDump, coproc: bool) -> Style {
    let out = &args.output;
    let (color_out, color_err) = term.colors(out.color);
    let stdout_is_terminal = term.stdout && !coproc;
    Style {
        color_out: color_out && !coproc,
        color_err,
        escape_out: stdout_is_terminal,
        timestamps: out.timestamps,
        jsonl: out.jsonl,
        verbose: out.verbose || mode == Mode::Repl,
        frame_dump: match frames {
            FrameDump::HexDump { bytes } => Some(bytes),
            _ => None,
        },
        handshake_dump: out.dump_handshake,
        show_credentials: args.handshake.show_credentials,
        show_keepalive: out.verbose,
        proto_raw: false,
        binary_output: out.binary_output,
        separator: separator(args),
        interleave: mode == Mode::Pipe && stdout_is_terminal && term.stderr,
    }
}
