//! The text of establishing a connection: connecting, TLS, the proxy tunnel, the upgrade
//! request and answer (verbatim, credentials masked), reconnects and the timing summary.

use super::{dim, info, paint};
use crate::event::{Event, Response, Timings, TlsUp, Tunnel};
use crate::net::transport::Peer;
use crate::render::Style;
use crate::render::escape::{escape_bytes, escape_terminal, mask_credentials};
use crate::units::ms;
use crate::wire::frame::hexdump;
use crate::wire::target::shown_url;
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

pub(super) fn response(r: &Response, style: &Style) -> String {
    let mut s = head_block(&r.head, "<", style);
    s.push('\n');
    if let Some(body) = &r.body {
        if !body.is_empty() {
            s.push('\n');
            s.push_str(&escape_bytes(body));
            if !s.ends_with('\n') {
                s.push('\n');
            }
        }
        if r.body_truncated {
            let _ = writeln!(s, "{}", info("(body truncated)", style));
        }
    }
    s.push_str(&info(
        &format!("Upgrade answered in {}", ms(r.timings.upgrade)),
        style,
    ));
    s
}

/// Connecting, TLS, proxies, the upgrade's result, reconnects and the timing summary.
pub(super) fn connection(event: &Event, style: &Style) -> Option<String> {
    let shown_always = matches!(event, Event::Reconnect(_) | Event::Timing(_));
    if !style.verbose && !shown_always {
        return None;
    }
    Some(match event {
        Event::Connected(c) => {
            let took = match c.peer {
                Peer::Tcp(_) => format!("dns {}, tcp {}", ms(c.dns), ms(c.tcp)),
                Peer::Unix(_) => format!("connect {}", ms(c.tcp)),
            };
            let url = shown_url(&c.url, style.show_credentials);
            info(&format!("Connected to {url} ({}); {took}", c.peer), style)
        }
        Event::TlsUp(t) => tls_up(t, style),
        Event::Tunnel(t) => tunnel(t, style),
        Event::Upgraded { negotiated, .. } => {
            let proto = negotiated
                .protocol
                .as_deref()
                .map(|p| format!("subprotocol '{}'", escape_terminal(p)))
                .unwrap_or_else(|| "no subprotocol".into());
            let ext = if negotiated.extensions.is_empty() {
                "no extensions".to_string()
            } else {
                format!(
                    "extensions: {}",
                    escape_terminal(&negotiated.extensions.join(", "))
                )
            };
            let mut s = info(&format!("WebSocket open: {proto}, {ext}"), style);
            if let Some(agreed) = &negotiated.deflate {
                s.push('\n');
                s.push_str(&info(
                    &format!("  permessage-deflate: {}", agreed.describe()),
                    style,
                ));
            }
            s
        }
        Event::Reconnect(r) => {
            let of = r.max.map(|m| format!(" of {m}")).unwrap_or_default();
            let line = format!(
                "* reconnecting in {:.1} s (attempt {}{of}): {}",
                r.delay.as_secs_f64(),
                r.attempt,
                escape_terminal(&r.reason)
            );
            paint(&line, Color::Yellow, style.color_err)
        }
        Event::Timing(t) => info(
            &format!(
                "timing: {}",
                timing_parts(&t.timings, t.first_message, t.total)
            ),
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
fn tunnel(t: &Tunnel, style: &Style) -> String {
    let mut s = info(
        &format!(
            "Tunnel through {} (from {}) in {}",
            t.proxy,
            t.source,
            ms(t.took)
        ),
        style,
    );
    if let Some((req, resp)) = &t.exchange {
        s.push('\n');
        s.push_str(&head_block(req, ">", style));
        s.push('\n');
        s.push_str(&head_block(resp, "<", style));
    }
    s
}

/// TLS is up: how long it took, what was negotiated, the server's certificate.
fn tls_up(t: &TlsUp, style: &Style) -> String {
    let note = if t.insecure {
        " (certificate NOT verified: --insecure)"
    } else {
        ""
    };
    let mut s = info(&format!("TLS established in {}{note}", ms(t.took)), style);
    if let Some((version, cipher)) = &t.protocol {
        s.push('\n');
        s.push_str(&info(&format!("  protocol: {version}, {cipher}"), style));
    }
    for line in &t.certificate {
        s.push('\n');
        s.push_str(&info(&format!("  {}", escape_terminal(line)), style));
    }
    s
}
