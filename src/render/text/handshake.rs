//! The text of establishing a connection: connecting, TLS, the proxy tunnel, the upgrade
//! request and answer (verbatim, credentials masked), reconnects and the timing summary.

use super::{dim, info, paint};
use crate::event::{Event, Timings};
use crate::render::Style;
use crate::render::escape::{escape_bytes, escape_terminal, mask_credentials};
use crate::units::ms;
use crate::wire::frame::hexdump;
use colored::Color;
use std::fmt::Write as _;
use std::time::Duration;

/// An HTTP head, a line each with `prefix`, credentials masked (and hex-dumped with
/// `--dump-handshake`).
pub(super) fn head_block(bytes: &[u8], prefix: &str, style: &Style) -> String {
    let mut out = String::new();
    let text = String::from_utf8_lossy(bytes);
    let mut lines: Vec<&str> = text.split("\r\n").collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let color = if prefix == ">" {
        Color::Blue
    } else {
        Color::Green
    };
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
    out.pop();
    out
}

pub(super) fn response(
    head: &[u8],
    body: Option<&[u8]>,
    truncated: bool,
    timings: &Timings,
    style: &Style,
) -> String {
    let mut s = head_block(head, "<", style);
    s.push('\n');
    if let Some(body) = body {
        if !body.is_empty() {
            s.push('\n');
            s.push_str(&escape_bytes(body));
            if !s.ends_with('\n') {
                s.push('\n');
            }
        }
        if truncated {
            let _ = writeln!(s, "{}", info("(body truncated)", style));
        }
    }
    s.push_str(&info(
        &format!("Upgrade answered in {}", ms(timings.upgrade)),
        style,
    ));
    s
}

/// Connecting, TLS, proxies, the upgrade's result, reconnects and the timing summary.
pub(super) fn connection(event: &Event, style: &Style) -> Option<String> {
    let shown_always = matches!(event, Event::Reconnect { .. } | Event::Timing { .. });
    if !style.verbose && !shown_always {
        return None;
    }
    Some(match event {
        Event::Connected {
            url,
            peer,
            dns,
            tcp,
        } => info(
            &format!(
                "Connected to {url} ({peer}); dns {}, tcp {}",
                ms(*dns),
                ms(*tcp)
            ),
            style,
        ),
        Event::TlsUp {
            took,
            insecure,
            protocol,
            certificate,
        } => tls_up(*took, *insecure, protocol.as_ref(), certificate, style),
        Event::Tunnel {
            proxy,
            source,
            exchange,
            took,
        } => tunnel(proxy, source, exchange.as_ref(), *took, style),
        Event::Upgraded { negotiated } => {
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
            info(&format!("WebSocket open: {proto}, {ext}"), style)
        }
        Event::Reconnect {
            attempt,
            max,
            delay,
            reason,
        } => {
            let of = max.map(|m| format!(" of {m}")).unwrap_or_default();
            let line = format!(
                "* reconnecting in {:.1} s (attempt {attempt}{of}): {}",
                delay.as_secs_f64(),
                escape_terminal(reason)
            );
            paint(&line, Color::Yellow, style.color_err)
        }
        Event::Timing {
            timings,
            first_message,
            total,
        } => info(
            &format!("timing: {}", timing_parts(timings, *first_message, *total)),
            style,
        ),
        _ => return None,
    })
}

fn timing_parts(t: &Timings, first_message: Option<Duration>, total: Duration) -> String {
    let mut parts = vec![format!("dns {}", ms(t.dns))];
    if let Some(p) = t.proxy {
        parts.push(format!("proxy {}", ms(p)));
    }
    parts.push(format!("connect {}", ms(t.tcp)));
    if let Some(tls) = t.tls {
        parts.push(format!("tls {}", ms(tls)));
    }
    parts.push(format!("upgrade {}", ms(t.upgrade)));
    if let Some(f) = first_message {
        parts.push(format!("first message {}", ms(f)));
    }
    parts.push(format!("total {}", ms(total)));
    parts.join(", ")
}

/// The tunnel through a proxy, with the CONNECT exchange when there was one.
fn tunnel(
    proxy: &str,
    source: &str,
    exchange: Option<&(Vec<u8>, Vec<u8>)>,
    took: Duration,
    style: &Style,
) -> String {
    let mut s = info(
        &format!("Tunnel through {proxy} (from {source}) in {}", ms(took)),
        style,
    );
    if let Some((req, resp)) = exchange {
        s.push('\n');
        s.push_str(&head_block(req, ">", style));
        s.push('\n');
        s.push_str(&head_block(resp, "<", style));
    }
    s
}

/// TLS is up: how long it took, what was negotiated, the server's certificate.
fn tls_up(
    took: Duration,
    insecure: bool,
    protocol: Option<&(String, String)>,
    certificate: &[String],
    style: &Style,
) -> String {
    let note = if insecure {
        " (certificate NOT verified: --insecure)"
    } else {
        ""
    };
    let mut s = info(&format!("TLS established in {}{note}", ms(took)), style);
    if let Some((version, cipher)) = protocol {
        s.push('\n');
        s.push_str(&info(&format!("  protocol: {version}, {cipher}"), style));
    }
    for line in certificate {
        s.push('\n');
        s.push_str(&info(&format!("  {}", escape_terminal(line)), style));
    }
    s
}
