//! Events as text for people: direction markers, colour (per stream, as `--color` decided),
//! escaping of whatever the peer sent, hex dumps, and `wscope: error` / `hint` lines. Pure: an
//! event and the style in, the text and its stream out.

mod handshake;
pub(crate) mod notice;
mod proto;

use super::escape::{escape_bytes, escape_terminal};
use super::received::Shown;
use super::{Channel, KEEPALIVE_PREFIX, Style};
use crate::error::Error;
use crate::event::{DataKind, Event, Stamped};
use crate::units::ms;
use crate::wire::frame::{close_code_meaning, close_payload, hex, hexdump};
use crate::wire::opcode::Opcode;
use crate::wire::tap::{Dir, TappedFrame};
use colored::{Color, Colorize};
use handshake::{connection, head_block, response};
use std::borrow::Cow;
use std::fmt::Write as _;
use std::time::SystemTime;

/// The human rendering of an event, if it is shown at all, with where it goes.
pub(crate) fn text_for(ev: &Stamped, style: &Style) -> Option<(Channel, String)> {
    let c = style.color_err;
    let (channel, body) = match &ev.event {
        Event::Message { dir, kind, data } => (Channel::Stdout, message(*dir, *kind, data, style)?),
        // The handshake is shown as it was on the wire, without a time in front.
        Event::Request { bytes } => {
            return style
                .verbose
                .then(|| (Channel::Stderr, head_block(bytes, ">", style)));
        }
        Event::Response(r) => {
            if !style.verbose && r.body.is_none() {
                return None;
            }
            return Some((Channel::Stderr, response(r, style)));
        }
        Event::Frame(f) => (Channel::Stderr, frame(f, style)),
        Event::ProtoMessage {
            dir, kind, data, ..
        } => (
            Channel::Stderr,
            style
                .proto_raw
                .then(|| proto::raw(*dir, *kind, data, style))?,
        ),
        Event::Proto(n) => (Channel::Stderr, proto::note(n, style)?),
        Event::Ping { .. } | Event::Pong { .. } | Event::Close { .. } => {
            (Channel::Stderr, control(&ev.event, style)?)
        }
        Event::Plain(text) => (Channel::Stderr, text.clone()),
        Event::Info(i) => {
            let words = notice::info_words(i, style.show_credentials);
            let text = if notice::is_answer(i) {
                escape_terminal(&words).into_owned()
            } else {
                style
                    .verbose
                    .then(|| info(&escape_terminal(&words), style))?
            };
            (Channel::Stderr, text)
        }
        Event::Warning(w) => (
            Channel::Stderr,
            paint(
                &format!(
                    "wscope: warning: {}",
                    escape_terminal(&notice::warning_words(w))
                ),
                Color::Yellow,
                c,
            ),
        ),
        Event::Failure(e) => (Channel::Stderr, failure(e, c)),
        // For scripts: on the screen, the error (or its absence) and the exit status say it.
        Event::End(_) => return None,
        other => (Channel::Stderr, connection(other, style)?),
    };
    let mut s = String::new();
    if style.timestamps {
        s.push_str(&dim(&clock(ev.at), c));
    }
    s.push_str(&body);
    Some((channel, s))
}

/// `wscope: error: ...` and, when there is one, `hint: ...`: the one place that words them.
pub(crate) fn failure(e: &Error, color: bool) -> String {
    let mut s = paint(
        &format!("wscope: error: {}", escape_terminal(&e.message)),
        Color::Red,
        color,
    );
    if let Some(h) = &e.hint {
        let _ = write!(
            s,
            "\n{}",
            paint(
                &format!("hint: {}", escape_terminal(h)),
                Color::Yellow,
                color
            )
        );
    }
    s
}

pub(crate) fn paint(s: &str, color: Color, on: bool) -> String {
    let mut out = String::with_capacity(s.len());
    push_painted(&mut out, s, color, on);
    out
}

fn push_painted(out: &mut String, s: &str, color: Color, on: bool) {
    if on {
        let _ = write!(out, "{}", s.color(color));
    } else {
        out.push_str(s);
    }
}

pub(crate) fn dim(s: &str, on: bool) -> String {
    if on {
        s.dimmed().to_string()
    } else {
        s.to_string()
    }
}

/// The time of day with milliseconds, for `-t`.
fn clock(t: SystemTime) -> String {
    let s = crate::jsonl::Timestamp::new(t).to_string();
    format!("{} ", s.get(11..23).unwrap_or(""))
}

fn arrow(dir: Dir) -> &'static str {
    match dir {
        Dir::In => "<",
        Dir::Out => ">",
    }
}

/// `* text`: a remark of wscope's own.
pub(crate) fn info(text: &str, style: &Style) -> String {
    paint(&format!("* {text}"), Color::Cyan, style.color_err)
}

fn close_text(code: Option<u16>, reason: &str) -> String {
    match code {
        Some(c) if reason.is_empty() => format!("{c} ({})", close_code_meaning(c)),
        Some(c) => format!(
            "{c} ({}) \"{}\"",
            close_code_meaning(c),
            escape_terminal(reason)
        ),
        None => "without a status code".to_string(),
    }
}

/// A data message in the REPL: what was sent (binary only: text was typed, so it is in view
/// already) or what arrived as it came; received messages come through [`received`].
fn message(dir: Dir, kind: DataKind, data: &[u8], style: &Style) -> Option<String> {
    match (dir, kind) {
        (Dir::Out, DataKind::Text) => None,
        _ => Some(shown_line(dir, &Shown::AsReceived(kind, data), style)),
    }
}

/// What is shown of a received message, as REPL lines: each piece (the message, or each
/// filter result) on a line of its own, marked `<`, with the time in front when asked.
pub(crate) fn received(at: SystemTime, shown: &[Shown], style: &Style) -> Option<String> {
    let mut lines = String::new();
    for piece in shown {
        if !lines.is_empty() {
            lines.push('\n');
        }
        if style.timestamps {
            lines.push_str(&dim(&clock(at), style.color_err));
        }
        lines.push_str(&shown_line(Dir::In, piece, style));
    }
    (!lines.is_empty()).then_some(lines)
}

/// One piece after its direction marker: JSON as laid out, text (escaped on a terminal), or
/// a hex dump of bytes.
fn shown_line(dir: Dir, piece: &Shown, style: &Style) -> String {
    let co = style.color_out;
    let marker = paint(arrow(dir), Color::Yellow, co);
    let color = match dir {
        Dir::In => Color::White,
        Dir::Out => Color::BrightBlack,
    };
    let text = match piece {
        Shown::Json(json) => return format!("{marker} {json}"),
        Shown::Text(text) => Cow::Borrowed(text.as_ref()),
        Shown::AsReceived(DataKind::Text, data) if style.escape_out => {
            Cow::Owned(escape_bytes(data))
        }
        Shown::AsReceived(DataKind::Text, data) => String::from_utf8_lossy(data),
        Shown::AsReceived(DataKind::Binary, data) => return binary_lines(&marker, data, co),
        Shown::Binary(data) => return binary_lines(&marker, data, co),
    };
    format!("{marker} {}", paint(&text, color, co))
}

fn binary_lines(marker: &str, data: &[u8], color: bool) -> String {
    format!(
        "{marker} {}\n{}",
        paint(
            &format!("binary, {} bytes", data.len()),
            Color::Magenta,
            color
        ),
        hexdump(data, "  ")
    )
}

/// Pings, pongs and closes: shown with `-v` (and in the REPL); a clean close with a reason
/// always.
fn control(event: &Event, style: &Style) -> Option<String> {
    let (line, color, always) = match event {
        Event::Ping { dir, payload } => {
            let note = if *dir == Dir::In { " (pong sent)" } else { "" };
            let line = format!("{} ping \"{}\"{note}", arrow(*dir), escape_bytes(payload));
            (line, Color::Blue, false)
        }
        Event::Pong { dir, payload, rtt } => {
            let keepalive = *dir == Dir::In && payload.starts_with(KEEPALIVE_PREFIX);
            if keepalive && !style.show_keepalive {
                return None;
            }
            let rtt = rtt.map(|r| format!(" rtt {}", ms(r))).unwrap_or_default();
            let line = format!("{} pong \"{}\"{rtt}", arrow(*dir), escape_bytes(payload));
            (line, Color::Blue, false)
        }
        Event::Close {
            dir,
            code,
            reason,
            farewell,
        } => {
            // What the server says when it closes cleanly reaches the user in every mode
            // (other codes end in an error that carries the reason), unless it is the expected
            // answer to a protocol's farewell.
            let says_why = *dir == Dir::In
                && !farewell
                && !reason.is_empty()
                && matches!(code, None | Some(1000) | Some(1001));
            let line = format!("{} close {}", arrow(*dir), close_text(*code, reason));
            (line, Color::Yellow, says_why)
        }
        _ => return None,
    };
    (style.verbose || always).then(|| paint(&line, color, style.color_err))
}

/// One frame header line (`-x`) and, with `-X`, the header bytes and the payload's start.
fn frame(f: &TappedFrame, style: &Style) -> String {
    let c = style.color_err;
    let h = &f.record.header;
    let mut line = String::with_capacity(80);
    line.push_str(arrow(f.dir));
    line.push_str(" frame ");
    h.write_summary(&mut line);
    if h.opcode == Opcode::Close {
        match close_payload(&f.record.payload) {
            Some((code, reason)) => {
                let _ = write!(line, " code={}", close_text(Some(code), &reason));
            }
            None if f.record.payload.is_empty() => line.push_str(" (no code)"),
            None => line.push_str(" (1-byte payload: invalid)"),
        }
    }
    if let Some(n) = f.inflated {
        // The message this frame ends was compressed: its size before compression.
        line.push_str(match f.dir {
            Dir::In => " inflated to ",
            Dir::Out => " compressed from ",
        });
        line.push_str(&n.to_string());
        line.push_str(" bytes");
    }
    let mut s = String::with_capacity(line.len() + 16);
    push_painted(&mut s, &line, Color::Magenta, c);
    if let Some(limit) = style.frame_dump {
        let _ = write!(s, "\n{}", dim(&format!("  header {}", hex(h.raw())), c));
        let shown = &f.record.payload[..f.record.payload.len().min(limit)];
        if !shown.is_empty() {
            let _ = write!(s, "\n{}", dim(&hexdump(shown, "  "), c));
        }
        if (shown.len() as u64) < h.payload_len {
            let more = h.payload_len - shown.len() as u64;
            let _ = write!(s, "\n{}", dim(&format!("  ... {more} more bytes"), c));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Kind;
    use std::time::Duration;

    fn at(event: Event) -> Stamped {
        Stamped {
            at: SystemTime::UNIX_EPOCH,
            event,
        }
    }

    fn verbose() -> Style {
        Style {
            verbose: true,
            ..Style::default()
        }
    }

    #[test]
    fn errors_and_hints_are_worded_in_one_place() {
        let e = Error::new(Kind::Connect, "cannot connect\x1b[2J").with_hint("try again");
        assert_eq!(
            failure(&e, false),
            "wscope: error: cannot connect\\x1b[2J\nhint: try again"
        );
        let (channel, text) =
            text_for(&at(Event::Failure(e.clone())), &Style::default()).expect("always shown");
        assert_eq!(channel, Channel::Stderr);
        assert_eq!(text, failure(&e, false));
    }

    #[test]
    fn quiet_pipe_mode_shows_only_what_matters() {
        let quiet = Style::default();
        let hidden = [
            Event::Info(crate::event::Info::FrameDump { on: true }),
            Event::Ping {
                dir: Dir::In,
                payload: vec![],
            },
            Event::Close {
                dir: Dir::In,
                code: Some(1000),
                reason: String::new(),
                farewell: false,
            },
        ];
        for e in hidden {
            assert!(text_for(&at(e), &quiet).is_none());
        }
        let said = text_for(
            &at(Event::Close {
                dir: Dir::In,
                code: Some(1000),
                reason: "bye".into(),
                farewell: false,
            }),
            &quiet,
        )
        .expect("a reason is shown");
        assert_eq!(said.1, "< close 1000 (normal closure) \"bye\"");
    }

    #[test]
    fn timestamps_go_in_front_but_not_of_handshake_lines() {
        let style = Style {
            timestamps: true,
            ..verbose()
        };
        let w = crate::event::Warning::FilterFailed { error: "w".into() };
        let (_, warn) = text_for(&at(Event::Warning(w)), &style).expect("shown");
        assert_eq!(warn, "00:00:00.000 wscope: warning: --filter: w");
        let (_, req) = text_for(
            &at(Event::Request {
                bytes: b"GET / HTTP/1.1\r\nAuthorization: Basic x\r\n\r\n".to_vec(),
            }),
            &style,
        )
        .expect("shown");
        assert_eq!(req, "> GET / HTTP/1.1\n> Authorization: Basic ****");
    }

    #[test]
    fn keepalive_pongs_only_with_verbose_asked() {
        let pong = |show_keepalive| {
            let style = Style {
                show_keepalive,
                ..verbose()
            };
            text_for(
                &at(Event::Pong {
                    dir: Dir::In,
                    payload: b"wscope-keepalive-1".to_vec(),
                    rtt: Some(Duration::from_millis(2)),
                }),
                &style,
            )
        };
        assert!(pong(false).is_none());
        assert_eq!(
            pong(true).expect("shown").1,
            "< pong \"wscope-keepalive-1\" rtt 2.0 ms"
        );
    }
}
