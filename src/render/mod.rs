//! Events to output: human text (colour, direction markers, escaping, hex dumps) or JSON Lines.
//!
//! The formatting functions are pure (`text_for`, `json_for`); [`Output`] routes their results:
//! received data to stdout, everything else to stderr, or everything through rustyline's
//! external printer in the REPL so the line being typed survives.

use crate::event::{DataKind, Event, Stamped};
use crate::output::thread::{Batch, OutputThread, Piece, Waiter};
use crate::wire::frame::{close_code_meaning, close_payload, hex, hexdump, opcode_name};
use crate::wire::tap::Dir;
use base64::Engine as _;
use bytes::Bytes;
use colored::{Color, Colorize};
use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How output looks; decided once from the command line and the terminal.
#[derive(Debug, Clone)]
pub struct Style {
    /// Colour on stdout / stderr (decided per stream).
    pub color_out: bool,
    pub color_err: bool,
    /// Escape control characters (the stream is a terminal).
    pub escape_out: bool,
    pub escape_err: bool,
    pub timestamps: bool,
    pub jsonl: bool,
    /// Show the handshake, pings, pongs and closes (REPL, or `-v` in pipe mode).
    pub verbose: bool,
    /// Hex-dump up to this many payload bytes (and the raw header) of each frame.
    pub frame_dump: Option<usize>,
    /// Also hex-dump the handshake bytes.
    pub handshake_dump: bool,
    /// Show Authorization values instead of masking them.
    pub show_credentials: bool,
    /// Show the pongs answering `--ping-interval` keepalive pings (only with `-v`).
    pub show_keepalive: bool,
    /// How received binary messages go to stdout in pipe mode.
    pub binary_output: BinaryOutput,
    /// What follows every received message on stdout (newline, or NUL with `-0`).
    pub separator: u8,
    /// stdout and stderr are both terminals: write them in one order, as events happened.
    pub interleave: bool,
}

impl Default for Style {
    /// Plain pipe output: no colour, no escaping, messages ended by newlines.
    fn default() -> Self {
        Style {
            color_out: false,
            color_err: false,
            escape_out: false,
            escape_err: false,
            timestamps: false,
            jsonl: false,
            verbose: false,
            frame_dump: None,
            handshake_dump: false,
            show_credentials: false,
            show_keepalive: false,
            binary_output: BinaryOutput::Raw,
            separator: b'\n',
            interleave: false,
        }
    }
}

/// `--binary-output`: how a received binary message is written to stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum BinaryOutput {
    /// The bytes as they are
    #[default]
    Raw,
    /// Lower-case hex digits
    Hex,
    /// Standard base64 with padding
    Base64,
}

impl BinaryOutput {
    /// The message as text in this representation (`Raw` is not text: a lossy view).
    pub fn encode(self, data: &[u8]) -> String {
        match self {
            BinaryOutput::Raw => String::from_utf8_lossy(data).into_owned(),
            BinaryOutput::Hex => {
                let mut s = String::with_capacity(data.len() * 2);
                for b in data {
                    let _ = write!(s, "{b:02x}");
                }
                s
            }
            BinaryOutput::Base64 => base64::engine::general_purpose::STANDARD.encode(data),
        }
    }
}

/// The payload prefix of wscope's own keepalive pings.
pub const KEEPALIVE_PREFIX: &[u8] = b"wscope-keepalive-";

/// Where a rendered piece goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Stdout,
    Stderr,
}

/// Writes one diagnostic line to stderr, ignoring failures (a closed stderr must not end or
/// crash the program, unlike `eprintln!`).
pub fn stderr_line(line: &str) {
    let mut err = io::stderr().lock();
    let _ = err.write_all(line.as_bytes());
    let _ = err.write_all(b"\n");
}

/// Escapes characters that could drive a terminal (C0 except tab and newline, DEL, C1).
pub fn escape_terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) {
            let _ = write!(out, "\\x{:02x}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || ('\u{80}'..='\u{9f}').contains(&c)
}

/// Escapes bytes that are not UTF-8 or that could drive a terminal.
pub fn escape_bytes(b: &[u8]) -> String {
    let lossy = String::from_utf8_lossy(b);
    escape_terminal(&lossy).into_owned()
}

fn paint(s: &str, color: Color, on: bool) -> String {
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

fn dim(s: &str, on: bool) -> String {
    if on {
        s.dimmed().to_string()
    } else {
        s.to_string()
    }
}

/// RFC 3339 UTC timestamp with microseconds.
pub fn rfc3339(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, dd) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{dd:02}T{:02}:{:02}:{:02}.{:06}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_micros()
    )
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn clock(t: SystemTime) -> String {
    let s = rfc3339(t);
    format!("{} ", &s[11..23])
}

pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn arrow(dir: Dir) -> &'static str {
    match dir {
        Dir::In => "<",
        Dir::Out => ">",
    }
}

/// Masks credentials in a header line unless asked to show them.
fn mask_credentials(line: &str, show: bool) -> Cow<'_, str> {
    if show {
        return Cow::Borrowed(line);
    }
    let Some((name, value)) = line.split_once(':') else {
        return Cow::Borrowed(line);
    };
    let n = name.trim();
    if n.eq_ignore_ascii_case("authorization") || n.eq_ignore_ascii_case("proxy-authorization") {
        let value = value.trim();
        let scheme = value.split_whitespace().next().unwrap_or("");
        if scheme.len() < value.len() {
            Cow::Owned(format!("{name}: {scheme} ****"))
        } else {
            Cow::Owned(format!("{name}: ****"))
        }
    } else {
        Cow::Borrowed(line)
    }
}

/// A head with credentials masked, as text.
fn mask_head(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .split("\r\n")
        .map(|l| mask_credentials(l, false).into_owned())
        .collect::<Vec<_>>()
        .join("\r\n")
}

fn head_lines(bytes: &[u8], prefix: &str, style: &Style, color: Color, out: &mut String) {
    let text = String::from_utf8_lossy(bytes);
    let mut lines: Vec<&str> = text.split("\r\n").collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    for line in lines {
        let shown = mask_credentials(line, style.show_credentials);
        let shown = escape_terminal(&shown);
        let _ = writeln!(
            out,
            "{}",
            paint(&format!("{prefix} {shown}"), color, style.color_err)
        );
    }
    if style.handshake_dump {
        let _ = writeln!(out, "{}", dim(&hexdump(bytes, "  "), style.color_err));
    }
}

fn info(text: &str, style: &Style) -> String {
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

/// The human rendering of an event, if it is shown at all, with where it goes.
pub fn text_for(ev: &Stamped, style: &Style) -> Option<(Target, String)> {
    let c = style.color_err;
    let mut s = String::new();
    if style.timestamps {
        s.push_str(&dim(&clock(ev.at), c));
    }
    match &ev.event {
        Event::Connected {
            url,
            peer,
            dns,
            tcp,
        } => {
            if !style.verbose {
                return None;
            }
            s.push_str(&info(
                &format!(
                    "Connected to {url} ({peer}); dns {}, tcp {}",
                    ms(*dns),
                    ms(*tcp)
                ),
                style,
            ));
        }
        Event::TlsUp {
            took,
            insecure,
            protocol,
            certificate,
        } => {
            if !style.verbose {
                return None;
            }
            let note = if *insecure {
                " (certificate NOT verified: --insecure)"
            } else {
                ""
            };
            s.push_str(&info(
                &format!("TLS established in {}{note}", ms(*took)),
                style,
            ));
            if let Some((version, cipher)) = protocol {
                s.push('\n');
                s.push_str(&info(&format!("  protocol: {version}, {cipher}"), style));
            }
            for line in certificate {
                s.push('\n');
                s.push_str(&info(&format!("  {}", escape_terminal(line)), style));
            }
        }
        Event::Reconnect {
            attempt,
            max,
            delay,
            reason,
        } => {
            let of = max.map(|m| format!(" of {m}")).unwrap_or_default();
            s.push_str(&paint(
                &format!(
                    "* reconnecting in {:.1} s (attempt {attempt}{of}): {}",
                    delay.as_secs_f64(),
                    escape_terminal(reason)
                ),
                Color::Yellow,
                c,
            ));
        }
        Event::Timing {
            timings,
            first_message,
            total,
        } => {
            let mut parts = vec![format!("dns {}", ms(timings.dns))];
            if let Some(p) = timings.proxy {
                parts.push(format!("proxy {}", ms(p)));
            }
            parts.push(format!("connect {}", ms(timings.tcp)));
            if let Some(t) = timings.tls {
                parts.push(format!("tls {}", ms(t)));
            }
            parts.push(format!("upgrade {}", ms(timings.upgrade)));
            if let Some(f) = first_message {
                parts.push(format!("first message {}", ms(*f)));
            }
            parts.push(format!("total {}", ms(*total)));
            s.push_str(&info(&format!("timing: {}", parts.join(", ")), style));
        }
        Event::Tunnel {
            proxy,
            source,
            exchange,
            took,
        } => {
            if !style.verbose {
                return None;
            }
            s.push_str(&info(
                &format!("Tunnel through {proxy} (from {source}) in {}", ms(*took)),
                style,
            ));
            if let Some((req, resp)) = exchange {
                s.push('\n');
                head_lines(req, ">", style, Color::Blue, &mut s);
                head_lines(resp, "<", style, Color::Green, &mut s);
                s.pop();
            }
        }
        Event::Request { bytes } => {
            if !style.verbose {
                return None;
            }
            s.clear();
            head_lines(bytes, ">", style, Color::Blue, &mut s);
            s.pop();
        }
        Event::Response {
            head,
            body,
            body_truncated,
            timings,
        } => {
            if !style.verbose && body.is_none() {
                return None;
            }
            s.clear();
            head_lines(head, "<", style, Color::Green, &mut s);
            if let Some(body) = body {
                if !body.is_empty() {
                    s.push('\n');
                    s.push_str(&escape_bytes(body));
                    if !s.ends_with('\n') {
                        s.push('\n');
                    }
                }
                if *body_truncated {
                    let _ = writeln!(s, "{}", info("(body truncated)", style));
                }
            }
            let _ = write!(
                s,
                "{}",
                info(
                    &format!("Upgrade answered in {}", ms(timings.upgrade)),
                    style
                )
            );
        }
        Event::Upgraded { negotiated } => {
            if !style.verbose {
                return None;
            }
            let proto = negotiated
                .protocol
                .as_deref()
                .map(|p| format!("subprotocol '{}'", escape_terminal(p)))
                .unwrap_or_else(|| "no subprotocol".into());
            let ext = if negotiated.extensions.is_empty() {
                "no extensions".to_string()
            } else {
                format!("extensions: {}", negotiated.extensions.join(", "))
            };
            s.push_str(&info(&format!("WebSocket open: {proto}, {ext}"), style));
        }
        Event::Message {
            dir: Dir::Out,
            kind: DataKind::Text,
            ..
        } => {
            // What was sent as text is what the user typed or piped: already in view.
            return None;
        }
        Event::Message { dir, kind, data } => {
            let co = style.color_out;
            let color = match dir {
                Dir::In => Color::White,
                Dir::Out => Color::BrightBlack,
            };
            let marker = paint(arrow(*dir), Color::Yellow, co);
            match kind {
                DataKind::Text => {
                    let text = String::from_utf8_lossy(data);
                    let shown = if style.escape_out {
                        escape_terminal(&text)
                    } else {
                        text
                    };
                    let _ = write!(s, "{marker} {}", paint(&shown, color, co));
                }
                DataKind::Binary => {
                    let _ = write!(
                        s,
                        "{marker} {}\n{}",
                        paint(&format!("binary, {} bytes", data.len()), Color::Magenta, co),
                        hexdump(data, "  ")
                    );
                }
            }
            return Some((Target::Stdout, s));
        }
        Event::Ping { dir, payload } => {
            if !style.verbose {
                return None;
            }
            let note = if *dir == Dir::In { " (pong sent)" } else { "" };
            let _ = write!(
                s,
                "{}",
                paint(
                    &format!("{} ping \"{}\"{note}", arrow(*dir), escape_bytes(payload)),
                    Color::Blue,
                    c
                )
            );
        }
        Event::Pong { dir, payload, rtt } => {
            let keepalive = *dir == Dir::In && payload.starts_with(KEEPALIVE_PREFIX);
            if !style.verbose || (keepalive && !style.show_keepalive) {
                return None;
            }
            let rtt = rtt.map(|r| format!(" rtt {}", ms(r))).unwrap_or_default();
            let _ = write!(
                s,
                "{}",
                paint(
                    &format!("{} pong \"{}\"{rtt}", arrow(*dir), escape_bytes(payload)),
                    Color::Blue,
                    c
                )
            );
        }
        Event::Close { dir, code, reason } => {
            // What the server says when it closes cleanly reaches the user in every mode (other
            // codes end in an error that carries the reason).
            let says_why = *dir == Dir::In
                && !reason.is_empty()
                && matches!(code, None | Some(1000) | Some(1001));
            if !style.verbose && !says_why {
                return None;
            }
            let _ = write!(
                s,
                "{}",
                paint(
                    &format!("{} close {}", arrow(*dir), close_text(*code, reason)),
                    Color::Yellow,
                    c
                )
            );
        }
        Event::Frame(f) => {
            let h = &f.record.header;
            let mut line = String::with_capacity(80);
            line.push_str(arrow(f.dir));
            line.push_str(" frame ");
            h.write_summary(&mut line);
            if h.opcode == 0x8 {
                match close_payload(&f.record.payload) {
                    Some((code, reason)) => {
                        let _ = write!(line, " code={}", close_text(Some(code), &reason));
                    }
                    None if f.record.payload.is_empty() => line.push_str(" (no code)"),
                    None => line.push_str(" (1-byte payload: invalid)"),
                }
            }
            push_painted(&mut s, &line, Color::Magenta, c);
            if let Some(limit) = style.frame_dump {
                let _ = write!(s, "\n{}", dim(&format!("  header {}", hex(h.raw())), c));
                let shown = &f.record.payload[..f.record.payload.len().min(limit)];
                if !shown.is_empty() {
                    let _ = write!(s, "\n{}", dim(&hexdump(shown, "  "), c));
                }
                if (shown.len() as u64) < h.payload_len {
                    let _ = write!(
                        s,
                        "\n{}",
                        dim(
                            &format!("  ... {} more bytes", h.payload_len - shown.len() as u64),
                            c
                        )
                    );
                }
            }
        }
        Event::Plain(text) => {
            s.push_str(text);
        }
        Event::Info(text) => {
            if !style.verbose {
                return None;
            }
            s.push_str(&info(&escape_terminal(text), style));
        }
        Event::Warning(text) => {
            let _ = write!(
                s,
                "{}",
                paint(
                    &format!("wscope: warning: {}", escape_terminal(text)),
                    Color::Yellow,
                    c
                )
            );
        }
        Event::Failure(e) => {
            let _ = write!(
                s,
                "{}",
                paint(
                    &format!("wscope: error: {}", escape_terminal(&e.message)),
                    Color::Red,
                    c
                )
            );
            if let Some(h) = &e.hint {
                let _ = write!(
                    s,
                    "\n{}",
                    paint(&format!("hint: {}", escape_terminal(h)), Color::Yellow, c)
                );
            }
        }
    }
    Some((Target::Stderr, s))
}

/// Appends `s` as a JSON string literal.
pub fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_bytes_field(out: &mut String, data: &[u8]) {
    match std::str::from_utf8(data) {
        Ok(t) => {
            out.push_str(",\"data\":");
            json_str(out, t);
        }
        Err(_) => {
            out.push_str(",\"data\":\"");
            out.push_str(&base64::engine::general_purpose::STANDARD.encode(data));
            out.push_str("\",\"encoding\":\"base64\"");
        }
    }
}

fn dir_name(dir: Dir) -> &'static str {
    match dir {
        Dir::In => "in",
        Dir::Out => "out",
    }
}

fn json_ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

/// The JSON Lines rendering of an event (one object, no trailing newline).
pub fn json_for(ev: &Stamped) -> String {
    let mut o = String::with_capacity(128);
    o.push_str("{\"ts\":\"");
    o.push_str(&rfc3339(ev.at));
    o.push_str("\",\"type\":");
    match &ev.event {
        Event::Connected {
            url,
            peer,
            dns,
            tcp,
        } => {
            o.push_str("\"connected\",\"url\":");
            json_str(&mut o, url);
            let _ = write!(
                o,
                ",\"peer\":\"{peer}\",\"dns_ms\":{},\"tcp_ms\":{}",
                json_ms(*dns),
                json_ms(*tcp)
            );
        }
        Event::TlsUp {
            took,
            insecure,
            protocol,
            certificate,
        } => {
            if let Some((version, cipher)) = protocol {
                let _ = write!(
                    o,
                    "\"tls\",\"protocol\":\"{version}\",\"cipher\":\"{cipher}\","
                );
            } else {
                o.push_str("\"tls\",");
            }
            let _ = write!(
                o,
                "\"tls_ms\":{},\"verified\":{},\"certificate\":[",
                json_ms(*took),
                !insecure
            );
            for (i, line) in certificate.iter().enumerate() {
                if i > 0 {
                    o.push(',');
                }
                json_str(&mut o, line);
            }
            o.push(']');
        }
        Event::Reconnect {
            attempt,
            max,
            delay,
            reason,
        } => {
            let _ = write!(
                o,
                "\"reconnect\",\"attempt\":{attempt},\"max\":{},\"delay_ms\":{},\"reason\":",
                max.map(|m| m.to_string()).unwrap_or_else(|| "null".into()),
                json_ms(*delay)
            );
            json_str(&mut o, reason);
        }
        Event::Timing {
            timings,
            first_message,
            total,
        } => {
            let opt = |d: Option<Duration>| d.map(json_ms).unwrap_or_else(|| "null".into());
            let _ = write!(
                o,
                "\"timing\",\"dns_ms\":{},\"proxy_ms\":{},\"tcp_ms\":{},\"tls_ms\":{},\"upgrade_ms\":{},\"first_message_ms\":{},\"total_ms\":{}",
                json_ms(timings.dns),
                opt(timings.proxy),
                json_ms(timings.tcp),
                opt(timings.tls),
                json_ms(timings.upgrade),
                opt(*first_message),
                json_ms(*total)
            );
        }
        Event::Tunnel {
            proxy,
            source,
            exchange,
            took,
        } => {
            o.push_str("\"proxy\",\"proxy\":");
            json_str(&mut o, proxy);
            o.push_str(",\"source\":");
            json_str(&mut o, source);
            if let Some((req, resp)) = exchange {
                o.push_str(",\"request\":");
                json_str(&mut o, &mask_head(req));
                o.push_str(",\"response\":");
                json_str(&mut o, &String::from_utf8_lossy(resp));
            }
            let _ = write!(o, ",\"proxy_ms\":{}", json_ms(*took));
        }
        Event::Request { bytes } => {
            o.push_str("\"request\",\"head\":");
            json_str(&mut o, &String::from_utf8_lossy(bytes));
        }
        Event::Response {
            head,
            body,
            body_truncated,
            timings,
        } => {
            o.push_str("\"response\",\"head\":");
            json_str(&mut o, &String::from_utf8_lossy(head));
            if let Some(b) = body {
                o.push_str(",\"body\":");
                json_str(&mut o, &String::from_utf8_lossy(b));
                let _ = write!(o, ",\"body_truncated\":{body_truncated}");
            }
            let _ = write!(
                o,
                ",\"timings\":{{\"dns_ms\":{},\"proxy_ms\":{},\"tcp_ms\":{},\"tls_ms\":{},\"upgrade_ms\":{}}}",
                json_ms(timings.dns),
                timings.proxy.map(json_ms).unwrap_or_else(|| "null".into()),
                json_ms(timings.tcp),
                timings.tls.map(json_ms).unwrap_or_else(|| "null".into()),
                json_ms(timings.upgrade)
            );
        }
        Event::Upgraded { negotiated } => {
            o.push_str("\"open\",\"subprotocol\":");
            match &negotiated.protocol {
                Some(p) => json_str(&mut o, p),
                None => o.push_str("null"),
            }
        }
        Event::Message { dir, kind, data } => {
            let _ = write!(
                o,
                "\"message\",\"dir\":\"{}\",\"opcode\":\"{}\",\"len\":{}",
                dir_name(*dir),
                match kind {
                    DataKind::Text => "text",
                    DataKind::Binary => "binary",
                },
                data.len()
            );
            match kind {
                DataKind::Text => json_bytes_field(&mut o, data),
                DataKind::Binary => {
                    o.push_str(",\"data\":\"");
                    o.push_str(&base64::engine::general_purpose::STANDARD.encode(data));
                    o.push_str("\",\"encoding\":\"base64\"");
                }
            }
        }
        Event::Ping { dir, payload } => {
            let _ = write!(
                o,
                "\"ping\",\"dir\":\"{}\",\"len\":{}",
                dir_name(*dir),
                payload.len()
            );
            json_bytes_field(&mut o, payload);
        }
        Event::Pong { dir, payload, rtt } => {
            let _ = write!(
                o,
                "\"pong\",\"dir\":\"{}\",\"len\":{}",
                dir_name(*dir),
                payload.len()
            );
            json_bytes_field(&mut o, payload);
            if let Some(r) = rtt {
                let _ = write!(o, ",\"rtt_ms\":{}", json_ms(*r));
            }
        }
        Event::Close { dir, code, reason } => {
            let _ = write!(o, "\"close\",\"dir\":\"{}\",\"code\":", dir_name(*dir));
            match code {
                Some(c) => {
                    let _ = write!(o, "{c}");
                }
                None => o.push_str("null"),
            }
            o.push_str(",\"reason\":");
            json_str(&mut o, reason);
        }
        Event::Frame(f) => {
            let h = &f.record.header;
            let _ = write!(
                o,
                "\"frame\",\"dir\":\"{}\",\"fin\":{},\"rsv1\":{},\"rsv2\":{},\"rsv3\":{},\"opcode\":{},\"opcode_name\":\"{}\",\"masked\":{},\"mask_key\":{},\"len\":{},\"len_encoding\":\"{}\",\"header\":\"{}\"",
                dir_name(f.dir),
                h.fin,
                h.rsv1,
                h.rsv2,
                h.rsv3,
                h.opcode,
                opcode_name(h.opcode),
                h.mask.is_some(),
                h.mask
                    .map(|k| format!("\"{:02x}{:02x}{:02x}{:02x}\"", k[0], k[1], k[2], k[3]))
                    .unwrap_or_else(|| "null".into()),
                h.payload_len,
                h.len_encoding.name(),
                h.raw()
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>()
            );
            o.push_str(",\"payload\":\"");
            o.push_str(&base64::engine::general_purpose::STANDARD.encode(&f.record.payload));
            o.push_str("\",\"payload_encoding\":\"base64\"");
        }
        Event::Plain(t) | Event::Info(t) => {
            o.push_str("\"info\",\"message\":");
            json_str(&mut o, t);
        }
        Event::Warning(t) => {
            o.push_str("\"warning\",\"message\":");
            json_str(&mut o, t);
        }
        Event::Failure(e) => {
            let _ = write!(
                o,
                "\"error\",\"exit_code\":{},\"message\":",
                e.kind.exit_code()
            );
            json_str(&mut o, &e.message);
            if let Some(h) = &e.hint {
                o.push_str(",\"hint\":");
                json_str(&mut o, h);
            }
        }
    }
    o.push('}');
    o
}

/// A sink for printed lines in the REPL (rustyline's external printer).
pub trait LinePrinter: Send {
    fn print_line(&mut self, line: String);
}

/// Where rendered output ends up. Owned by the session; shared behind a mutex.
///
/// Text is gathered here and handed to the [`OutputThread`] in batches, so the event loop never
/// blocks on a slow reader of our output; [`Output::backlogged`] tells the loops to wait for it.
pub struct Output {
    pub style: Style,
    /// Stdout pieces that come before `stdout_buf` (large payloads passed on without a copy).
    pieces: Vec<Piece>,
    stdout_buf: Vec<u8>,
    /// Diagnostics, handed over at the same moments as stdout (or when they pile up).
    stderr_buf: Vec<u8>,
    /// Bytes in `pieces`, `stdout_buf` and `stderr_buf` together.
    pending: usize,
    printer: Option<Box<dyn LinePrinter>>,
    thread: OutputThread,
}

/// Hand stdout over once this much is gathered; a payload this large goes over as it is.
const STDOUT_HIGH_WATER: usize = 256 * 1024;
/// Less stdout than this is handed over as a copy rather than in its buffer.
const SMALL_HAND_OVER: usize = 16 * 1024;
/// Hand diagnostics over once this much is gathered.
const STDERR_HIGH_WATER: usize = 64 * 1024;

impl Output {
    pub fn new(style: Style, printer: Option<Box<dyn LinePrinter>>) -> Self {
        Self::with_thread(style, printer, OutputThread::stdio())
    }

    /// Output into the given thread's streams (tests write into buffers).
    pub fn with_thread(
        style: Style,
        printer: Option<Box<dyn LinePrinter>>,
        thread: OutputThread,
    ) -> Self {
        Output {
            style,
            pieces: Vec::new(),
            stdout_buf: Vec::new(),
            stderr_buf: Vec::new(),
            pending: 0,
            printer,
            thread,
        }
    }

    /// Writes out everything so far and waits until it is on the terminal: the REPL thread
    /// draws its prompt itself, and must not start while our lines are still going out.
    pub fn settle(&mut self) {
        self.hand_over();
        self.thread.waiter().idle_blocking();
    }

    /// Routes everything through the REPL's printer from now on, after what came before.
    pub fn set_printer(&mut self, printer: Box<dyn LinePrinter>) {
        self.settle();
        self.printer = Some(printer);
    }

    /// Whether stdout has been closed by the reader (e.g. `| head -1`).
    pub fn stdout_gone(&self) -> bool {
        self.thread.stdout_gone()
    }

    /// Whether output waits for a slow reader: take in nothing more until [`wait_room`] says
    /// so.
    pub fn backlogged(&self) -> bool {
        self.pending + self.thread.queued() >= STDOUT_HIGH_WATER
    }

    /// A handle for waiting on the output thread without holding this.
    pub fn waiter(&self) -> Waiter {
        self.thread.waiter()
    }

    /// The hot path: a received data message in plain pipe mode. Every message ends with the
    /// separator; text is written byte-exact, binary raw, as hex or as base64 (`--binary-output`),
    /// and on a terminal escaped or as a hex dump.
    pub fn received(&mut self, kind: DataKind, data: &Bytes) -> io::Result<()> {
        let binary_as = match kind {
            DataKind::Text => BinaryOutput::Raw,
            DataKind::Binary => self.style.binary_output,
        };
        if self.style.jsonl || self.printer.is_some() {
            self.event(Stamped {
                at: SystemTime::now(),
                event: Event::Message {
                    dir: Dir::In,
                    kind,
                    data: data.to_vec(),
                },
            });
        } else if self.style.escape_out {
            let shown = match (kind, binary_as) {
                (DataKind::Text, _) => escape_bytes(data),
                (DataKind::Binary, BinaryOutput::Raw) => hexdump(data, ""),
                (DataKind::Binary, other) => other.encode(data),
            };
            self.put_stdout(shown.as_bytes());
            self.put_stdout(b"\n");
        } else if binary_as != BinaryOutput::Raw {
            let encoded = binary_as.encode(data);
            self.put_message(encoded.as_bytes());
        } else if data.len() >= STDOUT_HIGH_WATER {
            // Large payloads go over as they are instead of through a second copy.
            self.seal_stdout();
            self.pieces.push(Piece::Shared(data.clone()));
            self.pending += data.len();
            self.put_stdout(&[self.style.separator]);
        } else {
            self.put_message(data);
        }
        if self.pending >= STDOUT_HIGH_WATER {
            self.hand_over();
        }
        if self.stdout_gone() {
            return Err(io::ErrorKind::BrokenPipe.into());
        }
        Ok(())
    }

    /// Moves what `stdout_buf` holds into the ordered pieces, so that what comes next goes
    /// after it.
    fn seal_stdout(&mut self) {
        if !self.stdout_buf.is_empty() {
            let buf = self.fresh_buffer();
            self.pieces
                .push(Piece::Owned(std::mem::replace(&mut self.stdout_buf, buf)));
        }
    }

    /// Renders an event to where it belongs.
    pub fn event(&mut self, ev: Stamped) {
        if self.style.jsonl {
            let mut line = json_for(&ev);
            line.push('\n');
            self.write_stdout(line.as_bytes());
            return;
        }
        let Some((target, text)) = text_for(&ev, &self.style) else {
            return;
        };
        if let Some(p) = self.printer.as_mut() {
            p.print_line(text);
            return;
        }
        match target {
            Target::Stdout => {
                self.put_stdout(text.as_bytes());
                self.write_stdout(b"\n");
            }
            Target::Stderr if self.style.interleave => {
                // stdout and stderr are one terminal: keep the order in which things happened.
                self.seal_stdout();
                let mut line = text.into_bytes();
                line.push(b'\n');
                self.pending += line.len();
                self.pieces.push(Piece::Err(line));
            }
            Target::Stderr => {
                self.stderr_buf.extend_from_slice(text.as_bytes());
                self.stderr_buf.push(b'\n');
                self.pending += text.len() + 1;
                if self.stderr_buf.len() >= STDERR_HIGH_WATER {
                    self.hand_over();
                }
            }
        }
    }

    /// Hands buffered diagnostics (and data) over now. A closed stderr must not end the
    /// session, so there is nothing to report.
    pub fn flush_stderr(&mut self) {
        self.hand_over();
    }

    fn put_stdout(&mut self, bytes: &[u8]) {
        self.reserve_stdout(bytes.len());
        self.stdout_buf.extend_from_slice(bytes);
        self.pending += bytes.len();
    }

    /// `bytes`, then the separator: the common case of one received message.
    fn put_message(&mut self, bytes: &[u8]) {
        self.reserve_stdout(bytes.len() + 1);
        self.stdout_buf.extend_from_slice(bytes);
        self.stdout_buf.push(self.style.separator);
        self.pending += bytes.len() + 1;
    }

    fn reserve_stdout(&mut self, n: usize) {
        if self.stdout_buf.capacity() == 0 {
            self.stdout_buf = self.fresh_buffer();
        }
        self.stdout_buf.reserve(n);
    }

    fn write_stdout(&mut self, bytes: &[u8]) {
        self.put_stdout(bytes);
        if self.pending >= STDOUT_HIGH_WATER {
            self.hand_over();
        }
    }

    /// Hands what is gathered to the output thread; an error says stdout's reader is gone.
    /// Never blocks: when the thread is behind, the text stays here (see [`Self::backlogged`]).
    pub fn flush(&mut self) -> io::Result<()> {
        self.hand_over();
        if self.stdout_gone() {
            return Err(io::ErrorKind::BrokenPipe.into());
        }
        Ok(())
    }

    fn hand_over(&mut self) {
        if self.pending == 0 {
            return;
        }
        let mut out = std::mem::take(&mut self.pieces);
        if self.stdout_gone() {
            // Nobody reads it any more; diagnostics still go out.
            out.retain(|p| matches!(p, Piece::Err(_)));
            self.stdout_buf.clear();
        } else if self.stdout_buf.len() < SMALL_HAND_OVER {
            // A few lines (interactive use): a copy, keeping the big buffer here.
            if !self.stdout_buf.is_empty() {
                out.push(Piece::Owned(self.stdout_buf.clone()));
                self.stdout_buf.clear();
            }
        } else {
            let buf = self.fresh_buffer();
            out.push(Piece::Owned(std::mem::replace(&mut self.stdout_buf, buf)));
        }
        let err = std::mem::take(&mut self.stderr_buf);
        self.pending = 0;
        if !out.is_empty() || !err.is_empty() {
            self.thread.push(Batch { err, out });
        }
    }

    /// A buffer for stdout, reused from the output thread when one has come back.
    fn fresh_buffer(&mut self) -> Vec<u8> {
        self.thread
            .spare()
            .unwrap_or_else(|| Vec::with_capacity(STDOUT_HIGH_WATER + 16 * 1024))
    }
}

/// Waits until the output thread has taken enough that [`Output::backlogged`] is over.
pub async fn wait_room(waiter: &Waiter) {
    waiter.room(STDOUT_HIGH_WATER).await
}

/// Hands everything over and waits until it has been written. The last thing a run does, so
/// no message is lost at exit.
pub async fn drain(out: &std::sync::Mutex<Output>) {
    let waiter = {
        let mut o = crate::sync::lock(out);
        o.hand_over();
        o.waiter()
    };
    waiter.idle().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer into memory that the test can read back.
    #[derive(Clone, Default)]
    struct Memory(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl Write for Memory {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            crate::sync::lock(&self.0).extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn large_and_small_messages_come_out_in_order_and_whole() {
        let (out, err) = (Memory::default(), Memory::default());
        let thread = OutputThread::with_sinks(Box::new(out.clone()), Box::new(err.clone()));
        let output = std::sync::Mutex::new(Output::with_thread(Style::default(), None, thread));
        let big = Bytes::from(vec![b'b'; STDOUT_HIGH_WATER + 1]);
        let mut want = Vec::new();
        for i in 0..20 {
            let small = Bytes::from(format!("small {i}"));
            let behind = {
                let mut o = crate::sync::lock(&output);
                o.received(DataKind::Text, &small).unwrap();
                want.extend_from_slice(&small);
                want.push(b'\n');
                if i % 3 == 0 {
                    o.received(DataKind::Binary, &big).unwrap();
                    want.extend_from_slice(&big);
                    want.push(b'\n');
                }
                o.backlogged().then(|| o.waiter())
            };
            if let Some(w) = behind {
                wait_room(&w).await;
            }
        }
        crate::sync::lock(&output).event(Stamped {
            at: SystemTime::now(),
            event: Event::Warning("a diagnostic".into()),
        });
        drain(&output).await;
        assert!(crate::sync::lock(&out.0).as_slice() == want.as_slice());
        assert!(String::from_utf8_lossy(&crate::sync::lock(&err.0)).contains("a diagnostic"));
    }

    #[test]
    fn escapes_terminal_controls_only() {
        assert_eq!(escape_terminal("a\tb\nc"), "a\tb\nc");
        assert_eq!(escape_terminal("\x1b[31mred\r"), "\\x1b[31mred\\x0d");
        assert_eq!(escape_terminal("\u{9b}2J"), "\\x9b2J");
        assert_eq!(escape_terminal("héllo ✓"), "héllo ✓");
    }

    #[test]
    fn rfc3339_known_dates() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000000Z");
        let t = UNIX_EPOCH + Duration::from_micros(1_795_000_000_123_456);
        assert_eq!(rfc3339(t), "2026-11-18T11:06:40.123456Z");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(rfc3339(leap), "2000-02-29T00:00:00.000000Z");
    }

    #[test]
    fn credentials_are_masked() {
        assert_eq!(
            mask_credentials("Authorization: Basic dTpw", false),
            "Authorization: Basic ****"
        );
        assert_eq!(
            mask_credentials("authorization: tok", false),
            "authorization: ****"
        );
        assert_eq!(
            mask_credentials("Authorization: Basic dTpw", true),
            "Authorization: Basic dTpw"
        );
        assert_eq!(mask_credentials("X: y", false), "X: y");
    }

    #[test]
    fn json_escapes_strings() {
        let mut s = String::new();
        json_str(&mut s, "a\"b\\c\n\u{1}é");
        assert_eq!(s, "\"a\\\"b\\\\c\\n\\u0001é\"");
    }
}
